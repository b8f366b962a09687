CREATE SEQUENCE order_no_seq;
CREATE SEQUENCE ticket_seq AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 99999 CACHE 1 NO CYCLE;
CREATE SEQUENCE small_seq AS smallint;
CREATE SEQUENCE countdown_seq INCREMENT BY -1;
CREATE TABLE invoice (
    id       integer PRIMARY KEY,
    order_no bigint
);
SELECT nextval('order_no_seq'), nextval('ticket_seq');

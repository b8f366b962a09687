CREATE SEQUENCE order_no_seq INCREMENT BY 10 CACHE 20 OWNED BY NONE;
CREATE SEQUENCE ticket_seq AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 999999 CACHE 1 CYCLE;
CREATE SEQUENCE small_seq AS integer;       -- type widened: max follows the new type
CREATE SEQUENCE countdown_seq INCREMENT BY -1 MINVALUE -1000 START WITH -1;
CREATE SEQUENCE invoice_no_seq AS bigint START WITH 1000 INCREMENT BY 1 MINVALUE 1000 MAXVALUE 999999999 CACHE 5;
COMMENT ON SEQUENCE invoice_no_seq IS 'Human-facing invoice numbers';
CREATE TABLE invoice (
    id       integer PRIMARY KEY,
    order_no bigint DEFAULT nextval('order_no_seq')
);
ALTER SEQUENCE order_no_seq OWNED BY invoice.order_no;

CREATE TABLE public.customer (
    id   integer PRIMARY KEY,
    name text NOT NULL
);

CREATE SCHEMA legacy;
COMMENT ON SCHEMA legacy IS 'Old import tables, to be removed';

CREATE SEQUENCE legacy.batch_seq;

CREATE TABLE legacy.import_row (
    id          integer PRIMARY KEY DEFAULT nextval('legacy.batch_seq'),
    customer_id integer REFERENCES public.customer (id),
    payload     text
);

CREATE VIEW legacy.import_summary AS
    SELECT customer_id, count(*) AS n FROM legacy.import_row GROUP BY customer_id;

CREATE FUNCTION legacy.row_count() RETURNS bigint
    LANGUAGE sql STABLE AS $$ SELECT count(*) FROM legacy.import_row $$;

CREATE TYPE legacy.import_state AS ENUM ('pending', 'done');

INSERT INTO public.customer VALUES (1, 'Ada');
INSERT INTO legacy.import_row (customer_id, payload) VALUES (1, 'x');

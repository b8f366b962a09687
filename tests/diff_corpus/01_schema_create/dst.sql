CREATE TABLE public.note (
    id   integer PRIMARY KEY,
    body text
);
INSERT INTO public.note VALUES (1, 'hello'), (2, 'world');

CREATE SCHEMA billing;
COMMENT ON SCHEMA billing IS 'Invoices and payments';

CREATE TABLE billing.invoice (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    note_id integer REFERENCES public.note (id),
    amount  numeric(12,2) NOT NULL DEFAULT 0
);

CREATE SCHEMA empty_ns;

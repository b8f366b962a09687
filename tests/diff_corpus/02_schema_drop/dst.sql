CREATE TABLE public.customer (
    id   integer PRIMARY KEY,
    name text NOT NULL
);
INSERT INTO public.customer VALUES (1, 'Ada');

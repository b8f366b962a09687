CREATE TABLE public.note (
    id   integer PRIMARY KEY,
    body text
);
INSERT INTO public.note VALUES (1, 'hello'), (2, 'world');

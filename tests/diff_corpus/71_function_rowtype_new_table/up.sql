BEGIN;
SET LOCAL check_function_bodies = off;
CREATE TABLE "public"."line_item" (
  "id" integer NOT NULL,
  "product_id" integer NOT NULL,
  "qty" integer NOT NULL,
  CONSTRAINT "line_item_pkey" PRIMARY KEY (id)
);
ALTER TABLE "public"."line_item" ADD CONSTRAINT "line_item_product_id_fkey" FOREIGN KEY (product_id) REFERENCES public.product(id);
CREATE FUNCTION "public"."line_count"() RETURNS bigint
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
BEGIN ATOMIC
 SELECT count(*) AS count
    FROM public.line_item;
END;
CREATE FUNCTION "public"."line_total"(li public.line_item) RETURNS numeric
 LANGUAGE "sql" STABLE PARALLEL UNSAFE
RETURN (SELECT (p.price * ((line_total.li).qty)::numeric) FROM public.product p WHERE (p.id = (line_total.li).product_id));
COMMIT;

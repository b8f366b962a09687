BEGIN;
SET LOCAL check_function_bodies = off;
CREATE FUNCTION "public"."is_valid_sku"(s text) RETURNS boolean
 LANGUAGE "sql" IMMUTABLE STRICT PARALLEL UNSAFE
AS $body$ SELECT s ~ '^[A-Z]{2}-[0-9]+$' $body$;
CREATE FUNCTION "public"."new_code"() RETURNS text
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
AS $body$ SELECT 'c' || substr(md5(random()::text), 1, 8) $body$;
CREATE FUNCTION "public"."touch_updated_at"() RETURNS trigger
 LANGUAGE "plpgsql" VOLATILE PARALLEL UNSAFE
AS $body$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$body$;
ALTER TABLE "public"."product" ALTER COLUMN "code" SET DEFAULT public.new_code();
ALTER TABLE "public"."product" ADD CONSTRAINT "product_sku_valid" CHECK (public.is_valid_sku(sku)) NOT VALID;
CREATE TRIGGER product_touch BEFORE INSERT OR UPDATE ON public.product FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."product" VALIDATE CONSTRAINT "product_sku_valid";

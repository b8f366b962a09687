-- keel:no-transaction (new enum values must be committed before they are used)
ALTER TYPE "shop"."order_state" ADD VALUE IF NOT EXISTS 'paid' BEFORE 'shipped';
ALTER TYPE "shop"."order_state" ADD VALUE IF NOT EXISTS 'returned';
BEGIN;
SET LOCAL check_function_bodies = off;
DROP VIEW "shop"."order_totals";
DROP TRIGGER "order_audit" ON "shop"."order";
ALTER TABLE "shop"."order" DROP CONSTRAINT "order_customer_id_fkey";
ALTER TABLE "shop"."order_line" DROP CONSTRAINT "order_line_order_id_fkey";
DROP INDEX "shop"."customer_legacy_idx";
CREATE SCHEMA "reporting";
CREATE EXTENSION "btree_gist" WITH SCHEMA "public" VERSION '1.7';
CREATE TYPE "shop"."dimensions" AS ("w" numeric, "h" numeric, "d" numeric);
CREATE OR REPLACE FUNCTION "audit"."log_change"() RETURNS trigger
 LANGUAGE "plpgsql" VOLATILE PARALLEL UNSAFE SECURITY DEFINER
 SET search_path TO 'audit', 'pg_temp'
AS $body$
BEGIN
    INSERT INTO audit.log (tbl, op) VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP);
    RETURN NULL;
END $body$;
CREATE FUNCTION "shop"."slugify"(t text) RETURNS text
 LANGUAGE "sql" IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(regexp_replace(t, '[^a-zA-Z0-9]+'::text, '-'::text, 'g'::text));
CREATE TABLE "shop"."promo" (
  "id" integer NOT NULL,
  "code" public.citext NOT NULL,
  "shop_id" integer NOT NULL,
  "valid" daterange NOT NULL,
  CONSTRAINT "promo_code_key" UNIQUE (code),
  CONSTRAINT "promo_pkey" PRIMARY KEY (id),
  CONSTRAINT "promo_shop_id_valid_excl" EXCLUDE USING gist (shop_id WITH =, valid WITH &&)
);
ALTER TABLE "audit"."log" SET (autovacuum_enabled=false);
ALTER TABLE "shop"."customer" ALTER COLUMN "name" TYPE character varying(200);
ALTER TABLE "shop"."customer" ADD CONSTRAINT "name_keel_not_null" CHECK ("name" IS NOT NULL) NOT VALID;
ALTER TABLE "shop"."customer" ALTER COLUMN "created_at" DROP DEFAULT;
ALTER TABLE "shop"."customer" ALTER COLUMN "created_at" TYPE timestamp with time zone USING "created_at"::timestamp with time zone;
ALTER TABLE "shop"."customer" ALTER COLUMN "created_at" SET DEFAULT now();
ALTER TABLE "shop"."product" ADD COLUMN "slug" text GENERATED ALWAYS AS (shop.slugify(title)) STORED;
ALTER TABLE "shop"."customer" ADD COLUMN "vip" boolean DEFAULT false NOT NULL;
COMMENT ON COLUMN "shop"."customer"."vip" IS 'Gets free shipping';
ALTER TABLE "shop"."product" ADD COLUMN "size" shop.dimensions;
ALTER TABLE "shop"."order_line" ADD CONSTRAINT "order_line_qty_check" CHECK ((qty > 0)) NOT VALID;
ALTER TABLE "shop"."product" ADD CONSTRAINT "product_title_check" CHECK ((title <> ''::text)) NOT VALID;
ALTER TABLE "shop"."order" ADD CONSTRAINT "order_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES shop.customer(id) ON DELETE CASCADE NOT VALID;
ALTER TABLE "shop"."order_line" ADD CONSTRAINT "order_line_order_id_fkey" FOREIGN KEY (order_id) REFERENCES shop."order"(id) ON DELETE CASCADE NOT VALID;
CREATE VIEW "shop"."order_totals" AS
 SELECT o.id,
    o.customer_id,
    sum(l.qty::numeric * p.price::numeric) AS total
   FROM shop."order" o
     JOIN shop.order_line l ON l.order_id = o.id
     JOIN shop.product p ON p.id = l.product_id
  GROUP BY o.id;
CREATE MATERIALIZED VIEW "reporting"."customer_revenue" AS
 SELECT c.id,
    c.email,
    COALESCE(sum(t.total), 0::numeric) AS revenue
   FROM shop.customer c
     LEFT JOIN shop.order_totals t ON t.customer_id = c.id
  GROUP BY c.id, c.email
WITH DATA;
CREATE UNIQUE INDEX customer_revenue_id_key ON reporting.customer_revenue USING btree (id);
CREATE TRIGGER customer_audit AFTER INSERT OR DELETE ON shop.customer FOR EACH ROW EXECUTE FUNCTION audit.log_change();
CREATE TRIGGER order_audit AFTER INSERT OR DELETE OR UPDATE ON shop."order" FOR EACH ROW EXECUTE FUNCTION audit.log_change();
ALTER TABLE "shop"."order" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "order_owner" ON "shop"."order" FOR SELECT TO PUBLIC USING ((customer_id = (current_setting('shop.customer_id'::text, true))::integer));
COMMENT ON SCHEMA "shop" IS 'Storefront (v2)';
ALTER TABLE "shop"."customer" DROP COLUMN "legacy_id";
DROP TABLE "audit"."old_events";
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "shop"."customer" VALIDATE CONSTRAINT "name_keel_not_null";
ALTER TABLE "shop"."customer" ALTER COLUMN "name" SET NOT NULL;
ALTER TABLE "shop"."customer" DROP CONSTRAINT "name_keel_not_null";
ALTER TABLE "shop"."order" VALIDATE CONSTRAINT "order_customer_id_fkey";
ALTER TABLE "shop"."order_line" VALIDATE CONSTRAINT "order_line_order_id_fkey";
ALTER TABLE "shop"."product" VALIDATE CONSTRAINT "product_title_check";
CREATE INDEX CONCURRENTLY customer_vip_idx ON shop.customer USING btree (id) WHERE vip;
CREATE UNIQUE INDEX CONCURRENTLY product_slug_key ON shop.product USING btree (slug);

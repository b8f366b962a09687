BEGIN;
ALTER TABLE "public"."child" DROP CONSTRAINT "child_parent_id_fkey";
ALTER TABLE "public"."child" ALTER COLUMN "id" TYPE bigint USING "id"::bigint;
ALTER TABLE "public"."child" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;
ALTER TABLE "public"."parent" ALTER COLUMN "id" TYPE bigint USING "id"::bigint;
ALTER TABLE "public"."child" ALTER COLUMN "parent_id" TYPE bigint USING "parent_id"::bigint;
ALTER TABLE "public"."parent" ALTER COLUMN "name" TYPE character varying(200);
ALTER TABLE "public"."child" ALTER COLUMN "code" TYPE integer USING "code"::integer;
ALTER TABLE "public"."child" ALTER COLUMN "price" TYPE numeric(12,4);
ALTER TABLE "public"."child" ALTER COLUMN "seen_at" TYPE timestamp with time zone USING "seen_at"::timestamp with time zone;
ALTER TABLE "public"."child" ALTER COLUMN "flag" DROP DEFAULT;
ALTER TABLE "public"."child" ALTER COLUMN "flag" TYPE integer USING "flag"::integer;
ALTER TABLE "public"."child" ALTER COLUMN "flag" SET DEFAULT 0;
ALTER TABLE "public"."child" ADD CONSTRAINT "child_parent_id_fkey" FOREIGN KEY (parent_id) REFERENCES public.parent(id) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."child" VALIDATE CONSTRAINT "child_parent_id_fkey";

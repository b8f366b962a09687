BEGIN;
CREATE TABLE "public"."visitors" (
  "id" integer,
  "name" text
);
ALTER TABLE "public"."visitors" OF public.person;
ALTER TABLE "public"."guests" NOT OF;
ALTER TABLE "public"."staff" ADD CONSTRAINT "id_keel_not_null" CHECK ("id" IS NOT NULL) NOT VALID;
ALTER TABLE "public"."staff" OF public.person;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."staff" VALIDATE CONSTRAINT "id_keel_not_null";
ALTER TABLE "public"."staff" ALTER COLUMN "id" SET NOT NULL;
ALTER TABLE "public"."staff" DROP CONSTRAINT "id_keel_not_null";
CREATE UNIQUE INDEX CONCURRENTLY staff_pkey ON public.staff USING btree (id);
ALTER TABLE "public"."staff" ADD CONSTRAINT "staff_pkey" PRIMARY KEY USING INDEX "staff_pkey";

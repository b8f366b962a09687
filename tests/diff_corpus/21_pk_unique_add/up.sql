BEGIN;
ALTER TABLE "public"."country" ADD CONSTRAINT "code_keel_not_null" CHECK ("code" IS NOT NULL) NOT VALID;
COMMIT;
-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)
ALTER TABLE "public"."country" VALIDATE CONSTRAINT "code_keel_not_null";
ALTER TABLE "public"."country" ALTER COLUMN "code" SET NOT NULL;
ALTER TABLE "public"."country" DROP CONSTRAINT "code_keel_not_null";
CREATE UNIQUE INDEX CONCURRENTLY country_name_key ON public.country USING btree (name);
ALTER TABLE "public"."country" ADD CONSTRAINT "country_name_key" UNIQUE USING INDEX "country_name_key";
CREATE UNIQUE INDEX CONCURRENTLY country_pkey ON public.country USING btree (code);
ALTER TABLE "public"."country" ADD CONSTRAINT "country_pkey" PRIMARY KEY USING INDEX "country_pkey";
CREATE UNIQUE INDEX CONCURRENTLY subscriber_email_key ON public.subscriber USING btree (email) NULLS NOT DISTINCT;
ALTER TABLE "public"."subscriber" ADD CONSTRAINT "subscriber_email_key" UNIQUE USING INDEX "subscriber_email_key";
CREATE UNIQUE INDEX CONCURRENTLY subscriber_handle_phone_key ON public.subscriber USING btree (handle, phone);
ALTER TABLE "public"."subscriber" ADD CONSTRAINT "subscriber_handle_phone_key" UNIQUE USING INDEX "subscriber_handle_phone_key" DEFERRABLE INITIALLY DEFERRED;
CREATE UNIQUE INDEX CONCURRENTLY subscriber_pkey ON public.subscriber USING btree (id);
ALTER TABLE "public"."subscriber" ADD CONSTRAINT "subscriber_pkey" PRIMARY KEY USING INDEX "subscriber_pkey";

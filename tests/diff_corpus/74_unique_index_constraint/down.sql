BEGIN;
ALTER TABLE "public"."session" DROP CONSTRAINT "session_pkey";
CREATE UNIQUE INDEX session_pkey ON public.session USING btree (token);
ALTER TABLE "public"."account" DROP CONSTRAINT "account_email_key";
CREATE UNIQUE INDEX account_email_key ON public.account USING btree (email);
COMMENT ON INDEX "public"."account_email_key" IS 'one account per address';
ALTER TABLE "public"."account" ADD CONSTRAINT "account_login_key" UNIQUE USING INDEX "account_login_key";
COMMIT;

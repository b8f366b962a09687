BEGIN;
ALTER TABLE "public"."account" DROP CONSTRAINT "account_login_key";
CREATE UNIQUE INDEX account_login_key ON public.account USING btree (login);
ALTER TABLE "public"."account" ADD CONSTRAINT "account_email_key" UNIQUE USING INDEX "account_email_key";
ALTER TABLE "public"."session" ADD CONSTRAINT "session_pkey" PRIMARY KEY USING INDEX "session_pkey";
COMMIT;

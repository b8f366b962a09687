BEGIN;
DROP VIEW "public"."rich_handles";
DROP VIEW "public"."rich_accounts";
DROP VIEW "public"."account_public";
ALTER TABLE "public"."account" ALTER COLUMN "balance" DROP DEFAULT;
ALTER TABLE "public"."account" ALTER COLUMN "balance" TYPE integer USING "balance"::integer;
ALTER TABLE "public"."account" ALTER COLUMN "balance" SET DEFAULT 0;
ALTER TABLE "public"."account" ALTER COLUMN "handle" TYPE character varying(30);
CREATE VIEW "public"."rich_accounts" AS
 SELECT a.id,
    a.handle,
    a.balance
   FROM public.account a
  WHERE a.balance > 1000;
CREATE VIEW "public"."account_public" AS
 SELECT account.id,
    account.handle
   FROM public.account;
CREATE VIEW "public"."rich_handles" AS
 SELECT rich_accounts.handle
   FROM public.rich_accounts;
COMMIT;

BEGIN;
DROP VIEW "public"."rich_handles";
DROP VIEW "public"."account_public";
DROP VIEW "public"."rich_accounts";
ALTER TABLE "public"."account" ALTER COLUMN "handle" TYPE character varying(100);
ALTER TABLE "public"."account" ALTER COLUMN "balance" DROP DEFAULT;
ALTER TABLE "public"."account" ALTER COLUMN "balance" TYPE bigint USING "balance"::bigint;
ALTER TABLE "public"."account" ALTER COLUMN "balance" SET DEFAULT 0;
CREATE VIEW "public"."account_public" AS
 SELECT account.id,
    account.handle
   FROM public.account;
CREATE VIEW "public"."rich_accounts" AS
 SELECT a.id,
    a.handle,
    a.balance
   FROM public.account a
  WHERE a.balance > 1000;
CREATE VIEW "public"."rich_handles" AS
 SELECT rich_accounts.handle
   FROM public.rich_accounts;
COMMIT;

BEGIN;
DROP COLLATION "public"."case_insensitive";
CREATE COLLATION "public"."case_insensitive" (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
CREATE COLLATION "public"."posix.c" (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
ALTER TABLE "public"."people" ADD COLUMN "code" text COLLATE public."posix.c";
COMMENT ON COLLATION "public"."german" IS 'phone book order';
DROP COLLATION "public"."plain_c";
COMMIT;

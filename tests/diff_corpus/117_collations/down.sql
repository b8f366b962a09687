BEGIN;
CREATE COLLATION "public"."plain_c" (provider = libc, lc_collate = 'C', lc_ctype = 'C');
COMMENT ON COLLATION "public"."german" IS NULL;
ALTER TABLE "public"."people" DROP COLUMN "code";
DROP COLLATION "public"."posix.c";
DROP COLLATION "public"."case_insensitive";
CREATE COLLATION "public"."case_insensitive" (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
COMMIT;

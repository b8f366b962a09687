BEGIN;
SET LOCAL check_function_bodies = off;
DROP TYPE "public"."timerange";
DROP FUNCTION "public"."time_diff"(a time without time zone, b time without time zone);
DROP SEQUENCE "public"."temp_seq";
ALTER SEQUENCE "public"."ticket_seq" SET LOGGED;
ALTER SEQUENCE "public"."scratch_seq" SET UNLOGGED;
DROP TYPE "public"."floatrange";
COMMIT;

BEGIN;
ALTER TABLE "public"."book" DROP CONSTRAINT "book_author_id_fkey";
ALTER SEQUENCE "public"."audit_log_id_seq" OWNED BY NONE;
DROP TABLE "public"."audit_log";
DROP TABLE "public"."author";
DROP SEQUENCE "public"."audit_log_id_seq";
COMMIT;

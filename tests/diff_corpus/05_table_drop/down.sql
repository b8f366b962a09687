BEGIN;
CREATE SEQUENCE "public"."audit_log_id_seq" AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;
CREATE TABLE "public"."author" (
  "id" integer NOT NULL,
  "name" text NOT NULL,
  CONSTRAINT "author_pkey" PRIMARY KEY (id)
);
CREATE TABLE "public"."audit_log" (
  "id" bigint DEFAULT nextval('public.audit_log_id_seq'::regclass) NOT NULL,
  "msg" text,
  CONSTRAINT "audit_log_pkey" PRIMARY KEY (id)
);
ALTER SEQUENCE "public"."audit_log_id_seq" OWNED BY "public"."audit_log"."id";
ALTER TABLE "public"."book" ADD CONSTRAINT "book_author_id_fkey" FOREIGN KEY (author_id) REFERENCES public.author(id);
COMMIT;

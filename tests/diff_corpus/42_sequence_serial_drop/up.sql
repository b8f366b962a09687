BEGIN;
ALTER SEQUENCE "public"."legacy_ref_seq" OWNED BY NONE;
CREATE SEQUENCE "public"."widget_id_seq" AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1 NO CYCLE;
CREATE SEQUENCE "public"."widget_log_id_seq" AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE;
CREATE TABLE "public"."widget_log" (
  "id" bigint DEFAULT nextval('public.widget_log_id_seq'::regclass) NOT NULL,
  "widget_id" integer,
  "msg" text,
  CONSTRAINT "widget_log_pkey" PRIMARY KEY (id)
);
ALTER TABLE "public"."widget" ADD COLUMN "id" integer DEFAULT nextval('public.widget_id_seq'::regclass) NOT NULL;
ALTER SEQUENCE "public"."widget_id_seq" OWNED BY "public"."widget"."id";
ALTER SEQUENCE "public"."widget_log_id_seq" OWNED BY "public"."widget_log"."id";
ALTER TABLE "public"."widget" DROP COLUMN "legacy_ref";
DROP SEQUENCE "public"."legacy_ref_seq";
DROP SEQUENCE "public"."unused_seq";
COMMIT;

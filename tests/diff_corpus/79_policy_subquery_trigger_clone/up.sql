BEGIN;
DROP POLICY "doc_read" ON "public"."doc";
ALTER TABLE "public"."grp" ALTER COLUMN "gid" TYPE bigint USING "gid"::bigint;
ALTER TABLE "public"."p1" DISABLE TRIGGER "t1";
CREATE POLICY "doc_read" ON "public"."doc" FOR ALL TO PUBLIC USING ((gid IN ( SELECT g.gid
   FROM public.grp g
  WHERE (g.member = CURRENT_USER))));
COMMIT;

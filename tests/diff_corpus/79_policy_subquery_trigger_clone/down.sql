BEGIN;
DROP POLICY "doc_read" ON "public"."doc";
ALTER TABLE "public"."p1" ENABLE TRIGGER "t1";
ALTER TABLE "public"."grp" ALTER COLUMN "gid" TYPE integer USING "gid"::integer;
CREATE POLICY "doc_read" ON "public"."doc" FOR ALL TO PUBLIC USING ((gid IN ( SELECT g.gid
   FROM public.grp g
  WHERE (g.member = CURRENT_USER))));
COMMIT;

BEGIN;
DROP INDEX "public"."reading_v";
CREATE INDEX sample_v ON public.sample USING btree (v);
CREATE INDEX reading_low_custom ON public.reading_low USING btree (v);
COMMIT;

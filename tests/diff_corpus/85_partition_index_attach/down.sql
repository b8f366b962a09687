BEGIN;
DROP INDEX "public"."sample_v";
CREATE INDEX sample_low_custom ON public.sample_low USING btree (v);
CREATE INDEX reading_v ON public.reading USING btree (v);
COMMIT;

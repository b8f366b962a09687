BEGIN;
SET LOCAL check_function_bodies = off;
COMMENT ON AGGREGATE "public"."product"(integer) IS NULL;
DROP AGGREGATE "public"."weighted_sum"(numeric, numeric);
DROP AGGREGATE "public"."csv_agg"(text);
DROP FUNCTION "public"."weighted_sum_step"(state numeric, v numeric, w numeric);
DROP FUNCTION "public"."text_concat_step"(state text[], v text);
DROP FUNCTION "public"."text_concat_final"(state text[]);
COMMIT;

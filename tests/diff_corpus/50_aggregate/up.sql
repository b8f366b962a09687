BEGIN;
SET LOCAL check_function_bodies = off;
CREATE FUNCTION "public"."text_concat_final"(state text[]) RETURNS text
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT array_to_string(state, ',') $body$;
CREATE FUNCTION "public"."text_concat_step"(state text[], v text) RETURNS text[]
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
AS $body$ SELECT CASE WHEN v IS NULL THEN state ELSE state || v END $body$;
CREATE FUNCTION "public"."weighted_sum_step"(state numeric, v numeric, w numeric) RETURNS numeric
 LANGUAGE "sql" IMMUTABLE STRICT PARALLEL UNSAFE
AS $body$ SELECT state + v * w $body$;
CREATE AGGREGATE "public"."csv_agg"(text) (SFUNC = public.text_concat_step, STYPE = text[], FINALFUNC = public.text_concat_final, INITCOND = '{}', PARALLEL = SAFE);
CREATE AGGREGATE "public"."weighted_sum"(numeric, numeric) (SFUNC = public.weighted_sum_step, STYPE = numeric, INITCOND = '0');
COMMENT ON AGGREGATE "public"."product"(integer) IS 'Product of all non-null inputs';
COMMIT;

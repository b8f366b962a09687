BEGIN;
SET LOCAL check_function_bodies = off;
CREATE OR REPLACE FUNCTION "public"."double_it"(x integer) RETURNS integer
 LANGUAGE "sql" IMMUTABLE PARALLEL UNSAFE
RETURN (x + x);
CREATE FUNCTION "public"."bump"(p_name text) RETURNS bigint
 LANGUAGE "sql" VOLATILE PARALLEL UNSAFE
BEGIN ATOMIC
 INSERT INTO public.counter (name)
   VALUES (bump.p_name) ON CONFLICT(name) DO NOTHING;
 UPDATE public.counter SET value = (counter.value + 1)
   WHERE (counter.name = bump.p_name);
 SELECT counter.value
    FROM public.counter
   WHERE (counter.name = bump.p_name);
END;
CREATE FUNCTION "public"."counter_total"() RETURNS bigint
 LANGUAGE "sql" STABLE PARALLEL SAFE
RETURN (SELECT COALESCE(sum(counter.value), (0)::numeric) AS "coalesce" FROM public.counter);
COMMIT;

BEGIN;
DROP CAST (public.level AS text);
DROP CAST (public.mood AS integer);
CREATE CAST (public.mood AS integer) WITH FUNCTION public.mood_score(public.mood) AS ASSIGNMENT;
DROP TYPE "public"."level";
COMMIT;

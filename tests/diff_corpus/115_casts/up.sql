BEGIN;
CREATE TYPE "public"."level" AS ENUM ('low', 'high');
DROP CAST (public.mood AS integer);
CREATE CAST (public.mood AS integer) WITH FUNCTION public.mood_score(public.mood) AS IMPLICIT;
COMMENT ON CAST (public.mood AS integer) IS 'position in the enum';
CREATE CAST (public.level AS text) WITH INOUT;
COMMIT;

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE FUNCTION mood_score(m mood) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT array_position(enum_range(NULL::mood), m) $$;
CREATE CAST (mood AS integer) WITH FUNCTION mood_score(mood) AS IMPLICIT;
COMMENT ON CAST (mood AS integer) IS 'position in the enum';
CREATE TYPE level AS ENUM ('low', 'high');
CREATE CAST (level AS text) WITH INOUT;

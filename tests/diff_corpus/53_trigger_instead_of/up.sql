BEGIN;
SET LOCAL check_function_bodies = off;
CREATE FUNCTION "public"."person_full_insert"() RETURNS trigger
 LANGUAGE "plpgsql" VOLATILE PARALLEL UNSAFE
AS $body$
BEGIN
    INSERT INTO person (first_name, last_name)
    VALUES (split_part(NEW.full_name, ' ', 1), split_part(NEW.full_name, ' ', 2))
    RETURNING id INTO NEW.id;
    RETURN NEW;
END $body$;
CREATE TRIGGER person_full_ins INSTEAD OF INSERT ON public.person_full FOR EACH ROW EXECUTE FUNCTION public.person_full_insert();
COMMENT ON TRIGGER "person_full_ins" ON "public"."person_full" IS 'makes the view insertable';
COMMIT;

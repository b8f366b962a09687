BEGIN;
SET LOCAL check_function_bodies = off;
DROP TRIGGER "account_log_trg" ON "public"."account";
DROP TRIGGER "account_old" ON "public"."account";
DROP TRIGGER "account_touch" ON "public"."account";
CREATE FUNCTION "public"."count_changes"() RETURNS trigger
 LANGUAGE "plpgsql" VOLATILE PARALLEL UNSAFE
AS $body$
BEGIN
    INSERT INTO account_log (op) SELECT TG_OP || ':' || count(*) FROM new_rows;
    RETURN NULL;
END $body$;
CREATE TRIGGER account_log_trg AFTER INSERT OR UPDATE OF status ON public.account FOR EACH ROW EXECUTE FUNCTION public.log_account();
CREATE TRIGGER account_touch BEFORE UPDATE ON public.account FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION public.touch();
COMMENT ON TRIGGER "account_touch" ON "public"."account" IS 'maintains updated_at';
CREATE TRIGGER account_bulk AFTER UPDATE ON public.account REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.count_changes();
CREATE CONSTRAINT TRIGGER account_check_later AFTER INSERT ON public.account DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.log_account();
COMMIT;

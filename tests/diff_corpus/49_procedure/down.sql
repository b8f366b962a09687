BEGIN;
SET LOCAL check_function_bodies = off;
CREATE PROCEDURE "public"."old_cleanup"()
 LANGUAGE "sql"
AS $body$ DELETE FROM job WHERE state = 'done' $body$;
DROP PROCEDURE "public"."requeue_failed"(IN max_tries integer, INOUT requeued integer);
DROP PROCEDURE "public"."purge_done"(IN keep integer);
CREATE PROCEDURE "public"."requeue_failed"()
 LANGUAGE "plpgsql"
AS $body$
BEGIN
    UPDATE job SET state = 'queued' WHERE state = 'failed';
END
$body$;
COMMIT;

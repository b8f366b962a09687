BEGIN;
SET LOCAL check_function_bodies = off;
DROP PROCEDURE "public"."requeue_failed"();
CREATE PROCEDURE "public"."purge_done"(IN keep integer)
 LANGUAGE "sql"
BEGIN ATOMIC
 DELETE FROM public.job
   WHERE ((job.state = 'done'::text) AND (job.id < purge_done.keep));
END;
COMMENT ON PROCEDURE "public"."purge_done"(IN keep integer) IS 'Delete finished jobs below an id';
CREATE PROCEDURE "public"."requeue_failed"(IN max_tries integer, INOUT requeued integer DEFAULT NULL::integer)
 LANGUAGE "plpgsql"
 SET search_path TO 'public'
AS $body$
BEGIN
    UPDATE job SET state = 'queued', tries = tries + 1 WHERE state = 'failed' AND tries < max_tries;
    GET DIAGNOSTICS requeued = ROW_COUNT;
END
$body$;
DROP PROCEDURE "public"."old_cleanup"();
COMMIT;

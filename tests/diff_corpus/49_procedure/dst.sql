CREATE TABLE job (
    id     integer PRIMARY KEY,
    state  text NOT NULL DEFAULT 'queued',
    tries  integer NOT NULL DEFAULT 0
);
-- body changed, argument added -> a different procedure signature (drop old, create new)
CREATE PROCEDURE requeue_failed(max_tries integer, INOUT requeued integer DEFAULT NULL)
    LANGUAGE plpgsql
    SET search_path = public
    AS $$
BEGIN
    UPDATE job SET state = 'queued', tries = tries + 1 WHERE state = 'failed' AND tries < max_tries;
    GET DIAGNOSTICS requeued = ROW_COUNT;
END
$$;
-- old_cleanup dropped; SQL-standard body procedure created
CREATE PROCEDURE purge_done(keep integer)
    LANGUAGE sql
BEGIN ATOMIC
    DELETE FROM job WHERE state = 'done' AND id < keep;
END;
COMMENT ON PROCEDURE purge_done(integer) IS 'Delete finished jobs below an id';

CREATE TABLE job (
    id     integer PRIMARY KEY,
    state  text NOT NULL DEFAULT 'queued',
    tries  integer NOT NULL DEFAULT 0
);
CREATE PROCEDURE requeue_failed()
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE job SET state = 'queued' WHERE state = 'failed';
END
$$;
CREATE PROCEDURE old_cleanup() LANGUAGE sql AS $$ DELETE FROM job WHERE state = 'done' $$;

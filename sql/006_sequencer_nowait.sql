-- The sequencer for busy writers: numbers the committed events unless another sequencer is already at
-- work, in which case it returns NULL at once instead of queueing behind it. What the running one did not
-- see is numbered by the next call (every writer calls it, and each server calls it on a timer), so
-- writers never wait on one another just to number events.
CREATE OR REPLACE FUNCTION chat_sequence_events_nowait() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    numbered bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('liftline.chat_events.sequencer')) THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(max(seq), 0) INTO last_seq FROM chat_events;
    WITH todo AS (
        SELECT id, row_number() OVER (ORDER BY id) AS rn FROM chat_events WHERE seq IS NULL
    )
    UPDATE chat_events e SET seq = last_seq + todo.rn FROM todo WHERE e.id = todo.id;
    GET DIAGNOSTICS numbered = ROW_COUNT;
    IF numbered > 0 THEN
        PERFORM pg_notify('liftline_events', (last_seq + numbered)::text);
    END IF;
    RETURN last_seq + numbered;
END
$$;

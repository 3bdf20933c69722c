-- The sequencer for busy writers: numbers the committed events unless another sequencer is already at
-- work, in which case it returns NULL at once instead of queueing behind it. What the running one did not
-- see is numbered by the next call (every writer calls one, and each server calls it on a timer), so
-- writers never wait on one another just to number events.
CREATE OR REPLACE FUNCTION chat_sequence_events_nowait() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('liftline.chat_events.sequencer')) THEN
        RETURN NULL;
    END IF;
    RETURN chat_number_committed_events();
END
$$;

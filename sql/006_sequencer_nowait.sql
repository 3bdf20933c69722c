-- Busy writers should not queue behind one another just to number events. The numbering itself moves
-- into one function that expects the sequencer lock to be held; chat_sequence_events() waits for the
-- lock, chat_sequence_events_nowait() returns NULL at once when another sequencer is at work. What a
-- running sequencer did not see is numbered by the next call (every writer calls one, and each server
-- calls it on a timer).
CREATE OR REPLACE FUNCTION chat_number_committed_events() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    numbered bigint;
BEGIN
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

CREATE OR REPLACE FUNCTION chat_sequence_events() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('liftline.chat_events.sequencer'));
    RETURN chat_number_committed_events();
END
$$;

CREATE OR REPLACE FUNCTION chat_sequence_events_nowait() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('liftline.chat_events.sequencer')) THEN
        RETURN NULL;
    END IF;
    RETURN chat_number_committed_events();
END
$$;

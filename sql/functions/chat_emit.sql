-- A transaction that sends NOTIFY holds a database-wide lock from its commit until its commit record is
-- on disk, so notifying transactions commit one at a time. Measured: a webhook body's processing (which
-- commits without waiting for the disk) waited 5-30 ms behind the sequencer's synchronous commit just to
-- announce its events. The server's own connections set liftline.writer = 'server' and number their events
-- themselves; only other systems' writes (the original server's, a psql session) announce theirs, so that
-- a listening server numbers them at once.
CREATE OR REPLACE FUNCTION chat_emit(p_event text, p_ticket_id integer, p_data json) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_events (event, ticket_id, data) VALUES (p_event, p_ticket_id, p_data);
    IF current_setting('liftline.writer', true) IS DISTINCT FROM 'server' THEN
        -- Delivered at commit (and once per transaction): a listening server then runs the sequencer.
        PERFORM pg_notify('liftline_pending', '');
    END IF;
END
$$;

-- The sequencer: one at a time across every server on the database.
CREATE OR REPLACE FUNCTION chat_sequence_events() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('liftline.chat_events.sequencer'));
    RETURN chat_number_committed_events();
END
$$;

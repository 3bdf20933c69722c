-- A transaction that changes a conversation twice (an inbound message renews the window, then is stored)
-- announces it once, in its final state: consoles take conversation.updated as a whole, so the earlier
-- one only cost every console its bytes. The earlier one is dropped (it was never numbered, so no console
-- saw it) and the final one comes last, after the message events of the same transaction. The earlier
-- event's id is kept in a transaction-local setting, so it is found by its key: a search of the
-- unnumbered events cost a scan of chat_events per message (processing fell from ~1,000 to ~300 msg/s).
CREATE OR REPLACE FUNCTION chat_conversation_changed(p_ticket_id integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    j json;
    mark text := 'liftline.conversation_event_' || p_ticket_id;
    earlier text;
BEGIN
    j := chat_conversation_refresh(p_ticket_id);
    IF j IS NULL THEN
        RETURN;
    END IF;
    earlier := current_setting(mark, true);
    IF earlier IS NOT NULL AND earlier <> '' THEN
        DELETE FROM chat_events WHERE id = earlier::bigint AND seq IS NULL;
    END IF;
    PERFORM chat_emit('conversation.updated', p_ticket_id, j);
    PERFORM set_config(mark, currval(pg_get_serial_sequence('chat_events', 'id'))::text, true);
END
$$;

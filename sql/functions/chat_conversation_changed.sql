-- A transaction that changes a conversation twice (an inbound message renews the window, then is stored;
-- a batch of webhook bodies writes to one ticket several times) announces it once, in its final state:
-- consoles take conversation.updated as a whole, so the earlier one only cost every console its bytes.
-- The earlier one is dropped (it was never numbered, so no console saw it) and the final one comes last,
-- after the message events of the same transaction. The earlier event's id is found by its key: a search
-- of the unnumbered events cost a scan of chat_events per message (processing fell from ~1,000 to ~300
-- msg/s).
-- The ids are kept in one transaction-local setting, ",ticket:event,ticket:event,", never in a setting
-- named per ticket: PostgreSQL 15 keeps the name of every custom setting a connection ever set, and each
-- new name costs a sort of them all (6 ms a call on a connection that had written 20,000 tickets).
CREATE OR REPLACE FUNCTION chat_conversation_changed(p_ticket_id integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    j json;
    marks text;
    key text := ',' || p_ticket_id || ':';
    place integer;
    earlier text;
BEGIN
    j := chat_conversation_refresh(p_ticket_id);
    IF j IS NULL THEN
        RETURN;
    END IF;
    marks := coalesce(nullif(current_setting('liftline.conversation_events', true), ''), ',');
    place := strpos(marks, key);
    IF place > 0 THEN
        earlier := split_part(substr(marks, place + length(key)), ',', 1);
        DELETE FROM chat_events
         WHERE id = earlier::bigint AND seq IS NULL AND ticket_id = p_ticket_id AND event = 'conversation.updated';
        marks := replace(marks, key || earlier || ',', ',');
    END IF;
    PERFORM chat_emit('conversation.updated', p_ticket_id, j);
    PERFORM set_config('liftline.conversation_events',
                       marks || p_ticket_id || ':' || currval('chat_events_id_seq'::regclass) || ',', true);
END
$$;

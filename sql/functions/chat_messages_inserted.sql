-- One conversation.updated per ticket and statement, after the row triggers have updated the counters.
CREATE OR REPLACE FUNCTION chat_messages_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.ticket_id)
    FROM (SELECT DISTINCT ticket_id FROM new_rows ORDER BY ticket_id) t;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION chat_messages_row_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chat_ticket_summary AS s (ticket_id, message_count, unread_count, last_message_id,
                                          last_message_at, last_message_preview)
    VALUES (NEW.ticket_id, 1, CASE WHEN NEW.direction = 'inbound' AND NOT NEW.read_by_agent THEN 1 ELSE 0 END,
            NEW.id, NEW.created_at, chat_message_preview(NEW))
    ON CONFLICT (ticket_id) DO UPDATE SET
        message_count = s.message_count + 1,
        unread_count = s.unread_count + EXCLUDED.unread_count,
        last_message_id = greatest(s.last_message_id, EXCLUDED.last_message_id),
        last_message_at = CASE WHEN s.last_message_id IS NULL OR EXCLUDED.last_message_id > s.last_message_id
                               THEN EXCLUDED.last_message_at ELSE s.last_message_at END,
        last_message_preview = CASE WHEN s.last_message_id IS NULL OR EXCLUDED.last_message_id > s.last_message_id
                                    THEN EXCLUDED.last_message_preview ELSE s.last_message_preview END;
    PERFORM chat_emit('message.created', NEW.ticket_id, chat_message_to_json(NEW));
    RETURN NULL;
END
$$;

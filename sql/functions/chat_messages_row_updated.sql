CREATE OR REPLACE FUNCTION chat_messages_row_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.ticket_id <> OLD.ticket_id THEN
        PERFORM chat_refresh_summary(OLD.ticket_id);
        PERFORM chat_refresh_summary(NEW.ticket_id);
    ELSIF (OLD.direction = 'inbound' AND NOT OLD.read_by_agent)
          IS DISTINCT FROM (NEW.direction = 'inbound' AND NOT NEW.read_by_agent) THEN
        UPDATE chat_ticket_summary
           SET unread_count = greatest(0, unread_count
               + CASE WHEN NEW.direction = 'inbound' AND NOT NEW.read_by_agent THEN 1 ELSE -1 END)
         WHERE ticket_id = NEW.ticket_id;
    END IF;
    PERFORM chat_emit('message.updated', NEW.ticket_id, chat_message_to_json(NEW));
    RETURN NULL;
END
$$;

-- An attachment's file was kept, refused or given up on, or its last attempt failed: the message that carries
-- it is announced again, on its ticket or in the unassigned list, whoever made the change. The message's row
-- is locked first, so that a status or a read announced at the same moment is numbered before or after
-- this, never computed beside it; a message attached meanwhile is announced on its ticket.
CREATE OR REPLACE FUNCTION chat_attachment_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    m chat_messages;
    u chat_unassigned;
BEGIN
    IF NEW.message_id IS NOT NULL THEN
        SELECT * INTO m FROM chat_messages WHERE id = NEW.message_id FOR NO KEY UPDATE;
    ELSE
        SELECT * INTO m FROM chat_messages WHERE wa_message_id = NEW.wa_message_id FOR NO KEY UPDATE;
        IF m.id IS NULL THEN
            SELECT * INTO u FROM chat_unassigned WHERE wa_message_id = NEW.wa_message_id FOR NO KEY UPDATE;
            IF u.attached_at IS NOT NULL THEN
                SELECT * INTO m FROM chat_messages WHERE wa_message_id = NEW.wa_message_id FOR NO KEY UPDATE;
            END IF;
        END IF;
    END IF;
    IF m.id IS NOT NULL THEN
        PERFORM chat_emit('message.updated', m.ticket_id, chat_message_to_json(m));
    ELSIF u.id IS NOT NULL AND u.attached_at IS NULL THEN
        PERFORM chat_emit('unassigned.updated', NULL, chat_unassigned_to_json(u));
    END IF;
    RETURN NULL;
END
$$;

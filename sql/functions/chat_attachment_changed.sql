-- An attachment's file was kept, refused or given up on: the message that carries it is announced again,
-- on its ticket or in the unassigned list, whoever made the change.
CREATE OR REPLACE FUNCTION chat_attachment_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    m chat_messages;
    u chat_unassigned;
BEGIN
    IF NEW.message_id IS NOT NULL THEN
        SELECT * INTO m FROM chat_messages WHERE id = NEW.message_id;
    ELSE
        SELECT * INTO m FROM chat_messages WHERE wa_message_id = NEW.wa_message_id;
    END IF;
    IF m.id IS NOT NULL THEN
        PERFORM chat_emit('message.updated', m.ticket_id, chat_message_to_json(m));
        RETURN NULL;
    END IF;
    SELECT * INTO u FROM chat_unassigned WHERE wa_message_id = NEW.wa_message_id;
    IF u.id IS NOT NULL THEN
        PERFORM chat_emit('unassigned.updated', NULL, chat_unassigned_to_json(u));
    END IF;
    RETURN NULL;
END
$$;

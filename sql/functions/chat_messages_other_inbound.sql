-- Liftline stores every inbound message with its WhatsApp id; a row without one was written by another
-- system when it received the message, so its time stands for WhatsApp's.
CREATE OR REPLACE FUNCTION chat_messages_other_inbound() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM whatsapp_renew_window(NEW.from_number, coalesce(NEW.created_at, now()));
    RETURN NULL;
END
$$;

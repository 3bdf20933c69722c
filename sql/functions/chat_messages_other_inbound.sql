-- Liftline stores every inbound message with its WhatsApp id; a row without one was written by another
-- system when it received the message, so its time stands for WhatsApp's. The conversations the window's
-- renewal and the statement's trigger store are locked first, in ticket order.
CREATE OR REPLACE FUNCTION chat_messages_other_inbound() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_lock_number_conversations(NEW.ticket_id, NEW.from_number);
    PERFORM whatsapp_renew_window(NEW.from_number, coalesce(NEW.created_at, now()));
    RETURN NULL;
END
$$;

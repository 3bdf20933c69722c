CREATE OR REPLACE FUNCTION chat_tickets_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(NEW.id);
    RETURN NULL;
END
$$;

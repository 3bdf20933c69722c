CREATE OR REPLACE FUNCTION chat_contact_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.id) FROM tickets t
     WHERE t.responded_by = NEW.id AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
     ORDER BY t.id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION chat_window_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.id) FROM tickets t JOIN contacts c ON c.id = t.responded_by
     WHERE c.primary_msisdn = NEW.number AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
     ORDER BY t.id;
    RETURN NULL;
END
$$;

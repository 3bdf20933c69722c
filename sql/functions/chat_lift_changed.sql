-- A conversation also shows its lift, its technician and the technician's 24-hour window: when those
-- change, the listed conversations (open, or closed within the hour) that show them change too.
CREATE OR REPLACE FUNCTION chat_lift_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.id) FROM tickets t
     WHERE t.lift_id = NEW.id AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
     ORDER BY t.id;
    RETURN NULL;
END
$$;

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

CREATE OR REPLACE FUNCTION chat_contact_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.id) FROM tickets t
     WHERE t.responded_by = NEW.id AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
     ORDER BY t.id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION chat_window_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.id) FROM tickets t JOIN contacts c ON c.id = t.responded_by
     WHERE c.primary_msisdn = NEW.number AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
     ORDER BY t.id;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS chat_lift_changed ON lifts;
CREATE TRIGGER chat_lift_changed AFTER UPDATE ON lifts
    FOR EACH ROW WHEN (OLD.site_name IS DISTINCT FROM NEW.site_name OR OLD.building IS DISTINCT FROM NEW.building
                       OR OLD.msisdn IS DISTINCT FROM NEW.msisdn)
    EXECUTE FUNCTION chat_lift_changed();
DROP TRIGGER IF EXISTS chat_contact_changed ON contacts;
CREATE TRIGGER chat_contact_changed AFTER UPDATE ON contacts
    FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name
                       OR OLD.primary_msisdn IS DISTINCT FROM NEW.primary_msisdn)
    EXECUTE FUNCTION chat_contact_changed();
DROP TRIGGER IF EXISTS chat_window_changed ON chat_windows;
CREATE TRIGGER chat_window_changed AFTER INSERT OR UPDATE OF last_inbound_at ON chat_windows
    FOR EACH ROW EXECUTE FUNCTION chat_window_changed();

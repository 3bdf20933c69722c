-- A lift's technicians change (the registry import, the original system's admin pages): its listed
-- conversations change with them.
CREATE OR REPLACE FUNCTION chat_lift_contacts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.id) FROM tickets t
     WHERE t.lift_id IN (NEW.lift_id, OLD.lift_id)
       AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
     ORDER BY t.id;
    RETURN NULL;
END
$$;

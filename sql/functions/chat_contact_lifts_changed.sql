CREATE OR REPLACE FUNCTION chat_contact_lifts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.id) FROM tickets t
     WHERE t.lift_id IN (SELECT lc.lift_id FROM lift_contacts lc WHERE lc.contact_id = NEW.id)
       AND t.responded_by IS DISTINCT FROM NEW.id -- chat_contact_changed has those
       AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
     ORDER BY t.id;
    RETURN NULL;
END
$$;

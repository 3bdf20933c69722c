-- An incident card's version as the API and the incident.updated event show it.
CREATE OR REPLACE FUNCTION incident_card_to_json(c incident_cards) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'ticket_id', c.ticket_id,
        'version', c.version,
        'people_trapped', c.people_trapped,
        'injuries', c.injuries,
        'position', c.position,
        'services', c.services,
        'released_at', liftline_iso(c.released_at),
        'notes', c.notes,
        'edited_by', c.edited_by,
        'edited_at', liftline_iso(c.edited_at))
$$;

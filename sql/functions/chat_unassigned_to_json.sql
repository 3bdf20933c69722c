-- An unassigned item as GET /api/chat/unassigned lists it and the unassigned.* events carry it.
-- contact_name is the registry's name for the number, when it has one.
CREATE OR REPLACE FUNCTION chat_unassigned_to_json(u chat_unassigned) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', u.id,
        'direction', 'inbound',
        'from_number', u.from_number,
        'profile_name', u.profile_name,
        'contact_name', (SELECT c.display_name FROM contacts c WHERE c.primary_msisdn = u.from_number),
        'user_id', u.user_id,
        'message', u.message,
        'kind', u.kind,
        'wa_timestamp', liftline_iso(u.wa_timestamp),
        'context_wa_id', u.context_wa_id,
        'media_id', u.media_id,
        'created_at', liftline_iso(u.created_at),
        'agent_requested', u.agent_requested,
        'agent_requested_at', liftline_iso(u.agent_requested_at),
        'acknowledged_at', liftline_iso(u.acknowledged_at),
        'acknowledged_by', u.acknowledged_by,
        'attached_ticket_id', u.attached_ticket_id,
        'attached_at', liftline_iso(u.attached_at),
        'attached_by', u.attached_by)
$$;

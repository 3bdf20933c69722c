CREATE OR REPLACE FUNCTION chat_conversation_to_json(r chat_conversation_rows) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id,
        'lift_id', r.lift_id,
        'status', r.status,
        'ticket_reference', r.ticket_reference,
        'agent_requested', r.agent_requested,
        'agent_requested_at', liftline_iso(r.agent_requested_at),
        'acknowledged_at', liftline_iso(r.acknowledged_at),
        'acknowledged_by', r.acknowledged_by,
        'agent_replied_at', CASE WHEN r.agent_requested THEN liftline_iso(chat_ticket_replied_at(r.id)) END,
        'responded_by', r.responded_by,
        'created_at', liftline_iso(r.created_at),
        'resolved_at', liftline_iso(r.resolved_at),
        'site_name', r.site_name,
        'building', r.building,
        'lift_msisdn', r.lift_msisdn,
        'lift_name', r.lift_name,
        'lift_technicians', CASE WHEN r.responded_by IS NULL THEN chat_lift_technicians(r.lift_id) END,
        'contact_name', r.contact_name,
        'contact_phone', r.contact_phone,
        'message_count', r.message_count,
        'unread_count', r.unread_count,
        'last_message_at', liftline_iso(r.last_message_at),
        'last_message_preview', r.last_message_preview,
        'window_expires_at', liftline_iso(r.window_expires_at))
$$;

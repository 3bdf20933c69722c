-- A message as the API and the events carry it. "automatic": sent by the system (sent_by 'automatic'), such
-- as the technician's confirmation that an agent has their request; not a person's reply.
CREATE OR REPLACE FUNCTION chat_message_to_json(m chat_messages) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', m.id,
        'ticket_id', m.ticket_id,
        'from_number', m.from_number,
        'to_number', m.to_number,
        'message', m.message,
        'direction', m.direction,
        'agent_name', m.agent_name,
        'read_by_agent', m.read_by_agent,
        'created_at', liftline_iso(m.created_at),
        'wa_timestamp', liftline_iso(m.wa_timestamp),
        'kind', m.kind,
        'status', m.status,
        'wa_message_id', m.wa_message_id,
        'error', CASE WHEN m.error_code IS NULL AND m.error_message IS NULL THEN NULL
                      ELSE json_build_object('code', m.error_code, 'message', m.error_message) END,
        'client_message_id', m.client_message_id,
        'automatic', m.sent_by IS NOT DISTINCT FROM 'automatic')
$$;

-- A reply to a number that has no ticket, as the API and the unassigned.replied event carry it: the shape of
-- an outbound message (chat_message_to_json), with the unassigned message it answered instead of a ticket.
CREATE OR REPLACE FUNCTION chat_direct_message_to_json(d chat_direct_messages) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id,
        'unassigned_id', d.unassigned_id,
        'ticket_id', d.attached_ticket_id,
        'to_number', d.to_number,
        'message', d.message,
        'direction', 'outbound',
        'agent_name', d.agent_name,
        'created_at', liftline_iso(d.created_at),
        'kind', 'text',
        'status', d.status,
        'wa_message_id', d.wa_message_id,
        'error', CASE WHEN d.error_code IS NULL AND d.error_message IS NULL THEN NULL
                      ELSE json_build_object('code', d.error_code, 'message', d.error_message) END,
        'client_message_id', d.client_message_id,
        'automatic', d.sent_by = 'automatic',
        'attached_message_id', d.attached_message_id)
$$;

-- A message as the API and the events carry it. "automatic": sent by the system (sent_by 'automatic'), such
-- as the technician's confirmation that an agent has their request; not a person's reply.
-- What later messages changed is shown, not stored over the message: "message" is the latest edit's text
-- (empty once the sender deleted it, with revoked_at set), and reactions are listed on it. "media" is the
-- file it carries, "location" and "contacts" what those messages hold.
CREATE OR REPLACE FUNCTION chat_message_to_json(m chat_messages) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', m.id,
        'ticket_id', m.ticket_id,
        'from_number', m.from_number,
        'to_number', m.to_number,
        'message', CASE WHEN s.revoked_at IS NOT NULL THEN '' ELSE coalesce(s.edited_text, m.message) END,
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
        'automatic', m.sent_by IS NOT DISTINCT FROM 'automatic',
        'edited_at', liftline_iso(s.edited_at),
        'edits', coalesce(s.edits, 0),
        'revoked_at', liftline_iso(s.revoked_at),
        'reactions', coalesce(s.reactions, '[]'::json),
        'media', CASE WHEN m.kind IN ('image', 'sticker', 'audio', 'video', 'document')
                       AND s.revoked_at IS NULL
                      THEN chat_attachment_json(m.wa_message_id, m.id) END,
        'location', CASE WHEN m.kind = 'location' AND s.revoked_at IS NULL THEN chat_location_json(m.raw) END,
        'contacts', CASE WHEN m.kind IN ('contacts', 'unsupported') AND m.raw ->> 'type' = 'contacts'
                          AND s.revoked_at IS NULL THEN chat_contacts_json(m.raw) END)
      FROM (SELECT 1) one
      LEFT JOIN LATERAL chat_message_state(m.wa_message_id, m.from_number, m.to_number) s ON true
$$;

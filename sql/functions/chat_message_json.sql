-- A message as the API and the events carry it, from its row, what later messages changed in it
-- (chat_message_changes_of) and its file (chat_attachments_of). An expression only, so that PostgreSQL
-- inlines it in the thread's query, where the changes and the file are joined (ChatStore::messages);
-- chat_message_to_json does the same for one message.
-- "message" is the latest edit's text, and empty once the sender deleted it (revoked_at set; the file, the
-- place and the contact cards are then not shown either). "automatic": sent by the system (sent_by
-- 'automatic'), such as the technician's confirmation that an agent has their request; not a person's reply.
CREATE OR REPLACE FUNCTION chat_message_json(m chat_messages, edited_text text, edited_at timestamptz,
                                             edits integer, revoked_at timestamptz, reactions json, media json)
RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', m.id,
        'ticket_id', m.ticket_id,
        'from_number', m.from_number,
        'to_number', m.to_number,
        'message', CASE WHEN revoked_at IS NOT NULL THEN '' ELSE coalesce(edited_text, m.message) END,
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
        'edited_at', liftline_iso(edited_at),
        'edits', coalesce(edits, 0),
        'revoked_at', liftline_iso(revoked_at),
        'reactions', coalesce(reactions, '[]'::json),
        'media', CASE WHEN revoked_at IS NULL THEN media END,
        'location', CASE WHEN m.kind = 'location' AND revoked_at IS NULL THEN chat_location_json(m.raw) END,
        'contacts', CASE WHEN m.kind IN ('contacts', 'unsupported') AND revoked_at IS NULL
                          AND m.raw ->> 'type' = 'contacts' THEN chat_contacts_json(m.raw) END)
$$;

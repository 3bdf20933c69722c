-- A message as the API and the events carry it, from its row, what later messages changed in it
-- (chat_message_changes_of) and its file (chat_attachments_of). An expression only, so that PostgreSQL
-- inlines it in the thread's query, where the changes and the file are joined (ChatStore::messages);
-- chat_message_to_json does the same for one message.
-- "message" is the latest edit's text, and empty once the sender deleted it (revoked_at set; the file, the
-- place and the contact cards are then not shown either). "automatic": sent by the system (sent_by
-- 'automatic'), such as the technician's confirmation that an agent has their request; not a person's reply.
-- The fields are chat_message_wire's (sql/035), in its order: to_json writes a row type in one pass.
CREATE OR REPLACE FUNCTION chat_message_json(m chat_messages, edited_text text, edited_at timestamptz,
                                             edits integer, revoked_at timestamptz, reactions json, media json)
RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT to_json(ROW(
        m.id,
        m.ticket_id,
        m.from_number,
        m.to_number,
        CASE WHEN revoked_at IS NOT NULL THEN '' ELSE coalesce(edited_text, m.message) END,
        m.direction,
        m.agent_name,
        m.read_by_agent,
        liftline_iso(m.created_at),
        liftline_iso(m.wa_timestamp),
        m.kind,
        m.status,
        m.wa_message_id,
        CASE WHEN m.error_code IS NULL AND m.error_message IS NULL THEN NULL
             ELSE json_build_object('code', m.error_code, 'message', m.error_message) END,
        m.client_message_id,
        m.sent_by IS NOT DISTINCT FROM 'automatic',
        liftline_iso(edited_at),
        coalesce(edits, 0),
        liftline_iso(revoked_at),
        coalesce(reactions, '[]'::json),
        CASE WHEN revoked_at IS NULL THEN media END,
        CASE WHEN m.kind = 'location' AND revoked_at IS NULL THEN chat_location_json(m.raw) END,
        CASE WHEN m.kind IN ('contacts', 'unsupported') AND revoked_at IS NULL
                  AND m.raw ->> 'type' = 'contacts' THEN chat_contacts_json(m.raw) END
    )::chat_message_wire)
$$;

-- A message as the API and the events carry it, as a row of chat_message_wire (sql/035): from its row, what
-- later messages changed in it (chat_message_changes_of) and its file (chat_attachments_of). One SELECT of
-- one expression, so that PostgreSQL inlines it wherever it is used: chat_message_json writes it with
-- to_json (the events, single answers); a thread's query (ChatStore::messages) selects its fields as
-- columns, which PostgreSQL reduces to the expressions below, and the server writes the JSON itself.
-- "message" is the latest edit's text, and empty once the sender deleted it (revoked_at set; the file, the
-- place and the contact cards are then not shown either). "automatic": sent by the system (sent_by
-- 'automatic'), such as the technician's confirmation that an agent has their request; not a person's reply.
-- Its name sorts before chat_message_json's on purpose: the function files are applied in name order, one
-- transaction each, and while an original system's database is upgraded its server keeps inserting, so a
-- message's triggers must find chat_message_json from the first pass on
-- (tst_originalsystem::upgradeWhileTheOriginalServerWrites).
CREATE OR REPLACE FUNCTION chat_message_as_wire(m chat_messages, edited_text text, edited_at timestamptz,
                                                edits integer, revoked_at timestamptz, reactions json,
                                                media json)
RETURNS chat_message_wire
LANGUAGE sql STABLE AS $$
    SELECT ROW(
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
    )::chat_message_wire
$$;

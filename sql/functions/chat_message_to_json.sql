-- One message as the API and the events carry it (chat_message_json), for one row at a time: the events'
-- triggers and single answers. The thread's query joins the same pieces itself (ChatStore::messages).
CREATE OR REPLACE FUNCTION chat_message_to_json(m chat_messages) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT chat_message_json(m, s.edited_text, s.edited_at, s.edits, s.revoked_at, s.reactions, f.media)
      FROM (SELECT 1) one
      LEFT JOIN LATERAL chat_message_changes_of(m.wa_message_id, m.from_number, m.to_number) s ON true
      LEFT JOIN LATERAL chat_attachments_of(m.kind, m.wa_message_id, m.id) f ON true
$$;

-- What the conversation list shows of a message (chat_ticket_summary.last_message_preview): its text as
-- agents see it, after its sender's latest edit (chat_message_changes_of), "[deleted by the sender]" once
-- they deleted it, and the kind in brackets when there is no text. Also right for a message whose edit or
-- deletion came before it.
CREATE OR REPLACE FUNCTION chat_message_preview(m chat_messages) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN s.revoked_at IS NOT NULL THEN '[deleted by the sender]'
                WHEN btrim(coalesce(s.edited_text, m.message)) = '' THEN '[' || m.kind || ']'
                ELSE left(coalesce(s.edited_text, m.message), 140) END
      FROM (SELECT 1) one
      LEFT JOIN LATERAL chat_message_changes_of(m.wa_message_id, m.from_number, m.to_number) s ON true
$$;

-- What the conversation list shows of a message (chat_ticket_summary.last_message_preview): its text as
-- agents see it, after its sender's latest edit (chat_message_changes_of), "[deleted by the sender]" once
-- they deleted it, and the kind in brackets when there is no text. Also right for a message whose edit or
-- deletion came before it. PL/pgSQL, so that its statements are planned once per session: it runs for
-- every message stored (chat_messages_row_inserted), and a message with no change costs one index probe.
CREATE OR REPLACE FUNCTION chat_message_preview(m chat_messages) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    shown text := m.message;
    revoked timestamptz;
BEGIN
    IF m.wa_message_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM chat_message_changes c WHERE c.target_wa_id = m.wa_message_id) THEN
        SELECT coalesce(s.edited_text, m.message), s.revoked_at INTO shown, revoked
          FROM chat_message_changes_of(m.wa_message_id, m.from_number, m.to_number) s;
        IF revoked IS NOT NULL THEN
            RETURN '[deleted by the sender]';
        END IF;
        shown := coalesce(shown, m.message);
    END IF;
    IF btrim(coalesce(shown, '')) = '' THEN
        RETURN '[' || m.kind || ']';
    END IF;
    RETURN left(shown, 140);
END
$$;

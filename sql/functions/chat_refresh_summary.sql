-- Recomputes one ticket's counters from the transcript (after moves, and after bulk loads).
CREATE OR REPLACE FUNCTION chat_refresh_summary(p_ticket_id integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO chat_ticket_summary AS s (ticket_id, message_count, unread_count, last_message_id,
                                          last_message_at, last_message_preview)
    SELECT p_ticket_id,
           (SELECT count(*) FROM chat_messages WHERE ticket_id = p_ticket_id),
           (SELECT count(*) FROM chat_messages
             WHERE ticket_id = p_ticket_id AND direction = 'inbound' AND NOT read_by_agent),
           last.id, last.created_at, chat_message_preview(last)
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (SELECT * FROM chat_messages WHERE ticket_id = p_ticket_id ORDER BY id DESC LIMIT 1) last ON true
    ON CONFLICT (ticket_id) DO UPDATE SET
        message_count = EXCLUDED.message_count,
        unread_count = EXCLUDED.unread_count,
        last_message_id = EXCLUDED.last_message_id,
        last_message_at = EXCLUDED.last_message_at,
        last_message_preview = EXCLUDED.last_message_preview
$$;

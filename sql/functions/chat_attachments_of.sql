-- The file a message carries, as a row (none for a kind that carries no file): an inbound message's by its
-- WhatsApp id, an agent's by its row. A table function, so that PostgreSQL inlines it where it is joined.
CREATE OR REPLACE FUNCTION chat_attachments_of(p_kind text, p_wa_message_id text, p_message_id bigint)
RETURNS TABLE (media json)
LANGUAGE sql STABLE AS $$
    SELECT chat_attachment_json_of(a, cm)
      FROM chat_attachments a LEFT JOIN chat_media cm ON cm.id = a.media_id
     WHERE p_kind IN ('image', 'sticker', 'audio', 'video', 'document')
       AND (a.wa_message_id = p_wa_message_id OR a.message_id = p_message_id)
     ORDER BY a.id LIMIT 1
$$;

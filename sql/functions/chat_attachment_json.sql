-- The file a message carries: an inbound message's by its WhatsApp id, an agent's by its row; NULL for none.
CREATE OR REPLACE FUNCTION chat_attachment_json(p_wa_message_id text, p_message_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT chat_attachment_to_json(a) FROM chat_attachments a WHERE a.wa_message_id = p_wa_message_id),
        (SELECT chat_attachment_to_json(a) FROM chat_attachments a WHERE a.message_id = p_message_id))
$$;

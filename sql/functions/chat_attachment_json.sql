-- The file a message carries (chat_attachments_of), or NULL; for one message at a time.
CREATE OR REPLACE FUNCTION chat_attachment_json(p_wa_message_id text, p_message_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT (SELECT f.media FROM chat_attachments_of('document', p_wa_message_id, p_message_id) f)
$$;

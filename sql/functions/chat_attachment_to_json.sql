-- A message's file as the API shows it. url is where a console reads the bytes (with its credentials),
-- only once they are kept; error says why they are not, in words for the agent.
CREATE OR REPLACE FUNCTION chat_attachment_to_json(a chat_attachments) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id,
        'type', a.media_type,
        'voice', a.voice,
        'status', a.status,
        'mime_type', coalesce(cm.mime_type, lower(btrim(split_part(a.declared_mime, ';', 1)))),
        'size', cm.size_bytes,
        'sha256', encode(cm.sha256, 'hex'),
        'filename', a.filename,
        'caption', a.caption,
        'url', CASE WHEN a.status = 'stored' THEN '/api/chat/media/' || a.id END,
        'stored_at', liftline_iso(a.stored_at),
        'error', CASE WHEN a.error_code IS NULL AND a.error_message IS NULL THEN NULL
                      ELSE json_build_object('code', a.error_code, 'message', a.error_message) END)
      FROM (SELECT 1) one LEFT JOIN chat_media cm ON cm.id = a.media_id
$$;

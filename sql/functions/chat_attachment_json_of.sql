-- A message's file as the API shows it: the attachment and, once kept, its content's facts. url is where a
-- console reads the bytes (with its credentials); error says why they are not (yet) kept, in words for the
-- agent. An expression only, so that PostgreSQL inlines it in the thread's query.
CREATE OR REPLACE FUNCTION chat_attachment_json_of(a chat_attachments, cm chat_media) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id,
        'type', a.media_type,
        'voice', a.voice,
        'status', a.status,
        'mime_type', coalesce(cm.mime_type, lower(btrim(split_part(a.declared_mime, ';', 1)))),
        'size', cm.size_bytes,
        'sha256', encode(cm.sha256, 'hex'),
        'duration_ms', cm.duration_ms,
        'filename', a.filename,
        'caption', a.caption,
        'url', CASE WHEN a.status = 'stored' THEN '/api/chat/media/' || a.id END,
        'stored_at', liftline_iso(a.stored_at),
        'error', CASE WHEN a.error_code IS NULL AND a.error_message IS NULL THEN NULL
                      ELSE json_build_object('code', a.error_code, 'message', a.error_message) END)
$$;

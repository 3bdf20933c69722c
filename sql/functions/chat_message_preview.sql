CREATE OR REPLACE FUNCTION chat_message_preview(m chat_messages) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN btrim(m.message) = '' THEN '[' || m.kind || ']' ELSE left(m.message, 140) END
$$;

-- A message as the API and the events carry it (chat_message_as_wire), as JSON: to_json writes the row type
-- in one pass over its columns, without spaces. An expression only, so that PostgreSQL inlines it;
-- chat_message_to_json joins the changes and the file for one message. A thread's query writes the same
-- bytes from the same row (ChatStore::messages; tst_webhook::threadIsWrittenAsTheEventsWriteIt).
CREATE OR REPLACE FUNCTION chat_message_json(m chat_messages, edited_text text, edited_at timestamptz,
                                             edits integer, revoked_at timestamptz, reactions json, media json)
RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT to_json(chat_message_as_wire(m, edited_text, edited_at, edits, revoked_at, reactions, media))
$$;

CREATE OR REPLACE FUNCTION chat_conversation_json(p_ticket_id integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT chat_conversation_to_json(r) FROM chat_conversation_rows r WHERE r.id = p_ticket_id
$$;

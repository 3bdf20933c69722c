CREATE OR REPLACE FUNCTION chat_messages_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.ticket_id)
    FROM (SELECT n.ticket_id FROM new_rows n JOIN old_rows o ON o.id = n.id
           WHERE n.read_by_agent IS DISTINCT FROM o.read_by_agent OR n.ticket_id <> o.ticket_id
          UNION
          SELECT o.ticket_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.ticket_id <> o.ticket_id
          ORDER BY 1) t;
    RETURN NULL;
END
$$;

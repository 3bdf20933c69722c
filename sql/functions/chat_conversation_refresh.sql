-- Recomputes and stores one ticket's conversation; returns it (NULL when the ticket is gone). The stored
-- row is locked before the object is computed: a writer that changed the ticket and stored its object
-- meanwhile has committed by then, and this statement's snapshot sees its change. A closed ticket is
-- never pending: its request ended with it.
CREATE OR REPLACE FUNCTION chat_conversation_refresh(p_ticket_id integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    r chat_conversation_rows;
    j json;
BEGIN
    PERFORM 1 FROM chat_conversation_cache WHERE ticket_id = p_ticket_id FOR UPDATE;
    SELECT * INTO r FROM chat_conversation_rows WHERE id = p_ticket_id;
    IF NOT FOUND THEN
        DELETE FROM chat_conversation_cache WHERE ticket_id = p_ticket_id;
        RETURN NULL;
    END IF;
    j := chat_conversation_to_json(r);
    INSERT INTO chat_conversation_cache AS c (ticket_id, data, is_open, resolved_at, pending, last_message_at, created_at)
    VALUES (r.id, j, r.is_open, r.resolved_at, r.is_open AND r.agent_requested AND r.acknowledged_at IS NULL,
            r.last_message_at, r.created_at)
    ON CONFLICT (ticket_id) DO UPDATE SET
        data = EXCLUDED.data,
        is_open = EXCLUDED.is_open,
        resolved_at = EXCLUDED.resolved_at,
        pending = EXCLUDED.pending,
        last_message_at = EXCLUDED.last_message_at,
        created_at = EXCLUDED.created_at;
    RETURN j;
END
$$;

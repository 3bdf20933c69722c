-- One message as the API and the events carry it (chat_message_json), for one row at a time: the events'
-- triggers and single answers. The thread's query joins the same pieces itself (ChatStore::messages).
-- PL/pgSQL with a generic plan kept for the session, not a SQL function: a SQL function that is not inlined
-- (this one joins table functions, so it is not) is planned again on every call, and planning this query
-- cost about 1 ms of the 1.7 ms that storing an agent's reply took in its triggers (message.created, then
-- message.updated), against 0.05 ms to run it. The plan does not depend on the values: every lookup is by
-- an indexed id.
CREATE OR REPLACE FUNCTION chat_message_to_json(m chat_messages) RETURNS json
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN (SELECT chat_message_json(m, s.edited_text, s.edited_at, s.edits, s.revoked_at, s.reactions, f.media)
              FROM (SELECT 1) one
              LEFT JOIN LATERAL chat_message_changes_of(m.wa_message_id, m.from_number, m.to_number) s ON true
              LEFT JOIN LATERAL chat_attachments_of(m.kind, m.wa_message_id, m.id) f ON true);
END
$$;

-- Removes one resolved ticket's expired transcript for the retention run p_run: its messages with their
-- delivery statuses, edits, deletions, reactions and attachments; the messages from numbers with no ticket
-- that were attached to it and the direct replies to them; its agent requests with their escalation steps
-- and call-outs; and its incident card versions. The ticket row (the original system's), the kept files
-- (media retention), the audit trail (its own period) and the stream's copies (retention_prune_events) stay.
-- A tombstone in the chain carries the removed entries' hash (retention_tombstone). Refused for a ticket
-- that is open or under a legal hold. Returns how many rows it removed.
CREATE OR REPLACE FUNCTION retention_remove_transcript(p_run bigint, p_ticket integer) RETURNS integer
LANGUAGE plpgsql SET bytea_output = 'hex' AS $$
DECLARE
    msg_ids bigint[];
    wa_ids text[];
    unassigned_ids bigint[];
    direct_ids bigint[];
    request_ids bigint[];
    kinds text[] := '{}';
    refs text[] := '{}';
    k text[];
    r text[];
    n integer;
    removed integer := 0;
BEGIN
    -- The ticket row first, as every writer of a conversation takes it (docs/ARCHITECTURE.md, lock order).
    PERFORM 1 FROM tickets WHERE id = p_ticket AND resolved_at IS NOT NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ticket % is not resolved (or does not exist): an open ticket''s transcript is never removed', p_ticket
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF p_ticket = ANY (retention_held_tickets()) THEN
        RAISE EXCEPTION 'ticket % is under a legal hold: nothing of it is removed until the hold is released', p_ticket
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM set_config('liftline.retention_run', p_run::text, true);

    SELECT coalesce(array_agg(id), '{}'), coalesce(array_agg(wa_message_id) FILTER (WHERE wa_message_id IS NOT NULL), '{}')
      INTO msg_ids, wa_ids FROM chat_messages WHERE ticket_id = p_ticket;
    SELECT coalesce(array_agg(id), '{}'), wa_ids || coalesce(array_agg(wa_message_id), '{}')
      INTO unassigned_ids, wa_ids FROM chat_unassigned WHERE attached_ticket_id = p_ticket;
    SELECT coalesce(array_agg(id), '{}'), wa_ids || coalesce(array_agg(wa_message_id) FILTER (WHERE wa_message_id IS NOT NULL), '{}')
      INTO direct_ids, wa_ids FROM chat_direct_messages
     WHERE attached_ticket_id = p_ticket OR unassigned_id = ANY (unassigned_ids);
    SELECT coalesce(array_agg(id), '{}') INTO request_ids FROM agent_requests
     WHERE ticket_id = p_ticket OR unassigned_id = ANY (unassigned_ids);

    -- Every covered row about to go, as the chain names it (kind, ref).
    WITH facts(kind, ref) AS (
        SELECT 'message', audit_ref('message', to_jsonb(m)) FROM chat_messages m WHERE m.id = ANY (msg_ids)
        UNION ALL
        SELECT 'message_whatsapp_id', audit_ref('message_whatsapp_id', to_jsonb(m)) FROM chat_messages m
         WHERE m.id = ANY (msg_ids) AND m.wa_message_id IS NOT NULL
        UNION ALL
        SELECT 'delivery_status', audit_ref('delivery_status', to_jsonb(s)) FROM whatsapp_statuses s
         WHERE s.wa_message_id = ANY (wa_ids)
        UNION ALL
        SELECT 'message_change', audit_ref('message_change', to_jsonb(c)) FROM chat_message_changes c
         WHERE c.target_wa_id = ANY (wa_ids) OR c.wa_message_id = ANY (wa_ids)
        UNION ALL
        SELECT 'attachment', audit_ref('attachment', to_jsonb(a)) FROM chat_attachments a
         WHERE a.message_id = ANY (msg_ids) OR a.wa_message_id = ANY (wa_ids)
        UNION ALL
        SELECT 'attachment_file', audit_ref('attachment_file', to_jsonb(a)) FROM chat_attachments a
         WHERE (a.message_id = ANY (msg_ids) OR a.wa_message_id = ANY (wa_ids)) AND a.media_id IS NOT NULL
        UNION ALL
        SELECT 'unassigned_message', audit_ref('unassigned_message', to_jsonb(u)) FROM chat_unassigned u
         WHERE u.id = ANY (unassigned_ids)
        UNION ALL
        SELECT 'direct_reply', audit_ref('direct_reply', to_jsonb(d)) FROM chat_direct_messages d WHERE d.id = ANY (direct_ids)
        UNION ALL
        SELECT 'direct_reply_whatsapp_id', audit_ref('direct_reply_whatsapp_id', to_jsonb(d)) FROM chat_direct_messages d
         WHERE d.id = ANY (direct_ids) AND d.wa_message_id IS NOT NULL
        UNION ALL
        SELECT 'agent_request', audit_ref('agent_request', to_jsonb(q)) FROM agent_requests q WHERE q.id = ANY (request_ids)
        UNION ALL
        SELECT 'escalation_step', audit_ref('escalation_step', to_jsonb(e)) FROM escalation_log e
         WHERE e.request_id = ANY (request_ids)
        UNION ALL
        SELECT 'incident_card', audit_ref('incident_card', to_jsonb(i)) FROM incident_cards i WHERE i.ticket_id = p_ticket)
    SELECT coalesce(array_agg(kind), '{}'), coalesce(array_agg(ref), '{}') INTO k, r FROM facts;
    kinds := k;
    refs := r;
    PERFORM retention_tombstone(p_run, 'transcript', p_ticket, kinds, refs);

    -- Children before what they refer to.
    DELETE FROM escalation_callouts WHERE request_id = ANY (request_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM escalation_log WHERE request_id = ANY (request_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM agent_requests WHERE id = ANY (request_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_direct_messages WHERE id = ANY (direct_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM whatsapp_statuses WHERE wa_message_id = ANY (wa_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_message_changes WHERE target_wa_id = ANY (wa_ids) OR wa_message_id = ANY (wa_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_attachments WHERE message_id = ANY (msg_ids) OR wa_message_id = ANY (wa_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_unassigned WHERE id = ANY (unassigned_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM incident_cards WHERE ticket_id = p_ticket;
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_messages WHERE id = ANY (msg_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    PERFORM chat_refresh_summary(p_ticket);
    PERFORM chat_conversation_refresh(p_ticket);
    RETURN removed;
END
$$;

-- Removes one resolved ticket's expired transcript for the retention run p_run: its messages with their
-- delivery statuses, edits, deletions, reactions and attachments; the messages from numbers with no ticket
-- that were attached to it and the direct replies to them; its agent requests with their escalation steps
-- and call-outs; and its incident card versions. The ticket row (the original system's), the kept files
-- (media retention), the audit trail (its own period) and the stream's copies (retention_prune_events) stay.
-- A tombstone in the chain carries the removed entries' hash (retention_tombstone). Refused for a ticket
-- that is open or under a legal hold. Returns how many rows it removed.
-- Every row is chosen once, locked, tombstoned and deleted by its key: a status, an edit or a fetched
-- file that a writer adds meanwhile is not removed unseen (it stays, and is in the chain).
CREATE OR REPLACE FUNCTION retention_remove_transcript(p_run bigint, p_ticket integer) RETURNS integer
LANGUAGE plpgsql SET bytea_output = 'hex' AS $$
DECLARE
    msg_ids bigint[];
    unassigned_ids bigint[];
    direct_ids bigint[];
    request_ids bigint[];
    wa_ids text[];
    status_keys text[];
    change_ids bigint[];
    attachment_ids bigint[];
    k text[];
    r text[];
    n integer;
    removed integer := 0;
    expected integer;
BEGIN
    -- The ticket row first, as every writer of a conversation takes it (docs/ARCHITECTURE.md, lock order);
    -- NO KEY, so that the writers' foreign keys to it do not wait.
    PERFORM 1 FROM tickets WHERE id = p_ticket AND resolved_at IS NOT NULL AND status <> 'open' FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ticket % is not resolved (or does not exist): an open ticket''s transcript is never removed', p_ticket
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF p_ticket = ANY (retention_held_tickets()) THEN
        RAISE EXCEPTION 'ticket % is under a legal hold: nothing of it is removed until the hold is released', p_ticket
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM set_config('liftline.retention_run', p_run::text, true);

    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO msg_ids
      FROM (SELECT id FROM chat_messages WHERE ticket_id = p_ticket ORDER BY id FOR UPDATE) m;
    -- A stranger's message attached here goes with the ticket, unless a reply or a request on another
    -- ticket still refers to it (it stays, and so do they).
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO unassigned_ids
      FROM (SELECT u.id FROM chat_unassigned u
             WHERE u.attached_ticket_id = p_ticket
               AND NOT EXISTS (SELECT 1 FROM chat_direct_messages d WHERE d.unassigned_id = u.id
                                  AND d.attached_ticket_id IS DISTINCT FROM p_ticket AND d.attached_ticket_id IS NOT NULL)
               AND NOT EXISTS (SELECT 1 FROM agent_requests q WHERE q.unassigned_id = u.id
                                  AND q.ticket_id IS DISTINCT FROM p_ticket AND q.ticket_id IS NOT NULL)
             ORDER BY u.id FOR UPDATE) u;
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO direct_ids
      FROM (SELECT id FROM chat_direct_messages
             WHERE attached_ticket_id = p_ticket OR (attached_ticket_id IS NULL AND unassigned_id = ANY (unassigned_ids))
             ORDER BY id FOR UPDATE) d;
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO request_ids
      FROM (SELECT id FROM agent_requests
             WHERE ticket_id = p_ticket OR (ticket_id IS NULL AND unassigned_id = ANY (unassigned_ids))
             ORDER BY id FOR UPDATE) q;
    -- The WhatsApp ids of what is removed: their statuses, changes and files go with them.
    SELECT coalesce(array_agg(w), '{}') INTO wa_ids FROM (
        SELECT wa_message_id AS w FROM chat_messages WHERE id = ANY (msg_ids) AND wa_message_id IS NOT NULL
        UNION SELECT wa_message_id FROM chat_unassigned WHERE id = ANY (unassigned_ids)
        UNION SELECT wa_message_id FROM chat_direct_messages WHERE id = ANY (direct_ids) AND wa_message_id IS NOT NULL) x;
    SELECT coalesce(array_agg(wa_message_id || '/' || status), '{}') INTO status_keys
      FROM (SELECT wa_message_id, status FROM whatsapp_statuses WHERE wa_message_id = ANY (wa_ids) FOR UPDATE) s;
    SELECT coalesce(array_agg(id), '{}') INTO change_ids
      FROM (SELECT id FROM chat_message_changes WHERE target_wa_id = ANY (wa_ids) OR wa_message_id = ANY (wa_ids)
               FOR UPDATE) c;
    SELECT coalesce(array_agg(id), '{}') INTO attachment_ids
      FROM (SELECT id FROM chat_attachments WHERE message_id = ANY (msg_ids) OR wa_message_id = ANY (wa_ids)
               FOR UPDATE) a;
    PERFORM 1 FROM escalation_log WHERE request_id = ANY (request_ids) FOR UPDATE;
    PERFORM 1 FROM incident_cards WHERE ticket_id = p_ticket FOR UPDATE;

    -- Every covered row about to go, as the chain names it (kind, ref).
    WITH facts(kind, ref) AS (
        SELECT 'message', audit_ref('message', to_jsonb(m)) FROM chat_messages m WHERE m.id = ANY (msg_ids)
        UNION ALL
        SELECT 'message_whatsapp_id', audit_ref('message_whatsapp_id', to_jsonb(m)) FROM chat_messages m
         WHERE m.id = ANY (msg_ids) AND m.wa_message_id IS NOT NULL
        UNION ALL
        SELECT 'delivery_status', audit_ref('delivery_status', to_jsonb(s)) FROM whatsapp_statuses s
         WHERE s.wa_message_id || '/' || s.status = ANY (status_keys)
        UNION ALL
        SELECT 'message_change', audit_ref('message_change', to_jsonb(c)) FROM chat_message_changes c
         WHERE c.id = ANY (change_ids)
        UNION ALL
        SELECT 'attachment', audit_ref('attachment', to_jsonb(a)) FROM chat_attachments a WHERE a.id = ANY (attachment_ids)
        UNION ALL
        SELECT 'attachment_file', audit_ref('attachment_file', to_jsonb(a)) FROM chat_attachments a
         WHERE a.id = ANY (attachment_ids) AND a.media_id IS NOT NULL
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
    PERFORM retention_tombstone(p_run, 'transcript', p_ticket, k, r);

    -- Children before what they refer to, each by the keys chosen above.
    DELETE FROM escalation_callouts WHERE request_id = ANY (request_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM escalation_log WHERE request_id = ANY (request_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM agent_requests WHERE id = ANY (request_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_direct_messages WHERE id = ANY (direct_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM whatsapp_statuses WHERE wa_message_id || '/' || status = ANY (status_keys) AND wa_message_id = ANY (wa_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_message_changes WHERE id = ANY (change_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_attachments WHERE id = ANY (attachment_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_unassigned WHERE id = ANY (unassigned_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM incident_cards WHERE ticket_id = p_ticket;
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    DELETE FROM chat_messages WHERE id = ANY (msg_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed + n;
    expected := cardinality(msg_ids) + cardinality(unassigned_ids) + cardinality(direct_ids) + cardinality(request_ids)
                + cardinality(status_keys) + cardinality(change_ids) + cardinality(attachment_ids);
    IF removed < expected THEN
        RAISE EXCEPTION 'retention run %: ticket % removed % rows where % were chosen', p_run, p_ticket, removed, expected
            USING ERRCODE = 'internal_error';
    END IF;
    PERFORM chat_refresh_summary(p_ticket);
    PERFORM chat_conversation_refresh(p_ticket);
    RETURN removed;
END
$$;

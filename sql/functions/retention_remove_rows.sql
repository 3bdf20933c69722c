-- The removal both retention paths share (retention_remove_transcript, retention_remove_unattached): the
-- chosen messages, strangers' messages, direct replies and agent requests (the caller has locked them),
-- with what belongs to them: their delivery statuses, edits, deletions, reactions and attachments (found by
-- row or WhatsApp id, locked here), the requests' escalation steps and call-outs, and p_ticket's incident
-- card versions. One tombstone first (retention_tombstone), then each row deleted by the key chosen here:
-- a status, an edit or a fetched file a writer adds meanwhile is not removed unseen (it stays, and is in
-- the chain). The caller has set liftline.retention_run. Returns how many rows it removed.
CREATE OR REPLACE FUNCTION retention_remove_rows(p_run bigint, p_ticket integer, msg_ids bigint[],
                                                 unassigned_ids bigint[], direct_ids bigint[],
                                                 request_ids bigint[]) RETURNS integer
LANGUAGE plpgsql SET bytea_output = 'hex' AS $$
DECLARE
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
        RAISE EXCEPTION 'retention run %: % rows removed where % were chosen (%)', p_run, removed, expected,
            coalesce('ticket ' || p_ticket, 'messages with no ticket')
            USING ERRCODE = 'internal_error';
    END IF;
    RETURN removed;
END
$$;
-- It checks no hold (its callers do): only the server's own role (the owner) calls it.
REVOKE EXECUTE ON FUNCTION retention_remove_rows(bigint, integer, bigint[], bigint[], bigint[], bigint[]) FROM PUBLIC;

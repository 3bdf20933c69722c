-- Removes, for the retention run p_run, up to p_limit messages from numbers with no ticket that were
-- never attached to one and arrived before p_before, oldest first, with what belongs to them: the direct
-- replies to them and their delivery statuses, edits, deletions and reactions, attachments, and the agent
-- requests they raised with their escalation steps and call-outs. One tombstone in the chain for the batch.
-- A message from a number under a legal hold stays, and so does one a request on a ticket refers to.
-- Returns how many such messages it removed (fewer than p_limit: none are left).
CREATE OR REPLACE FUNCTION retention_remove_unattached(p_run bigint, p_before timestamptz, p_limit integer)
RETURNS integer
LANGUAGE plpgsql SET bytea_output = 'hex' AS $$
DECLARE
    ids bigint[];
    wa_ids text[];
    direct_ids bigint[];
    request_ids bigint[];
    k text[];
    r text[];
    n integer;
BEGIN
    PERFORM set_config('liftline.retention_run', p_run::text, true);
    SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}'), coalesce(array_agg(u.wa_message_id), '{}')
      INTO ids, wa_ids
      FROM (SELECT u.id, u.wa_message_id FROM chat_unassigned u
             WHERE u.attached_ticket_id IS NULL AND u.created_at < p_before
               AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL AND h.scope = 'technician'
                                  AND h.number = u.from_number)
               AND NOT EXISTS (SELECT 1 FROM agent_requests q WHERE q.unassigned_id = u.id AND q.ticket_id IS NOT NULL)
               AND NOT EXISTS (SELECT 1 FROM chat_direct_messages d WHERE d.unassigned_id = u.id
                                  AND d.attached_ticket_id IS NOT NULL)
             ORDER BY u.id LIMIT p_limit
             FOR UPDATE OF u SKIP LOCKED) u;
    IF cardinality(ids) = 0 THEN
        RETURN 0;
    END IF;
    SELECT coalesce(array_agg(id), '{}'), wa_ids || coalesce(array_agg(wa_message_id) FILTER (WHERE wa_message_id IS NOT NULL), '{}')
      INTO direct_ids, wa_ids FROM chat_direct_messages WHERE unassigned_id = ANY (ids);
    SELECT coalesce(array_agg(id), '{}') INTO request_ids FROM agent_requests WHERE unassigned_id = ANY (ids);

    WITH facts(kind, ref) AS (
        SELECT 'unassigned_message', audit_ref('unassigned_message', to_jsonb(u)) FROM chat_unassigned u
         WHERE u.id = ANY (ids)
        UNION ALL
        SELECT 'direct_reply', audit_ref('direct_reply', to_jsonb(d)) FROM chat_direct_messages d WHERE d.id = ANY (direct_ids)
        UNION ALL
        SELECT 'direct_reply_whatsapp_id', audit_ref('direct_reply_whatsapp_id', to_jsonb(d)) FROM chat_direct_messages d
         WHERE d.id = ANY (direct_ids) AND d.wa_message_id IS NOT NULL
        UNION ALL
        SELECT 'delivery_status', audit_ref('delivery_status', to_jsonb(s)) FROM whatsapp_statuses s
         WHERE s.wa_message_id = ANY (wa_ids)
        UNION ALL
        SELECT 'message_change', audit_ref('message_change', to_jsonb(c)) FROM chat_message_changes c
         WHERE c.target_wa_id = ANY (wa_ids) OR c.wa_message_id = ANY (wa_ids)
        UNION ALL
        SELECT 'attachment', audit_ref('attachment', to_jsonb(a)) FROM chat_attachments a
         WHERE a.wa_message_id = ANY (wa_ids)
        UNION ALL
        SELECT 'attachment_file', audit_ref('attachment_file', to_jsonb(a)) FROM chat_attachments a
         WHERE a.wa_message_id = ANY (wa_ids) AND a.media_id IS NOT NULL
        UNION ALL
        SELECT 'agent_request', audit_ref('agent_request', to_jsonb(q)) FROM agent_requests q WHERE q.id = ANY (request_ids)
        UNION ALL
        SELECT 'escalation_step', audit_ref('escalation_step', to_jsonb(e)) FROM escalation_log e
         WHERE e.request_id = ANY (request_ids))
    SELECT coalesce(array_agg(kind), '{}'), coalesce(array_agg(ref), '{}') INTO k, r FROM facts;
    PERFORM retention_tombstone(p_run, 'transcript', NULL, k, r);

    DELETE FROM escalation_callouts WHERE request_id = ANY (request_ids);
    DELETE FROM escalation_log WHERE request_id = ANY (request_ids);
    DELETE FROM agent_requests WHERE id = ANY (request_ids);
    DELETE FROM chat_direct_messages WHERE id = ANY (direct_ids);
    DELETE FROM whatsapp_statuses WHERE wa_message_id = ANY (wa_ids);
    DELETE FROM chat_message_changes WHERE target_wa_id = ANY (wa_ids) OR wa_message_id = ANY (wa_ids);
    DELETE FROM chat_attachments WHERE wa_message_id = ANY (wa_ids);
    DELETE FROM chat_unassigned WHERE id = ANY (ids);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Removes, for the retention run p_run, up to p_limit messages from numbers with no ticket that were
-- never attached to one and arrived before p_before, oldest first, with what belongs to them: the direct
-- replies to them and their delivery statuses, edits, deletions and reactions, attachments, and the agent
-- requests they raised with their escalation steps and call-outs (retention_remove_rows). One tombstone
-- in the chain for the batch.
-- A message from a number under a legal hold stays, and so does one a request on a ticket refers to.
-- Returns how many such messages it removed (fewer than p_limit: none are left).
CREATE OR REPLACE FUNCTION retention_remove_unattached(p_run bigint, p_before timestamptz, p_limit integer)
RETURNS integer
LANGUAGE plpgsql SET bytea_output = 'hex' AS $$
DECLARE
    ids bigint[];
    direct_ids bigint[];
    request_ids bigint[];
BEGIN
    PERFORM set_config('liftline.retention_run', p_run::text, true);
    SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') INTO ids
      FROM (SELECT u.id FROM chat_unassigned u
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
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO direct_ids
      FROM (SELECT id FROM chat_direct_messages WHERE unassigned_id = ANY (ids) ORDER BY id FOR UPDATE) d;
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO request_ids
      FROM (SELECT id FROM agent_requests WHERE unassigned_id = ANY (ids) ORDER BY id FOR UPDATE) q;
    PERFORM retention_remove_rows(p_run, NULL, '{}', ids, direct_ids, request_ids);
    RETURN cardinality(ids);
END
$$;

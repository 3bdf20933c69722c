-- Removes one resolved ticket's expired transcript for the retention run p_run: its messages with their
-- delivery statuses, edits, deletions, reactions and attachments; the messages from numbers with no ticket
-- that were attached to it and the direct replies to them; its agent requests with their escalation steps
-- and call-outs; and its incident card versions. The ticket row (the original system's), the kept files
-- (media retention), the audit trail (its own period) and the stream's copies (retention_prune_events) stay.
-- Chosen and locked here, removed with their tombstone by retention_remove_rows. Refused for a ticket
-- that is open or under a legal hold. Returns how many rows it removed.
CREATE OR REPLACE FUNCTION retention_remove_transcript(p_run bigint, p_ticket integer) RETURNS integer
LANGUAGE plpgsql SET bytea_output = 'hex' AS $$
DECLARE
    msg_ids bigint[];
    unassigned_ids bigint[];
    direct_ids bigint[];
    request_ids bigint[];
    removed integer;
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
    removed := retention_remove_rows(p_run, p_ticket, msg_ids, unassigned_ids, direct_ids, request_ids);
    PERFORM chat_refresh_summary(p_ticket);
    PERFORM chat_conversation_refresh(p_ticket);
    RETURN removed;
END
$$;

-- Empties, for the retention run p_run, up to p_limit processed webhook bodies received before p_before
-- (and forwarded already, where forwarding to the lift-alert system is on) whose messages are on no ticket
-- under a legal hold (nor from a held number). The row stays (messages and the claimed WhatsApp ids refer
-- to it, and a retry is still recognised by its id), marked purged_at. Returns how many bodies it emptied.
CREATE OR REPLACE FUNCTION retention_purge_raw(p_run bigint, p_before timestamptz, p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    held integer[] := retention_held_tickets();
    ids bigint[];
BEGIN
    SELECT coalesce(array_agg(w.id), '{}') INTO ids
      FROM (SELECT i.id FROM whatsapp_inbox i
             WHERE i.purged_at IS NULL AND i.processed_at IS NOT NULL AND i.received_at < p_before
               AND NOT i.forward_pending -- still to be forwarded to the lift-alert system
               AND NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.inbox_id = i.id AND m.ticket_id = ANY (held))
               AND NOT EXISTS (SELECT 1 FROM chat_unassigned u
                                 JOIN legal_holds h ON h.released_at IS NULL AND h.scope = 'technician' AND h.number = u.from_number
                                WHERE u.inbox_id = i.id)
             ORDER BY i.id LIMIT p_limit
             FOR UPDATE OF i SKIP LOCKED) w;
    UPDATE whatsapp_inbox SET body = ''::bytea, purged_at = now() WHERE id = ANY (ids);
    RETURN cardinality(ids);
END
$$;

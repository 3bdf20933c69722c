-- An admin reverses an agent's "not an emergency": the request is live again as if nobody had taken it.
-- Its ticket (or unattached message) waits again, so every console alerts; the ladder goes on at once from
-- the step after the last one taken (it is overdue); incident services hear of it at that step, with the
-- same deduplication key. The caller has locked the ticket's row (or the message's) first, then the
-- request's, and checked that the request was closed as not an emergency and may live again.
CREATE OR REPLACE FUNCTION escalation_reopened(p_request_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r agent_requests;
BEGIN
    SELECT * INTO r FROM agent_requests WHERE id = p_request_id;
    IF r.ticket_id IS NOT NULL THEN
        UPDATE tickets SET acknowledged_at = NULL, acknowledged_by = NULL, acknowledged_by_actor = NULL
         WHERE id = r.ticket_id;
    ELSE
        UPDATE chat_unassigned SET acknowledged_at = NULL, acknowledged_by = NULL, acknowledged_by_actor = NULL
         WHERE id = r.unassigned_id;
    END IF;
    UPDATE agent_requests a
       SET closed_at = NULL, closed_reason = NULL, acknowledged_at = NULL, acknowledged_by = NULL,
           acknowledged_by_actor = NULL, next_step = l.position,
           next_step_at = CASE WHEN l.position IS NULL THEN NULL ELSE now() END
      FROM (SELECT NULL) x
      LEFT JOIN LATERAL (SELECT e.position FROM escalation_ladder e
                          WHERE e.position > coalesce((SELECT max(g.step) FROM escalation_log g
                                                        WHERE g.request_id = p_request_id), -1)
                          ORDER BY e.position LIMIT 1) l ON true
     WHERE a.id = p_request_id;
END
$$;

-- An admin reverses an agent's "not an emergency": the request is live again as if nobody had taken it.
-- Its ticket (or unattached message) waits again, so every console alerts; the ladder goes on at once from
-- the step after the last one taken, and the later steps keep the ladder's spacing from it
-- (escalation_take_step); incident services hear of it at that step, with the same deduplication key.
-- When every step was taken already, the incident services and the webhook that were told it was
-- resolved are told of it again now. The caller has locked the ticket's row (or the message's) first,
-- then the request's, and checked that the request was closed as not an emergency and may live again.
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
    IF (SELECT next_step FROM agent_requests WHERE id = p_request_id) IS NULL THEN
        INSERT INTO escalation_callouts (request_id, step, channel, event, recipient, facts)
        SELECT p_request_id, g.step, c.channel, 'trigger', NULL,
               escalation_facts(p_request_id, 'trigger',
                                jsonb_build_object('position', g.step, 'action', g.action, 'level', g.level,
                                                   'after_seconds',
                                                   floor(extract(epoch FROM now() - r.requested_at))::integer,
                                                   'due_at', liftline_iso(now()),
                                                   'taken_at', liftline_iso(clock_timestamp()),
                                                   'reopened', true))
          FROM (SELECT DISTINCT o.channel FROM escalation_callouts o
                 WHERE o.request_id = p_request_id AND o.event = 'trigger'
                   AND o.channel IN ('pagerduty', 'webhook')) c
          CROSS JOIN LATERAL (SELECT e.step, e.action, e.level FROM escalation_log e
                               WHERE e.request_id = p_request_id ORDER BY e.step DESC LIMIT 1) g;
    END IF;
END
$$;

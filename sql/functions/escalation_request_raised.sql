-- A request raised on a ticket or by an unattached message. While the ticket's earlier request still
-- waits for an acknowledgement, a new one only counts as a repeat: a technician writing "agent" again must
-- not send the ladder back to its start. Returns the request's id.
CREATE OR REPLACE FUNCTION escalation_request_raised(
    p_ticket_id integer, p_unassigned_id bigint, p_at timestamptz, p_from text, p_text text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    waiting agent_requests;
    created bigint;
BEGIN
    IF p_ticket_id IS NOT NULL THEN
        SELECT * INTO waiting FROM agent_requests
         WHERE ticket_id = p_ticket_id AND closed_at IS NULL AND acknowledged_at IS NULL
         ORDER BY id DESC LIMIT 1 FOR UPDATE;
        IF FOUND THEN
            UPDATE agent_requests SET repeats = repeats + 1 WHERE id = waiting.id;
            RETURN waiting.id;
        END IF;
        PERFORM escalation_closed(a.id, 'superseded')
           FROM agent_requests a WHERE a.ticket_id = p_ticket_id AND a.closed_at IS NULL;
    END IF;
    INSERT INTO agent_requests (ticket_id, unassigned_id, from_number, text, requested_at, next_step, next_step_at)
    SELECT p_ticket_id, p_unassigned_id, p_from, p_text, p_at, l.position,
           p_at + make_interval(secs => l.after_seconds)
      FROM (SELECT NULL) x
      LEFT JOIN LATERAL (SELECT * FROM escalation_ladder ORDER BY position LIMIT 1) l ON true
    RETURNING id INTO created;
    RETURN created;
END
$$;

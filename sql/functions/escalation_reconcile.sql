-- The requests no trigger recorded: those a database had before the requests were kept, and any raised
-- while a start applied the function files. Run at every start. A request from the last ten minutes runs
-- its ladder (its due steps at once); an older one is recorded without one, so that an upgrade does not
-- call out on-call staff for requests the consoles have shown for hours. Returns how many it recorded.
CREATE OR REPLACE FUNCTION escalation_reconcile() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    first escalation_ladder;
    m record;
    recorded integer := 0;
    recent boolean;
BEGIN
    SELECT * INTO first FROM escalation_ladder ORDER BY position LIMIT 1;
    FOR m IN SELECT t.id AS ticket_id, NULL::bigint AS unassigned_id, t.agent_requested_at AS at,
                    t.acknowledged_at, t.acknowledged_by, t.acknowledged_by_actor,
                    c.primary_msisdn AS from_number, NULL::text AS text
               FROM tickets t
               LEFT JOIN contacts c ON c.id = t.responded_by
              WHERE t.status = 'open' AND t.agent_requested AND t.agent_requested_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM agent_requests a
                                 WHERE a.ticket_id = t.id AND a.closed_at IS NULL
                                   AND (a.acknowledged_at IS NULL OR t.acknowledged_at IS NOT NULL))
             UNION ALL
             SELECT NULL, u.id, u.agent_requested_at, u.acknowledged_at, u.acknowledged_by,
                    u.acknowledged_by_actor, u.from_number, u.message
               FROM chat_unassigned u
              WHERE u.attached_at IS NULL AND u.agent_requested AND u.agent_requested_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM agent_requests a WHERE a.unassigned_id = u.id)
    LOOP
        IF m.ticket_id IS NOT NULL THEN
            PERFORM escalation_closed(a.id, 'superseded')
               FROM agent_requests a WHERE a.ticket_id = m.ticket_id AND a.closed_at IS NULL;
        END IF;
        recent := m.acknowledged_at IS NULL AND m.at > now() - interval '10 minutes';
        INSERT INTO agent_requests (ticket_id, unassigned_id, from_number, text, requested_at, acknowledged_at,
                                    acknowledged_by, acknowledged_by_actor, next_step, next_step_at)
        VALUES (m.ticket_id, m.unassigned_id, m.from_number, m.text, m.at, m.acknowledged_at, m.acknowledged_by,
                m.acknowledged_by_actor, CASE WHEN recent THEN first.position END,
                CASE WHEN recent THEN m.at + make_interval(secs => first.after_seconds) END);
        recorded := recorded + 1;
    END LOOP;
    RETURN recorded;
END
$$;

-- Keeps a ticket's requests, whoever writes the ticket (Liftline, the original add-on's keyword rule, a
-- psql session): a new request opens one, an acknowledgement stops its ladder, a resolution closes it.
CREATE OR REPLACE FUNCTION escalation_ticket_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'open' AND NEW.agent_requested AND NEW.agent_requested_at IS NOT NULL
       AND (TG_OP = 'INSERT' OR NOT OLD.agent_requested
            OR NEW.agent_requested_at IS DISTINCT FROM OLD.agent_requested_at) THEN
        PERFORM escalation_request_raised(NEW.id, NULL, NEW.agent_requested_at, m.from_number, m.message)
           FROM (SELECT NULL) x
           LEFT JOIN LATERAL (SELECT cm.from_number, cm.message FROM chat_messages cm
                               WHERE cm.ticket_id = NEW.id AND cm.direction = 'inbound'
                               ORDER BY cm.id DESC LIMIT 1) m ON true;
    END IF;
    IF TG_OP = 'INSERT' THEN
        RETURN NULL;
    END IF;
    IF NEW.acknowledged_at IS NOT NULL AND OLD.acknowledged_at IS NULL THEN
        PERFORM escalation_acknowledged(a.id, NEW.acknowledged_at, NEW.acknowledged_by, NEW.acknowledged_by_actor)
           FROM agent_requests a
          WHERE a.ticket_id = NEW.id AND a.closed_at IS NULL AND a.acknowledged_at IS NULL;
    END IF;
    IF NEW.status <> 'open' AND OLD.status = 'open' THEN
        PERFORM escalation_closed(a.id, 'resolved')
           FROM agent_requests a WHERE a.ticket_id = NEW.id AND a.closed_at IS NULL;
    END IF;
    RETURN NULL;
END
$$;

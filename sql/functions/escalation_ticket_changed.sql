-- Keeps a ticket's requests, whoever writes the ticket (Liftline, the original add-on's keyword rule, a
-- psql session): a new request opens one, an acknowledgement stops its ladder, the first reply after it
-- is dated on it, a resolution closes it. A request's received_at is when the webhook body with the
-- technician's latest message reached the server (the request's time when there is none, or only an
-- older one: the add-on's rows and other writers).
CREATE OR REPLACE FUNCTION escalation_ticket_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    m_from text;
    m_text text;
    m_received timestamptz;
    raised bigint;
BEGIN
    IF NEW.status = 'open' AND NEW.agent_requested AND NEW.agent_requested_at IS NOT NULL
       AND (TG_OP = 'INSERT' OR NOT OLD.agent_requested
            OR NEW.agent_requested_at IS DISTINCT FROM OLD.agent_requested_at) THEN
        SELECT cm.from_number, cm.message, i.received_at INTO m_from, m_text, m_received
          FROM chat_messages cm
          LEFT JOIN whatsapp_inbox i ON i.id = cm.inbox_id
         WHERE cm.ticket_id = NEW.id AND cm.direction = 'inbound'
         ORDER BY cm.id DESC LIMIT 1;
        raised := escalation_request_raised(NEW.id, NULL, NEW.agent_requested_at, m_from, m_text);
        UPDATE agent_requests
           SET received_at = CASE WHEN m_received BETWEEN requested_at - interval '10 minutes' AND requested_at
                                  THEN m_received ELSE requested_at END
         WHERE id = raised AND received_at IS NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        RETURN NULL;
    END IF;
    IF NEW.acknowledged_at IS NOT NULL AND OLD.acknowledged_at IS NULL THEN
        PERFORM escalation_acknowledged(a.id, NEW.acknowledged_at, NEW.acknowledged_by, NEW.acknowledged_by_actor)
           FROM agent_requests a
          WHERE a.ticket_id = NEW.id AND a.closed_at IS NULL AND a.acknowledged_at IS NULL;
    END IF;
    IF NEW.agent_replied_at IS NOT NULL AND OLD.agent_replied_at IS NULL THEN
        UPDATE agent_requests SET replied_at = NEW.agent_replied_at
         WHERE ticket_id = NEW.id AND closed_at IS NULL AND replied_at IS NULL
           AND requested_at <= NEW.agent_replied_at;
    END IF;
    IF NEW.status <> 'open' AND OLD.status = 'open' THEN
        PERFORM escalation_closed(a.id, 'resolved')
           FROM agent_requests a WHERE a.ticket_id = NEW.id AND a.closed_at IS NULL;
    END IF;
    RETURN NULL;
END
$$;

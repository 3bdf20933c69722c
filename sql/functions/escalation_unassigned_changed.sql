-- Keeps the requests of numbers that matched no ticket: one opens with the message (received when its
-- webhook body reached the server), an acknowledgement stops its ladder, and attaching the message to a
-- ticket makes it that ticket's request.
CREATE OR REPLACE FUNCTION escalation_unassigned_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    raised bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.agent_requested THEN
            raised := escalation_request_raised(NULL, NEW.id, coalesce(NEW.agent_requested_at, now()),
                                                NEW.from_number, NEW.message);
            UPDATE agent_requests
               SET received_at = coalesce((SELECT i.received_at FROM whatsapp_inbox i WHERE i.id = NEW.inbox_id),
                                          requested_at)
             WHERE id = raised AND received_at IS NULL;
        END IF;
        RETURN NULL;
    END IF;
    IF NEW.acknowledged_at IS NOT NULL AND OLD.acknowledged_at IS NULL THEN
        PERFORM escalation_acknowledged(a.id, NEW.acknowledged_at, NEW.acknowledged_by, NEW.acknowledged_by_actor)
           FROM agent_requests a
          WHERE a.unassigned_id = NEW.id AND a.closed_at IS NULL AND a.acknowledged_at IS NULL;
    END IF;
    IF NEW.attached_ticket_id IS NOT NULL AND OLD.attached_ticket_id IS NULL THEN
        UPDATE agent_requests SET ticket_id = NEW.attached_ticket_id
         WHERE unassigned_id = NEW.id AND ticket_id IS NULL;
    END IF;
    RETURN NULL;
END
$$;

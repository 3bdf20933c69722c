-- A person's reply takes a waiting request and dates the answer. A message the system sends by itself
-- (sent_by 'automatic': the confirmation that an agent has the request) is neither.
CREATE OR REPLACE FUNCTION chat_messages_reply_acknowledges() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unacknowledged boolean;
    unanswered boolean;
    actor text;
    who text := coalesce(nullif(NEW.agent_name, ''), 'Agent');
BEGIN
    IF NEW.sent_by = 'automatic' THEN
        RETURN NULL;
    END IF;
    SELECT t.acknowledged_at IS NULL, t.agent_replied_at IS NULL INTO unacknowledged, unanswered
      FROM tickets t
     WHERE t.id = NEW.ticket_id AND t.agent_requested AND t.status = 'open';
    IF NOT FOUND OR NOT (unacknowledged OR unanswered) THEN
        RETURN NULL;
    END IF;
    actor := CASE WHEN NEW.agent_id IS NOT NULL THEN 'agent:' || NEW.agent_id
                  ELSE coalesce(NEW.sent_by, 'original_system') END;
    IF unacknowledged THEN
        UPDATE tickets SET acknowledged_at = now(), acknowledged_by = who, acknowledged_by_actor = actor,
                           agent_replied_at = coalesce(agent_replied_at, now())
         WHERE id = NEW.ticket_id;
        INSERT INTO audit_log (actor_kind, agent_id, actor_name, action, ticket_id, details)
        VALUES (CASE WHEN NEW.sent_by IN ('agent', 'admin_token', 'cli', 'system') THEN NEW.sent_by ELSE 'system' END,
                NEW.agent_id, who, 'ticket.acknowledged', NEW.ticket_id,
                jsonb_build_object('by_reply', NEW.id,
                                   'writer', CASE WHEN NEW.sent_by IS NULL THEN 'original_system' ELSE 'liftline' END));
    ELSE
        UPDATE tickets SET agent_replied_at = now() WHERE id = NEW.ticket_id;
    END IF;
    RETURN NULL;
END
$$;

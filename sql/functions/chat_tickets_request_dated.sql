CREATE OR REPLACE FUNCTION chat_tickets_request_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.agent_requested AND NOT OLD.agent_requested
       AND NEW.agent_requested_at IS NOT DISTINCT FROM OLD.agent_requested_at THEN
        NEW.agent_requested_at := now();
        NEW.acknowledged_at := NULL;
        NEW.acknowledged_by := NULL;
        NEW.acknowledged_by_actor := NULL;
    END IF;
    RETURN NEW;
END
$$;

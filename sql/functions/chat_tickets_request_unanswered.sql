-- Whoever raises a request (the receive function, the add-on's keyword rule) dates it anew; a new request
-- has no reply yet. Named to fire after chat_tickets_request_dated, which may set the new date.
CREATE OR REPLACE FUNCTION chat_tickets_request_unanswered() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.agent_requested_at IS DISTINCT FROM OLD.agent_requested_at THEN
        NEW.agent_replied_at := NULL;
    END IF;
    RETURN NEW;
END
$$;

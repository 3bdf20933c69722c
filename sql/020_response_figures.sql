-- The response figures of each request (README, "Response figures"): when the technician's message
-- reached the server (received_at, from the webhook body that carried it), when a console was first
-- handed the alert (alerted_at, written by the instance whose console got it first), and when the first
-- agent reply after the request was sent (replied_at, from the ticket's agent_replied_at).

-- liftline:step transaction: the request's times, and the trigger that follows the ticket's reply time
ALTER TABLE agent_requests ADD COLUMN IF NOT EXISTS received_at timestamptz;
ALTER TABLE agent_requests ADD COLUMN IF NOT EXISTS alerted_at timestamptz;
ALTER TABLE agent_requests ADD COLUMN IF NOT EXISTS replied_at timestamptz;
LOCK TABLE chat_messages IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;
DROP TRIGGER IF EXISTS escalation_ticket_changed ON tickets;
CREATE TRIGGER escalation_ticket_changed
    AFTER INSERT OR UPDATE OF agent_requested, agent_requested_at, acknowledged_at, agent_replied_at, status
    ON tickets FOR EACH ROW EXECUTE FUNCTION escalation_ticket_changed();

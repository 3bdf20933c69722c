-- A reply on a ticket with a request: the first one dates the answer, and takes the request if nobody has
-- yet, in the replier's name. Liftline's rows name their sender (sent_by, agent_id); a row without them
-- was written by the original add-on.
--
-- Locks are taken in the order every writer takes them: the ticket, then its summary row
-- (chat_messages_row_inserted), then its stored conversation. Liftline's routes lock the ticket before
-- inserting; the add-on does not, so a BEFORE trigger takes it for every reply, and the change itself is
-- made after the summary row's trigger (this trigger's name sorts after it).
CREATE OR REPLACE FUNCTION chat_messages_reply_locks_ticket() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM tickets WHERE id = NEW.ticket_id FOR NO KEY UPDATE;
    RETURN NEW;
END
$$;

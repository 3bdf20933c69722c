-- Locks, in ticket order, the stored conversations a message from p_number on p_ticket_id will store: its
-- ticket's (the message's insert) and every listed one of the number (chat_window_changed, when the
-- message renews the number's window). Taken before either, so that both are stored in the order every
-- writer takes them: in two orders (the number's tickets, then the message's), two such messages, or one
-- and a batch of an upgrade, could each hold what the other waits for. A conversation not stored yet (on
-- a database the upgrade has not finished) is stored here, in its turn: two inserts of new rows in two
-- orders wait on each other as well.
CREATE OR REPLACE FUNCTION chat_lock_number_conversations(p_ticket_id integer, p_number text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    id integer;
BEGIN
    FOR id IN SELECT p_ticket_id WHERE p_ticket_id IS NOT NULL
              UNION
              SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.responded_by
               WHERE c.primary_msisdn = p_number
                 AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
              ORDER BY 1 LOOP
        PERFORM 1 FROM chat_conversation_cache c WHERE c.ticket_id = id FOR UPDATE;
        IF NOT FOUND THEN
            PERFORM chat_conversation_refresh(id);
        END IF;
    END LOOP;
END
$$;

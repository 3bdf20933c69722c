-- What the original system writes to the same tables, during and after the upgrade, is kept as Liftline
-- keeps its own rows.
-- - a chat row inserted by another system (the original add-on's send route, a psql session) gets the
--   values Liftline's own rows carry: an outbound row is 'sent' and read, not 'received';
-- - an inbound row inserted by another system renews its number's 24-hour window from its time;
-- - another system raising tickets.agent_requested (the add-on's keyword rule) dates the request and
--   clears an earlier acknowledgement, as Liftline's own requests do;
-- - a stored conversation object is recomputed under its row's lock, so that two writers (a trigger and
--   014's rebuild) never store an object computed before the other's change.

-- liftline:step transaction: the triggers for rows other systems write, and conversations recomputed under lock
-- Other writers leave status to its default 'received', which an outbound row never is.
CREATE OR REPLACE FUNCTION chat_messages_fill_in() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.direction = 'outbound' AND NEW.status = 'received' THEN
        NEW.status := 'sent';
        NEW.read_by_agent := true;
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS chat_messages_fill_in ON chat_messages;
CREATE TRIGGER chat_messages_fill_in BEFORE INSERT ON chat_messages
    FOR EACH ROW EXECUTE FUNCTION chat_messages_fill_in();

-- Liftline stores every inbound message with its WhatsApp id; a row without one was written by another
-- system when it received the message, so its time stands for WhatsApp's.
--
-- The window's renewal stores every listed conversation of the number (chat_window_changed), and the
-- statement's trigger then stores the message's own. Their rows are locked here first, all in ticket
-- order, as every other writer takes them: in two orders (the number's tickets, then the message's), two
-- such messages, or one and a batch of the upgrade, could each hold what the other waits for.
-- A conversation not stored yet (until 014 has stored them all) is stored in its turn: two inserts of
-- new rows in two orders wait on each other as well.
CREATE OR REPLACE FUNCTION chat_messages_other_inbound() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    id integer;
BEGIN
    FOR id IN SELECT NEW.ticket_id WHERE NEW.ticket_id IS NOT NULL
              UNION
              SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.responded_by
               WHERE c.primary_msisdn = NEW.from_number
                 AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
              ORDER BY 1 LOOP
        PERFORM 1 FROM chat_conversation_cache c WHERE c.ticket_id = id FOR UPDATE;
        IF NOT FOUND THEN
            PERFORM chat_conversation_refresh(id);
        END IF;
    END LOOP;
    PERFORM whatsapp_renew_window(NEW.from_number, coalesce(NEW.created_at, now()));
    RETURN NULL;
END
$$;
-- Named to fire after chat_messages_row_inserted, which takes the summary row's lock first (see 014).
DROP TRIGGER IF EXISTS chat_messages_row_other_inbound ON chat_messages;
CREATE TRIGGER chat_messages_row_other_inbound AFTER INSERT ON chat_messages
    FOR EACH ROW WHEN (NEW.direction = 'inbound' AND NEW.wa_message_id IS NULL AND NEW.from_number IS NOT NULL)
    EXECUTE FUNCTION chat_messages_other_inbound();

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
DROP TRIGGER IF EXISTS chat_tickets_request_dated ON tickets;
CREATE TRIGGER chat_tickets_request_dated BEFORE UPDATE OF agent_requested ON tickets
    FOR EACH ROW EXECUTE FUNCTION chat_tickets_request_dated();

-- Recomputes and stores one ticket's conversation; returns it (NULL when the ticket is gone). The stored
-- row is locked before the object is computed: a writer that changed the ticket and stored its object
-- meanwhile has committed by then, and this statement's snapshot sees its change. A closed ticket is
-- never pending: its request ended with it.
CREATE OR REPLACE FUNCTION chat_conversation_refresh(p_ticket_id integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    r chat_conversation_rows;
    j json;
BEGIN
    PERFORM 1 FROM chat_conversation_cache WHERE ticket_id = p_ticket_id FOR UPDATE;
    SELECT * INTO r FROM chat_conversation_rows WHERE id = p_ticket_id;
    IF NOT FOUND THEN
        DELETE FROM chat_conversation_cache WHERE ticket_id = p_ticket_id;
        RETURN NULL;
    END IF;
    j := chat_conversation_to_json(r);
    INSERT INTO chat_conversation_cache AS c (ticket_id, data, is_open, resolved_at, pending, last_message_at, created_at)
    VALUES (r.id, j, r.is_open, r.resolved_at, r.is_open AND r.agent_requested AND r.acknowledged_at IS NULL,
            r.last_message_at, r.created_at)
    ON CONFLICT (ticket_id) DO UPDATE SET
        data = EXCLUDED.data,
        is_open = EXCLUDED.is_open,
        resolved_at = EXCLUDED.resolved_at,
        pending = EXCLUDED.pending,
        last_message_at = EXCLUDED.last_message_at,
        created_at = EXCLUDED.created_at;
    RETURN j;
END
$$;

-- liftline:step no-transaction: replies the original add-on stored while the upgrade ran, before the trigger existed, become 'sent'
-- liftline:cost message=0.0000005
DO $$
DECLARE
    done bigint := 0;
    last bigint;
BEGIN
    SELECT coalesce(max(id), 0) INTO last FROM chat_messages;
    WHILE done < last LOOP
        UPDATE chat_messages SET status = 'sent', read_by_agent = true
         WHERE id > done AND id <= done + 50000 AND direction = 'outbound' AND status = 'received';
        done := done + 50000;
        COMMIT;
    END LOOP;
END
$$;

-- Acknowledging a request is an act: the Acknowledge action, or a reply. Reading a conversation no longer
-- acknowledges it (the original page marks an open chat read on every poll, and a console marks a row
-- read when an agent passes it), so every reply does, whoever writes it: Liftline's send and template
-- routes, and the original add-on's server writing its rows itself. The AI assistant's replies do not: a
-- request is taken when a person has it.
--
-- The time of the first reply after the request is kept too (agent_replied_at): the consoles keep the
-- request's clock running after an acknowledgement until the technician has been answered.

-- liftline:step transaction: the first reply's time, kept per request, and cleared by a new request
-- The original server may be writing meanwhile: its insert into chat_messages then checks the ticket's
-- key, so this step takes its locks in that order (chat_messages, then tickets) and such a writer waits
-- for it instead of deadlocking with it (bench_upgrade_smoke caught the other order).
LOCK TABLE chat_messages IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS agent_replied_at timestamptz;

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
DROP TRIGGER IF EXISTS chat_tickets_request_unanswered ON tickets;
CREATE TRIGGER chat_tickets_request_unanswered BEFORE UPDATE OF agent_requested, agent_requested_at ON tickets
    FOR EACH ROW EXECUTE FUNCTION chat_tickets_request_unanswered();

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
DROP TRIGGER IF EXISTS chat_messages_reply_locks_ticket ON chat_messages;
CREATE TRIGGER chat_messages_reply_locks_ticket BEFORE INSERT ON chat_messages
    FOR EACH ROW WHEN (NEW.direction = 'outbound' AND NEW.sent_by IS DISTINCT FROM 'ai_token')
    EXECUTE FUNCTION chat_messages_reply_locks_ticket();

CREATE OR REPLACE FUNCTION chat_messages_reply_acknowledges() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unacknowledged boolean;
    unanswered boolean;
    actor text;
    who text := coalesce(nullif(NEW.agent_name, ''), 'Agent');
BEGIN
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
DROP TRIGGER IF EXISTS chat_messages_row_replied ON chat_messages;
CREATE TRIGGER chat_messages_row_replied AFTER INSERT ON chat_messages
    FOR EACH ROW WHEN (NEW.direction = 'outbound' AND NEW.sent_by IS DISTINCT FROM 'ai_token')
    EXECUTE FUNCTION chat_messages_reply_acknowledges();

-- The registry's technicians of a ticket's lift, for a conversation nobody has written on yet: the agent
-- sees who the alert went to. Ordered by name, so the stored object does not change for nothing.
CREATE OR REPLACE FUNCTION chat_lift_technicians(p_lift_id integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('name', c.display_name, 'phone', c.primary_msisdn)
                             ORDER BY c.display_name, c.primary_msisdn), '[]'::json)
      FROM lift_contacts lc JOIN contacts c ON c.id = lc.contact_id
     WHERE lc.lift_id = p_lift_id AND lower(coalesce(lc.relation, 'technician')) = 'technician'
$$;

-- A lift's technicians change (the registry import, the original system's admin pages): its listed
-- conversations change with them.
CREATE OR REPLACE FUNCTION chat_lift_contacts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.id) FROM tickets t
     WHERE t.lift_id IN (NEW.lift_id, OLD.lift_id)
       AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
     ORDER BY t.id;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS chat_lift_contacts_changed ON lift_contacts;
CREATE TRIGGER chat_lift_contacts_changed AFTER INSERT OR UPDATE OR DELETE ON lift_contacts
    FOR EACH ROW EXECUTE FUNCTION chat_lift_contacts_changed();

CREATE OR REPLACE FUNCTION chat_contact_lifts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM chat_conversation_changed(t.id) FROM tickets t
     WHERE t.lift_id IN (SELECT lc.lift_id FROM lift_contacts lc WHERE lc.contact_id = NEW.id)
       AND t.responded_by IS DISTINCT FROM NEW.id -- chat_contact_changed has those
       AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
     ORDER BY t.id;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS chat_contact_lifts_changed ON contacts;
CREATE TRIGGER chat_contact_lifts_changed AFTER UPDATE ON contacts
    FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name
                       OR OLD.primary_msisdn IS DISTINCT FROM NEW.primary_msisdn)
    EXECUTE FUNCTION chat_contact_lifts_changed();

-- The conversation carries the first reply's time (null until the request is answered) and, while no
-- technician has written (responded_by is null), the lift's technicians; null after, when contact_name
-- and contact_phone say who. Each is looked up only when it can matter: this object is rebuilt on every
-- message. Read here rather than added to chat_conversation_rows: 003 defines that view, and a view
-- cannot lose a column when 003 runs again.
-- Function calls rather than subqueries in chat_conversation_to_json: a SQL function whose body has a
-- subquery is not inlined, and the plpgsql callers then pay for a full executor run per object (about a
-- sixth of the webhook's processing rate at 16 senders, measured with bench_webhook).
CREATE OR REPLACE FUNCTION chat_ticket_replied_at(p_ticket_id integer) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT agent_replied_at FROM tickets WHERE id = p_ticket_id
$$;

CREATE OR REPLACE FUNCTION chat_conversation_to_json(r chat_conversation_rows) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id,
        'lift_id', r.lift_id,
        'status', r.status,
        'ticket_reference', r.ticket_reference,
        'agent_requested', r.agent_requested,
        'agent_requested_at', liftline_iso(r.agent_requested_at),
        'acknowledged_at', liftline_iso(r.acknowledged_at),
        'acknowledged_by', r.acknowledged_by,
        'agent_replied_at', CASE WHEN r.agent_requested THEN liftline_iso(chat_ticket_replied_at(r.id)) END,
        'responded_by', r.responded_by,
        'created_at', liftline_iso(r.created_at),
        'resolved_at', liftline_iso(r.resolved_at),
        'site_name', r.site_name,
        'building', r.building,
        'lift_msisdn', r.lift_msisdn,
        'lift_name', r.lift_name,
        'lift_technicians', CASE WHEN r.responded_by IS NULL THEN chat_lift_technicians(r.lift_id) END,
        'contact_name', r.contact_name,
        'contact_phone', r.contact_phone,
        'message_count', r.message_count,
        'unread_count', r.unread_count,
        'last_message_at', liftline_iso(r.last_message_at),
        'last_message_preview', r.last_message_preview,
        'window_expires_at', liftline_iso(r.window_expires_at))
$$;

-- liftline:step no-transaction: each request's first reply found, and every stored conversation given the new field, 500 tickets at a time
-- liftline:cost ticket=0.0001
-- The first reply after each request on an open ticket (or one closed within the hour), as 014 found the
-- acknowledging one. Stored conversations are recomputed in ticket order, as every writer locks them; the
-- listed ones are announced to the consoles.
--
-- Each batch first locks the tickets it may update, then its stored conversations, each in ticket order
-- (the order every writer takes them), waiting at most 100 ms for each. A batch that would wait longer
-- gives way and is tried again: a message the original server stores can hold one conversation while it
-- waits for another (its number's other tickets first, its own last), and it is never the one a deadlock
-- breaks. Before this, the update stored conversations in the order it found the tickets, and 2 of 4
-- upgrades under the original server's writes failed one of them.
DO $$
DECLARE
    done integer := 0;
    last integer;
    stored record;
    gave_way integer := 0;
BEGIN
    SELECT coalesce(max(ticket_id), 0) INTO last FROM chat_conversation_cache;
    WHILE done < last LOOP
        BEGIN
        PERFORM set_config('lock_timeout', '100ms', true);
        PERFORM 1 FROM tickets t
         WHERE t.id > done AND t.id <= done + 500
           AND t.agent_requested AND t.agent_requested_at IS NOT NULL AND t.agent_replied_at IS NULL
           AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
         ORDER BY t.id FOR NO KEY UPDATE;
        PERFORM 1 FROM chat_conversation_cache c WHERE c.ticket_id > done AND c.ticket_id <= done + 500
         ORDER BY c.ticket_id FOR UPDATE;
        UPDATE tickets t
           SET agent_replied_at = (SELECT min(m.created_at) FROM chat_messages m
                                    WHERE m.ticket_id = t.id AND m.direction = 'outbound'
                                      AND m.created_at >= t.agent_requested_at
                                      AND m.sent_by IS DISTINCT FROM 'ai_token')
         WHERE t.id > done AND t.id <= done + 500
           AND t.agent_requested AND t.agent_requested_at IS NOT NULL AND t.agent_replied_at IS NULL
           AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour');
        FOR stored IN SELECT c.ticket_id, c.is_open OR c.resolved_at > now() - interval '1 hour' AS listed
                   FROM chat_conversation_cache c
                  WHERE c.ticket_id > done AND c.ticket_id <= done + 500 ORDER BY c.ticket_id LOOP
            IF stored.listed THEN
                PERFORM chat_conversation_changed(stored.ticket_id);
            ELSE
                PERFORM chat_conversation_refresh(stored.ticket_id);
            END IF;
        END LOOP;
        gave_way := 0;
        EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
            gave_way := gave_way + 1;
        END;
        IF gave_way = 0 THEN
            done := done + 500;
        ELSIF gave_way > 600 THEN
            RAISE EXCEPTION 'gave way 600 times in a row to other writers on tickets %..%', done + 1, done + 500
                USING ERRCODE = 'lock_not_available';
        ELSE
            PERFORM pg_sleep(least(1.0, 0.02 * gave_way));
        END IF;
        COMMIT;
    END LOOP;
END
$$;

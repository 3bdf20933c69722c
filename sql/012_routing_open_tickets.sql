-- Routing never loses an emergency. A message goes to a ticket only while that ticket is open: a reply to
-- an alert of a resolved ticket, or a technician who chatted on a ticket that has since been resolved,
-- reaches the open ticket of their lift instead (whatever its age: an entrapment can outlast the routing
-- window, which now only orders the candidates). A message that still finds no ticket is kept as
-- unassigned, and when it asks for an agent the request is raised and announced like any other
-- (agent.requested, with the unassigned item's id instead of a ticket), until an agent acknowledges it or
-- attaches it to a ticket.

-- A request made by a message no ticket claimed, and who took it.
ALTER TABLE chat_unassigned ADD COLUMN IF NOT EXISTS agent_requested boolean NOT NULL DEFAULT false;
ALTER TABLE chat_unassigned ADD COLUMN IF NOT EXISTS agent_requested_at timestamptz;
ALTER TABLE chat_unassigned ADD COLUMN IF NOT EXISTS acknowledged_at timestamptz;
ALTER TABLE chat_unassigned ADD COLUMN IF NOT EXISTS acknowledged_by text;
ALTER TABLE chat_unassigned ADD COLUMN IF NOT EXISTS acknowledged_by_actor text;
CREATE INDEX IF NOT EXISTS chat_unassigned_from_idx ON chat_unassigned (from_number, id);

-- An unassigned item as GET /api/chat/unassigned lists it and the unassigned.* events carry it.
-- contact_name is the registry's name for the number, when it has one.
CREATE OR REPLACE FUNCTION chat_unassigned_to_json(u chat_unassigned) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', u.id,
        'from_number', u.from_number,
        'profile_name', u.profile_name,
        'contact_name', (SELECT c.display_name FROM contacts c WHERE c.primary_msisdn = u.from_number),
        'user_id', u.user_id,
        'message', u.message,
        'kind', u.kind,
        'wa_timestamp', liftline_iso(u.wa_timestamp),
        'context_wa_id', u.context_wa_id,
        'media_id', u.media_id,
        'created_at', liftline_iso(u.created_at),
        'agent_requested', u.agent_requested,
        'agent_requested_at', liftline_iso(u.agent_requested_at),
        'acknowledged_at', liftline_iso(u.acknowledged_at),
        'acknowledged_by', u.acknowledged_by,
        'attached_ticket_id', u.attached_ticket_id,
        'attached_at', liftline_iso(u.attached_at),
        'attached_by', u.attached_by)
$$;

-- The ticket a message belongs to, NULL when none. Only open tickets take messages, in this order:
-- 1. the ticket whose message or alert it replies to (also among the original system's ticket_messages,
--    where that table exists);
-- 2. the ticket this number exchanged a chat message on in the 24 hours before receipt;
-- 3. the newest open ticket of a lift the contact is linked to: one created within p_window_hours before
--    receipt first, else the newest of any age.
CREATE OR REPLACE FUNCTION whatsapp_route(p_from text, p_context_id text, p_contact_id uuid,
                                          p_received_at timestamptz, p_window_hours integer)
RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_ticket integer;
BEGIN
    IF p_context_id IS NOT NULL THEN
        SELECT m.ticket_id INTO found_ticket
          FROM chat_messages m JOIN tickets t ON t.id = m.ticket_id
         WHERE m.wa_message_id = p_context_id AND t.status = 'open';
        IF found_ticket IS NOT NULL THEN
            RETURN found_ticket;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('ticket_messages')
                      AND attname = 'wa_message_id' AND NOT attisdropped) THEN
            EXECUTE 'SELECT tm.ticket_id FROM ticket_messages tm JOIN tickets t ON t.id = tm.ticket_id '
                    'WHERE tm.wa_message_id = $1 AND t.status = ''open'' ORDER BY tm.ticket_id DESC LIMIT 1'
               INTO found_ticket USING p_context_id;
            IF found_ticket IS NOT NULL THEN
                RETURN found_ticket;
            END IF;
        END IF;
    END IF;

    SELECT recent.ticket_id INTO found_ticket FROM (
        (SELECT m.id, m.ticket_id FROM chat_messages m JOIN tickets t ON t.id = m.ticket_id
          WHERE m.direction = 'inbound' AND m.from_number = p_from
            AND m.created_at > p_received_at - interval '24 hours' AND t.status = 'open'
          ORDER BY m.id DESC LIMIT 1)
        UNION ALL
        (SELECT m.id, m.ticket_id FROM chat_messages m JOIN tickets t ON t.id = m.ticket_id
          WHERE m.direction = 'outbound' AND m.to_number = p_from
            AND m.created_at > p_received_at - interval '24 hours' AND t.status = 'open'
          ORDER BY m.id DESC LIMIT 1)
    ) recent ORDER BY recent.id DESC LIMIT 1;
    IF found_ticket IS NOT NULL OR p_contact_id IS NULL THEN
        RETURN found_ticket;
    END IF;

    SELECT t.id INTO found_ticket FROM tickets t JOIN lift_contacts lc ON lc.lift_id = t.lift_id
     WHERE lc.contact_id = p_contact_id AND t.status = 'open'
     ORDER BY t.created_at > p_received_at - make_interval(hours => p_window_hours) DESC,
              t.created_at DESC, t.id DESC
     LIMIT 1;
    RETURN found_ticket;
END
$$;

-- The 24-hour window runs from WhatsApp's time of the newest inbound message, for any number.
CREATE OR REPLACE FUNCTION whatsapp_renew_window(p_number text, p_wa_timestamp timestamptz) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO chat_windows AS w (number, last_inbound_at)
    SELECT p_number, p_wa_timestamp WHERE p_wa_timestamp IS NOT NULL
    ON CONFLICT (number) DO UPDATE SET last_inbound_at = EXCLUDED.last_inbound_at, updated_at = now()
     WHERE w.last_inbound_at < EXCLUDED.last_inbound_at
$$;

-- Returns what became of the message: 'duplicate' (its WhatsApp id was claimed before), 'ticket' with
-- the ticket's id, or 'unassigned' with the chat_unassigned row's id. Every event it causes is emitted
-- here, in the same transaction.
CREATE OR REPLACE FUNCTION whatsapp_receive(
    p_inbox_id bigint, p_wa_message_id text, p_from text, p_profile_name text, p_user_id text,
    p_text text, p_kind text, p_wa_timestamp timestamptz, p_context_id text, p_media_id text, p_raw jsonb,
    p_agent_requested boolean, p_window_hours integer,
    OUT outcome text, OUT ticket_id integer, OUT unassigned_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
    contact uuid;
    contact_name text;
    received timestamptz;
    item chat_unassigned;
BEGIN
    -- The one place that decides "seen before", also for two copies of a body processed at once.
    INSERT INTO whatsapp_inbound_ids (wa_message_id, inbox_id) VALUES (p_wa_message_id, p_inbox_id)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        outcome := 'duplicate';
        RETURN;
    END IF;

    SELECT c.id, c.display_name INTO contact, contact_name FROM contacts c WHERE c.primary_msisdn = p_from;
    SELECT i.received_at INTO received FROM whatsapp_inbox i WHERE i.id = p_inbox_id;
    received := coalesce(received, now());

    ticket_id := whatsapp_route(p_from, p_context_id, contact, received, p_window_hours);
    -- Locks in the order every writer of a ticket keeps (ChatStore::lockTicket): the ticket's row, its
    -- counters and stored conversation (the message's insert), then the number's window (whose trigger
    -- recomputes the conversations that show it). An agent's reply, or the original server's insert, on the
    -- same ticket at the same moment then queues instead of deadlocking. A ticket resolved between the
    -- routing and the lock does not take the message: it is routed again.
    IF ticket_id IS NOT NULL THEN
        PERFORM 1 FROM tickets t WHERE t.id = ticket_id AND t.status = 'open' FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            ticket_id := whatsapp_route(p_from, p_context_id, contact, received, p_window_hours);
            IF ticket_id IS NOT NULL THEN
                PERFORM 1 FROM tickets t WHERE t.id = ticket_id FOR NO KEY UPDATE;
            END IF;
        END IF;
    END IF;

    IF ticket_id IS NULL THEN
        PERFORM whatsapp_renew_window(p_from, p_wa_timestamp);
        INSERT INTO chat_unassigned (wa_message_id, from_number, profile_name, user_id, message, kind,
                                     wa_timestamp, context_wa_id, media_id, raw, inbox_id,
                                     agent_requested, agent_requested_at)
        VALUES (p_wa_message_id, p_from, p_profile_name, p_user_id, p_text, p_kind, p_wa_timestamp,
                p_context_id, p_media_id, p_raw, p_inbox_id,
                p_agent_requested, CASE WHEN p_agent_requested THEN now() END)
        RETURNING * INTO item;
        unassigned_id := item.id;
        PERFORM chat_emit('unassigned.created', NULL, chat_unassigned_to_json(item));
        IF p_agent_requested THEN
            INSERT INTO event_log (event_type, ticket_id, contact_id, metadata)
            VALUES ('agent_requested', NULL, contact,
                    jsonb_build_object('wa_message_id', p_wa_message_id, 'text', p_text, 'from', p_from,
                                       'unassigned_id', item.id));
            PERFORM chat_emit('agent.requested', NULL,
                              json_build_object('ticket_id', NULL, 'unassigned_id', item.id,
                                                'ticket_reference', NULL, 'lift_name', NULL,
                                                'contact_name', coalesce(contact_name, p_profile_name, p_from),
                                                'from_number', p_from,
                                                'agent_requested_at', liftline_iso(item.agent_requested_at),
                                                'text', p_text));
        END IF;
        outcome := 'unassigned';
        RETURN;
    END IF;

    -- The technician who wrote is the one the agent answers, unless someone already is.
    IF contact IS NOT NULL THEN
        UPDATE tickets SET responded_by = contact WHERE id = ticket_id AND responded_by IS NULL;
    END IF;
    INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, kind, status,
                               wa_message_id, wa_timestamp, context_wa_id, media_id, raw, inbox_id)
    VALUES (ticket_id, p_from, NULL, p_text, 'inbound', p_kind, 'received', p_wa_message_id, p_wa_timestamp,
            p_context_id, p_media_id, p_raw, p_inbox_id);
    PERFORM whatsapp_renew_window(p_from, p_wa_timestamp);

    IF p_agent_requested THEN
        -- A new request clears an earlier acknowledgement: every console alerts again.
        UPDATE tickets SET agent_requested = true, agent_requested_at = now(), acknowledged_at = NULL,
               acknowledged_by = NULL, acknowledged_by_actor = NULL
         WHERE id = ticket_id;
        INSERT INTO event_log (event_type, ticket_id, contact_id, metadata)
        VALUES ('agent_requested', ticket_id, contact,
                jsonb_build_object('wa_message_id', p_wa_message_id, 'text', p_text));
        PERFORM chat_emit('agent.requested', t.id,
                          json_build_object('ticket_id', t.id, 'unassigned_id', NULL,
                                            'ticket_reference', t.ticket_reference,
                                            'lift_name', r.lift_name, 'contact_name', r.contact_name,
                                            'from_number', p_from,
                                            'agent_requested_at', liftline_iso(t.agent_requested_at),
                                            'text', p_text))
           FROM tickets t JOIN chat_conversation_rows r ON r.id = t.id
          WHERE t.id = whatsapp_receive.ticket_id;
    END IF;
    outcome := 'ticket';
END
$$;

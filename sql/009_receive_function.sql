-- One inbound WhatsApp message, stored in one call: claimed once, the sender's 24-hour window renewed,
-- routed to its ticket (ARCHITECTURE.md, "Routing") or kept as unassigned, the ticket's responder set, and
-- an agent request raised. The server parses the body and decides what the message says; the database
-- decides where it goes. One round trip per message instead of ten keeps processing ahead of arrivals.

-- The ticket a message belongs to, NULL when none: the message it replies to (also among the original
-- system's ticket_messages, where that table exists), else the ticket this number chatted on in the 24
-- hours before receipt, else the newest open ticket of a lift the contact is linked to, created within
-- p_window_hours before receipt.
CREATE OR REPLACE FUNCTION whatsapp_route(p_from text, p_context_id text, p_contact_id uuid,
                                          p_received_at timestamptz, p_window_hours integer)
RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_ticket integer;
BEGIN
    IF p_context_id IS NOT NULL THEN
        SELECT ticket_id INTO found_ticket FROM chat_messages WHERE wa_message_id = p_context_id;
        IF found_ticket IS NOT NULL THEN
            RETURN found_ticket;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('ticket_messages')
                      AND attname = 'wa_message_id' AND NOT attisdropped) THEN
            EXECUTE 'SELECT ticket_id FROM ticket_messages WHERE wa_message_id = $1 '
                    'ORDER BY ticket_id DESC LIMIT 1'
               INTO found_ticket USING p_context_id;
            IF found_ticket IS NOT NULL THEN
                RETURN found_ticket;
            END IF;
        END IF;
    END IF;

    SELECT ticket_id INTO found_ticket FROM (
        (SELECT id, ticket_id FROM chat_messages
          WHERE direction = 'inbound' AND from_number = p_from AND created_at > p_received_at - interval '24 hours'
          ORDER BY id DESC LIMIT 1)
        UNION ALL
        (SELECT id, ticket_id FROM chat_messages
          WHERE direction = 'outbound' AND to_number = p_from AND created_at > p_received_at - interval '24 hours'
          ORDER BY id DESC LIMIT 1)
    ) recent ORDER BY id DESC LIMIT 1;
    IF found_ticket IS NOT NULL OR p_contact_id IS NULL THEN
        RETURN found_ticket;
    END IF;

    SELECT t.id INTO found_ticket FROM tickets t JOIN lift_contacts lc ON lc.lift_id = t.lift_id
     WHERE lc.contact_id = p_contact_id AND t.status = 'open'
       AND t.created_at > p_received_at - make_interval(hours => p_window_hours)
     ORDER BY t.created_at DESC, t.id DESC LIMIT 1;
    RETURN found_ticket;
END
$$;

-- Returns what became of the message: 'duplicate' (its WhatsApp id was claimed before), 'ticket' with
-- the ticket's id, or 'unassigned' with the chat_unassigned row's id.
CREATE OR REPLACE FUNCTION whatsapp_receive(
    p_inbox_id bigint, p_wa_message_id text, p_from text, p_profile_name text, p_user_id text,
    p_text text, p_kind text, p_wa_timestamp timestamptz, p_context_id text, p_media_id text, p_raw jsonb,
    p_agent_requested boolean, p_window_hours integer,
    OUT outcome text, OUT ticket_id integer, OUT unassigned_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
    contact uuid;
    received timestamptz;
BEGIN
    -- The one place that decides "seen before", also for two copies of a body processed at once.
    INSERT INTO whatsapp_inbound_ids (wa_message_id, inbox_id) VALUES (p_wa_message_id, p_inbox_id)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        outcome := 'duplicate';
        RETURN;
    END IF;

    SELECT id INTO contact FROM contacts WHERE primary_msisdn = p_from;
    SELECT received_at INTO received FROM whatsapp_inbox WHERE id = p_inbox_id;
    received := coalesce(received, now());

    -- The 24-hour window runs from WhatsApp's time of the newest inbound message, for any number.
    IF p_wa_timestamp IS NOT NULL THEN
        INSERT INTO chat_windows AS w (number, last_inbound_at) VALUES (p_from, p_wa_timestamp)
        ON CONFLICT (number) DO UPDATE SET last_inbound_at = EXCLUDED.last_inbound_at, updated_at = now()
         WHERE w.last_inbound_at < EXCLUDED.last_inbound_at;
    END IF;

    ticket_id := whatsapp_route(p_from, p_context_id, contact, received, p_window_hours);
    IF ticket_id IS NULL THEN
        INSERT INTO chat_unassigned (wa_message_id, from_number, profile_name, user_id, message, kind,
                                     wa_timestamp, context_wa_id, media_id, raw, inbox_id)
        VALUES (p_wa_message_id, p_from, p_profile_name, p_user_id, p_text, p_kind, p_wa_timestamp,
                p_context_id, p_media_id, p_raw, p_inbox_id)
        RETURNING id INTO unassigned_id;
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

    IF p_agent_requested THEN
        -- A new request clears an earlier acknowledgement: every console alerts again.
        UPDATE tickets SET agent_requested = true, agent_requested_at = now(), acknowledged_at = NULL,
               acknowledged_by = NULL, acknowledged_by_actor = NULL
         WHERE id = ticket_id;
        INSERT INTO event_log (event_type, ticket_id, contact_id, metadata)
        VALUES ('agent_requested', ticket_id, contact,
                jsonb_build_object('wa_message_id', p_wa_message_id, 'text', p_text));
        PERFORM chat_emit('agent.requested', t.id,
                          json_build_object('ticket_id', t.id, 'ticket_reference', t.ticket_reference,
                                            'lift_name', r.lift_name, 'contact_name', r.contact_name,
                                            'agent_requested_at', liftline_iso(t.agent_requested_at),
                                            'text', p_text))
           FROM tickets t JOIN chat_conversation_rows r ON r.id = t.id
          WHERE t.id = whatsapp_receive.ticket_id;
    END IF;
    outcome := 'ticket';
END
$$;

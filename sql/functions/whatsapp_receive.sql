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

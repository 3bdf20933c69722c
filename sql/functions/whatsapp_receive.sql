-- Returns what became of the message: 'duplicate' (its WhatsApp id was claimed before), 'ticket' with
-- the ticket's id, 'unassigned' with the chat_unassigned row's id, 'changed' when it is an edit, a
-- deletion or a reaction applied to an earlier message (with that message's ticket or unassigned id), or
-- 'kept' when it is an edit or a deletion of a message not stored (yet): only its chat_message_changes row
-- is kept, and the message shows it from its first announcement if it arrives.
-- Every event it causes is emitted here, in the same transaction.
-- For an edit, a deletion or a reaction, p_context_id names the message it changes and p_text is the new
-- text or the emoji.
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
    target chat_messages;
    media_type text;
    waited boolean := false;
BEGIN
    -- The one place that decides "seen before", also for two copies of a body processed at once.
    INSERT INTO whatsapp_inbound_ids (wa_message_id, inbox_id) VALUES (p_wa_message_id, p_inbox_id)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        outcome := 'duplicate';
        RETURN;
    END IF;

    -- An edit, a deletion or a reaction is kept as a row of its own, and shown on the message it names when
    -- that message is here and the writer may change it: only its sender edits or deletes it; a reaction
    -- comes from either side. WhatsApp may deliver an edit or a deletion before its message: it is then
    -- kept only as that row, which chat_message_changes_of applies when the message arrives (an admin finds
    -- one whose message never arrives among the webhook problems). Anything else (one that may not change
    -- the message it names, a reaction to a message not here, an edit naming none) is stored as a message
    -- below, so that the agent still sees it.
    IF p_kind IN ('edit', 'revoke', 'reaction') THEN
        INSERT INTO chat_message_changes (wa_message_id, target_wa_id, change, from_number, body, kind,
                                          wa_timestamp, raw, inbox_id)
        VALUES (p_wa_message_id, coalesce(p_context_id, ''), p_kind, p_from,
                CASE WHEN p_kind = 'revoke' THEN NULL ELSE coalesce(p_text, '') END,
                CASE WHEN p_kind = 'edit' THEN p_raw #>> '{edit,message,type}' END,
                p_wa_timestamp, p_raw, p_inbox_id);
        LOOP
            -- The message's row is locked while its new state is announced, so that a status or a read
            -- announced at the same moment is numbered before or after this, never computed beside it. One
            -- being attached meanwhile is found on its ticket.
            -- In the order every writer keeps: the ticket's row first, then the message's.
            PERFORM 1 FROM tickets t WHERE t.id = (SELECT m.ticket_id FROM chat_messages m
                                                    WHERE m.wa_message_id = p_context_id) FOR NO KEY UPDATE;
            SELECT m.* INTO target FROM chat_messages m WHERE m.wa_message_id = p_context_id FOR NO KEY UPDATE;
            IF target.id IS NULL THEN
                SELECT u.* INTO item FROM chat_unassigned u WHERE u.wa_message_id = p_context_id
                   FOR NO KEY UPDATE;
                IF item.attached_at IS NOT NULL THEN
                    SELECT m.* INTO target FROM chat_messages m
                     WHERE m.wa_message_id = p_context_id FOR NO KEY UPDATE;
                END IF;
            END IF;
            EXIT WHEN target.id IS NOT NULL OR item.id IS NOT NULL OR waited OR p_kind = 'reaction'
                      OR p_context_id IS NULL;
            -- Not here: it may be being stored by another transaction at this moment, which holds this
            -- lock from before its insert to its commit (below). Looked for again once that is committed;
            -- otherwise this change is committed before that insert reads the changes, so that either way
            -- the message is announced with it.
            PERFORM pg_advisory_xact_lock(hashtext('liftline.inbound_message'), hashtext(p_context_id));
            waited := true;
        END LOOP;
        IF target.id IS NOT NULL
           AND coalesce((p_kind = 'reaction' AND p_from IN (target.from_number, target.to_number))
                        OR (p_kind <> 'reaction' AND target.direction = 'inbound' AND target.from_number = p_from),
                        false) THEN
            PERFORM chat_emit('message.updated', target.ticket_id, chat_message_to_json(target));
            -- The conversation list shows the latest message: an edit or a deletion of it shows there too.
            IF p_kind IN ('edit', 'revoke') THEN
                UPDATE chat_ticket_summary SET last_message_preview = chat_message_preview(target)
                 WHERE chat_ticket_summary.ticket_id = target.ticket_id AND last_message_id = target.id;
                IF FOUND THEN
                    PERFORM chat_conversation_changed(target.ticket_id);
                END IF;
            END IF;
            outcome := 'changed';
            ticket_id := target.ticket_id;
            RETURN;
        END IF;
        IF target.id IS NULL AND item.id IS NOT NULL AND item.attached_at IS NULL AND item.from_number = p_from THEN
            PERFORM chat_emit('unassigned.updated', NULL, chat_unassigned_to_json(item));
            outcome := 'changed';
            unassigned_id := item.id;
            RETURN;
        END IF;
        IF target.id IS NULL AND item.id IS NULL AND p_kind IN ('edit', 'revoke') AND p_context_id IS NOT NULL THEN
            outcome := 'kept';
            RETURN;
        END IF;
        p_text := CASE p_kind WHEN 'edit' THEN '[edit] ' || coalesce(p_text, '')
                              WHEN 'revoke' THEN '[revoke]'
                              ELSE CASE WHEN coalesce(p_text, '') = '' THEN '[reaction removed]'
                                        ELSE '[reaction] ' || p_text END END;
    END IF;

    -- An edit or a deletion of this message that comes at the same moment waits for this lock (above), so
    -- that the message's first announcement, and the list's preview, show it (chat_message_changes_of).
    -- Taken before the ticket's row, as the edit takes it before the ticket's (a body of several items
    -- holds both till its end: the same order keeps two such bodies from deadlocking).
    PERFORM pg_advisory_xact_lock(hashtext('liftline.inbound_message'), hashtext(p_wa_message_id));

    -- A file is fetched after the webhook's answer (MediaFetcher): its attachment is waiting from now on, and
    -- the message's first announcement already shows it.
    IF p_media_id IS NOT NULL AND p_kind IN ('image', 'audio', 'video', 'document') THEN
        media_type := CASE WHEN p_raw ->> 'type' = 'sticker' THEN 'sticker' ELSE p_kind END;
        INSERT INTO chat_attachments (wa_message_id, direction, media_type, voice, wa_media_id, declared_mime,
                                      declared_sha256, filename, caption)
        VALUES (p_wa_message_id, 'inbound', media_type,
                coalesce(p_raw #> ARRAY[p_raw ->> 'type', 'voice'] = 'true'::jsonb, false), left(p_media_id, 200),
                left(p_raw #>> ARRAY[p_raw ->> 'type', 'mime_type'], 200),
                left(p_raw #>> ARRAY[p_raw ->> 'type', 'sha256'], 200),
                left(p_raw #>> ARRAY[p_raw ->> 'type', 'filename'], 500),
                p_raw #>> ARRAY[p_raw ->> 'type', 'caption'])
        ON CONFLICT (wa_message_id) DO NOTHING;
    END IF;

    SELECT c.id, c.display_name INTO contact, contact_name FROM contacts c WHERE c.primary_msisdn = p_from;
    SELECT i.received_at INTO received FROM whatsapp_inbox i WHERE i.id = p_inbox_id;
    received := coalesce(received, now());

    ticket_id := whatsapp_route(p_from, p_context_id, contact, received, p_window_hours);
    -- Locks in the order every writer of a ticket keeps (ChatStore::lockTicket): the ticket's row, its
    -- counters, the stored conversations of the ticket and of the number's other tickets (all in ticket
    -- order: chat_lock_number_conversations), then the number's window (whose trigger recomputes the
    -- conversations that show it). An agent's reply, or the original server's insert, on the
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
    -- The summary row made first if missing (a ticket's first message): an absent row locks nothing.
    INSERT INTO chat_ticket_summary (ticket_id) VALUES (whatsapp_receive.ticket_id) ON CONFLICT DO NOTHING;
    PERFORM 1 FROM chat_ticket_summary s WHERE s.ticket_id = whatsapp_receive.ticket_id FOR UPDATE;
    PERFORM chat_lock_number_conversations(ticket_id, p_from);
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

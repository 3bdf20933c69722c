-- What Liftline derives from the transcript, built from the rows already there: on a database of the
-- original chat add-on, a year of conversations would otherwise show no count, no last message and no
-- unread badge, be ordered wrongly, and have no 24-hour window to reply in. The triggers keep all of it
-- current from here on; this builds it once, in batches that each commit, while the original server keeps
-- writing. Run again (a later upgrade, an interrupted one) it recomputes the same values.

-- liftline:step no-transaction: an index for the conversations that show a contact, then every number's 24-hour window from its latest inbound message
-- liftline:cost message=0.0000005 ticket=0.000002
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_responded_by_idx ON tickets (responded_by);

-- Liftline's own rows carry WhatsApp's time; the original add-on's only the time it stored them.
-- A window's trigger stores the conversations that show its number. Each batch of numbers first locks
-- those conversations in ticket order (storing the ones not stored yet, in their turn), then writes the windows, as a message does (summary, the
-- conversations in ticket order, then its number's window), waiting at most 100 ms for each lock; a batch
-- that would wait longer gives way and is tried again, so the original server's insert is never the one
-- a deadlock breaks.
DO $$
DECLARE
    numbers text[];
    batch text[];
    i integer := 1;
    tid integer;
    gave_way integer := 0;
BEGIN
    SELECT coalesce(array_agg(DISTINCT from_number ORDER BY from_number), '{}') INTO numbers
      FROM chat_messages WHERE direction = 'inbound' AND from_number IS NOT NULL;
    WHILE i <= cardinality(numbers) LOOP
        batch := numbers[i:i + 499];
        BEGIN
        PERFORM set_config('lock_timeout', '100ms', true);
        FOR tid IN SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.responded_by
                    WHERE c.primary_msisdn = ANY (batch)
                      AND (t.status = 'open' OR t.resolved_at > now() - interval '1 hour')
                    ORDER BY t.id LOOP
            PERFORM 1 FROM chat_conversation_cache WHERE ticket_id = tid FOR UPDATE;
            IF NOT FOUND THEN
                PERFORM chat_conversation_refresh(tid);
            END IF;
        END LOOP;
        INSERT INTO chat_windows AS w (number, last_inbound_at)
        SELECT from_number, max(coalesce(wa_timestamp, created_at))
          FROM chat_messages
         WHERE direction = 'inbound' AND from_number = ANY (batch)
           AND coalesce(wa_timestamp, created_at) IS NOT NULL
         GROUP BY from_number
         ORDER BY from_number
        ON CONFLICT (number) DO UPDATE SET last_inbound_at = EXCLUDED.last_inbound_at, updated_at = now()
         WHERE w.last_inbound_at < EXCLUDED.last_inbound_at;
        gave_way := 0;
        EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
            gave_way := gave_way + 1;
        END;
        IF gave_way = 0 THEN
            i := i + 500;
        ELSIF gave_way > 600 THEN
            RAISE EXCEPTION 'gave way 600 times in a row to other writers on the windows of % numbers',
                cardinality(batch) USING ERRCODE = 'lock_not_available';
        ELSE
            PERFORM pg_sleep(least(1.0, 0.02 * gave_way));
        END IF;
        COMMIT;
    END LOOP;
END
$$;

-- liftline:step no-transaction: requests the original add-on raised on the tickets agents see, dated, and taken by the first reply after them
-- The add-on set agent_requested and never cleared it, and recorded no time. On an open ticket (or one
-- closed within the hour, which the list still shows) the request's time is its latest agent_requested
-- entry in event_log (the add-on wrote one per request), else the latest inbound message with "agent" in
-- it (the add-on's rule), else the ticket's opening. The first reply after it took the request, as a
-- reply does in Liftline; one nobody answered on an open ticket is still waiting, and alerts. Older
-- tickets keep the flag without a time: when it was raised is not known, and nobody waits on it.
--
-- Each batch first locks its tickets, then their stored conversations (storing the ones not stored yet),
-- each in ticket order (the order every writer takes them), waiting at most 100 ms for each; the update's trigger then stores each
-- conversation without waiting. A batch that would wait longer gives way (a message the original server
-- stores can hold one conversation while it waits for another, in another order) and is tried again: the
-- original server's write is never the one a deadlock breaks.
DO $$
DECLARE
    flagged integer[];
    batch integer[];
    i integer := 1;
    tid integer;
    gave_way integer := 0;
BEGIN
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO flagged
      FROM tickets
     WHERE agent_requested AND agent_requested_at IS NULL
       AND (status = 'open' OR resolved_at > now() - interval '1 hour');
    WHILE i <= cardinality(flagged) LOOP
        batch := flagged[i:i + 199];
        BEGIN
        PERFORM set_config('lock_timeout', '100ms', true);
        PERFORM 1 FROM tickets WHERE id = ANY (batch) ORDER BY id FOR NO KEY UPDATE;
        FOREACH tid IN ARRAY batch LOOP
            PERFORM 1 FROM chat_conversation_cache WHERE ticket_id = tid FOR UPDATE;
            IF NOT FOUND THEN
                PERFORM chat_conversation_refresh(tid);
            END IF;
        END LOOP;
        WITH logged AS (
            SELECT e.ticket_id, max(e.created_at) AS at FROM event_log e
             WHERE e.event_type = 'agent_requested' AND e.ticket_id = ANY (batch)
             GROUP BY e.ticket_id
        ), asked AS (
            SELECT t.id,
                   coalesce(CASE WHEN l.at >= t.created_at THEN l.at END,
                            (SELECT max(m.created_at) FROM chat_messages m
                              WHERE m.ticket_id = t.id AND m.direction = 'inbound' AND m.message ILIKE '%agent%'),
                            t.created_at) AS at
              FROM tickets t LEFT JOIN logged l ON l.ticket_id = t.id
             WHERE t.id = ANY (batch)
        ), answered AS (
            SELECT a.id, a.at, r.created_at AS reply_at, coalesce(r.agent_name, 'Agent') AS reply_by
              FROM asked a
              LEFT JOIN LATERAL (SELECT m.created_at, m.agent_name FROM chat_messages m
                                  WHERE m.ticket_id = a.id AND m.direction = 'outbound' AND m.created_at >= a.at
                                  ORDER BY m.created_at, m.id LIMIT 1) r ON true
        )
        UPDATE tickets t
           SET agent_requested_at = a.at,
               acknowledged_at = a.reply_at,
               acknowledged_by = CASE WHEN a.reply_at IS NOT NULL THEN a.reply_by END,
               acknowledged_by_actor = CASE WHEN a.reply_at IS NOT NULL THEN 'original_system' END
          FROM answered a
         WHERE t.id = a.id AND t.agent_requested_at IS NULL;
        gave_way := 0;
        EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
            gave_way := gave_way + 1;
        END;
        IF gave_way = 0 THEN
            i := i + 200;
        ELSIF gave_way > 600 THEN
            RAISE EXCEPTION 'gave way 600 times in a row to other writers on tickets %..%', batch[1],
                batch[cardinality(batch)] USING ERRCODE = 'lock_not_available';
        ELSE
            PERFORM pg_sleep(least(1.0, 0.02 * gave_way));
        END IF;
        COMMIT;
    END LOOP;
END
$$;

-- liftline:step no-transaction: every ticket's counters, last message and stored conversation, 200 tickets at a time
-- liftline:cost ticket=0.00016
-- Each batch locks its tickets' counter rows before counting, and each stored conversation row before
-- computing it (chat_conversation_refresh does the same): a message the original server inserts meanwhile
-- waits for the batch's commit and is then counted by its trigger, or has committed and is counted here.
-- Conversations the list shows (open, or closed within the hour) are announced to the consoles.
DO $$
DECLARE
    done integer := 0;
    last integer;
    batch integer[];
    t record;
BEGIN
    SELECT coalesce(max(id), 0) INTO last FROM tickets;
    WHILE done < last LOOP
        SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO batch
          FROM tickets WHERE id > done AND id <= done + 200;
        INSERT INTO chat_ticket_summary (ticket_id) SELECT unnest(batch) ORDER BY 1 ON CONFLICT DO NOTHING;
        PERFORM 1 FROM chat_ticket_summary WHERE ticket_id = ANY (batch) ORDER BY ticket_id FOR UPDATE;

        UPDATE chat_ticket_summary s
           SET message_count = coalesce(c.messages, 0),
               unread_count = coalesce(c.unread, 0),
               last_message_id = l.id,
               last_message_at = l.created_at,
               last_message_preview = l.preview
          FROM unnest(batch) AS b(ticket_id)
          LEFT JOIN (SELECT m.ticket_id, count(*) AS messages,
                            count(*) FILTER (WHERE m.direction = 'inbound' AND m.read_by_agent IS FALSE) AS unread
                       FROM chat_messages m WHERE m.ticket_id = ANY (batch) GROUP BY m.ticket_id) c
                 ON c.ticket_id = b.ticket_id
          LEFT JOIN LATERAL (SELECT m.id, m.created_at, chat_message_preview(m) AS preview FROM chat_messages m
                              WHERE m.ticket_id = b.ticket_id ORDER BY m.id DESC LIMIT 1) l ON true
         WHERE s.ticket_id = b.ticket_id;

        -- In ticket order, as every other writer locks stored conversations.
        FOR t IN SELECT id, status = 'open' OR resolved_at > now() - interval '1 hour' AS listed
                   FROM tickets WHERE id = ANY (batch) ORDER BY id LOOP
            IF t.listed THEN
                PERFORM chat_conversation_changed(t.id);
            ELSE
                PERFORM chat_conversation_refresh(t.id);
            END IF;
        END LOOP;
        done := done + 200;
        COMMIT;
    END LOOP;
END
$$;

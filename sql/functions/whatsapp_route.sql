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

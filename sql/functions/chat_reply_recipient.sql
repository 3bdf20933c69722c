-- Who a reply on a ticket goes to, decided with the ticket's row locked (FOR NO KEY UPDATE, first, as
-- every writer takes it), so that two replies are decided in turn: p_to when given (a normalised number),
-- which must be a participant (it wrote on the ticket, or it is the technician who responded), else
-- chat_default_recipient's. window_open: the recipient wrote within the last 24 hours. The rule of every
-- reply, template and file (Outbox's lockRecipient, chat_reply_store).
CREATE OR REPLACE FUNCTION chat_reply_recipient(p_ticket_id integer, p_to text,
                                                OUT ticket_found boolean, OUT reference text,
                                                OUT to_number text, OUT participant boolean,
                                                OUT window_open boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_default text;
    v_to text;
BEGIN
    SELECT t.ticket_reference, chat_default_recipient(t.id) INTO reference, v_default FROM tickets t
     WHERE t.id = p_ticket_id FOR NO KEY UPDATE OF t;
    ticket_found := FOUND;
    v_to := coalesce(p_to, v_default);
    to_number := v_to;
    participant := v_to IS NOT DISTINCT FROM v_default
        OR EXISTS (SELECT 1 FROM chat_messages m
                    WHERE m.ticket_id = p_ticket_id AND m.direction = 'inbound' AND m.from_number = v_to)
        OR EXISTS (SELECT 1 FROM tickets t JOIN contacts c ON c.id = t.responded_by
                    WHERE t.id = p_ticket_id AND c.primary_msisdn = v_to);
    window_open := coalesce((SELECT w.last_inbound_at + interval '24 hours' > now() FROM chat_windows w
                              WHERE w.number = v_to), false);
END
$$;

-- What WhatsApp answered for a stored outbound message (Outbox::complete), in one statement: accepted, its
-- WhatsApp id is stored and the message is sent, then the delivery statuses that arrived before the id
-- was known are applied in their order, under the same lock as the status webhook's handler; refused
-- (p_accepted false), a pending message is failed with WhatsApp's reason. Returns the message as
-- consoles see it. Called outside a transaction it is committed in the same round trip.
CREATE OR REPLACE FUNCTION chat_reply_outcome(p_message_id bigint, p_accepted boolean, p_wa_message_id text,
                                              p_error_code text, p_error_message text)
RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF p_accepted THEN
        PERFORM pg_advisory_xact_lock(hashtext(p_wa_message_id));
        UPDATE chat_messages SET wa_message_id = p_wa_message_id, updated_at = now(),
               status = CASE WHEN status = 'pending' THEN 'sent' ELSE status END
         WHERE id = p_message_id;
        PERFORM whatsapp_apply_status(s.wa_message_id, s.status, s.errors -> 0 ->> 'code',
                                      coalesce(s.errors -> 0 -> 'error_data' ->> 'details',
                                               s.errors -> 0 ->> 'message'))
           FROM whatsapp_statuses s
          WHERE s.wa_message_id = p_wa_message_id AND s.applied_at IS NULL
          ORDER BY array_position(ARRAY['sent', 'delivered', 'read', 'played', 'failed'], s.status);
    ELSE
        UPDATE chat_messages SET status = 'failed', error_code = p_error_code, error_message = p_error_message,
               updated_at = now()
         WHERE id = p_message_id AND status = 'pending';
    END IF;
    RETURN (SELECT chat_message_to_json(m)::text FROM chat_messages m WHERE m.id = p_message_id);
END
$$;

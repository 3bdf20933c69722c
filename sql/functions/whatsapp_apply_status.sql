-- Applies a delivery status to an outbound message, forward only: sent < delivered < read ('played' is
-- read); failed overrides pending and sent, never delivered or read. Returns whether the message exists. A
-- reply to a number with no ticket (chat_direct_messages) takes it the same way, and says so
-- (unassigned.replied).
CREATE OR REPLACE FUNCTION whatsapp_apply_status(p_wa_message_id text, p_status text, p_error_code text,
                                                 p_error_message text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    current_status text;
    direct boolean := false;
    moved boolean;
    rank_of jsonb := '{"pending": 0, "sent": 1, "delivered": 2, "read": 3}';
    wanted text := CASE WHEN p_status = 'played' THEN 'read' ELSE p_status END;
BEGIN
    SELECT status INTO current_status FROM chat_messages WHERE wa_message_id = p_wa_message_id FOR UPDATE;
    IF NOT FOUND THEN
        -- A reply to a number with no ticket (chat_direct_messages), until it moves onto a ticket.
        SELECT status, attached_at IS NOT NULL INTO current_status, moved FROM chat_direct_messages
         WHERE wa_message_id = p_wa_message_id FOR UPDATE;
        IF NOT FOUND THEN
            RETURN false;
        END IF;
        IF moved THEN
            -- It moved onto a ticket while this status waited for its lock: the ticket's copy takes it, once
            -- it carries the id (until then the status waits, and the send's completion applies it).
            IF EXISTS (SELECT 1 FROM chat_messages WHERE wa_message_id = p_wa_message_id) THEN
                RETURN whatsapp_apply_status(p_wa_message_id, p_status, p_error_code, p_error_message);
            END IF;
            RETURN false;
        END IF;
        direct := true;
    END IF;
    IF (wanted = 'failed' AND current_status IN ('pending', 'sent'))
       OR (rank_of ? wanted AND rank_of ? current_status
           AND (rank_of ->> wanted)::int > (rank_of ->> current_status)::int) THEN
        IF direct THEN
            UPDATE chat_direct_messages
               SET status = wanted, updated_at = now(),
                   error_code = CASE WHEN wanted = 'failed' THEN p_error_code ELSE error_code END,
                   error_message = CASE WHEN wanted = 'failed' THEN p_error_message ELSE error_message END
             WHERE wa_message_id = p_wa_message_id;
            PERFORM chat_emit('unassigned.replied', NULL, chat_direct_message_to_json(d))
               FROM chat_direct_messages d WHERE d.wa_message_id = p_wa_message_id;
        ELSE
            UPDATE chat_messages
               SET status = wanted, updated_at = now(),
                   error_code = CASE WHEN wanted = 'failed' THEN p_error_code ELSE error_code END,
                   error_message = CASE WHEN wanted = 'failed' THEN p_error_message ELSE error_message END
             WHERE wa_message_id = p_wa_message_id;
        END IF;
    END IF;
    UPDATE whatsapp_statuses SET applied_at = now()
     WHERE wa_message_id = p_wa_message_id AND status = p_status AND applied_at IS NULL;
    RETURN true;
END
$$;

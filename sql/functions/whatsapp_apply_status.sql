-- Applies a delivery status to an outbound message, forward only: sent < delivered < read ('played' is
-- read); failed overrides pending and sent, never delivered or read. A failure that Liftline recorded itself
-- (a send a stopped server abandoned, ChatStore::failAbandonedSends, or that timed out; WhatsApp reported no
-- failed status for the id) gives way to a delivered or read from WhatsApp: the message did arrive. The
-- error is then cleared from the message and kept in the audit trail (message.delivered_after_failure),
-- beside WhatsApp's statuses in whatsapp_statuses. A failure WhatsApp reported stays. Returns whether the
-- message exists. A reply to a number with no ticket (chat_direct_messages) takes it the same way, and says
-- so (unassigned.replied).
CREATE OR REPLACE FUNCTION whatsapp_apply_status(p_wa_message_id text, p_status text, p_error_code text,
                                                 p_error_message text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    current_status text;
    current_code text;
    current_message text;
    row_id bigint;
    row_ticket integer;
    direct boolean := false;
    moved boolean;
    arrived boolean;
    rank_of jsonb := '{"pending": 0, "sent": 1, "delivered": 2, "read": 3}';
    wanted text := CASE WHEN p_status = 'played' THEN 'read' ELSE p_status END;
BEGIN
    SELECT id, ticket_id, status, error_code, error_message
      INTO row_id, row_ticket, current_status, current_code, current_message
      FROM chat_messages WHERE wa_message_id = p_wa_message_id FOR UPDATE;
    IF NOT FOUND THEN
        -- A reply to a number with no ticket (chat_direct_messages), until it moves onto a ticket.
        SELECT id, status, error_code, error_message, attached_at IS NOT NULL
          INTO row_id, current_status, current_code, current_message, moved
          FROM chat_direct_messages WHERE wa_message_id = p_wa_message_id FOR UPDATE;
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
    arrived := coalesce(current_status = 'failed' AND wanted IN ('delivered', 'read')
               AND NOT EXISTS (SELECT 1 FROM whatsapp_statuses s
                                WHERE s.wa_message_id = p_wa_message_id AND s.status = 'failed'), false);
    IF arrived
       OR (wanted = 'failed' AND current_status IN ('pending', 'sent'))
       OR (rank_of ? wanted AND rank_of ? current_status
           AND (rank_of ->> wanted)::int > (rank_of ->> current_status)::int) THEN
        IF arrived THEN
            INSERT INTO audit_log (actor_kind, actor_name, action, ticket_id, details)
            VALUES ('system', 'whatsapp', 'message.delivered_after_failure', row_ticket,
                    jsonb_build_object(CASE WHEN direct THEN 'direct_message_id' ELSE 'message_id' END, row_id,
                                       'wa_message_id', p_wa_message_id, 'status', wanted,
                                       'failed_error_code', current_code, 'failed_error_message', current_message));
        END IF;
        IF direct THEN
            UPDATE chat_direct_messages
               SET status = wanted, updated_at = now(),
                   error_code = CASE WHEN wanted = 'failed' THEN p_error_code WHEN arrived THEN NULL
                                     ELSE error_code END,
                   error_message = CASE WHEN wanted = 'failed' THEN p_error_message WHEN arrived THEN NULL
                                        ELSE error_message END
             WHERE id = row_id;
            PERFORM chat_emit('unassigned.replied', NULL, chat_direct_message_to_json(d))
               FROM chat_direct_messages d WHERE d.id = row_id;
        ELSE
            UPDATE chat_messages
               SET status = wanted, updated_at = now(),
                   error_code = CASE WHEN wanted = 'failed' THEN p_error_code WHEN arrived THEN NULL
                                     ELSE error_code END,
                   error_message = CASE WHEN wanted = 'failed' THEN p_error_message WHEN arrived THEN NULL
                                        ELSE error_message END
             WHERE id = row_id;
        END IF;
    END IF;
    UPDATE whatsapp_statuses SET applied_at = now()
     WHERE wa_message_id = p_wa_message_id AND status = p_status AND applied_at IS NULL;
    RETURN true;
END
$$;

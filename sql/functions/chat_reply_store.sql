-- An agent's text reply on a ticket, decided and stored in one statement (Outbox::prepare): the ticket
-- locked and the recipient decided by chat_reply_recipient (p_to, already a normalised number, else the
-- default); a client_message_id stored before answered with its message; the recipient checked to be a
-- participant with an open 24-hour window; then the pending row and its audit entry. Called outside a
-- transaction it is committed in the same round trip: a reply used to take eight (the ticket, begin,
-- lock, insert, audit, commit, the row read back).
--
-- outcome: stored, duplicate (message_id and message_json are the earlier message), or what refused it:
-- ticket_not_found, duplicate_client_message_id, no_recipient, not_a_participant, window_closed. Nothing
-- is written unless it is stored.
CREATE OR REPLACE FUNCTION chat_reply_store(p_ticket_id integer, p_text text, p_to text, p_agent_name text,
                                            p_agent_id integer, p_sent_by text, p_client_message_id text,
                                            p_actor_name text, p_remote text, p_with_json boolean)
RETURNS TABLE (outcome text, message_id bigint, to_number text, message_json text)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    v_id bigint;
    v_text text;
BEGIN
    r := chat_reply_recipient(p_ticket_id, p_to); -- locks the ticket
    IF NOT r.ticket_found THEN
        RETURN QUERY SELECT 'ticket_not_found'::text, NULL::bigint, NULL::text, NULL::text;
        RETURN;
    END IF;
    -- Under the ticket's lock: a repeat sent at the same moment waits here and then finds this one.
    IF p_client_message_id IS NOT NULL THEN
        SELECT m.id, m.message INTO v_id, v_text FROM chat_messages m
         WHERE m.ticket_id = p_ticket_id AND m.client_message_id = p_client_message_id;
        IF FOUND THEN
            RETURN QUERY SELECT CASE WHEN v_text = p_text THEN 'duplicate' ELSE 'duplicate_client_message_id' END,
                                v_id, NULL::text,
                                CASE WHEN v_text = p_text
                                     THEN (SELECT chat_message_to_json(m)::text FROM chat_messages m WHERE m.id = v_id) END;
            RETURN;
        END IF;
    END IF;
    IF r.to_number IS NULL THEN
        RETURN QUERY SELECT 'no_recipient'::text, NULL::bigint, NULL::text, NULL::text;
        RETURN;
    END IF;
    IF NOT r.participant THEN
        RETURN QUERY SELECT 'not_a_participant'::text, NULL::bigint, r.to_number, NULL::text;
        RETURN;
    END IF;
    IF NOT r.window_open THEN
        RETURN QUERY SELECT 'window_closed'::text, NULL::bigint, r.to_number, NULL::text;
        RETURN;
    END IF;
    INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, agent_name, read_by_agent,
                               kind, status, agent_id, sent_by, client_message_id)
    VALUES (p_ticket_id, NULL, r.to_number, p_text, 'outbound', p_agent_name, true, 'text', 'pending', p_agent_id,
            p_sent_by, p_client_message_id)
    RETURNING id INTO v_id;
    INSERT INTO audit_log (actor_kind, agent_id, actor_name, action, ticket_id, details, remote)
    VALUES (p_sent_by, p_agent_id, p_actor_name, 'message.sent', p_ticket_id,
            jsonb_build_object('message_id', v_id, 'agent_name', p_agent_name), p_remote);
    RETURN QUERY SELECT 'stored'::text, v_id, r.to_number,
                        CASE WHEN p_with_json
                             THEN (SELECT chat_message_to_json(m)::text FROM chat_messages m WHERE m.id = v_id) END;
END
$$;

-- Tells the channels that had a request's trigger (an incident service, the generic webhook, each on-call
-- phone called out by WhatsApp and not given up on) what became of it: 'acknowledge' or 'resolve', with the
-- same deduplication key.
CREATE OR REPLACE FUNCTION escalation_follow_up(p_request_id bigint, p_event text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO escalation_callouts (request_id, channel, event, recipient, facts)
    SELECT p_request_id, c.channel, p_event, c.recipient, escalation_facts(p_request_id, p_event, NULL)
      FROM (SELECT DISTINCT channel, NULL::text AS recipient FROM escalation_callouts
             WHERE request_id = p_request_id AND event = 'trigger' AND channel IN ('pagerduty', 'webhook')
            UNION
            SELECT DISTINCT channel, recipient FROM escalation_callouts
             WHERE request_id = p_request_id AND event = 'trigger' AND channel = 'whatsapp'
               AND given_up_at IS NULL
               -- A request superseded by a new one is not over: the phones hear of the new request instead.
               AND NOT EXISTS (SELECT 1 FROM agent_requests a
                                WHERE a.id = p_request_id AND a.closed_reason = 'superseded')) c
$$;

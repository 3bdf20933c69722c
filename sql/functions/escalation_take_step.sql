-- Takes a request's due step, on the row escalation_take_due locked: records it with its recipients, queues
-- its call-outs on the channels this server has (p_channels: whatsapp, pagerduty, webhook), tells the
-- consoles, and dates the next step. A 'consoles' step that finds nobody available goes straight on to
-- the first on-call step, if the ladder has one, and the technician who asked is told at once
-- ('technician'). A blocked number, or one outside the registry over its hourly limit, calls nobody out.
CREATE OR REPLACE FUNCTION escalation_take_step(r agent_requests, p_instance text, p_channels text[])
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s escalation_ladder;
    later escalation_ladder;
    available jsonb := escalation_available_agents();
    recipients jsonb;
    oncall jsonb := '[]';
    withheld text;
    channels text[];
    step jsonb;
    facts jsonb;
    jump boolean := false;
    reply boolean := false;
BEGIN
    -- The ladder may have changed since the step was dated: the step at that position, or the next one.
    SELECT * INTO s FROM escalation_ladder WHERE position >= r.next_step ORDER BY position LIMIT 1;
    IF NOT FOUND THEN
        UPDATE agent_requests SET next_step = NULL, next_step_at = NULL WHERE id = r.id;
        RETURN;
    END IF;
    recipients := jsonb_build_object('agents', available);
    IF s.action = 'consoles' THEN
        jump := jsonb_array_length(available) = 0;
        reply := jump AND (r.ticket_id IS NOT NULL OR r.unassigned_id IS NOT NULL) AND r.from_number IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM blocked_numbers b WHERE b.number = r.from_number);
    ELSIF s.action = 'supervisors' THEN
        -- Reached: the supervisors with a console connected to a live instance, whatever their own status
        -- (an escalation is theirs even when busy); their consoles alert on request.escalated. The others
        -- are named apart, so that the record never says a supervisor was reached whom nothing reached.
        recipients := recipients || (
            SELECT jsonb_build_object(
                       'supervisors', coalesce(jsonb_agg(x.who ORDER BY x.id) FILTER (WHERE x.connected), '[]'),
                       'supervisors_not_connected',
                       coalesce(jsonb_agg(x.who ORDER BY x.id) FILTER (WHERE NOT x.connected), '[]'))
              FROM (SELECT a.id, jsonb_build_object('id', a.id, 'name', a.display_name) AS who,
                           EXISTS (SELECT 1 FROM agent_presence p
                                     JOIN server_instances i ON i.id = p.instance_id
                                                            AND i.heartbeat_at > now() - liftline_instance_timeout()
                                    WHERE p.agent_id = a.id) AS connected
                      FROM agents a WHERE a.role = 'supervisor' AND a.disabled_at IS NULL) x);
    ELSE
        withheld := escalation_oncall_withheld(r);
        IF withheld IS NULL AND 'whatsapp' = ANY (p_channels) THEN
            oncall := escalation_oncall_now(s.level);
        END IF;
        recipients := recipients || jsonb_build_object('oncall', oncall);
        IF withheld IS NOT NULL THEN
            recipients := recipients || jsonb_build_object('withheld', withheld);
            UPDATE agent_requests SET oncall_withheld = withheld WHERE id = r.id;
        END IF;
    END IF;
    -- The channels this step uses: decided once, recorded and queued alike.
    channels := ARRAY(SELECT c FROM unnest(p_channels || CASE WHEN reply THEN ARRAY['technician'] END) c
                       WHERE (c = 'whatsapp' AND jsonb_array_length(oncall) > 0)
                          OR (c = 'pagerduty' AND s.action = 'oncall' AND withheld IS NULL)
                          OR c = 'webhook' OR c = 'technician' ORDER BY c);
    recipients := recipients || jsonb_build_object('channels', to_jsonb(channels));
    INSERT INTO escalation_log (request_id, step, action, level, due_at, instance_id, recipients)
    VALUES (r.id, s.position, s.action, s.level, r.next_step_at, p_instance, recipients)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        step := jsonb_build_object('position', s.position, 'action', s.action, 'level', s.level,
                                   'after_seconds', s.after_seconds, 'due_at', liftline_iso(r.next_step_at),
                                   'taken_at', liftline_iso(clock_timestamp()), 'recipients', recipients);
        facts := escalation_facts(r.id, 'trigger', step);
        INSERT INTO escalation_callouts (request_id, step, channel, event, recipient, facts)
        SELECT r.id, s.position, 'whatsapp', 'trigger', o ->> 'phone', facts || jsonb_build_object('oncall', o)
          FROM jsonb_array_elements(oncall) o;
        INSERT INTO escalation_callouts (request_id, step, channel, event, recipient, facts)
        SELECT r.id, s.position, c, 'trigger', CASE WHEN c = 'technician' THEN r.from_number END, facts
          FROM unnest(channels) c
         WHERE c IN ('pagerduty', 'webhook', 'technician');
        PERFORM chat_emit('request.escalated', r.ticket_id,
                          (facts - 'event' - 'dedup_key' - 'text')::json);
    END IF;

    IF jump THEN
        SELECT * INTO later FROM escalation_ladder
         WHERE position > s.position AND action = 'oncall' ORDER BY position LIMIT 1;
        jump := FOUND; -- a ladder without on-call steps goes on as it is
    END IF;
    IF NOT jump THEN
        SELECT * INTO later FROM escalation_ladder WHERE position > s.position ORDER BY position LIMIT 1;
    END IF;
    UPDATE agent_requests
       SET next_step = later.position,
           next_step_at = CASE WHEN later.position IS NULL THEN NULL
                               WHEN jump THEN greatest(now(), r.requested_at)
                               -- At its time after the request, and never closer to this step than the
                               -- ladder puts it: after an admin reopened the request (escalation_reopened)
                               -- this step was due late, and the rest keep their spacing from it.
                               ELSE greatest(r.requested_at + make_interval(secs => later.after_seconds),
                                             r.next_step_at + make_interval(secs => later.after_seconds
                                                                                   - s.after_seconds)) END
     WHERE id = r.id;
END
$$;

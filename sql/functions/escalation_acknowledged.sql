-- An acknowledgement, on any console or by a reply: the ladder stops, and the incident services that were
-- told of the request are told it is acknowledged.
CREATE OR REPLACE FUNCTION escalation_acknowledged(p_request_id bigint, p_at timestamptz, p_by text, p_actor text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE agent_requests
       SET acknowledged_at = coalesce(p_at, now()), acknowledged_by = p_by, acknowledged_by_actor = p_actor,
           next_step = NULL, next_step_at = NULL
     WHERE id = p_request_id AND acknowledged_at IS NULL;
    IF FOUND THEN
        PERFORM escalation_follow_up(p_request_id, 'acknowledge');
    END IF;
END
$$;

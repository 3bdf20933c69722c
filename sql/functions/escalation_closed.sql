-- A request ends: its ticket was resolved, a newer request took its place after it was acknowledged, or an
-- agent judged it not an emergency. Incident services that were told of it are told it is resolved.
CREATE OR REPLACE FUNCTION escalation_closed(p_request_id bigint, p_reason text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE agent_requests SET closed_at = now(), closed_reason = p_reason, next_step = NULL, next_step_at = NULL
     WHERE id = p_request_id AND closed_at IS NULL;
    IF FOUND THEN
        PERFORM escalation_follow_up(p_request_id, 'resolve');
    END IF;
END
$$;

-- Takes the steps that are due, up to p_limit, each by one instance (the rows another has locked are
-- skipped: it is taking them). Returns how many were taken and in how many milliseconds the next one
-- falls due (NULL: none is waiting).
CREATE OR REPLACE FUNCTION escalation_take_due(p_instance text, p_channels text[], p_limit integer,
                                               OUT taken integer, OUT next_due_ms bigint)
LANGUAGE plpgsql AS $$
DECLARE
    r agent_requests;
BEGIN
    taken := 0;
    FOR r IN SELECT * FROM agent_requests WHERE next_step_at <= now()
              ORDER BY next_step_at LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
        PERFORM escalation_take_step(r, p_instance, p_channels);
        taken := taken + 1;
    END LOOP;
    SELECT ceil(extract(epoch FROM min(next_step_at) - now()) * 1000)::bigint INTO next_due_ms
      FROM agent_requests WHERE next_step_at IS NOT NULL;
END
$$;

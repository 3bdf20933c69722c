-- The agents a request can reach now: available by their own status (not busy, not on a break), with a
-- console connected to a live instance (minimised or in the tray counts; one whose instance stopped
-- beating does not).
CREATE OR REPLACE FUNCTION escalation_available_agents() RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'name', x.display_name, 'role', x.role)
                              ORDER BY x.id), '[]')
      FROM (SELECT DISTINCT a.id, a.display_name, a.role
              FROM agent_presence p
              JOIN server_instances s ON s.id = p.instance_id
                                     AND s.heartbeat_at > now() - liftline_instance_timeout()
              JOIN agents a ON a.id = p.agent_id AND a.disabled_at IS NULL AND a.status = 'available') x
$$;

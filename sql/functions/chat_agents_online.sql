-- The agents with at least one console connected to a live instance, as GET /api/agents/online and the
-- stream's presence frame show them.
CREATE OR REPLACE FUNCTION chat_agents_online() RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('id', x.id, 'username', x.username,
                                               'display_name', x.display_name, 'role', x.role,
                                               'status', x.status,
                                               'consoles', x.consoles, 'since', liftline_iso(x.since))
                             ORDER BY lower(x.display_name), x.id), '[]')
      FROM (SELECT a.id, a.username, a.display_name, a.role, a.status, count(*) AS consoles,
                   min(p.connected_at) AS since
              FROM agent_presence p
              JOIN server_instances s ON s.id = p.instance_id
                                     AND s.heartbeat_at > now() - liftline_instance_timeout()
              JOIN agents a ON a.id = p.agent_id AND a.disabled_at IS NULL -- not there to answer
             GROUP BY a.id) x
$$;

-- Server instances and the consoles connected to them. Each instance writes a heartbeat every few seconds;
-- the consoles of an instance whose heartbeat stopped (it crashed, or lost the database) no longer count as
-- online, and the next instance to tidy up removes them.
CREATE TABLE IF NOT EXISTS server_instances (
    id            uuid PRIMARY KEY,
    hostname      text NOT NULL,
    pid           integer NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS agent_presence (
    instance_id   uuid NOT NULL REFERENCES server_instances (id) ON DELETE CASCADE,
    connection_id bigint NOT NULL,
    agent_id      integer NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    connected_at  timestamptz NOT NULL DEFAULT now(),
    remote        text,
    PRIMARY KEY (instance_id, connection_id)
);
CREATE INDEX IF NOT EXISTS agent_presence_agent_idx ON agent_presence (agent_id);

-- How long an instance may miss its heartbeat before its consoles stop counting.
CREATE OR REPLACE FUNCTION liftline_instance_timeout() RETURNS interval
LANGUAGE sql IMMUTABLE AS $$ SELECT interval '20 seconds' $$;

-- The agents with at least one console connected to a live instance, as GET /api/agents/online and the
-- stream's presence frame show them.
CREATE OR REPLACE FUNCTION chat_agents_online() RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('id', x.id, 'username', x.username,
                                               'display_name', x.display_name, 'role', x.role,
                                               'consoles', x.consoles, 'since', liftline_iso(x.since))
                             ORDER BY lower(x.display_name), x.id), '[]')
      FROM (SELECT a.id, a.username, a.display_name, a.role, count(*) AS consoles,
                   min(p.connected_at) AS since
              FROM agent_presence p
              JOIN server_instances s ON s.id = p.instance_id
                                     AND s.heartbeat_at > now() - liftline_instance_timeout()
              JOIN agents a ON a.id = p.agent_id AND a.disabled_at IS NULL -- not there to answer
             GROUP BY a.id) x
$$;

-- Presence rows change: every instance recomputes the online list and tells its consoles when it differs.
CREATE OR REPLACE FUNCTION chat_presence_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('liftline_presence', '');
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS chat_presence_changed ON agent_presence;
CREATE TRIGGER chat_presence_changed AFTER INSERT OR DELETE ON agent_presence
    FOR EACH STATEMENT EXECUTE FUNCTION chat_presence_changed();

-- The stream's frame for an event, built once by the database and sent as is to every console; put
-- together as text, so the stored data is not parsed again.
CREATE OR REPLACE FUNCTION chat_event_frame(e chat_events) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT '{"type":"event","seq":' || e.seq || ',"event":' || to_json(e.event)::text || ',"ticket_id":'
           || coalesce(e.ticket_id::text, 'null') || ',"data":' || e.data::text || '}'
$$;

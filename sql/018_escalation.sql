-- Every agent request is a row of its own (agent_requests), whoever raised it: the receive function, the
-- original add-on's keyword rule, a number that matched no ticket. Each runs an escalation ladder
-- (escalation_ladder: consoles, then supervisors, then on-call levels) whose next step's due time is
-- stored, so that any instance takes it on time, once (FOR UPDATE SKIP LOCKED), across restarts. Each step
-- taken is recorded with its recipients (escalation_log); call-outs leave through an outbox
-- (escalation_callouts), retried, each with the request's deduplication key. An acknowledgement stops the
-- ladder; a resolution closes the request.

-- liftline:step transaction: the ladder, the on-call list, the requests, the steps taken and the call-outs
ALTER TABLE agents DROP CONSTRAINT IF EXISTS agents_role_check;
ALTER TABLE agents ADD CONSTRAINT agents_role_check CHECK (role IN ('agent', 'supervisor', 'admin'));

-- The ladder, in order: each step after_seconds from the request. 'consoles' alerts every available
-- agent, 'supervisors' alerts them again and the supervisors, 'oncall' calls out on-call level `level`.
CREATE TABLE IF NOT EXISTS escalation_ladder (
    position       integer PRIMARY KEY CHECK (position >= 0),
    after_seconds  integer NOT NULL CHECK (after_seconds BETWEEN 0 AND 86400),
    action         text NOT NULL CHECK (action IN ('consoles', 'supervisors', 'oncall')),
    level          integer CHECK (level BETWEEN 1 AND 9),
    CHECK ((action = 'oncall') = (level IS NOT NULL))
);
INSERT INTO escalation_ladder (position, after_seconds, action, level)
SELECT * FROM (VALUES (0, 0, 'consoles', NULL::integer), (1, 30, 'supervisors', NULL), (2, 60, 'oncall', 1),
                      (3, 120, 'oncall', 2)) v
 WHERE NOT EXISTS (SELECT 1 FROM escalation_ladder);

-- Who is called out, by level; within a level in position order. An entry with active hours is called
-- only between them (in its time zone; an end before the start runs past midnight).
CREATE TABLE IF NOT EXISTS oncall_entries (
    id            serial PRIMARY KEY,
    name          text NOT NULL CHECK (length(btrim(name)) > 0),
    phone         text NOT NULL CHECK (phone ~ '^[1-9][0-9]{7,14}$'),
    level         integer NOT NULL CHECK (level BETWEEN 1 AND 9),
    position      integer NOT NULL DEFAULT 0,
    active_from   time,
    active_until  time,
    time_zone     text NOT NULL DEFAULT 'UTC',
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((active_from IS NULL) = (active_until IS NULL))
);

CREATE TABLE IF NOT EXISTS agent_requests (
    id                    bigserial PRIMARY KEY,
    -- The call-outs' deduplication key: unique across databases, so two sites can share an incident service.
    key                   uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    ticket_id             integer REFERENCES tickets (id),
    unassigned_id         bigint REFERENCES chat_unassigned (id),
    from_number           text,
    text                  text,
    requested_at          timestamptz NOT NULL DEFAULT now(),
    -- Later "agent" messages while this request waited: they do not restart its ladder.
    repeats               integer NOT NULL DEFAULT 0,
    acknowledged_at       timestamptz,
    acknowledged_by       text,
    acknowledged_by_actor text,
    closed_at             timestamptz,
    closed_reason         text CHECK (closed_reason IN ('resolved', 'superseded', 'not_emergency')),
    -- The ladder's position due next and when; NULL once acknowledged, closed or at the end of the ladder.
    next_step             integer,
    next_step_at          timestamptz,
    CHECK (ticket_id IS NOT NULL OR unassigned_id IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS agent_requests_due_idx ON agent_requests (next_step_at) WHERE next_step_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS agent_requests_ticket_idx ON agent_requests (ticket_id, id);
CREATE INDEX IF NOT EXISTS agent_requests_unassigned_idx ON agent_requests (unassigned_id) WHERE unassigned_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS agent_requests_requested_idx ON agent_requests (requested_at);

-- Each step taken, once (the key), with the due time, when and by which instance it was taken, and who
-- it reached.
CREATE TABLE IF NOT EXISTS escalation_log (
    request_id   bigint NOT NULL REFERENCES agent_requests (id),
    step         integer NOT NULL,
    action       text NOT NULL,
    level        integer,
    due_at       timestamptz NOT NULL,
    taken_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    instance_id  text,
    recipients   jsonb NOT NULL,
    PRIMARY KEY (request_id, step)
);

-- What leaves the server for a request: a WhatsApp template to an on-call number, an incident service's
-- event (PagerDuty's Events API v2), a signed JSON webhook. Retried with a growing wait until delivered or
-- given up; `facts` is what the channel's body is made from.
CREATE TABLE IF NOT EXISTS escalation_callouts (
    id               bigserial PRIMARY KEY,
    request_id       bigint NOT NULL REFERENCES agent_requests (id),
    step             integer,
    channel          text NOT NULL CHECK (channel IN ('whatsapp', 'pagerduty', 'webhook')),
    event            text NOT NULL CHECK (event IN ('trigger', 'acknowledge', 'resolve')),
    recipient        text,
    facts            jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    pending          boolean NOT NULL DEFAULT true,
    next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts         integer NOT NULL DEFAULT 0,
    sent_at          timestamptz,
    given_up_at      timestamptz,
    last_error       text,
    reference        text
);
CREATE INDEX IF NOT EXISTS escalation_callouts_due_idx ON escalation_callouts (next_attempt_at) WHERE pending;
CREATE INDEX IF NOT EXISTS escalation_callouts_request_idx ON escalation_callouts (request_id);

-- liftline:step transaction: the triggers that keep the requests, on every writer's changes
-- Their bodies are in sql/functions/, applied right after the migrations; these placeholders only let the
-- triggers be created here. A request another system raises in between is found by
-- escalation_reconcile(), which every start runs after the function files, as it finds the requests a
-- database had before this migration.
LOCK TABLE chat_messages IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE chat_unassigned IN SHARE ROW EXCLUSIVE MODE;
CREATE OR REPLACE FUNCTION escalation_ticket_changed() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION escalation_unassigned_changed() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
DROP TRIGGER IF EXISTS escalation_ticket_changed ON tickets;
CREATE TRIGGER escalation_ticket_changed
    AFTER INSERT OR UPDATE OF agent_requested, agent_requested_at, acknowledged_at, status ON tickets
    FOR EACH ROW EXECUTE FUNCTION escalation_ticket_changed();
DROP TRIGGER IF EXISTS escalation_unassigned_changed ON chat_unassigned;
CREATE TRIGGER escalation_unassigned_changed
    AFTER INSERT OR UPDATE OF acknowledged_at, attached_ticket_id ON chat_unassigned
    FOR EACH ROW EXECUTE FUNCTION escalation_unassigned_changed();

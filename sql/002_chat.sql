-- Chat state of a ticket. These live on the host table because they describe the ticket itself and the
-- original chat API exposed them there.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS agent_requested boolean NOT NULL DEFAULT false;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS agent_requested_at timestamptz;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS acknowledged_at timestamptz;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS acknowledged_by text;
-- Which account or token acknowledged (agent:<id>, admin_token, ai_token): two agents may share a name.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS acknowledged_by_actor text;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS resolution_note text;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS resolved_by text;

CREATE TABLE IF NOT EXISTS agents (
    id             serial PRIMARY KEY,
    username       text NOT NULL UNIQUE CHECK (username = lower(username) AND username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name   text NOT NULL CHECK (length(btrim(display_name)) > 0),
    role           text NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'admin')),
    password_hash  text NOT NULL,
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Session tokens are never stored, only their SHA-256.
CREATE TABLE IF NOT EXISTS agent_sessions (
    id            bigserial PRIMARY KEY,
    agent_id      integer NOT NULL REFERENCES agents (id),
    token_sha256  bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    remote        text
);
CREATE INDEX IF NOT EXISTS agent_sessions_agent_idx ON agent_sessions (agent_id);

-- Failed sign-ins per username (known or not), to slow guessing down without locking anyone out.
CREATE TABLE IF NOT EXISTS login_failures (
    username         text PRIMARY KEY,
    failures         integer NOT NULL DEFAULT 0,
    last_failure_at  timestamptz NOT NULL DEFAULT now()
);

-- The transcript. It is evidence: nothing deletes it by cascade.
CREATE TABLE IF NOT EXISTS chat_messages (
    id             bigserial PRIMARY KEY,
    ticket_id      integer NOT NULL REFERENCES tickets (id) ON DELETE RESTRICT,
    from_number    text,
    to_number      text,
    message        text NOT NULL DEFAULT '',
    direction      text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    agent_name     text,
    read_by_agent  boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS wa_message_id text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS wa_timestamp timestamptz;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'text';
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS status text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS error_code text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS error_message text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS agent_id integer REFERENCES agents (id);
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS sent_by text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS client_message_id text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS context_wa_id text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();
UPDATE chat_messages SET status = CASE direction WHEN 'inbound' THEN 'received' ELSE 'sent' END WHERE status IS NULL;
ALTER TABLE chat_messages ALTER COLUMN status SET NOT NULL;
ALTER TABLE chat_messages ALTER COLUMN status SET DEFAULT 'received';
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'chat_messages_status_check') THEN
        ALTER TABLE chat_messages ADD CONSTRAINT chat_messages_status_check
            CHECK (status IN ('received', 'pending', 'sent', 'delivered', 'read', 'failed'));
    END IF;
END
$$;
CREATE UNIQUE INDEX IF NOT EXISTS chat_messages_wa_message_id_key ON chat_messages (wa_message_id);
CREATE UNIQUE INDEX IF NOT EXISTS chat_messages_client_message_id_key ON chat_messages (ticket_id, client_message_id);
CREATE INDEX IF NOT EXISTS chat_messages_ticket_idx ON chat_messages (ticket_id, id);
CREATE INDEX IF NOT EXISTS chat_messages_pending_idx ON chat_messages (created_at) WHERE status = 'pending';

-- The 24-hour customer-service window, per number: WhatsApp's time of the latest inbound message.
CREATE TABLE IF NOT EXISTS chat_windows (
    number            text PRIMARY KEY,
    last_inbound_at   timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Per-ticket counters kept by triggers, so the conversation list never scans the transcript.
CREATE TABLE IF NOT EXISTS chat_ticket_summary (
    ticket_id             integer PRIMARY KEY REFERENCES tickets (id) ON DELETE RESTRICT,
    message_count         integer NOT NULL DEFAULT 0,
    unread_count          integer NOT NULL DEFAULT 0,
    last_message_id       bigint,
    last_message_at       timestamptz,
    last_message_preview  text
);

-- Who did what, for compliance: sign-ins, acknowledgements, reads, sends, admin changes.
CREATE TABLE IF NOT EXISTS audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_kind   text NOT NULL CHECK (actor_kind IN ('agent', 'admin_token', 'ai_token', 'cli', 'system', 'anonymous')),
    agent_id     integer REFERENCES agents (id),
    actor_name   text,
    action       text NOT NULL,
    ticket_id    integer,
    details      jsonb NOT NULL DEFAULT '{}',
    remote       text
);
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at);
CREATE INDEX IF NOT EXISTS audit_log_ticket_idx ON audit_log (ticket_id) WHERE ticket_id IS NOT NULL;

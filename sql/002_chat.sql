-- Chat state of a ticket, agents and their sessions, and the transcript. On a database of the original chat
-- add-on, chat_messages already exists in the add-on's shape (VARCHAR(20) NOT NULL numbers, VARCHAR(100)
-- agent names, ON DELETE CASCADE from tickets, an integer id): it is brought to Liftline's shape in place,
-- without rewriting the table and without holding its lock for more than a moment, so that the original
-- server keeps inserting while this runs. The id column stays as it is.

-- liftline:step transaction: ticket chat columns, agents, and chat_messages in Liftline's shape (no rewrite)
-- The original server's chat insert locks chat_messages, then checks its ticket (a lock on tickets): the
-- tables are locked here in that order, so that the two never wait for each other.
DO $$
BEGIN
    IF to_regclass('chat_messages') IS NOT NULL THEN
        LOCK TABLE chat_messages IN ACCESS EXCLUSIVE MODE;
    END IF;
    LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE;
END
$$;
-- Chat state of a ticket. These live on the host table because they describe the ticket itself and the
-- original chat API exposed them there. The original add-on's agent_requested may be NULL: false then.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS agent_requested boolean NOT NULL DEFAULT false;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'tickets'::regclass AND attname = 'agent_requested'
                                            AND NOT attnotnull) THEN
        UPDATE tickets SET agent_requested = false WHERE agent_requested IS NULL;
        ALTER TABLE tickets ALTER COLUMN agent_requested SET DEFAULT false;
        ALTER TABLE tickets ALTER COLUMN agent_requested SET NOT NULL;
    END IF;
END
$$;
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

-- The transcript. It is evidence: nothing deletes it by cascade. Numbers and names are stored whole.
CREATE TABLE IF NOT EXISTS chat_messages (
    id                 bigserial PRIMARY KEY,
    ticket_id          integer NOT NULL,
    from_number        text,
    to_number          text,
    message            text NOT NULL DEFAULT '',
    direction          text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    agent_name         text,
    read_by_agent      boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    wa_message_id      text,
    wa_timestamp       timestamptz,
    kind               text NOT NULL DEFAULT 'text',
    status             text NOT NULL DEFAULT 'received',
    error_code         text,
    error_message      text,
    agent_id           integer,
    sent_by            text,
    client_message_id  text,
    context_wa_id      text,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- The original add-on's columns: text instead of VARCHAR(n) (binary-coercible, so neither the table nor an
-- index is rewritten), and numbers may be absent (Liftline stores no placeholder such as 'system').
DO $$
DECLARE
    col text;
BEGIN
    FOREACH col IN ARRAY ARRAY['from_number', 'to_number', 'agent_name'] LOOP
        IF EXISTS (SELECT 1 FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = 'chat_messages' AND column_name = col
                      AND data_type <> 'text') THEN
            EXECUTE format('ALTER TABLE chat_messages ALTER COLUMN %I TYPE text', col);
        END IF;
        IF col <> 'agent_name' THEN
            EXECUTE format('ALTER TABLE chat_messages ALTER COLUMN %I DROP NOT NULL', col);
        END IF;
    END LOOP;
END
$$;

-- Added without a table rewrite: constant defaults are stored once, not in every row.
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS wa_message_id text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS wa_timestamp timestamptz;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'text';
-- Rows that existed before read 'received'; the outbound ones among them become 'sent' in the next step,
-- and rows other systems insert later are set by a trigger (013).
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'received';
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS error_code text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS error_message text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS agent_id integer;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS sent_by text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS client_message_id text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS context_wa_id text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();

-- Constraints that would scan the table are added NOT VALID (they hold for every new row at once) and
-- validated in a later step, which does not block writers. The add-on's ON DELETE CASCADE is replaced
-- by RESTRICT: a ticket with a transcript cannot be deleted.
DO $$
DECLARE
    fk record;
BEGIN
    FOR fk IN SELECT conname FROM pg_constraint
               WHERE conrelid = 'chat_messages'::regclass AND contype = 'f'
                 AND confrelid = 'tickets'::regclass AND confdeltype <> 'r' LOOP
        EXECUTE format('ALTER TABLE chat_messages DROP CONSTRAINT %I', fk.conname);
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'chat_messages'::regclass AND contype = 'f'
                                                 AND confrelid = 'tickets'::regclass) THEN
        ALTER TABLE chat_messages ADD CONSTRAINT chat_messages_ticket_id_fkey
            FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE RESTRICT NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'chat_messages'::regclass AND contype = 'f'
                                                 AND confrelid = 'agents'::regclass) THEN
        ALTER TABLE chat_messages ADD CONSTRAINT chat_messages_agent_id_fkey
            FOREIGN KEY (agent_id) REFERENCES agents (id) NOT VALID;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'chat_messages_status_check'
                                                 AND conrelid = 'chat_messages'::regclass) THEN
        ALTER TABLE chat_messages ADD CONSTRAINT chat_messages_status_check
            CHECK (status IN ('received', 'pending', 'sent', 'delivered', 'read', 'failed')) NOT VALID;
    END IF;
END
$$;

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

-- liftline:step no-transaction: the original add-on's replies become 'sent', in batches, each committed
-- liftline:cost message=0.0000106
-- No trigger of Liftline's exists yet (003 adds them), so this announces nothing. Run again, it finds what
-- is left; 013 does the same for what the original server inserts until its trigger exists.
DO $$
DECLARE
    done bigint := 0;
    last bigint;
BEGIN
    SELECT coalesce(max(id), 0) INTO last FROM chat_messages;
    WHILE done < last LOOP
        UPDATE chat_messages SET status = 'sent', read_by_agent = true
         WHERE id > done AND id <= done + 20000 AND direction = 'outbound' AND status = 'received';
        done := done + 20000;
        COMMIT;
    END LOOP;
END
$$;

-- liftline:step no-transaction: constraints and indexes, checked and built without blocking writers
-- liftline:cost message=0.0000038
ALTER TABLE chat_messages VALIDATE CONSTRAINT chat_messages_ticket_id_fkey;
ALTER TABLE chat_messages VALIDATE CONSTRAINT chat_messages_agent_id_fkey;
ALTER TABLE chat_messages VALIDATE CONSTRAINT chat_messages_status_check;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS chat_messages_wa_message_id_key ON chat_messages (wa_message_id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS chat_messages_client_message_id_key ON chat_messages (ticket_id, client_message_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS chat_messages_ticket_idx ON chat_messages (ticket_id, id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS chat_messages_pending_idx ON chat_messages (created_at) WHERE status = 'pending';

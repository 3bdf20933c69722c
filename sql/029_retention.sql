-- Retention and legal hold (issue 17; docs/ARCHITECTURE.md, "Retention and legal hold"). How long each
-- kind of data is kept is set by admins, per kind, and kept here so that every instance agrees; nothing
-- expires until an admin sets a period. The retention job (server/Retention.cpp) runs once across
-- instances and records each run. A legal hold on a ticket, a lift or a technician's number stops every
-- removal of what it covers, in the functions below and therefore in whatever calls them.
-- Removing an expired transcript removes covered rows of the compliance record: it is the one path the
-- refusing triggers let through, and it leaves a tombstone in the chain that carries the hash of every
-- entry it removed, so that `verify` still checks the chain from its first entry and can tell a recorded
-- removal from a deletion behind the server's back.

-- liftline:step transaction: periods, holds, runs, tombstones, and the removal path
CREATE TABLE IF NOT EXISTS retention_policies (
    kind        text PRIMARY KEY CHECK (kind IN ('transcripts', 'media', 'raw_bodies', 'audit_trail')),
    keep_days   integer CHECK (keep_days IS NULL OR keep_days BETWEEN 1 AND 36500), -- NULL: kept forever
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL DEFAULT 'installation',
    -- WhatsApp retries a webhook for up to 7 days: its raw bodies stay at least 8, so a late retry is
    -- still recognised as one.
    CONSTRAINT retention_raw_bodies_eight_days CHECK (kind <> 'raw_bodies' OR keep_days IS NULL OR keep_days >= 8)
);
INSERT INTO retention_policies (kind) VALUES ('transcripts'), ('media'), ('raw_bodies'), ('audit_trail')
ON CONFLICT (kind) DO NOTHING;

CREATE TABLE IF NOT EXISTS legal_holds (
    id              bigserial PRIMARY KEY,
    scope           text NOT NULL CHECK (scope IN ('ticket', 'lift', 'technician')),
    ticket_id       integer REFERENCES tickets (id),
    number          text CHECK (number ~ '^[0-9]{6,15}$'), -- the lift's SIM or the technician's, digits only
    reason          text NOT NULL CHECK (btrim(reason) <> ''),
    set_by          text NOT NULL,
    set_at          timestamptz NOT NULL DEFAULT now(),
    released_by     text,
    released_at     timestamptz,
    release_reason  text,
    CHECK ((scope = 'ticket') = (ticket_id IS NOT NULL)),
    CHECK ((scope = 'ticket') = (number IS NULL)),
    CHECK ((released_at IS NULL) = (released_by IS NULL) AND (released_at IS NULL) = (release_reason IS NULL))
);
CREATE INDEX IF NOT EXISTS legal_holds_active_idx ON legal_holds (scope) WHERE released_at IS NULL;

CREATE TABLE IF NOT EXISTS retention_runs (
    id           bigserial PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    started_by   text NOT NULL,  -- 'schedule (instance …)' or the admin who ran it
    policies     jsonb NOT NULL, -- the periods it applied
    removed      jsonb,          -- what it removed, per kind
    held         integer,        -- expired transcripts kept by a hold
    error        text
);

-- What a run removed of the chain's facts: one tombstone per transcript (or per run, for the audit trail),
-- itself a covered row and so an entry of the chain. entries_digest is the SHA-256 over the removed
-- entries' hashes in chain order; `verify` recomputes it from the entries, which stay in the chain (they
-- hold a kind, a row number and hashes, none of the content).
CREATE TABLE IF NOT EXISTS audit_tombstones (
    id              bigserial PRIMARY KEY,
    run_id          bigint NOT NULL REFERENCES retention_runs (id),
    scope           text NOT NULL CHECK (scope IN ('transcript', 'audit_trail')),
    ticket_id       integer,
    entry_count     integer NOT NULL CHECK (entry_count >= 0),
    entries_digest  bytea NOT NULL CHECK (octet_length(entries_digest) = 32),
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE IF NOT EXISTS audit_removed (
    seq           bigint PRIMARY KEY REFERENCES audit_chain (seq),
    tombstone_id  bigint NOT NULL REFERENCES audit_tombstones (id)
);
CREATE INDEX IF NOT EXISTS audit_removed_tombstone_idx ON audit_removed (tombstone_id, seq);

INSERT INTO audit_covered (kind, table_name, key_columns, columns, time_columns, set_column) VALUES
    ('tombstone', 'audit_tombstones', '{id}', '{id,run_id,scope,ticket_id,entry_count,entries_digest,created_at}',
     '{created_at}', NULL)
ON CONFLICT (kind) DO NOTHING;

-- A file whose bytes expired keeps its record (its checksum is in the chain); a webhook body that expired
-- keeps its row (messages refer to it) without its bytes.
ALTER TABLE chat_media ADD COLUMN IF NOT EXISTS purged_at timestamptz;
ALTER TABLE whatsapp_inbox ADD COLUMN IF NOT EXISTS purged_at timestamptz;

DROP TRIGGER IF EXISTS audit_appended ON audit_tombstones;
CREATE TRIGGER audit_appended AFTER INSERT ON audit_tombstones
    FOR EACH ROW EXECUTE FUNCTION audit_append('tombstone');
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['audit_tombstones', 'audit_removed'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS audit_refused ON %I', t);
        EXECUTE format('CREATE TRIGGER audit_refused BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION audit_refuse()', t);
        EXECUTE format('DROP TRIGGER IF EXISTS audit_refused_delete ON %I', t);
        EXECUTE format('CREATE TRIGGER audit_refused_delete BEFORE DELETE ON %I FOR EACH ROW EXECUTE FUNCTION audit_refuse()', t);
        EXECUTE format('DROP TRIGGER IF EXISTS audit_refused_truncate ON %I', t);
        EXECUTE format('CREATE TRIGGER audit_refused_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()', t);
    END LOOP;
END
$$;

-- The retention path's own functions (their live text is in sql/functions/): audit_refuse lets a delete
-- through only inside retention_remove_* (which set liftline.retention_run for their transaction).
CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' AND TG_TABLE_NAME NOT IN ('audit_chain', 'audit_heads', 'audit_tombstones', 'audit_removed')
       AND coalesce(current_setting('liftline.retention_run', true), '') ~ '^[0-9]+$' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% of % refused: it is part of the compliance record, which is only appended to',
        lower(TG_OP), TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'A later change is recorded as a row of its own (a status, an edit, an audited action); expired data is removed by the retention job (liftline-server retention).';
END
$$;

-- Media retention finds the attachments of a file by it.
CREATE INDEX IF NOT EXISTS chat_attachments_media_idx ON chat_attachments (media_id) WHERE media_id IS NOT NULL;

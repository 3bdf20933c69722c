-- Incident exports (GET /api/chat/{ticketId}/export, `liftline-server export`): each is signed with the
-- server's Ed25519 key, whose secret part stays in a file beside the server, never in the database. The
-- public keys the servers of this database signed with are recorded here, with when each was first used,
-- so that an export signed years ago can still be matched to the key that signed it after a key change.
-- Every export is recorded in audit_log ('ticket.exported', with its SHA-256).

CREATE TABLE IF NOT EXISTS signing_keys (
    fingerprint    text PRIMARY KEY,
    public_key     text NOT NULL UNIQUE,
    algorithm      text NOT NULL DEFAULT 'ed25519' CHECK (algorithm = 'ed25519'),
    first_used_at  timestamptz NOT NULL DEFAULT now()
);

-- What technicians send besides text: the files (photos, voice notes, documents, videos, stickers) kept in
-- the database itself, so that every instance and every backup has them; and the edits, deletions and
-- reactions that refer to an earlier message, kept as rows of their own so that nothing first stored is
-- ever overwritten.

-- liftline:step transaction: media content, attachments, and the changes made to earlier messages
-- Each file once, by its SHA-256, whoever sent it and however often. The bytes are kept in chunks: a range
-- read (a voice note played from the middle) reads only its chunks, and no statement carries a whole file.
CREATE TABLE IF NOT EXISTS chat_media (
    id           bigserial PRIMARY KEY,
    sha256       bytea NOT NULL UNIQUE CHECK (octet_length(sha256) = 32),
    mime_type    text NOT NULL,
    size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
    chunk_bytes  integer NOT NULL CHECK (chunk_bytes > 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS chat_media_chunks (
    media_id  bigint NOT NULL REFERENCES chat_media (id),
    seq       integer NOT NULL CHECK (seq >= 0),
    data      bytea NOT NULL,
    PRIMARY KEY (media_id, seq)
);
-- Pictures, audio and video are compressed already: PostgreSQL would try, and fail, to compress them again.
ALTER TABLE chat_media_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- A file a message carries: what WhatsApp said of it, what became of fetching it, and the content once
-- kept. An inbound file belongs to the WhatsApp message that brought it (wa_message_id: it follows the
-- message from the unassigned list onto a ticket); an agent's file to the chat row that sends it.
CREATE TABLE IF NOT EXISTS chat_attachments (
    id               bigserial PRIMARY KEY,
    wa_message_id    text UNIQUE,
    message_id       bigint UNIQUE REFERENCES chat_messages (id),
    direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    media_type       text NOT NULL CHECK (media_type IN ('image', 'sticker', 'audio', 'video', 'document')),
    voice            boolean NOT NULL DEFAULT false,
    wa_media_id      text,
    declared_mime    text,
    declared_sha256  text,
    filename         text,
    caption          text,
    status           text NOT NULL DEFAULT 'waiting'
                     CHECK (status IN ('waiting', 'stored', 'refused', 'failed', 'unavailable')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    error_code       text,
    error_message    text,
    media_id         bigint REFERENCES chat_media (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    stored_at        timestamptz,
    CHECK (wa_message_id IS NOT NULL OR message_id IS NOT NULL),
    CHECK ((status = 'stored') = (media_id IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS chat_attachments_due_idx ON chat_attachments (next_attempt_at)
    WHERE status = 'waiting';
CREATE INDEX IF NOT EXISTS chat_attachments_media_idx ON chat_attachments (media_id);

-- An edit, a deletion by the sender, or a reaction: each is a WhatsApp message of its own (its id claimed
-- like any), naming the message it changes. The message itself is never rewritten; what the API shows is
-- worked out from these rows, so every earlier version stays.
CREATE TABLE IF NOT EXISTS chat_message_changes (
    id             bigserial PRIMARY KEY,
    wa_message_id  text NOT NULL UNIQUE,
    target_wa_id   text NOT NULL,
    change         text NOT NULL CHECK (change IN ('edit', 'revoke', 'reaction')),
    from_number    text NOT NULL,
    body           text,
    kind           text,
    wa_timestamp   timestamptz,
    raw            jsonb NOT NULL,
    inbox_id       bigint,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS chat_message_changes_target_idx ON chat_message_changes (target_wa_id, id);

-- The trigger that announces an attachment's progress; its body is in sql/functions/, applied right after
-- the migrations.
CREATE OR REPLACE FUNCTION chat_attachment_changed() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
DROP TRIGGER IF EXISTS chat_attachment_changed ON chat_attachments;
CREATE TRIGGER chat_attachment_changed AFTER UPDATE OF status ON chat_attachments
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION chat_attachment_changed();

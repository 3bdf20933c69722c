-- WhatsApp's webhook bodies, kept exactly as received before anything else happens, and what the server
-- made of them. A body is answered 200 only once it is stored here; processing follows, and a body a
-- crash left unprocessed is picked up at start and on a timer (FOR UPDATE SKIP LOCKED).
CREATE TABLE IF NOT EXISTS whatsapp_inbox (
    id            bigserial PRIMARY KEY,
    received_at   timestamptz NOT NULL DEFAULT now(),
    body          bytea NOT NULL,
    authenticated text NOT NULL,          -- 'signature' or 'bearer'
    processed_at  timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    error         text
);
CREATE INDEX IF NOT EXISTS whatsapp_inbox_unprocessed_idx ON whatsapp_inbox (id) WHERE processed_at IS NULL;

-- Every inbound WhatsApp message id, claimed once: the one place that decides "seen before", for messages
-- that land on a ticket and for those that do not.
CREATE TABLE IF NOT EXISTS whatsapp_inbound_ids (
    wa_message_id  text PRIMARY KEY,
    inbox_id       bigint REFERENCES whatsapp_inbox (id),
    claimed_at     timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS raw jsonb;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS media_id text;
ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS inbox_id bigint;
DO $$
BEGIN
    -- NOT VALID: holds for new rows at once; the old rows (all NULL) are checked below without a lock.
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'chat_messages'::regclass AND contype = 'f'
                                                 AND confrelid = 'whatsapp_inbox'::regclass) THEN
        ALTER TABLE chat_messages ADD CONSTRAINT chat_messages_inbox_id_fkey
            FOREIGN KEY (inbox_id) REFERENCES whatsapp_inbox (id) NOT VALID;
    END IF;
END
$$;

-- Inbound messages that matched no ticket (an unknown number, or no recent open ticket): kept, listed for
-- agents, and attachable to a ticket.
CREATE TABLE IF NOT EXISTS chat_unassigned (
    id                   bigserial PRIMARY KEY,
    wa_message_id        text NOT NULL UNIQUE,
    from_number          text NOT NULL,
    profile_name         text,
    user_id              text,
    message              text NOT NULL,
    kind                 text NOT NULL,
    wa_timestamp         timestamptz,
    context_wa_id        text,
    media_id             text,
    raw                  jsonb NOT NULL,
    inbox_id             bigint REFERENCES whatsapp_inbox (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    attached_ticket_id   integer REFERENCES tickets (id),
    attached_message_id  bigint REFERENCES chat_messages (id),
    attached_at          timestamptz,
    attached_by          text
);
CREATE INDEX IF NOT EXISTS chat_unassigned_open_idx ON chat_unassigned (id) WHERE attached_at IS NULL;

-- Delivery statuses, each (message, status) once. A status whose message is not stored yet waits here
-- with applied_at NULL and is applied when the send stores the WhatsApp id.
CREATE TABLE IF NOT EXISTS whatsapp_statuses (
    wa_message_id  text NOT NULL,
    status         text NOT NULL,
    wa_timestamp   timestamptz,
    recipient_id   text,
    errors         jsonb,
    raw            jsonb NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    applied_at     timestamptz,
    PRIMARY KEY (wa_message_id, status)
);
CREATE INDEX IF NOT EXISTS whatsapp_statuses_parked_idx ON whatsapp_statuses (wa_message_id) WHERE applied_at IS NULL;

-- Applies a delivery status to an outbound message, forward only: sent < delivered < read ('played' is
-- read); failed overrides pending and sent, never delivered or read. Returns whether the message exists.
CREATE OR REPLACE FUNCTION whatsapp_apply_status(p_wa_message_id text, p_status text, p_error_code text,
                                                 p_error_message text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    current_status text;
    rank_of jsonb := '{"pending": 0, "sent": 1, "delivered": 2, "read": 3}';
    wanted text := CASE WHEN p_status = 'played' THEN 'read' ELSE p_status END;
BEGIN
    SELECT status INTO current_status FROM chat_messages WHERE wa_message_id = p_wa_message_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF wanted = 'failed' THEN
        IF current_status IN ('pending', 'sent') THEN
            UPDATE chat_messages SET status = 'failed', error_code = p_error_code, error_message = p_error_message,
                   updated_at = now()
             WHERE wa_message_id = p_wa_message_id;
        END IF;
    ELSIF rank_of ? wanted AND rank_of ? current_status AND (rank_of ->> wanted)::int > (rank_of ->> current_status)::int THEN
        UPDATE chat_messages SET status = wanted, updated_at = now() WHERE wa_message_id = p_wa_message_id;
    END IF;
    UPDATE whatsapp_statuses SET applied_at = now()
     WHERE wa_message_id = p_wa_message_id AND status = p_status AND applied_at IS NULL;
    RETURN true;
END
$$;

CREATE TABLE IF NOT EXISTS liftline_settings (
    key    text PRIMARY KEY,
    value  text NOT NULL
);

-- liftline:step no-transaction: the routing indexes on the transcript, built without blocking writers
-- liftline:cost message=0.000002
ALTER TABLE chat_messages VALIDATE CONSTRAINT chat_messages_inbox_id_fkey;
CREATE INDEX CONCURRENTLY IF NOT EXISTS chat_messages_from_idx ON chat_messages (from_number, id) WHERE direction = 'inbound';
CREATE INDEX CONCURRENTLY IF NOT EXISTS chat_messages_to_idx ON chat_messages (to_number, id) WHERE direction = 'outbound';

-- Replies to a number that has no ticket: a stranger reporting people trapped is answered before anyone
-- knows which lift it is. Each reply is kept here until the number's message is attached to a ticket (or
-- a ticket is opened for it); then the replies move onto that ticket, in order, with their statuses.

-- liftline:step transaction: direct replies
CREATE TABLE IF NOT EXISTS chat_direct_messages (
    id                   bigserial PRIMARY KEY,
    unassigned_id        bigint NOT NULL REFERENCES chat_unassigned (id),
    to_number            text NOT NULL,
    message              text NOT NULL,
    status               text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'sent', 'delivered', 'read', 'failed')),
    wa_message_id        text UNIQUE,
    error_code           text,
    error_message        text,
    agent_name           text NOT NULL,
    agent_id             integer REFERENCES agents (id),
    sent_by              text NOT NULL,
    client_message_id    text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz,
    attached_ticket_id   integer REFERENCES tickets (id),
    attached_message_id  bigint REFERENCES chat_messages (id),
    attached_at          timestamptz,
    UNIQUE (to_number, client_message_id)
);
CREATE INDEX IF NOT EXISTS chat_direct_messages_open_idx ON chat_direct_messages (to_number, id)
    WHERE attached_at IS NULL;
CREATE INDEX IF NOT EXISTS chat_direct_messages_pending_idx ON chat_direct_messages (created_at)
    WHERE status = 'pending';

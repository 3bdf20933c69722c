-- The items of a webhook body (its messages and statuses) that could not be stored as they came. A body is
-- answered 200 once it is stored, whatever it holds, and each of its items is stored on its own: one item
-- that PostgreSQL refuses no longer takes the others down with it. Such an item is recorded here, with
-- the reason and its JSON as bytes, and shown to admins (GET /api/admin/webhook/problems,
-- liftline-server webhook-problems). The body itself stays in whatsapp_inbox.body, byte for byte.
--   set_aside: the item could not be stored at all;
--   altered:   it was stored with a change (a U+0000, which PostgreSQL text cannot hold, became U+FFFD).

-- liftline:step transaction: webhook items set aside or stored altered
CREATE TABLE IF NOT EXISTS whatsapp_inbox_items (
    id            bigserial PRIMARY KEY,
    inbox_id      bigint NOT NULL REFERENCES whatsapp_inbox (id),
    position      text NOT NULL,   -- where in the body: 'entry 0, change 0, message 1'
    kind          text NOT NULL CHECK (kind IN ('message', 'status')),
    wa_message_id text,
    from_number   text,
    outcome       text NOT NULL CHECK (outcome IN ('set_aside', 'altered')),
    reason        text NOT NULL,
    item          bytea NOT NULL,  -- the item's JSON, as bytes: it may hold what text cannot
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (inbox_id, position)
);
CREATE INDEX IF NOT EXISTS whatsapp_inbox_items_created_idx ON whatsapp_inbox_items (created_at DESC, id DESC);

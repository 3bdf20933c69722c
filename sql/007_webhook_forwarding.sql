-- Living beside the original lift-alert server: when HOST_WEBHOOK_URL is set, every stored body is
-- forwarded to it unchanged, through this outbox, retried with backoff until it answers 2xx.
ALTER TABLE whatsapp_inbox ADD COLUMN IF NOT EXISTS forward_pending boolean NOT NULL DEFAULT false;
ALTER TABLE whatsapp_inbox ADD COLUMN IF NOT EXISTS forward_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE whatsapp_inbox ADD COLUMN IF NOT EXISTS forward_next_at timestamptz;
ALTER TABLE whatsapp_inbox ADD COLUMN IF NOT EXISTS forwarded_at timestamptz;
ALTER TABLE whatsapp_inbox ADD COLUMN IF NOT EXISTS forward_error text;
CREATE INDEX IF NOT EXISTS whatsapp_inbox_forward_idx ON whatsapp_inbox (forward_next_at) WHERE forward_pending;

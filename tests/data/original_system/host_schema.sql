-- The original lift-alert system's tables as the original chat add-on's queries use them: the shape of a
-- site's database before Liftline joins it. A real host has more columns (and these have their limits:
-- VARCHAR(20) numbers, VARCHAR(200) names, a status CHECK). Apply this, then chat_addon_schema.sql.

CREATE TABLE IF NOT EXISTS lifts (
  id          SERIAL PRIMARY KEY,
  msisdn      VARCHAR(20) NOT NULL UNIQUE,
  site_name   VARCHAR(200),
  building    VARCHAR(200),
  created_at  TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS contacts (
  id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  display_name    VARCHAR(100) NOT NULL,
  primary_msisdn  VARCHAR(20) NOT NULL,
  created_at      TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_contacts_msisdn ON contacts(primary_msisdn);

CREATE TABLE IF NOT EXISTS lift_contacts (
  lift_id     INTEGER NOT NULL REFERENCES lifts(id) ON DELETE CASCADE,
  contact_id  UUID    NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  relation    VARCHAR(50),
  PRIMARY KEY (lift_id, contact_id)
);
CREATE INDEX IF NOT EXISTS idx_lift_contacts_contact ON lift_contacts(contact_id);

CREATE TABLE IF NOT EXISTS tickets (
  id                SERIAL PRIMARY KEY,
  lift_id           INTEGER NOT NULL REFERENCES lifts(id),
  sms_id            VARCHAR(100),
  status            VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  button_clicked    VARCHAR(50),
  responded_by      UUID REFERENCES contacts(id),
  resolved_at       TIMESTAMPTZ,
  notes             TEXT,
  created_at        TIMESTAMPTZ DEFAULT NOW(),
  updated_at        TIMESTAMPTZ DEFAULT NOW(),
  reminder_count    INTEGER DEFAULT 0,
  last_reminder_at  TIMESTAMPTZ,
  closure_note      TEXT,
  ticket_reference  VARCHAR(100),
  message_id        TEXT
);
CREATE INDEX IF NOT EXISTS idx_tickets_lift_id    ON tickets(lift_id);
CREATE INDEX IF NOT EXISTS idx_tickets_status     ON tickets(status);
CREATE INDEX IF NOT EXISTS idx_tickets_created_at ON tickets(created_at);

CREATE TABLE IF NOT EXISTS event_log (
  id                SERIAL PRIMARY KEY,
  event_type        VARCHAR(100) NOT NULL,
  ticket_id         INTEGER REFERENCES tickets(id),
  lift_id           INTEGER REFERENCES lifts(id),
  contact_id        UUID REFERENCES contacts(id),
  metadata          JSONB,
  error             TEXT,
  request_payload   JSONB,
  response_payload  JSONB,
  created_at        TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_event_log_created_at ON event_log(created_at);
CREATE INDEX IF NOT EXISTS idx_event_log_type       ON event_log(event_type);

-- The original lift-alert system's tables. On its database they already exist and are left as they are;
-- on a fresh database they are created in the shape the original system uses. Only the columns Liftline
-- reads are added when missing. The original server keeps writing while this runs: nothing here holds a
-- lock on a table it writes for longer than a moment.

-- liftline:step check: the account owns the tables it must change, and no two lifts or contacts share a number
DO $$
DECLARE
    foreign_owned text;
BEGIN
    SELECT string_agg(format('%s (owner %s)', c.relname, pg_get_userbyid(c.relowner)), ', ' ORDER BY c.relname)
      INTO foreign_owned
      FROM pg_class c
     WHERE c.relname IN ('lifts', 'contacts', 'lift_contacts', 'tickets', 'event_log', 'chat_messages')
       AND c.relnamespace = current_schema()::regnamespace
       AND NOT pg_has_role(current_user, c.relowner, 'MEMBER');
    IF foreign_owned IS NOT NULL THEN
        RAISE EXCEPTION 'liftline-server connects as "%", which does not own these tables: %. Connect as their owner (DATABASE_URL), or have it run ALTER TABLE ... OWNER TO %, then run "liftline-server migrate" again.',
            current_user, foreign_owned, current_user;
    END IF;
    IF NOT has_schema_privilege(current_schema(), 'CREATE') THEN
        RAISE EXCEPTION 'liftline-server connects as "%", which may not create tables in schema %: GRANT CREATE ON SCHEMA % TO %, then run "liftline-server migrate" again.',
            current_user, current_schema(), current_schema(), current_user;
    END IF;
END
$$;

-- Registry imports upsert by number, which needs unique indexes. A database of the original system may lack
-- them and may hold duplicates: then say which, instead of guessing which row to keep.
DO $$
DECLARE
    dups text;
BEGIN
    IF to_regclass('lifts') IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
             WHERE i.indrelid = to_regclass('lifts') AND i.indisunique AND i.indnatts = 1 AND a.attname = 'msisdn') THEN
        SELECT string_agg(format('%s (%s lifts)', msisdn, n), ', ') INTO dups
        FROM (SELECT msisdn, count(*) AS n FROM lifts GROUP BY msisdn HAVING count(*) > 1 ORDER BY msisdn LIMIT 20) d;
        IF dups IS NOT NULL THEN
            RAISE EXCEPTION 'Each lift SIM number must belong to one lift, but these belong to several: %. Merge or renumber those lifts, then run "liftline-server migrate" again.', dups;
        END IF;
    END IF;

    IF to_regclass('contacts') IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
             WHERE i.indrelid = to_regclass('contacts') AND i.indisunique AND i.indnatts = 1
               AND a.attname = 'primary_msisdn') THEN
        SELECT string_agg(format('%s (%s contacts)', primary_msisdn, n), ', ') INTO dups
        FROM (SELECT primary_msisdn, count(*) AS n FROM contacts WHERE primary_msisdn IS NOT NULL
              GROUP BY primary_msisdn HAVING count(*) > 1 ORDER BY primary_msisdn LIMIT 20) d;
        IF dups IS NOT NULL THEN
            RAISE EXCEPTION 'Each phone number must belong to one contact, but these belong to several: %. Merge or renumber those contacts, then run "liftline-server migrate" again.', dups;
        END IF;
    END IF;

    IF to_regclass('lift_contacts') IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass('lift_contacts') AND i.indisunique AND i.indnatts = 2) THEN
        SELECT string_agg(format('lift %s / contact %s', lift_id, contact_id), ', ') INTO dups
        FROM (SELECT lift_id, contact_id FROM lift_contacts GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 20) d;
        IF dups IS NOT NULL THEN
            RAISE EXCEPTION 'A contact is linked to the same lift more than once: %. Remove the extra links, then run "liftline-server migrate" again.', dups;
        END IF;
    END IF;
END
$$;

-- liftline:step transaction: the host tables where they are missing, the columns Liftline reads, unique numbers
CREATE TABLE IF NOT EXISTS lifts (
    id          serial PRIMARY KEY,
    msisdn      text NOT NULL,
    site_name   text,
    building    text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE lifts ADD COLUMN IF NOT EXISTS site_name text;
ALTER TABLE lifts ADD COLUMN IF NOT EXISTS building text;
ALTER TABLE lifts ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE IF NOT EXISTS contacts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    display_name    text NOT NULL,
    primary_msisdn  text,
    email           text,
    role            text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE contacts ADD COLUMN IF NOT EXISTS email text;
ALTER TABLE contacts ADD COLUMN IF NOT EXISTS role text;
ALTER TABLE contacts ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE IF NOT EXISTS lift_contacts (
    lift_id     integer NOT NULL REFERENCES lifts (id),
    contact_id  uuid NOT NULL REFERENCES contacts (id),
    relation    text NOT NULL DEFAULT 'technician',
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE lift_contacts ADD COLUMN IF NOT EXISTS relation text NOT NULL DEFAULT 'technician';

CREATE TABLE IF NOT EXISTS tickets (
    id                serial PRIMARY KEY,
    lift_id           integer NOT NULL REFERENCES lifts (id),
    status            text NOT NULL DEFAULT 'open',
    ticket_reference  text,
    responded_by      uuid REFERENCES contacts (id),
    sms_text          text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    resolved_at       timestamptz
);
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS ticket_reference text;
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS responded_by uuid REFERENCES contacts (id);
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS resolved_at timestamptz;
-- The SMS that opened a ticket, when Liftline opened it (the original system keeps its own columns).
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS sms_text text;

CREATE TABLE IF NOT EXISTS event_log (
    id          bigserial PRIMARY KEY,
    event_type  text NOT NULL,
    ticket_id   integer,
    contact_id  uuid,
    metadata    jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The check step above found no duplicates (a duplicate that arrived since makes this fail, and says so).
-- These tables hold thousands of rows, not millions: built in place.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_index i
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                   WHERE i.indrelid = 'lifts'::regclass AND i.indisunique AND i.indnatts = 1
                     AND a.attname = 'msisdn') THEN
        CREATE UNIQUE INDEX lifts_msisdn_key ON lifts (msisdn);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_index i
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                   WHERE i.indrelid = 'contacts'::regclass AND i.indisunique AND i.indnatts = 1
                     AND a.attname = 'primary_msisdn') THEN
        CREATE UNIQUE INDEX contacts_primary_msisdn_key ON contacts (primary_msisdn);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_index i
                   WHERE i.indrelid = 'lift_contacts'::regclass AND i.indisunique AND i.indnatts = 2) THEN
        CREATE UNIQUE INDEX lift_contacts_lift_contact_key ON lift_contacts (lift_id, contact_id);
    END IF;
END
$$;
CREATE INDEX IF NOT EXISTS lift_contacts_contact_idx ON lift_contacts (contact_id);

-- liftline:step no-transaction: indexes on tickets, built without blocking the original system's writes
-- liftline:cost ticket=0.000005
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_lift_idx ON tickets (lift_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_open_idx ON tickets (id) WHERE status = 'open';
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_resolved_at_idx ON tickets (resolved_at) WHERE resolved_at IS NOT NULL;

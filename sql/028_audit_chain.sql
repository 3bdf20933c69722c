-- The tamper-evident record (issue 17; docs/ARCHITECTURE.md, "The audit chain"). Every fact of the
-- compliance record, as first stored, is hashed into one chain: each message (its content, author,
-- numbers and times), each delivery status, each edit, deletion and reaction, each audited action, each
-- version of the incident card, each escalation step, each agent request, each kept file's checksum and
-- attachment, each message from a number with no ticket and each direct reply to one, and the WhatsApp id
-- an agent's reply got when it was sent. A later change is a fact of its own, appended.
-- Writers only insert into audit_pending; one sequencer (audit_chain_advance) chains the facts after
-- commit. The database refuses updates of the covered columns and deletes of covered rows.
-- `liftline-server verify` walks the chain and names the first entry that does not match.

-- liftline:step transaction: the chain, what waits for it, the covered columns, and the triggers that append and refuse
-- A kind's columns never change once shipped: entries are checked against the row as the kind reads it
-- now. More columns, or another table, are a new kind (and its triggers), never an edited row here.
CREATE TABLE IF NOT EXISTS audit_covered (
    kind          text PRIMARY KEY,
    table_name    text NOT NULL,
    key_columns   text[] NOT NULL,
    columns       text[] NOT NULL,
    time_columns  text[] NOT NULL DEFAULT '{}',
    -- For a kind appended when a column is first set (a reply's WhatsApp id): that column; such a kind
    -- covers only the rows where it is set.
    set_column    text
);
INSERT INTO audit_covered (kind, table_name, key_columns, columns, time_columns, set_column) VALUES
    ('message', 'chat_messages', '{id}',
     '{id,ticket_id,direction,from_number,to_number,message,kind,agent_name,agent_id,sent_by,client_message_id,context_wa_id,media_id,created_at,wa_timestamp}',
     '{created_at,wa_timestamp}', NULL),
    ('message_whatsapp_id', 'chat_messages', '{id}', '{id,wa_message_id}', '{}', 'wa_message_id'),
    ('delivery_status', 'whatsapp_statuses', '{wa_message_id,status}',
     '{wa_message_id,status,wa_timestamp,recipient_id,errors,raw,received_at}', '{wa_timestamp,received_at}', NULL),
    ('message_change', 'chat_message_changes', '{id}',
     '{id,wa_message_id,target_wa_id,change,from_number,body,kind,wa_timestamp,raw,created_at}',
     '{wa_timestamp,created_at}', NULL),
    ('action', 'audit_log', '{id}', '{id,at,actor_kind,agent_id,actor_name,action,ticket_id,details,remote}', '{at}', NULL),
    ('incident_card', 'incident_cards', '{ticket_id,version}',
     '{ticket_id,version,people_trapped,injuries,position,services,released_at,notes,edited_by,edited_by_actor,edited_at}',
     '{released_at,edited_at}', NULL),
    ('escalation_step', 'escalation_log', '{request_id,step}',
     '{request_id,step,action,level,due_at,taken_at,instance_id,recipients}', '{due_at,taken_at}', NULL),
    ('agent_request', 'agent_requests', '{id}', '{id,key,unassigned_id,from_number,text,requested_at}',
     '{requested_at}', NULL),
    ('file', 'chat_media', '{id}', '{id,sha256,mime_type,size_bytes,created_at}', '{created_at}', NULL),
    ('attachment', 'chat_attachments', '{id}',
     '{id,wa_message_id,message_id,direction,media_type,voice,wa_media_id,declared_mime,declared_sha256,filename,caption,created_at}',
     '{created_at}', NULL),
    ('attachment_file', 'chat_attachments', '{id}', '{id,media_id}', '{}', 'media_id'),
    ('unassigned_message', 'chat_unassigned', '{id}',
     '{id,wa_message_id,from_number,profile_name,user_id,message,kind,wa_timestamp,context_wa_id,media_id,raw,created_at}',
     '{wa_timestamp,created_at}', NULL),
    ('direct_reply', 'chat_direct_messages', '{id}',
     '{id,unassigned_id,to_number,message,agent_name,agent_id,sent_by,client_message_id,created_at}', '{created_at}', NULL),
    ('direct_reply_whatsapp_id', 'chat_direct_messages', '{id}', '{id,wa_message_id}', '{}', 'wa_message_id')
ON CONFLICT (kind) DO NOTHING;

CREATE TABLE IF NOT EXISTS audit_pending (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL, -- an audit_covered kind (no foreign key: writers would share-lock it)
    ref           text NOT NULL,
    content_hash  bytea NOT NULL CHECK (octet_length(content_hash) = 32),
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS audit_pending_ref_idx ON audit_pending (kind, ref);

CREATE TABLE IF NOT EXISTS audit_chain (
    seq           bigint PRIMARY KEY CHECK (seq >= 1),
    kind          text NOT NULL,
    ref           text NOT NULL,
    content_hash  bytea NOT NULL CHECK (octet_length(content_hash) = 32),
    recorded_at   timestamptz NOT NULL,
    chained_at    timestamptz NOT NULL DEFAULT now(),
    hash          bytea NOT NULL CHECK (octet_length(hash) = 32)
);
CREATE INDEX IF NOT EXISTS audit_chain_ref_idx ON audit_chain (kind, ref);

-- The chain's head, signed with the server's key once a day (and by `liftline-server chain-head`), and
-- written to the log: someone outside the database holding a head catches a chain rewritten after it,
-- and `verify` checks the chain against every head recorded here.
CREATE TABLE IF NOT EXISTS audit_heads (
    id           bigserial PRIMARY KEY,
    seq          bigint NOT NULL,
    hash         bytea NOT NULL CHECK (octet_length(hash) = 32),
    signed_at    timestamptz NOT NULL DEFAULT now(),
    fingerprint  text NOT NULL,
    signature    bytea NOT NULL CHECK (octet_length(signature) = 64)
);

-- The functions the triggers and the first fill use (their live text is in sql/functions/).
-- A time as the audit chain hashes it: UTC with microseconds, whatever the session's time zone.
CREATE OR REPLACE FUNCTION audit_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- What the audit chain holds of one row of a covered kind (audit_covered): its covered columns, times as
-- audit_time writes them, as jsonb (whose text has one form: keys sorted, no spaces to vary). p_row is
-- to_jsonb(row); the same function reads the row when it is written and when `verify` checks it.
CREATE OR REPLACE FUNCTION audit_content(p_kind text, p_row jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_object_agg(col, CASE WHEN col = ANY (c.time_columns) AND p_row->>col IS NOT NULL
                                      THEN to_jsonb(audit_time((p_row->>col)::timestamptz))
                                      ELSE coalesce(p_row->col, 'null'::jsonb) END)
      FROM audit_covered c, unnest(c.columns) AS col
     WHERE c.kind = p_kind
$$;

-- Which row an entry of the audit chain is about: its key columns (audit_covered.key_columns) joined by '/'.
CREATE OR REPLACE FUNCTION audit_ref(p_kind text, p_row jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT string_agg(p_row->>k, '/' ORDER BY n)
      FROM audit_covered c, unnest(c.key_columns) WITH ORDINALITY AS u(k, n)
     WHERE c.kind = p_kind
$$;

-- The SHA-256 of what the audit chain holds of a row (audit_content), over its jsonb text in UTF-8.
CREATE OR REPLACE FUNCTION audit_hash(p_content jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT sha256(convert_to(p_content::text, 'UTF8'))
$$;

-- AFTER INSERT (or UPDATE) trigger of a covered table: the row's fact waits in audit_pending for the
-- chain's sequencer (audit_chain_advance), which hashes it into the chain after commit. Writers only
-- insert here, so none queues behind another on the chain. TG_ARGV[0] is the kind (audit_covered).
-- bytea is written as hex whatever the writer's session says (to_jsonb follows bytea_output).
CREATE OR REPLACE FUNCTION audit_append() RETURNS trigger
LANGUAGE plpgsql SET bytea_output = 'hex' AS $$
DECLARE
    r jsonb := to_jsonb(NEW);
BEGIN
    INSERT INTO audit_pending (kind, ref, content_hash)
    VALUES (TG_ARGV[0], audit_ref(TG_ARGV[0], r), audit_hash(audit_content(TG_ARGV[0], r)));
    RETURN NULL;
END
$$;

-- BEFORE UPDATE, DELETE or TRUNCATE trigger of a covered table (or of the chain itself): the compliance
-- record is appended to, never changed. A later change is a row of its own (a status, an edit, an
-- audited action); only the retention job will remove what has expired, leaving a tombstone in the chain.
CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused: it is part of the compliance record, which is only appended to',
        lower(TG_OP), TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'A later change is recorded as a row of its own (a status, an edit, an audited action).';
END
$$;

-- Appended: every covered row as it is inserted; a reply's WhatsApp id when it is first set.
DROP TRIGGER IF EXISTS audit_appended ON chat_messages;
CREATE TRIGGER audit_appended AFTER INSERT ON chat_messages
    FOR EACH ROW EXECUTE FUNCTION audit_append('message');
DROP TRIGGER IF EXISTS audit_appended_whatsapp_id ON chat_messages;
CREATE TRIGGER audit_appended_whatsapp_id AFTER INSERT ON chat_messages
    FOR EACH ROW WHEN (NEW.wa_message_id IS NOT NULL) EXECUTE FUNCTION audit_append('message_whatsapp_id');
DROP TRIGGER IF EXISTS audit_appended_sent ON chat_messages;
CREATE TRIGGER audit_appended_sent AFTER UPDATE OF wa_message_id ON chat_messages
    FOR EACH ROW WHEN (OLD.wa_message_id IS NULL AND NEW.wa_message_id IS NOT NULL)
    EXECUTE FUNCTION audit_append('message_whatsapp_id');
DROP TRIGGER IF EXISTS audit_appended ON whatsapp_statuses;
CREATE TRIGGER audit_appended AFTER INSERT ON whatsapp_statuses
    FOR EACH ROW EXECUTE FUNCTION audit_append('delivery_status');
DROP TRIGGER IF EXISTS audit_appended ON chat_message_changes;
CREATE TRIGGER audit_appended AFTER INSERT ON chat_message_changes
    FOR EACH ROW EXECUTE FUNCTION audit_append('message_change');
DROP TRIGGER IF EXISTS audit_appended ON audit_log;
CREATE TRIGGER audit_appended AFTER INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append('action');
DROP TRIGGER IF EXISTS audit_appended ON incident_cards;
CREATE TRIGGER audit_appended AFTER INSERT ON incident_cards
    FOR EACH ROW EXECUTE FUNCTION audit_append('incident_card');
DROP TRIGGER IF EXISTS audit_appended ON escalation_log;
CREATE TRIGGER audit_appended AFTER INSERT ON escalation_log
    FOR EACH ROW EXECUTE FUNCTION audit_append('escalation_step');
DROP TRIGGER IF EXISTS audit_appended ON agent_requests;
CREATE TRIGGER audit_appended AFTER INSERT ON agent_requests
    FOR EACH ROW EXECUTE FUNCTION audit_append('agent_request');
DROP TRIGGER IF EXISTS audit_appended ON chat_media;
CREATE TRIGGER audit_appended AFTER INSERT ON chat_media
    FOR EACH ROW EXECUTE FUNCTION audit_append('file');
DROP TRIGGER IF EXISTS audit_appended ON chat_attachments;
CREATE TRIGGER audit_appended AFTER INSERT ON chat_attachments
    FOR EACH ROW EXECUTE FUNCTION audit_append('attachment');
DROP TRIGGER IF EXISTS audit_appended_file ON chat_attachments;
CREATE TRIGGER audit_appended_file AFTER INSERT ON chat_attachments
    FOR EACH ROW WHEN (NEW.media_id IS NOT NULL) EXECUTE FUNCTION audit_append('attachment_file');
DROP TRIGGER IF EXISTS audit_appended_stored ON chat_attachments;
CREATE TRIGGER audit_appended_stored AFTER UPDATE OF media_id ON chat_attachments
    FOR EACH ROW WHEN (OLD.media_id IS NULL AND NEW.media_id IS NOT NULL)
    EXECUTE FUNCTION audit_append('attachment_file');
DROP TRIGGER IF EXISTS audit_appended ON chat_unassigned;
CREATE TRIGGER audit_appended AFTER INSERT ON chat_unassigned
    FOR EACH ROW EXECUTE FUNCTION audit_append('unassigned_message');
DROP TRIGGER IF EXISTS audit_appended ON chat_direct_messages;
CREATE TRIGGER audit_appended AFTER INSERT ON chat_direct_messages
    FOR EACH ROW EXECUTE FUNCTION audit_append('direct_reply');
DROP TRIGGER IF EXISTS audit_appended_whatsapp_id ON chat_direct_messages;
CREATE TRIGGER audit_appended_whatsapp_id AFTER INSERT ON chat_direct_messages
    FOR EACH ROW WHEN (NEW.wa_message_id IS NOT NULL) EXECUTE FUNCTION audit_append('direct_reply_whatsapp_id');
DROP TRIGGER IF EXISTS audit_appended_sent ON chat_direct_messages;
CREATE TRIGGER audit_appended_sent AFTER UPDATE OF wa_message_id ON chat_direct_messages
    FOR EACH ROW WHEN (OLD.wa_message_id IS NULL AND NEW.wa_message_id IS NOT NULL)
    EXECUTE FUNCTION audit_append('direct_reply_whatsapp_id');

-- Refused: a change of a covered column (the others, such as a message's status or its read mark, are
-- state that later facts explain), and every delete and truncate of a covered table and of the chain.
DROP TRIGGER IF EXISTS audit_refused ON chat_messages;
CREATE TRIGGER audit_refused BEFORE UPDATE ON chat_messages
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.ticket_id IS DISTINCT FROM NEW.ticket_id
                       OR OLD.direction IS DISTINCT FROM NEW.direction
                       OR OLD.from_number IS DISTINCT FROM NEW.from_number
                       OR OLD.to_number IS DISTINCT FROM NEW.to_number OR OLD.message IS DISTINCT FROM NEW.message
                       OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.agent_name IS DISTINCT FROM NEW.agent_name
                       OR OLD.agent_id IS DISTINCT FROM NEW.agent_id OR OLD.sent_by IS DISTINCT FROM NEW.sent_by
                       OR OLD.client_message_id IS DISTINCT FROM NEW.client_message_id
                       OR OLD.context_wa_id IS DISTINCT FROM NEW.context_wa_id
                       OR OLD.media_id IS DISTINCT FROM NEW.media_id
                       OR OLD.created_at IS DISTINCT FROM NEW.created_at
                       OR OLD.wa_timestamp IS DISTINCT FROM NEW.wa_timestamp
                       OR (OLD.wa_message_id IS NOT NULL AND OLD.wa_message_id IS DISTINCT FROM NEW.wa_message_id))
    EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused ON whatsapp_statuses;
CREATE TRIGGER audit_refused BEFORE UPDATE ON whatsapp_statuses
    FOR EACH ROW WHEN (OLD.wa_message_id IS DISTINCT FROM NEW.wa_message_id OR OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.wa_timestamp IS DISTINCT FROM NEW.wa_timestamp
                       OR OLD.recipient_id IS DISTINCT FROM NEW.recipient_id OR OLD.errors IS DISTINCT FROM NEW.errors
                       OR OLD.raw IS DISTINCT FROM NEW.raw OR OLD.received_at IS DISTINCT FROM NEW.received_at)
    EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused ON agent_requests;
CREATE TRIGGER audit_refused BEFORE UPDATE ON agent_requests
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.key IS DISTINCT FROM NEW.key
                       OR OLD.unassigned_id IS DISTINCT FROM NEW.unassigned_id
                       OR OLD.from_number IS DISTINCT FROM NEW.from_number OR OLD.text IS DISTINCT FROM NEW.text
                       OR OLD.requested_at IS DISTINCT FROM NEW.requested_at)
    EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused ON chat_media;
CREATE TRIGGER audit_refused BEFORE UPDATE ON chat_media
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.sha256 IS DISTINCT FROM NEW.sha256
                       OR OLD.mime_type IS DISTINCT FROM NEW.mime_type OR OLD.size_bytes IS DISTINCT FROM NEW.size_bytes
                       OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused ON chat_attachments;
CREATE TRIGGER audit_refused BEFORE UPDATE ON chat_attachments
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.wa_message_id IS DISTINCT FROM NEW.wa_message_id
                       OR OLD.message_id IS DISTINCT FROM NEW.message_id OR OLD.direction IS DISTINCT FROM NEW.direction
                       OR OLD.media_type IS DISTINCT FROM NEW.media_type OR OLD.voice IS DISTINCT FROM NEW.voice
                       OR OLD.wa_media_id IS DISTINCT FROM NEW.wa_media_id
                       OR OLD.declared_mime IS DISTINCT FROM NEW.declared_mime
                       OR OLD.declared_sha256 IS DISTINCT FROM NEW.declared_sha256
                       OR OLD.filename IS DISTINCT FROM NEW.filename OR OLD.caption IS DISTINCT FROM NEW.caption
                       OR OLD.created_at IS DISTINCT FROM NEW.created_at
                       OR (OLD.media_id IS NOT NULL AND OLD.media_id IS DISTINCT FROM NEW.media_id))
    EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused ON chat_unassigned;
CREATE TRIGGER audit_refused BEFORE UPDATE ON chat_unassigned
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.wa_message_id IS DISTINCT FROM NEW.wa_message_id
                       OR OLD.from_number IS DISTINCT FROM NEW.from_number
                       OR OLD.profile_name IS DISTINCT FROM NEW.profile_name OR OLD.user_id IS DISTINCT FROM NEW.user_id
                       OR OLD.message IS DISTINCT FROM NEW.message OR OLD.kind IS DISTINCT FROM NEW.kind
                       OR OLD.wa_timestamp IS DISTINCT FROM NEW.wa_timestamp
                       OR OLD.context_wa_id IS DISTINCT FROM NEW.context_wa_id
                       OR OLD.media_id IS DISTINCT FROM NEW.media_id OR OLD.raw IS DISTINCT FROM NEW.raw
                       OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused ON chat_direct_messages;
CREATE TRIGGER audit_refused BEFORE UPDATE ON chat_direct_messages
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.unassigned_id IS DISTINCT FROM NEW.unassigned_id
                       OR OLD.to_number IS DISTINCT FROM NEW.to_number OR OLD.message IS DISTINCT FROM NEW.message
                       OR OLD.agent_name IS DISTINCT FROM NEW.agent_name OR OLD.agent_id IS DISTINCT FROM NEW.agent_id
                       OR OLD.sent_by IS DISTINCT FROM NEW.sent_by
                       OR OLD.client_message_id IS DISTINCT FROM NEW.client_message_id
                       OR OLD.created_at IS DISTINCT FROM NEW.created_at
                       OR (OLD.wa_message_id IS NOT NULL AND OLD.wa_message_id IS DISTINCT FROM NEW.wa_message_id))
    EXECUTE FUNCTION audit_refuse();
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['chat_message_changes', 'audit_log', 'incident_cards', 'escalation_log', 'audit_chain',
                             'audit_heads'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS audit_refused ON %I', t);
        EXECUTE format('CREATE TRIGGER audit_refused BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION audit_refuse()', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['chat_messages', 'whatsapp_statuses', 'chat_message_changes', 'audit_log', 'incident_cards',
                             'escalation_log', 'agent_requests', 'chat_media', 'chat_attachments', 'chat_unassigned',
                             'chat_direct_messages', 'audit_chain', 'audit_heads'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS audit_refused_delete ON %I', t);
        EXECUTE format('CREATE TRIGGER audit_refused_delete BEFORE DELETE ON %I FOR EACH ROW EXECUTE FUNCTION audit_refuse()', t);
        EXECUTE format('DROP TRIGGER IF EXISTS audit_refused_truncate ON %I', t);
        EXECUTE format('CREATE TRIGGER audit_refused_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()', t);
    END LOOP;
END
$$;

-- liftline:step no-transaction: the rows stored before the chain, each kind in key order, 20,000 at a time
-- liftline:cost message=0.0001 ticket=0.00001
-- A row written after the triggers above already waits in audit_pending and is skipped here. Chained
-- afterwards by the running server's sequencer, oldest first.
DO $$
DECLARE
    c record;
    keyed boolean;
    done bigint;
    last bigint;
BEGIN
    PERFORM set_config('bytea_output', 'hex', false);
    FOR c IN SELECT * FROM audit_covered ORDER BY CASE kind WHEN 'message' THEN 0 WHEN 'message_whatsapp_id' THEN 1
                                                            WHEN 'delivery_status' THEN 2 ELSE 3 END, kind LOOP
        -- A kind keyed by id in ranges, each committed on its own; one keyed by two columns in one pass.
        keyed := c.key_columns = '{id}';
        last := 1;
        IF keyed THEN
            EXECUTE format('SELECT coalesce(max(id), 0) FROM %I', c.table_name) INTO last;
        END IF;
        done := 0;
        WHILE done < last LOOP
            EXECUTE format(
                'INSERT INTO audit_pending (kind, ref, content_hash, created_at) '
                'SELECT $1, r.ref, audit_hash(audit_content($1, r.j)), now() '
                '  FROM (SELECT audit_ref($1, to_jsonb(t)) AS ref, to_jsonb(t) AS j FROM %I t WHERE %s %s) r '
                ' WHERE NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.kind = $1 AND p.ref = r.ref) '
                '   AND NOT EXISTS (SELECT 1 FROM audit_chain a WHERE a.kind = $1 AND a.ref = r.ref)',
                c.table_name, CASE WHEN keyed THEN 't.id > $2 AND t.id <= $2 + 20000' ELSE 'true' END,
                CASE WHEN c.set_column IS NOT NULL THEN format('AND t.%I IS NOT NULL', c.set_column) ELSE '' END)
            USING c.kind, done;
            done := done + 20000;
            COMMIT;
        END LOOP;
    END LOOP;
END
$$;

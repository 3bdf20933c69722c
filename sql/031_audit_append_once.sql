-- The audit chain's writers, cheaper (issue 17: the write path within 10 % of its rate before the chain).
-- A row that is a fact of two kinds (an inbound message and its WhatsApp id, a direct reply and its id,
-- an attachment and its file) is appended by one trigger call instead of two, and audit_append computes
-- the entries in one statement planned once per session (sql/functions/audit_append.sql says why).
-- What is appended is unchanged: the same kinds, refs and content hashes, in the same order.

-- liftline:step transaction: one trigger call per covered row
CREATE OR REPLACE FUNCTION audit_append() RETURNS trigger
LANGUAGE plpgsql SET bytea_output = 'hex' AS $$
DECLARE
    r jsonb := to_jsonb(NEW);
BEGIN
    INSERT INTO audit_pending (kind, ref, content_hash)
    SELECT c.kind,
           (SELECT string_agg(r->>k, '/' ORDER BY n) FROM unnest(c.key_columns) WITH ORDINALITY AS u(k, n)),
           sha256(convert_to((SELECT jsonb_object_agg(col, CASE WHEN col = ANY (c.time_columns) AND r->>col IS NOT NULL
                                                                THEN to_jsonb(to_char((r->>col)::timestamptz AT TIME ZONE 'UTC',
                                                                                      'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                                                                ELSE coalesce(r->col, 'null'::jsonb) END)
                                FROM unnest(c.columns) AS col)::text, 'UTF8'))
      FROM audit_covered c
     WHERE c.kind = ANY (TG_ARGV) AND (c.set_column IS NULL OR r->>c.set_column IS NOT NULL)
     ORDER BY array_position(TG_ARGV, c.kind);
    RETURN NULL;
END
$$;

-- The tables in the order the webhook's writers lock them (a message's attachment row first), so that
-- the step waits for them rather than crossing them; it gives way after the migrator's lock timeout.
DROP TRIGGER IF EXISTS audit_appended_file ON chat_attachments;
DROP TRIGGER IF EXISTS audit_appended ON chat_attachments;
CREATE TRIGGER audit_appended AFTER INSERT ON chat_attachments
    FOR EACH ROW EXECUTE FUNCTION audit_append('attachment', 'attachment_file');
DROP TRIGGER IF EXISTS audit_appended_whatsapp_id ON chat_messages;
DROP TRIGGER IF EXISTS audit_appended ON chat_messages;
CREATE TRIGGER audit_appended AFTER INSERT ON chat_messages
    FOR EACH ROW EXECUTE FUNCTION audit_append('message', 'message_whatsapp_id');
DROP TRIGGER IF EXISTS audit_appended_whatsapp_id ON chat_direct_messages;
DROP TRIGGER IF EXISTS audit_appended ON chat_direct_messages;
CREATE TRIGGER audit_appended AFTER INSERT ON chat_direct_messages
    FOR EACH ROW EXECUTE FUNCTION audit_append('direct_reply', 'direct_reply_whatsapp_id');

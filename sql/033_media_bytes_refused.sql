-- A kept file's bytes are part of the compliance record too (issue 17: "The database itself refuses updates
-- of the covered columns and deletes of covered rows. Only the retention job may delete, through a
-- recorded path."). The chain covers each file's checksum (chat_media, 028), but its bytes are in
-- chat_media_chunks, which nothing refused: a photo's bytes could be swapped with SQL and nothing noticed.
-- The chunks are now refused as the covered rows are: no update, no delete but the retention job's (which
-- purges a file's bytes on its path, liftline.retention_run), no truncate; and a chunk is inserted only
-- into its own place in a file that has its bytes to come, so that nothing is added beside a file's bytes
-- or replaces them. `liftline-server verify` re-hashes every kept file's bytes against its checksum.

-- liftline:step transaction: chunks refused as the covered rows are, and inserted only where their file has room
-- The functions' live text is in sql/functions/.
CREATE OR REPLACE FUNCTION audit_refuse_chunk() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    file_size bigint;
    chunk_size integer;
    purged boolean;
    expected bigint;
BEGIN
    SELECT m.size_bytes, m.chunk_bytes, m.purged_at IS NOT NULL INTO file_size, chunk_size, purged
      FROM chat_media m WHERE m.id = NEW.media_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key refuses it
    END IF;
    expected := least(chunk_size::bigint, file_size - NEW.seq::bigint * chunk_size);
    IF NOT purged AND expected > 0 AND octet_length(NEW.data) = expected THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'insert of chunk % of file % into chat_media_chunks refused: a kept file''s bytes are part of the compliance record, stored whole once',
        NEW.seq, NEW.media_id
        USING ERRCODE = 'integrity_constraint_violation',
              DETAIL = CASE WHEN purged THEN 'The file''s bytes expired (retention): they come back only when the file is kept again.'
                            WHEN expected <= 0 THEN format('The file has %s bytes: chunk %s would be after its end.', file_size, NEW.seq)
                            ELSE format('Chunk %s of the file holds %s bytes, not %s.', NEW.seq, expected, octet_length(NEW.data)) END,
              HINT = 'Files are kept by liftline-server (MediaStore), each content once by its SHA-256.';
END
$$;

CREATE OR REPLACE FUNCTION retention_purge_media(p_run bigint, p_before timestamptz, p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    held integer[] := retention_held_tickets();
    ids bigint[];
BEGIN
    PERFORM set_config('liftline.retention_run', p_run::text, true);
    SELECT coalesce(array_agg(f.id), '{}') INTO ids
      FROM (SELECT cm.id FROM chat_media cm
             WHERE cm.purged_at IS NULL AND cm.created_at < p_before
               -- Kept once per checksum: a file that came again since is as new as its latest arrival.
               AND NOT EXISTS (SELECT 1 FROM chat_attachments a WHERE a.media_id = cm.id AND a.created_at >= p_before)
               AND NOT EXISTS (SELECT 1 FROM chat_attachments a JOIN chat_messages m
                                   ON m.id = a.message_id OR m.wa_message_id = a.wa_message_id
                                WHERE a.media_id = cm.id AND m.ticket_id = ANY (held))
               AND NOT EXISTS (SELECT 1 FROM chat_attachments a JOIN chat_unassigned u ON u.wa_message_id = a.wa_message_id
                                WHERE a.media_id = cm.id
                                  AND (u.attached_ticket_id = ANY (held)
                                       OR EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL
                                                     AND h.scope = 'technician' AND h.number = u.from_number)))
             ORDER BY cm.id LIMIT p_limit
             FOR UPDATE OF cm SKIP LOCKED) f;
    DELETE FROM chat_media_chunks WHERE media_id = ANY (ids);
    UPDATE chat_media SET purged_at = now() WHERE id = ANY (ids);
    RETURN cardinality(ids);
END
$$;

-- The table in the order MediaStore::put and retention_purge_media lock it (after the file's row); the step
-- gives way after the migrator's lock timeout.
DROP TRIGGER IF EXISTS audit_refused ON chat_media_chunks;
CREATE TRIGGER audit_refused BEFORE UPDATE ON chat_media_chunks
    FOR EACH ROW EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused_delete ON chat_media_chunks;
CREATE TRIGGER audit_refused_delete BEFORE DELETE ON chat_media_chunks
    FOR EACH ROW EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused_truncate ON chat_media_chunks;
CREATE TRIGGER audit_refused_truncate BEFORE TRUNCATE ON chat_media_chunks
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused_insert ON chat_media_chunks;
CREATE TRIGGER audit_refused_insert BEFORE INSERT ON chat_media_chunks
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_chunk();

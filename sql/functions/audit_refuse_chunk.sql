-- BEFORE INSERT trigger of chat_media_chunks: a kept file's bytes are part of the compliance record (its
-- checksum is a covered fact), stored whole, once. A chunk goes only into its own place in a file that has
-- its bytes to come: chunk n holds the file's bytes from n × chunk_bytes, chunk_bytes of them or the rest
-- of size_bytes. With the key (media_id, seq), a file that has its bytes has no room left: nothing is added
-- beside them, and nothing replaces them (an upsert is an update, which audit_refuse refuses). A file whose
-- bytes expired (purged_at) takes none until it is kept again (MediaStore::put clears purged_at first).
-- The file is read FOR KEY SHARE, as the foreign key does: a chunk waits for a purge of its file that is
-- under way, then sees it.
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

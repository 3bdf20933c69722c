-- The chain's sequencer: hashes up to p_limit waiting facts (audit_pending, oldest first) into the chain
-- and returns how many. One at a time across instances (a transaction-level advisory lock, tried, never
-- waited for): another instance already at it returns 0. Each entry's hash covers the previous entry's
-- hash, its number, kind, row, when it was written and its content's hash, so that changing, removing or
-- reordering any entry changes every hash after it.
CREATE OR REPLACE FUNCTION audit_chain_advance(p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_hash bytea;
    p record;
    done bigint[] := '{}';
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('liftline.audit_chain')) THEN
        RETURN 0;
    END IF;
    SELECT c.seq, c.hash INTO last_seq, last_hash FROM audit_chain c ORDER BY c.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_hash := decode(repeat('00', 32), 'hex');
    END IF;
    FOR p IN SELECT * FROM audit_pending ORDER BY id LIMIT p_limit LOOP
        last_seq := last_seq + 1;
        last_hash := audit_entry_hash(last_hash, last_seq, p.kind, p.ref, p.created_at, p.content_hash);
        INSERT INTO audit_chain (seq, kind, ref, content_hash, recorded_at, hash)
        VALUES (last_seq, p.kind, p.ref, p.content_hash, p.created_at, last_hash);
        done := done || p.id;
    END LOOP;
    DELETE FROM audit_pending WHERE id = ANY (done);
    RETURN cardinality(done);
END
$$;

-- Records, for the retention run p_run, that the facts (p_kinds[i], p_refs[i]) are about to be removed:
-- one tombstone (a covered row, so itself an entry of the chain) carrying the count and the SHA-256 of the
-- removed entries' hashes in chain order, and each removed entry's number in audit_removed. A fact still
-- waiting for the chain, or never chained, stops the removal: its rows are not yet in the record. An entry
-- a tombstone removed already (a key that came back) is not listed twice.
CREATE OR REPLACE FUNCTION retention_tombstone(p_run bigint, p_scope text, p_ticket integer, p_kinds text[],
                                               p_refs text[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    tomb bigint;
    found integer;
    wanted integer := coalesce(cardinality(p_kinds), 0);
BEGIN
    IF wanted = 0 THEN
        RETURN 0;
    END IF;
    INSERT INTO audit_tombstones (run_id, scope, ticket_id, entry_count, entries_digest)
    SELECT p_run, p_scope, p_ticket, count(*), sha256(coalesce(string_agg(c.hash, ''::bytea ORDER BY c.seq), ''::bytea))
      FROM audit_chain c JOIN unnest(p_kinds, p_refs) AS f(kind, ref) ON c.kind = f.kind AND c.ref = f.ref
     WHERE NOT EXISTS (SELECT 1 FROM audit_removed x WHERE x.seq = c.seq)
    RETURNING id, entry_count INTO tomb, found;
    IF found <> wanted THEN
        RAISE EXCEPTION 'retention run %: % of the % facts to remove (%) are not in the audit chain yet', p_run,
            wanted - found, wanted, coalesce('ticket ' || p_ticket, p_scope)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'The chain''s sequencer has not chained them: the next run removes them.';
    END IF;
    INSERT INTO audit_removed (seq, tombstone_id)
    SELECT c.seq, tomb FROM audit_chain c JOIN unnest(p_kinds, p_refs) AS f(kind, ref) ON c.kind = f.kind AND c.ref = f.ref
     WHERE NOT EXISTS (SELECT 1 FROM audit_removed x WHERE x.seq = c.seq);
    RETURN found;
END
$$;
-- Only the server's own role (the owner) records removals.
REVOKE EXECUTE ON FUNCTION retention_tombstone(bigint, text, integer, text[], text[]) FROM PUBLIC;

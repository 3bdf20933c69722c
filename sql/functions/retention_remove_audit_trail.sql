-- Removes, for the retention run p_run, up to p_limit audited actions (audit_log) older than p_before
-- that concern no ticket under a legal hold, oldest first, with one tombstone in the chain for them.
-- Returns how many it removed (fewer than p_limit: none are left).
CREATE OR REPLACE FUNCTION retention_remove_audit_trail(p_run bigint, p_before timestamptz, p_limit integer)
RETURNS integer
LANGUAGE plpgsql SET bytea_output = 'hex' AS $$
DECLARE
    held integer[] := retention_held_tickets();
    ids bigint[];
    refs text[];
    n integer;
BEGIN
    PERFORM set_config('liftline.retention_run', p_run::text, true);
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO ids
      FROM (SELECT id FROM audit_log
             WHERE at < p_before AND (ticket_id IS NULL OR ticket_id <> ALL (held))
             ORDER BY id LIMIT p_limit) a;
    IF cardinality(ids) = 0 THEN
        RETURN 0;
    END IF;
    SELECT array_agg(audit_ref('action', to_jsonb(a))) INTO refs FROM audit_log a WHERE a.id = ANY (ids);
    PERFORM retention_tombstone(p_run, 'audit_trail', NULL, array_fill('action'::text, ARRAY[cardinality(refs)]), refs);
    DELETE FROM audit_log WHERE id = ANY (ids);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- BEFORE UPDATE, DELETE or TRUNCATE trigger of a covered table (or of the chain itself): the compliance
-- record is appended to, never changed. A later change is a row of its own (a status, an edit, an
-- audited action). The one delete let through is the retention job's, inside retention_remove_* (which
-- set liftline.retention_run for their transaction and leave a tombstone in the chain); a delete made any
-- other way, even with that setting, leaves entries without rows or tombstone, which `verify` reports.
CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' AND TG_TABLE_NAME NOT IN ('audit_chain', 'audit_heads', 'audit_tombstones', 'audit_removed')
       AND coalesce(current_setting('liftline.retention_run', true), '') ~ '^[0-9]+$' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% of % refused: it is part of the compliance record, which is only appended to',
        lower(TG_OP), TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation',
              HINT = 'A later change is recorded as a row of its own (a status, an edit, an audited action); expired data is removed by the retention job (liftline-server retention).';
END
$$;

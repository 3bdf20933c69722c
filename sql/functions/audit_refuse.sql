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

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

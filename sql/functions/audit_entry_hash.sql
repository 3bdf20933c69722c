-- One entry's hash in the audit chain: SHA-256 over the previous entry's hash, then
-- "seq|kind|ref|recorded_at|" in UTF-8, then the content's hash. `liftline-server verify` computes the
-- same (AuditChain::entryHash), so the chain can be checked with nothing but its rows.
CREATE OR REPLACE FUNCTION audit_entry_hash(p_previous bytea, p_seq bigint, p_kind text, p_ref text,
                                            p_recorded_at timestamptz, p_content_hash bytea) RETURNS bytea
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT sha256(p_previous || convert_to(p_seq::text || '|' || p_kind || '|' || p_ref || '|' ||
                                           audit_time(p_recorded_at) || '|', 'UTF8') || p_content_hash)
$$;

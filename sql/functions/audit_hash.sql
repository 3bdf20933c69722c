-- The SHA-256 of what the audit chain holds of a row (audit_content), over its jsonb text in UTF-8.
CREATE OR REPLACE FUNCTION audit_hash(p_content jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT sha256(convert_to(p_content::text, 'UTF8'))
$$;

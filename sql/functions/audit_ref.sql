-- Which row an entry of the audit chain is about: its key columns (audit_covered.key_columns) joined by '/'.
CREATE OR REPLACE FUNCTION audit_ref(p_kind text, p_row jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT string_agg(p_row->>k, '/' ORDER BY n)
      FROM audit_covered c, unnest(c.key_columns) WITH ORDINALITY AS u(k, n)
     WHERE c.kind = p_kind
$$;

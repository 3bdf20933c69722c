-- What the audit chain holds of one row of a covered kind (audit_covered): its covered columns, times as
-- audit_time writes them, as jsonb (whose text has one form: keys sorted, no spaces to vary). p_row is
-- to_jsonb(row); the same function reads the row when it is written and when `verify` checks it.
CREATE OR REPLACE FUNCTION audit_content(p_kind text, p_row jsonb) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_object_agg(col, CASE WHEN col = ANY (c.time_columns) AND p_row->>col IS NOT NULL
                                      THEN to_jsonb(audit_time((p_row->>col)::timestamptz))
                                      ELSE coalesce(p_row->col, 'null'::jsonb) END)
      FROM audit_covered c, unnest(c.columns) AS col
     WHERE c.kind = p_kind
$$;

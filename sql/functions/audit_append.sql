-- AFTER INSERT (or UPDATE) trigger of a covered table: the row's facts wait in audit_pending for the
-- chain's sequencer (audit_chain_advance), which hashes them into the chain after commit. Writers only
-- insert here, so none queues behind another on the chain. TG_ARGV holds the kinds (audit_covered) the
-- row is a fact of, in the order they are appended; a kind with a set_column only once that column is set.
-- One statement, planned once per session, computes what audit_ref and audit_content compute (`verify`
-- uses those; the two must stay the same expressions): calling them from here re-planned both, for each
-- kind, in every transaction, and cost the webhook's writers 12-15 % of their rate.
-- bytea is written as hex whatever the writer's session says (to_jsonb follows bytea_output).
-- The generic plan is forced: with the row and TG_ARGV known, a custom plan folds to constants and looks
-- cheaper, so PostgreSQL planned the statement again for two calls in three (0.16 ms each, three calls a
-- reply); the generic plan reads audit_covered, a few rows, as the custom one does.
CREATE OR REPLACE FUNCTION audit_append() RETURNS trigger
LANGUAGE plpgsql SET bytea_output = 'hex' SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    r jsonb := to_jsonb(NEW);
BEGIN
    INSERT INTO audit_pending (kind, ref, content_hash)
    SELECT c.kind,
           (SELECT string_agg(r->>k, '/' ORDER BY n) FROM unnest(c.key_columns) WITH ORDINALITY AS u(k, n)),
           sha256(convert_to((SELECT jsonb_object_agg(col, CASE WHEN col = ANY (c.time_columns) AND r->>col IS NOT NULL
                                                                THEN to_jsonb(to_char((r->>col)::timestamptz AT TIME ZONE 'UTC',
                                                                                      'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                                                                ELSE coalesce(r->col, 'null'::jsonb) END)
                                FROM unnest(c.columns) AS col)::text, 'UTF8'))
      FROM audit_covered c
     WHERE c.kind = ANY (TG_ARGV) AND (c.set_column IS NULL OR r->>c.set_column IS NOT NULL)
     ORDER BY array_position(TG_ARGV, c.kind);
    RETURN NULL;
END
$$;

-- The on-call entries of a level that are active now, in their order. Active hours are read in the entry's
-- time zone; an end before the start runs past midnight.
CREATE OR REPLACE FUNCTION escalation_oncall_now(p_level integer) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'name', e.name, 'phone', e.phone)
                              ORDER BY e.position, e.id), '[]')
      FROM oncall_entries e
      CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE e.time_zone)::time AS local) n
     WHERE e.level = p_level
       AND (e.active_from IS NULL
            OR (e.active_from <= e.active_until AND n.local >= e.active_from AND n.local < e.active_until)
            OR (e.active_from > e.active_until AND (n.local >= e.active_from OR n.local < e.active_until)))
$$;

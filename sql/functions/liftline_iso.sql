-- A time as the wire writes it: UTC, milliseconds, a Z (docs/API.md, "Times").
CREATE OR REPLACE FUNCTION liftline_iso(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

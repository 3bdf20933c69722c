-- A time as the audit chain hashes it: UTC with microseconds, whatever the session's time zone.
CREATE OR REPLACE FUNCTION audit_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

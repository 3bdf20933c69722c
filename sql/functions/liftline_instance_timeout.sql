-- How long an instance may miss its heartbeat before its consoles stop counting.
CREATE OR REPLACE FUNCTION liftline_instance_timeout() RETURNS interval
LANGUAGE sql IMMUTABLE AS $$ SELECT interval '20 seconds' $$;

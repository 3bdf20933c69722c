-- One sign-in attempt by `p_username` from `p_client`: counted as a failure now (0 is returned), or refused
-- uncounted while the wait lasts (the seconds left are returned). A correct password then clears the count
-- (liftline_login_succeeded). Concurrent attempts queue on the row, so each sees the ones before it.
CREATE OR REPLACE FUNCTION liftline_login_attempt(p_username text, p_client text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    w integer;
BEGIN
    INSERT INTO login_failures AS f (username, client, failures, last_failure_at)
    VALUES (p_username, p_client, 1, now())
    ON CONFLICT (username, client) DO UPDATE SET failures = f.failures + 1, last_failure_at = now()
     WHERE liftline_login_wait(f.failures, f.last_failure_at) = 0;
    IF FOUND THEN
        RETURN 0;
    END IF;
    SELECT liftline_login_wait(failures, last_failure_at) INTO w
      FROM login_failures WHERE username = p_username AND client = p_client;
    RETURN greatest(coalesce(w, 1), 1);
END
$$;

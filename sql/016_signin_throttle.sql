-- Sign-in attempts counted per account and client address, and counted before the password is checked:
-- however many attempts arrive at once, five wrong passwords from one client are all it gets before the
-- doubling wait (1 s, 2 s, ... at most 60 s; never a lockout). Another client is not kept waiting by them.

-- liftline:step transaction: failed sign-ins keyed by account and client address
ALTER TABLE login_failures ADD COLUMN IF NOT EXISTS client text NOT NULL DEFAULT '';
DO $$
BEGIN
    IF (SELECT array_length(conkey, 1) FROM pg_constraint
         WHERE conrelid = 'login_failures'::regclass AND contype = 'p') = 1 THEN
        ALTER TABLE login_failures DROP CONSTRAINT login_failures_pkey;
        ALTER TABLE login_failures ADD CONSTRAINT login_failures_pkey PRIMARY KEY (username, client);
    END IF;
END
$$;

-- Seconds still to wait after `failures` failures, the last at `last_failure_at`; 0: may try now.
CREATE OR REPLACE FUNCTION liftline_login_wait(failures integer, last_failure_at timestamptz)
RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN failures < 5 THEN 0
                ELSE greatest(0, ceil(least(60, power(2, least(failures - 5, 6)))::numeric
                                      - extract(epoch FROM now() - last_failure_at)))::integer END
$$;

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

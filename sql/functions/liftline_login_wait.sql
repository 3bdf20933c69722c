-- Seconds still to wait after `failures` failures, the last at `last_failure_at`; 0: may try now.
CREATE OR REPLACE FUNCTION liftline_login_wait(failures integer, last_failure_at timestamptz)
RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN failures < 5 THEN 0
                ELSE greatest(0, ceil(least(60, power(2, least(failures - 5, 6)))::numeric
                                      - extract(epoch FROM now() - last_failure_at)))::integer END
$$;

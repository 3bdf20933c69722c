-- Numbers every committed, unnumbered event and returns the newest number; the caller holds the sequencer
-- lock. Must run in a READ COMMITTED transaction of its own: each statement then sees what committed
-- before the lock was granted.
--
-- The planner settings are those of 008_sequencer_plan.sql: left to the planner, stale statistics on a
-- fast-growing chat_events made it hash-join the whole table on every run.
CREATE OR REPLACE FUNCTION chat_number_committed_events() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    numbered bigint;
BEGIN
    SELECT coalesce(max(seq), 0) INTO last_seq FROM chat_events;
    WITH todo AS (
        SELECT id, row_number() OVER (ORDER BY id) AS rn FROM chat_events WHERE seq IS NULL
    )
    UPDATE chat_events e SET seq = last_seq + todo.rn FROM todo WHERE e.id = todo.id;
    GET DIAGNOSTICS numbered = ROW_COUNT;
    IF numbered > 0 THEN
        PERFORM pg_notify('liftline_events', (last_seq + numbered)::text);
    END IF;
    RETURN last_seq + numbered;
END
$$
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off;

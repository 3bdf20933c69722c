-- The numbering statement touches only the few unnumbered events, through their partial index and the
-- primary key. Left to the planner, stale statistics on a fast-growing chat_events made it hash-join the
-- whole table on every run (1.6 ms per run at 16,000 events, growing with the table). The plan is fixed
-- for this one function instead.
ALTER FUNCTION chat_number_committed_events()
    SET enable_seqscan = off
    SET enable_hashjoin = off
    SET enable_mergejoin = off;

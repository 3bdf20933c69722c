-- Drops up to p_limit numbered events (the stream's copies of what consoles were sent) older than p_before,
-- except those of tickets under a legal hold. The record itself is in the transcript's tables; a console
-- resumes from recent events only. Returns how many it dropped.
CREATE OR REPLACE FUNCTION retention_prune_events(p_before timestamptz, p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    held integer[] := retention_held_tickets();
    n integer;
BEGIN
    DELETE FROM chat_events WHERE id IN (
        SELECT id FROM chat_events
         WHERE seq IS NOT NULL AND created_at < p_before AND (ticket_id IS NULL OR ticket_id <> ALL (held))
         ORDER BY id LIMIT p_limit);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

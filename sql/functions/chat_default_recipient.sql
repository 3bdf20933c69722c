-- Who a message on a ticket goes to when nobody is named: the last one who wrote on it, else the technician
-- who responded. "Last" is by the time written, among the 20 latest messages stored: a message from earlier
-- attached just now (it is stored last) does not take the default from someone who wrote since. Replies
-- (Outbox) and the participants list (ChatStore) both ask here, so they agree.
-- PL/pgSQL so that its plan is kept for the session: as a SQL function with subqueries (never inlined) it
-- was planned again on every call, 0.45 ms of PostgreSQL's CPU for each reply (pg_stat_statements with
-- track_planning, ../shared/bench's agent-send).
CREATE OR REPLACE FUNCTION chat_default_recipient(p_ticket_id integer) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce(
        (SELECT r.from_number
           FROM (SELECT m.from_number, m.created_at, m.id FROM chat_messages m
                  WHERE m.ticket_id = p_ticket_id AND m.direction = 'inbound' AND m.from_number IS NOT NULL
                  ORDER BY m.id DESC LIMIT 20) r
          ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
        (SELECT c.primary_msisdn FROM tickets t JOIN contacts c ON c.id = t.responded_by WHERE t.id = p_ticket_id));
END
$$;

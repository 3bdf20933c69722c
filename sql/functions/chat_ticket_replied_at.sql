-- The conversation carries the first reply's time (null until the request is answered) and, while no
-- technician has written (responded_by is null), the lift's technicians; null after, when contact_name
-- and contact_phone say who. Each is looked up only when it can matter: this object is rebuilt on every
-- message. Read here rather than added to chat_conversation_rows: 003 defines that view, and a view
-- cannot lose a column when 003 runs again.
-- Function calls rather than subqueries in chat_conversation_to_json: a SQL function whose body has a
-- subquery is not inlined, and the plpgsql callers then pay for a full executor run per object (about a
-- sixth of the webhook's processing rate at 16 senders, measured with bench_webhook).
-- PL/pgSQL so that its plan is kept for the session: a SQL function with a FROM is not inlined either, and
-- was planned again on every call.
CREATE OR REPLACE FUNCTION chat_ticket_replied_at(p_ticket_id integer) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT agent_replied_at FROM tickets WHERE id = p_ticket_id);
END
$$;

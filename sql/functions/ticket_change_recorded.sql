-- Appends a ticket's change of the columns the compliance record follows (sql/034): at insert their first
-- values, at update each changed column's old and new value. The trigger's WHEN lists the same columns,
-- less closure_note, which only the original system's schema has (a change of it alone is not followed).
CREATE OR REPLACE FUNCTION ticket_change_recorded() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    followed CONSTANT text[] := ARRAY['status', 'resolved_at', 'resolved_by', 'responded_by', 'agent_requested',
                                      'agent_requested_at', 'acknowledged_at', 'acknowledged_by',
                                      'acknowledged_by_actor', 'closure_note', 'resolution_note'];
    n jsonb := to_jsonb(NEW);
    o jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END;
    changes jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_object_agg(c, n -> c) INTO changes
          FROM unnest(followed || ARRAY['lift_id', 'ticket_reference', 'created_at']) AS c;
    ELSE
        SELECT jsonb_object_agg(c, jsonb_build_object('from', o -> c, 'to', n -> c)) INTO changes
          FROM unnest(followed) AS c
         WHERE (o -> c) IS DISTINCT FROM (n -> c);
    END IF;
    INSERT INTO ticket_changes (ticket_id, changes, writer)
    VALUES (NEW.id, changes,
            concat_ws(' ', session_user::text, nullif(current_setting('application_name', true), '')));
    RETURN NULL;
END
$$;

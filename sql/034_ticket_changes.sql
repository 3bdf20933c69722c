-- A ticket's request, acknowledgement and resolution are facts of the compliance record whoever writes
-- them: Liftline, the original chat add-on's keyword rule, the lift-alert system, a psql session (issue 17:
-- "every later change ... acknowledgement ... is its own appended entry"). The ticket row is the lift-alert
-- system's and changes in place, so each change of those columns is appended as a ticket_changes row,
-- which the audit chain covers and the database refuses to change or delete. Changes from the upgrade on;
-- the ticket's earlier history is what its messages, requests and audited actions already say.

-- liftline:step transaction: the ticket's changes, appended and chained
CREATE TABLE IF NOT EXISTS ticket_changes (
    id          bigserial PRIMARY KEY,
    -- No foreign key: the lift-alert system owns its tickets, and the record outlives what it says of them.
    ticket_id   integer NOT NULL,
    -- {"column": {"from": old, "to": new}, ...} of the columns that changed; at insert, their first values.
    changes     jsonb NOT NULL,
    -- Who wrote it: the database role and the client's application name (liftline-server for Liftline's).
    writer      text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS ticket_changes_ticket_idx ON ticket_changes (ticket_id, id);

INSERT INTO audit_covered (kind, table_name, key_columns, columns, time_columns, set_column)
VALUES ('ticket_change', 'ticket_changes', '{id}', '{id,ticket_id,changes,writer,changed_at}', '{changed_at}', NULL)
ON CONFLICT (kind) DO NOTHING;

DROP TRIGGER IF EXISTS audit_appended ON ticket_changes;
CREATE TRIGGER audit_appended AFTER INSERT ON ticket_changes
    FOR EACH ROW EXECUTE FUNCTION audit_append('ticket_change');
DROP TRIGGER IF EXISTS audit_refused ON ticket_changes;
CREATE TRIGGER audit_refused BEFORE UPDATE ON ticket_changes
    FOR EACH ROW EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused_delete ON ticket_changes;
CREATE TRIGGER audit_refused_delete BEFORE DELETE ON ticket_changes
    FOR EACH ROW EXECUTE FUNCTION audit_refuse();
DROP TRIGGER IF EXISTS audit_refused_truncate ON ticket_changes;
CREATE TRIGGER audit_refused_truncate BEFORE TRUNCATE ON ticket_changes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();

-- As first shipped; its live definition is sql/functions/ticket_change_recorded.sql.
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

-- Named to fire after the chat's and the escalation's triggers on tickets (PostgreSQL fires them in name
-- order); it only appends.
DROP TRIGGER IF EXISTS ticket_recorded ON tickets;
CREATE TRIGGER ticket_recorded AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION ticket_change_recorded();
DROP TRIGGER IF EXISTS ticket_recorded_change ON tickets;
CREATE TRIGGER ticket_recorded_change AFTER UPDATE ON tickets
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at
                       OR OLD.resolved_by IS DISTINCT FROM NEW.resolved_by
                       OR OLD.responded_by IS DISTINCT FROM NEW.responded_by
                       OR OLD.agent_requested IS DISTINCT FROM NEW.agent_requested
                       OR OLD.agent_requested_at IS DISTINCT FROM NEW.agent_requested_at
                       OR OLD.acknowledged_at IS DISTINCT FROM NEW.acknowledged_at
                       OR OLD.acknowledged_by IS DISTINCT FROM NEW.acknowledged_by
                       OR OLD.acknowledged_by_actor IS DISTINCT FROM NEW.acknowledged_by_actor
                       OR OLD.resolution_note IS DISTINCT FROM NEW.resolution_note)
    EXECUTE FUNCTION ticket_change_recorded();

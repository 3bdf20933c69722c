-- The daily signed head of the audit chain also goes to the call-out webhook (issue 17: "sent to the
-- outgoing webhook of the escalation, so that someone outside holds it"), through the call-outs' outbox
-- and its retries: a call-out that belongs to no request, event 'chain_head'.

-- liftline:step transaction: call-outs that belong to no request
ALTER TABLE escalation_callouts ALTER COLUMN request_id DROP NOT NULL;
DO $$
DECLARE
    c text;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
              WHERE conrelid = 'escalation_callouts'::regclass AND contype = 'c'
                AND pg_get_constraintdef(oid) LIKE '%event%' AND conname <> 'escalation_callouts_event_known' LOOP
        EXECUTE format('ALTER TABLE escalation_callouts DROP CONSTRAINT %I', c);
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'escalation_callouts'::regclass
                                                 AND conname = 'escalation_callouts_event_known') THEN
        ALTER TABLE escalation_callouts ADD CONSTRAINT escalation_callouts_event_known
            CHECK (event IN ('trigger', 'acknowledge', 'resolve', 'chain_head')
                   AND (request_id IS NOT NULL OR event = 'chain_head'));
    END IF;
END
$$;

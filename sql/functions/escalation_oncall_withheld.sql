-- Why a request's on-call step must call nobody, or NULL: its number is blocked, or it is a number outside
-- the registry whose requests reached on-call staff three times within the hour already. Such requests
-- alert the consoles only.
CREATE OR REPLACE FUNCTION escalation_oncall_withheld(r agent_requests) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN r.from_number IS NULL THEN NULL
        WHEN EXISTS (SELECT 1 FROM blocked_numbers b WHERE b.number = r.from_number) THEN 'blocked'
        WHEN NOT EXISTS (SELECT 1 FROM contacts c WHERE c.primary_msisdn = r.from_number)
             AND (SELECT count(DISTINCT l.request_id) FROM escalation_log l
                    JOIN agent_requests o ON o.id = l.request_id
                   WHERE o.from_number = r.from_number AND o.id <> r.id AND l.action = 'oncall'
                     AND l.taken_at > now() - interval '1 hour'
                     AND NOT (l.recipients ? 'withheld')) >= 3 THEN 'unknown_number_limit'
    END
$$;

-- Who can answer, and what the technician is told meanwhile. An agent sets their own status (available,
-- busy, on a break): the ladder's consoles step counts only available agents with a console connected,
-- and nobody available calls on-call staff out at once. The technician who asked then gets an automatic
-- reply, in their language when the registry knows it. A number outside the registry reaches on-call
-- staff at most three times an hour; an agent may mark a request "not an emergency" or block a number
-- (an admin unblocks it).

-- liftline:step transaction: agents' status, contacts' language, blocked numbers, the technician's reply
ALTER TABLE agents ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'available'
    CHECK (status IN ('available', 'busy', 'break'));
ALTER TABLE agents ADD COLUMN IF NOT EXISTS status_changed_at timestamptz;
ALTER TABLE contacts ADD COLUMN IF NOT EXISTS language text CHECK (language IN ('en', 'af'));

CREATE TABLE IF NOT EXISTS blocked_numbers (
    number      text PRIMARY KEY,
    reason      text NOT NULL CHECK (length(btrim(reason)) > 0),
    blocked_by  text NOT NULL,
    blocked_at  timestamptz NOT NULL DEFAULT now()
);

-- 'technician': the automatic reply to the one who asked, when nobody was available to answer.
ALTER TABLE escalation_callouts DROP CONSTRAINT IF EXISTS escalation_callouts_channel_check;
ALTER TABLE escalation_callouts ADD CONSTRAINT escalation_callouts_channel_check
    CHECK (channel IN ('whatsapp', 'pagerduty', 'webhook', 'technician'));
-- Why a request's on-call steps called nobody: 'unknown_number_limit' (a number outside the registry
-- reached on-call three times within the hour), 'blocked' (an agent blocked the number).
ALTER TABLE agent_requests ADD COLUMN IF NOT EXISTS oncall_withheld text;

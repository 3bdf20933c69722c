-- What a call-out says about a request, whatever the channel: the channel's body is made from it.
CREATE OR REPLACE FUNCTION escalation_facts(p_request_id bigint, p_event text, p_step jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'event', p_event,
        'dedup_key', 'liftline-' || a.key,
        'request_id', a.id,
        'ticket_id', a.ticket_id,
        'unassigned_id', a.unassigned_id,
        'ticket_reference', t.ticket_reference,
        'lift_name', concat_ws(' - ', nullif(l.site_name, ''), nullif(l.building, '')),
        'lift_msisdn', l.msisdn,
        'from_number', a.from_number,
        'contact_name', coalesce(c.display_name, u.profile_name),
        'text', a.text,
        'requested_at', liftline_iso(a.requested_at),
        'acknowledged_at', liftline_iso(a.acknowledged_at),
        'acknowledged_by', a.acknowledged_by,
        'closed_reason', a.closed_reason,
        'step', p_step)
      FROM agent_requests a
      LEFT JOIN tickets t ON t.id = a.ticket_id
      LEFT JOIN lifts l ON l.id = t.lift_id
      LEFT JOIN chat_unassigned u ON u.id = a.unassigned_id
      LEFT JOIN LATERAL (SELECT k.display_name FROM contacts k WHERE k.primary_msisdn = a.from_number LIMIT 1) c
             ON true
     WHERE a.id = p_request_id
$$;

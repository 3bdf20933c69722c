-- One ticket's record for an incident export (IncidentExport): the lift and site, the ticket, the
-- technicians, every message with both times (WhatsApp's and received), its author, its delivery statuses
-- with their times and errors, its edits, deletions and reactions (each as first stored) and its file;
-- the agent requests with their response figures, the escalation steps and call-outs, every version of
-- the incident card, every audited action on the ticket, and the audit chain's entries that cover them. Rows are given with all their columns as
-- stored (to_jsonb), less the raw webhook bodies, the files' bytes and the staff's network addresses
-- (audit_log.remote), so that nothing is summarised away; and what retention removed of it, and the
-- legal holds on it. NULL when the ticket does not exist.
CREATE OR REPLACE FUNCTION incident_export_json(p_ticket_id integer) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'ticket', to_jsonb(t),
        'lift', to_jsonb(l),
        'technicians', (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'contact_id', c.id, 'name', c.display_name, 'number', c.primary_msisdn,
                       'relation', lc.relation, 'responded', c.id = t.responded_by)
                       ORDER BY c.id = t.responded_by DESC, c.display_name, c.id), '[]'::jsonb)
              FROM contacts c LEFT JOIN lift_contacts lc ON lc.contact_id = c.id AND lc.lift_id = t.lift_id
             WHERE lc.lift_id IS NOT NULL OR c.id = t.responded_by),
        'messages', (
            SELECT coalesce(jsonb_agg(to_jsonb(m) - 'raw' || jsonb_build_object(
                       'statuses', (SELECT coalesce(jsonb_agg(to_jsonb(s) - 'raw' ORDER BY s.received_at, s.status),
                                                    '[]'::jsonb)
                                      FROM whatsapp_statuses s WHERE s.wa_message_id = m.wa_message_id),
                       'changes', (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'raw' ORDER BY x.id), '[]'::jsonb)
                                     FROM chat_message_changes x WHERE x.target_wa_id = m.wa_message_id),
                       'attachment', (SELECT to_jsonb(a) || jsonb_build_object(
                                                 'media_sha256', encode(md.sha256, 'hex'),
                                                 'media_mime_type', md.mime_type,
                                                 'media_size_bytes', md.size_bytes)
                                        FROM chat_attachments a LEFT JOIN chat_media md ON md.id = a.media_id
                                       WHERE a.message_id = m.id OR a.wa_message_id = m.wa_message_id
                                       ORDER BY a.id LIMIT 1))
                       ORDER BY m.id), '[]'::jsonb)
              FROM chat_messages m WHERE m.ticket_id = t.id),
        'requests', (
            SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object(
                       -- The response figures as the response report computes them, in seconds (null until
                       -- the moment came): from the technician's message reaching the server to the first
                       -- console alerted, and from the request to its acknowledgement and first reply.
                       'response', jsonb_build_object(
                           'received_at', liftline_iso(coalesce(r.received_at, r.requested_at)),
                           'time_to_alert', round(extract(epoch FROM r.alerted_at
                                                  - coalesce(r.received_at, r.requested_at))::numeric, 3),
                           'time_to_acknowledge',
                           round(extract(epoch FROM r.acknowledged_at - r.requested_at)::numeric, 3),
                           'time_to_first_reply',
                           round(extract(epoch FROM r.replied_at - r.requested_at)::numeric, 3)),
                       'escalation_steps', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.step), '[]'::jsonb)
                                              FROM escalation_log e WHERE e.request_id = r.id),
                       'callouts', (SELECT coalesce(jsonb_agg(to_jsonb(o) ORDER BY o.id), '[]'::jsonb)
                                      FROM escalation_callouts o WHERE o.request_id = r.id))
                       ORDER BY r.id), '[]'::jsonb)
              FROM agent_requests r WHERE r.ticket_id = t.id),
        -- Each change of the ticket's request, acknowledgement and resolution, whoever made it (sql/034).
        'ticket_changes', (
            SELECT coalesce(jsonb_agg(to_jsonb(tc) ORDER BY tc.id), '[]'::jsonb)
              FROM ticket_changes tc WHERE tc.ticket_id = t.id),
        'incident_card_versions', (
            SELECT coalesce(jsonb_agg(to_jsonb(ic) ORDER BY ic.version), '[]'::jsonb)
              FROM incident_cards ic WHERE ic.ticket_id = t.id),
        'actions', (
            SELECT coalesce(jsonb_agg(to_jsonb(au) - 'remote' ORDER BY au.id), '[]'::jsonb)
              FROM audit_log au WHERE au.ticket_id = t.id),
        'host_events', (
            SELECT coalesce(jsonb_agg(to_jsonb(ev) ORDER BY ev.id), '[]'::jsonb)
              FROM event_log ev WHERE ev.ticket_id = t.id),
        -- What the retention job removed of this ticket (each tombstone), and the legal holds that cover it.
        'removals', (
            SELECT coalesce(jsonb_agg(to_jsonb(tb) ORDER BY tb.id), '[]'::jsonb)
              FROM audit_tombstones tb WHERE tb.ticket_id = t.id),
        'legal_holds', (
            SELECT coalesce(jsonb_agg(to_jsonb(h) ORDER BY h.id), '[]'::jsonb)
              FROM legal_holds h
             WHERE (h.scope = 'ticket' AND h.ticket_id = t.id)
                OR (h.scope = 'lift' AND h.number = l.msisdn)
                OR (h.scope = 'technician'
                    AND (h.number IN (SELECT c.primary_msisdn FROM contacts c WHERE c.id = t.responded_by)
                         OR EXISTS (SELECT 1 FROM chat_messages m WHERE m.ticket_id = t.id
                                       AND h.number IN (m.from_number, m.to_number))))),
        -- The audit chain's entries for what the export holds, and the chain's head when it was made:
        -- `liftline-server verify` on the database checks that those rows are still as first stored.
        'audit_chain', jsonb_build_object(
            'head', (SELECT jsonb_build_object('seq', c.seq, 'hash', encode(c.hash, 'hex'))
                       FROM audit_chain c ORDER BY c.seq DESC LIMIT 1),
            'entries', (
                SELECT coalesce(jsonb_agg(jsonb_build_object('seq', c.seq, 'kind', c.kind, 'ref', c.ref,
                                                             'hash', encode(c.hash, 'hex')) ORDER BY c.seq),
                                '[]'::jsonb)
                  FROM audit_chain c
                  JOIN (SELECT DISTINCT * FROM (SELECT 'message' AS kind, m.id::text AS ref FROM chat_messages m WHERE m.ticket_id = t.id
                        UNION ALL
                        SELECT 'message_whatsapp_id', m.id::text FROM chat_messages m
                         WHERE m.ticket_id = t.id AND m.wa_message_id IS NOT NULL
                        UNION ALL
                        SELECT 'delivery_status', s.wa_message_id || '/' || s.status
                          FROM chat_messages m JOIN whatsapp_statuses s ON s.wa_message_id = m.wa_message_id
                         WHERE m.ticket_id = t.id
                        UNION ALL
                        SELECT 'message_change', x.id::text
                          FROM chat_messages m JOIN chat_message_changes x ON x.target_wa_id = m.wa_message_id
                         WHERE m.ticket_id = t.id
                        UNION ALL
                        SELECT k.kind, CASE WHEN k.kind = 'file' THEN a.media_id::text ELSE a.id::text END
                          FROM chat_messages m
                          JOIN chat_attachments a ON a.message_id = m.id OR a.wa_message_id = m.wa_message_id
                          CROSS JOIN (VALUES ('attachment'), ('attachment_file'), ('file')) AS k(kind)
                         WHERE m.ticket_id = t.id AND (k.kind = 'attachment' OR a.media_id IS NOT NULL)
                        UNION ALL
                        SELECT 'action', au.id::text FROM audit_log au WHERE au.ticket_id = t.id
                        UNION ALL
                        SELECT 'incident_card', ic.ticket_id || '/' || ic.version FROM incident_cards ic
                         WHERE ic.ticket_id = t.id
                        UNION ALL
                        SELECT 'ticket_change', tc.id::text FROM ticket_changes tc WHERE tc.ticket_id = t.id
                        UNION ALL
                        SELECT 'agent_request', r.id::text FROM agent_requests r WHERE r.ticket_id = t.id
                        UNION ALL
                        SELECT 'escalation_step', e.request_id || '/' || e.step
                          FROM agent_requests r JOIN escalation_log e ON e.request_id = r.id
                         WHERE r.ticket_id = t.id
                        UNION ALL
                        -- Messages from a number with no ticket, moved onto this one, and the replies to them.
                        SELECT 'unassigned_message', u.id::text FROM chat_unassigned u WHERE u.attached_ticket_id = t.id
                        UNION ALL
                        SELECT k.kind, d.id::text
                          FROM chat_direct_messages d
                          CROSS JOIN (VALUES ('direct_reply'), ('direct_reply_whatsapp_id')) AS k(kind)
                         WHERE d.attached_ticket_id = t.id
                           AND (k.kind = 'direct_reply' OR d.wa_message_id IS NOT NULL)
                        ) listed) covered ON covered.kind = c.kind AND covered.ref = c.ref)))
      FROM tickets t LEFT JOIN lifts l ON l.id = t.lift_id
     WHERE t.id = p_ticket_id
$$;

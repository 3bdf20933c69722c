-- Every ticket a legal hold in force covers: held itself, on a held lift (its SIM number), or one a held
-- technician's number wrote on, was written to from, or responded to. Nothing of these is removed.
CREATE OR REPLACE FUNCTION retention_held_tickets() RETURNS integer[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT held.ticket_id), '{}')
      FROM (SELECT h.ticket_id FROM legal_holds h WHERE h.released_at IS NULL AND h.scope = 'ticket'
            UNION ALL
            SELECT t.id FROM legal_holds h JOIN lifts l ON l.msisdn = h.number JOIN tickets t ON t.lift_id = l.id
             WHERE h.released_at IS NULL AND h.scope = 'lift'
            UNION ALL
            SELECT m.ticket_id FROM legal_holds h JOIN chat_messages m ON m.direction = 'inbound' AND m.from_number = h.number
             WHERE h.released_at IS NULL AND h.scope = 'technician'
            UNION ALL
            SELECT m.ticket_id FROM legal_holds h JOIN chat_messages m ON m.direction = 'outbound' AND m.to_number = h.number
             WHERE h.released_at IS NULL AND h.scope = 'technician'
            UNION ALL
            SELECT t.id FROM legal_holds h JOIN contacts c ON c.primary_msisdn = h.number
              JOIN tickets t ON t.responded_by = c.id
             WHERE h.released_at IS NULL AND h.scope = 'technician'
            UNION ALL
            SELECT u.attached_ticket_id FROM legal_holds h JOIN chat_unassigned u ON u.from_number = h.number
             WHERE h.released_at IS NULL AND h.scope = 'technician') held
     WHERE held.ticket_id IS NOT NULL
$$;

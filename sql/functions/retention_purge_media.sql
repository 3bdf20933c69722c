-- Drops, for the retention run p_run, the bytes of up to p_limit kept files first stored before p_before
-- that no ticket under a legal hold (nor a held number's unattached message) carries. The file's record
-- stays, with its checksum (a covered fact) and when its bytes were dropped (purged_at): consoles then
-- say the file has expired. The chunks are deleted on the retention path (liftline.retention_run, which
-- audit_refuse lets through for this transaction). Returns how many files it purged.
CREATE OR REPLACE FUNCTION retention_purge_media(p_run bigint, p_before timestamptz, p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    held integer[] := retention_held_tickets();
    ids bigint[];
BEGIN
    PERFORM set_config('liftline.retention_run', p_run::text, true);
    SELECT coalesce(array_agg(f.id), '{}') INTO ids
      FROM (SELECT cm.id FROM chat_media cm
             WHERE cm.purged_at IS NULL AND cm.created_at < p_before
               -- Kept once per checksum: a file that came again since is as new as its latest arrival.
               AND NOT EXISTS (SELECT 1 FROM chat_attachments a WHERE a.media_id = cm.id AND a.created_at >= p_before)
               AND NOT EXISTS (SELECT 1 FROM chat_attachments a JOIN chat_messages m
                                   ON m.id = a.message_id OR m.wa_message_id = a.wa_message_id
                                WHERE a.media_id = cm.id AND m.ticket_id = ANY (held))
               AND NOT EXISTS (SELECT 1 FROM chat_attachments a JOIN chat_unassigned u ON u.wa_message_id = a.wa_message_id
                                WHERE a.media_id = cm.id
                                  AND (u.attached_ticket_id = ANY (held)
                                       OR EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL
                                                     AND h.scope = 'technician' AND h.number = u.from_number)))
             ORDER BY cm.id LIMIT p_limit
             FOR UPDATE OF cm SKIP LOCKED) f;
    DELETE FROM chat_media_chunks WHERE media_id = ANY (ids);
    UPDATE chat_media SET purged_at = now() WHERE id = ANY (ids);
    RETURN cardinality(ids);
END
$$;

-- An unassigned item as GET /api/chat/unassigned lists it and the unassigned.* events carry it.
-- contact_name is the registry's name for the number, when it has one. Edits, deletions, reactions, files,
-- places and contact cards are shown as on a ticket's message (chat_message_to_json).
CREATE OR REPLACE FUNCTION chat_unassigned_to_json(u chat_unassigned) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', u.id,
        'direction', 'inbound',
        'from_number', u.from_number,
        'profile_name', u.profile_name,
        'contact_name', (SELECT c.display_name FROM contacts c WHERE c.primary_msisdn = u.from_number),
        'user_id', u.user_id,
        'message', CASE WHEN s.revoked_at IS NOT NULL THEN '' ELSE coalesce(s.edited_text, u.message) END,
        'kind', u.kind,
        'wa_timestamp', liftline_iso(u.wa_timestamp),
        'context_wa_id', u.context_wa_id,
        'media_id', u.media_id,
        'created_at', liftline_iso(u.created_at),
        'agent_requested', u.agent_requested,
        'agent_requested_at', liftline_iso(u.agent_requested_at),
        'acknowledged_at', liftline_iso(u.acknowledged_at),
        'acknowledged_by', u.acknowledged_by,
        'attached_ticket_id', u.attached_ticket_id,
        'attached_at', liftline_iso(u.attached_at),
        'attached_by', u.attached_by,
        'edited_at', liftline_iso(s.edited_at),
        'edits', coalesce(s.edits, 0),
        'revoked_at', liftline_iso(s.revoked_at),
        'reactions', coalesce(s.reactions, '[]'::json),
        'media', CASE WHEN u.kind IN ('image', 'sticker', 'audio', 'video', 'document') AND s.revoked_at IS NULL
                      THEN (SELECT f.media FROM chat_attachments_of(u.kind, u.wa_message_id, NULL) f) END,
        'location', CASE WHEN u.kind = 'location' AND s.revoked_at IS NULL THEN chat_location_json(u.raw) END,
        'contacts', CASE WHEN u.kind IN ('contacts', 'unsupported') AND u.raw ->> 'type' = 'contacts'
                          AND s.revoked_at IS NULL THEN chat_contacts_json(u.raw) END)
      FROM (SELECT 1) one
      LEFT JOIN LATERAL chat_message_changes_of(u.wa_message_id, u.from_number, NULL) s ON true
$$;

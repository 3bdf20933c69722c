-- What later messages changed in a message (chat_message_changes): its latest edit, when its sender deleted
-- it, and the reactions on it (each person's latest; an empty emoji took theirs away; one stored as a
-- message of its own because it came before this message is not counted again). Only the sender may
-- edit or delete their message; a reaction counts from either side of it. No row when nothing changed it,
-- which costs one index probe. A table function, so that PostgreSQL inlines it where it is joined (it is
-- used for every message of a thread).
CREATE OR REPLACE FUNCTION chat_message_changes_of(p_wa_id text, p_from text, p_to text)
RETURNS TABLE (edited_text text, edited_at timestamptz, edits integer, revoked_at timestamptz, reactions json)
LANGUAGE sql STABLE AS $$
    SELECT
        (SELECT c.body FROM chat_message_changes c
          WHERE c.target_wa_id = p_wa_id AND c.change = 'edit' AND c.from_number = p_from
          ORDER BY c.wa_timestamp DESC NULLS LAST, c.id DESC LIMIT 1),
        (SELECT max(coalesce(c.wa_timestamp, c.created_at)) FROM chat_message_changes c
          WHERE c.target_wa_id = p_wa_id AND c.change = 'edit' AND c.from_number = p_from),
        (SELECT count(*)::integer FROM chat_message_changes c
          WHERE c.target_wa_id = p_wa_id AND c.change = 'edit' AND c.from_number = p_from),
        (SELECT min(coalesce(c.wa_timestamp, c.created_at)) FROM chat_message_changes c
          WHERE c.target_wa_id = p_wa_id AND c.change = 'revoke' AND c.from_number = p_from),
        (SELECT json_agg(json_build_object('emoji', r.body, 'from_number', r.from_number,
                                           'at', liftline_iso(r.at)) ORDER BY r.at, r.from_number)
           FROM (SELECT DISTINCT ON (c.from_number) c.from_number, c.body,
                        coalesce(c.wa_timestamp, c.created_at) AS at
                   FROM chat_message_changes c
                  WHERE c.target_wa_id = p_wa_id AND c.change = 'reaction'
                    AND (c.from_number = p_from OR c.from_number = p_to)
                    -- One that came before this message was shown as a message of its own ("[reaction]
                    -- ..."): whatsapp_receive could not know the message would come. Not shown twice.
                    AND NOT EXISTS (SELECT 1 FROM chat_messages x WHERE x.wa_message_id = c.wa_message_id)
                    AND NOT EXISTS (SELECT 1 FROM chat_unassigned u WHERE u.wa_message_id = c.wa_message_id)
                  ORDER BY c.from_number, c.wa_timestamp DESC NULLS LAST, c.id DESC) r
          WHERE coalesce(r.body, '') <> '')
     WHERE p_wa_id IS NOT NULL AND EXISTS (SELECT 1 FROM chat_message_changes c WHERE c.target_wa_id = p_wa_id)
    -- Kept a subquery of its own (not pulled up into the caller's): its row is then only computed when a
    -- change exists, and what it returns stays plain columns, so that chat_message_json is inlined.
    OFFSET 0
$$;

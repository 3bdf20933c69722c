-- The contact cards of a contacts message: name, organisation, phones and e-mail addresses of each.
CREATE OR REPLACE FUNCTION chat_contacts_json(p_raw jsonb) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT json_agg(json_build_object(
               'name', coalesce(c #>> '{name,formatted_name}',
                                nullif(btrim(concat_ws(' ', c #>> '{name,first_name}', c #>> '{name,last_name}')), '')),
               'organization', c #>> '{org,company}',
               'phones', (SELECT coalesce(json_agg(json_build_object('phone', p ->> 'phone', 'wa_id', p ->> 'wa_id',
                                                                     'type', p ->> 'type')), '[]')
                            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(c -> 'phones') = 'array'
                                                           THEN c -> 'phones' ELSE '[]' END) p
                           WHERE jsonb_typeof(p) = 'object'),
               'emails', (SELECT coalesce(json_agg(e ->> 'email'), '[]')
                            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(c -> 'emails') = 'array'
                                                           THEN c -> 'emails' ELSE '[]' END) e
                           WHERE jsonb_typeof(e) = 'object'))
           ORDER BY n)
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_raw -> 'contacts') = 'array'
                                     THEN p_raw -> 'contacts' ELSE '[]' END) WITH ORDINALITY x(c, n)
     WHERE jsonb_typeof(c) = 'object'
$$;

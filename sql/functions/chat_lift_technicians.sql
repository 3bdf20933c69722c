-- The registry's technicians of a ticket's lift, for a conversation nobody has written on yet: the agent
-- sees who the alert went to. Ordered by name, so the stored object does not change for nothing.
CREATE OR REPLACE FUNCTION chat_lift_technicians(p_lift_id integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_object('name', c.display_name, 'phone', c.primary_msisdn)
                             ORDER BY c.display_name, c.primary_msisdn), '[]'::json)
      FROM lift_contacts lc JOIN contacts c ON c.id = lc.contact_id
     WHERE lc.lift_id = p_lift_id AND lower(coalesce(lc.relation, 'technician')) = 'technician'
$$;

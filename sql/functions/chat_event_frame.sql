-- The stream's frame for an event, built once by the database and sent as is to every console; put
-- together as text, so the stored data is not parsed again.
CREATE OR REPLACE FUNCTION chat_event_frame(e chat_events) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT '{"type":"event","seq":' || e.seq || ',"event":' || to_json(e.event)::text || ',"ticket_id":'
           || coalesce(e.ticket_id::text, 'null') || ',"data":' || e.data::text || '}'
$$;

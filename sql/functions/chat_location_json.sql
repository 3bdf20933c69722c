-- A location message's place, from the message as WhatsApp sent it: coordinates only when they are numbers.
CREATE OR REPLACE FUNCTION chat_location_json(p_raw jsonb) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(p_raw -> 'location') = 'object' THEN json_build_object(
        'latitude', CASE WHEN jsonb_typeof(p_raw #> '{location,latitude}') = 'number'
                         THEN (p_raw #> '{location,latitude}') END,
        'longitude', CASE WHEN jsonb_typeof(p_raw #> '{location,longitude}') = 'number'
                          THEN (p_raw #> '{location,longitude}') END,
        'name', p_raw #>> '{location,name}',
        'address', p_raw #>> '{location,address}') END
$$;

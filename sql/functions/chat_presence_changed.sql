-- Presence rows change: every instance recomputes the online list and tells its consoles when it differs.
CREATE OR REPLACE FUNCTION chat_presence_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('liftline_presence', '');
    RETURN NULL;
END
$$;

-- Other writers leave status to its default 'received', which an outbound row never is.
CREATE OR REPLACE FUNCTION chat_messages_fill_in() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.direction = 'outbound' AND NEW.status = 'received' THEN
        NEW.status := 'sent';
        NEW.read_by_agent := true;
    END IF;
    RETURN NEW;
END
$$;

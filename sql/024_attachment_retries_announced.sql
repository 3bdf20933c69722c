-- An attachment's failed attempt (it will be tried again) is announced too, so that the agent sees why a
-- file is still being fetched.

-- liftline:step transaction: the attachment trigger also fires on a new error
DROP TRIGGER IF EXISTS chat_attachment_changed ON chat_attachments;
CREATE TRIGGER chat_attachment_changed AFTER UPDATE OF status, error_message ON chat_attachments
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.error_message IS DISTINCT FROM NEW.error_message)
    EXECUTE FUNCTION chat_attachment_changed();

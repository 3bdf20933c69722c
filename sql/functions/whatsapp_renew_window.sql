-- The 24-hour window runs from WhatsApp's time of the newest inbound message, for any number.
CREATE OR REPLACE FUNCTION whatsapp_renew_window(p_number text, p_wa_timestamp timestamptz) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO chat_windows AS w (number, last_inbound_at)
    SELECT p_number, p_wa_timestamp WHERE p_wa_timestamp IS NOT NULL
    ON CONFLICT (number) DO UPDATE SET last_inbound_at = EXCLUDED.last_inbound_at, updated_at = now()
     WHERE w.last_inbound_at < EXCLUDED.last_inbound_at
$$;

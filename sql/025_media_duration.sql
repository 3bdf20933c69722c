-- How long a recording plays (audio and video), read from its container when it is kept, so that a console
-- can show a video's length without fetching it. NULL for other files, for formats whose length is not read
-- (AMR, MP3, AAC), and for files kept before this migration.
ALTER TABLE chat_media ADD COLUMN IF NOT EXISTS duration_ms bigint CHECK (duration_ms >= 0);

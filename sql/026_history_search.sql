-- The incident history agents search (GET /api/chat/history): message text by PostgreSQL's full-text search
-- with the 'simple' configuration (no language's stemming or stop words: lift codes, names and numbers are
-- words as written), and tickets by the time they were opened (the order the history lists them in, newest first). Built without blocking the original server's
-- writes; on a large transcript it takes a while (see the cost).

-- liftline:step no-transaction: a full-text index of every message's text, and tickets by their opening time
-- liftline:cost message=0.00002 ticket=0.000002
CREATE INDEX CONCURRENTLY IF NOT EXISTS chat_messages_text_search_idx
    ON chat_messages USING gin (to_tsvector('simple', message));
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_created_at_idx ON tickets (created_at, id);

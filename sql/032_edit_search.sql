-- The incident history finds a message by the text of its edits too (issue 17: "message text"; an edit is
-- the sender's own later wording). Built without blocking the writers.

-- liftline:step no-transaction: a full-text index of the edits' text
-- liftline:cost message=0.000002
CREATE INDEX CONCURRENTLY IF NOT EXISTS chat_message_changes_text_search_idx
    ON chat_message_changes USING gin (to_tsvector('simple', body)) WHERE change = 'edit';

-- Content security: staff review of flagged text, and WeChat's asynchronous check of photos.
--
-- content_review is the request's state as a whole (none, pending, cleared, hidden), what staff
-- filter on; text_review is its own description and location's; note_review each note's.
ALTER TABLE requests ADD COLUMN content_review TEXT NOT NULL DEFAULT 'none';
ALTER TABLE requests ADD COLUMN text_review TEXT NOT NULL DEFAULT 'none';
CREATE INDEX requests_content_review_idx ON requests (content_review, id);
ALTER TABLE request_events ADD COLUMN note_review TEXT NOT NULL DEFAULT 'none';

-- One row per photo of a request (its position in requests.photo_urls). A request from before
-- this migration has none: its photos were never checked and show as before.
CREATE TABLE request_photos (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'pass', 'review', 'risky', 'cleared', 'hidden', 'unchecked')),
    -- WeChat's id of the latest submission, which its pushed verdict names.
    trace_id TEXT,
    label BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- While pending: when to submit it (again).
    next_attempt_at TIMESTAMP,
    checked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT request_photos_position_key UNIQUE (request_id, position)
);
CREATE UNIQUE INDEX request_photos_trace_key ON request_photos (trace_id);
CREATE INDEX request_photos_due_idx ON request_photos (status, next_attempt_at);

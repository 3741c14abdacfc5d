-- WeChat subscribe messages: one row per message to one person, made from the outbox (or by
-- the due-soon reminder), sent by a worker with retries; every attempt is kept for staff.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    recipient_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    -- What makes it once-only: the event it tells of, or the deadline it reminds of.
    dedup TEXT NOT NULL,
    template_id TEXT NOT NULL,
    page TEXT NOT NULL,
    data TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'not_subscribed', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- The sender holding it: a token per claim, so a sender whose lease ran out cannot record
    -- over the one that took it next.
    claim TEXT,
    locked_until TIMESTAMP,
    last_errcode BIGINT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE UNIQUE INDEX notifications_once_key ON notifications (request_id, kind, recipient_id, dedup);
CREATE INDEX notifications_due_idx ON notifications (status, next_attempt_at);

CREATE TABLE notification_attempts (
    id INTEGER PRIMARY KEY,
    notification_id BIGINT NOT NULL REFERENCES notifications (id),
    attempted_at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL,
    errcode BIGINT,
    error TEXT
);
CREATE INDEX notification_attempts_notification_idx ON notification_attempts (notification_id, id);
-- The reminder pass looks requests up by deadline.
CREATE INDEX requests_resolution_due_idx ON requests (resolution_due);

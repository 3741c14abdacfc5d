-- Back to request events only (grid-work events are dropped).
PRAGMA foreign_keys = OFF;
BEGIN;
DELETE FROM webhook_messages WHERE request_id IS NULL;
DELETE FROM outbox WHERE event_id IS NULL;

CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES request_events (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    processed_at TIMESTAMP
);
INSERT INTO outbox_new (id, event_id, community_id, topic, payload, created_at, processed_at)
    SELECT id, event_id, community_id, topic, payload, created_at, processed_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending_idx ON outbox (processed_at, id);
CREATE INDEX outbox_created_idx ON outbox (created_at);

CREATE TABLE webhook_messages_new (
    id INTEGER PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    msg_id TEXT NOT NULL,
    outbox_id BIGINT NOT NULL REFERENCES outbox (id),
    request_id BIGINT NOT NULL REFERENCES requests (id),
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claim TEXT,
    locked_until TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
INSERT INTO webhook_messages_new
    SELECT id, endpoint_id, msg_id, outbox_id, request_id, event_type, body, status, attempts,
        next_attempt_at, claim, locked_until, last_status_code, last_error, created_at,
        delivered_at
    FROM webhook_messages;
DROP TABLE webhook_messages;
ALTER TABLE webhook_messages_new RENAME TO webhook_messages;
CREATE UNIQUE INDEX webhook_messages_once ON webhook_messages (endpoint_id, msg_id);
CREATE INDEX webhook_messages_due_idx ON webhook_messages (status, next_attempt_at);
CREATE INDEX webhook_messages_order_idx ON webhook_messages (endpoint_id, request_id, outbox_id);
CREATE INDEX webhook_messages_log_idx ON webhook_messages (endpoint_id, id);

COMMIT;
PRAGMA foreign_keys = ON;

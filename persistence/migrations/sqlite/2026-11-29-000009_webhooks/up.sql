-- Outbound webhooks (Standard Webhooks). A partner's endpoints; one message per event and
-- endpoint, made from the outbox and delivered by workers under leases; every attempt kept.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- A JSON array of event types; empty for all of them.
    event_types TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    disabled_reason TEXT,
    disabled_at TIMESTAMP,
    -- The signing secret, encrypted with the data key (we must sign, so a hash will not do);
    -- during a rotation the previous one signs too, until previous_secret_until.
    secret_enc TEXT NOT NULL,
    previous_secret_enc TEXT,
    previous_secret_until TIMESTAMP,
    -- The first failure since the last success: an endpoint failing for days is switched off.
    failing_since TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_endpoints_partner_idx ON webhook_endpoints (partner_id, id);

CREATE TABLE webhook_messages (
    id INTEGER PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The webhook-id header: the same on every attempt, so receivers can de-duplicate.
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
CREATE UNIQUE INDEX webhook_messages_once ON webhook_messages (endpoint_id, msg_id);
CREATE INDEX webhook_messages_due_idx ON webhook_messages (status, next_attempt_at);
-- Delivery in order per request: the message of an earlier event of the same request, while
-- unfinished, blocks.
CREATE INDEX webhook_messages_order_idx ON webhook_messages (endpoint_id, request_id, outbox_id);
CREATE INDEX webhook_messages_log_idx ON webhook_messages (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    -- delivered, retry, failed or gone
    outcome TEXT NOT NULL,
    status_code INTEGER,
    latency_ms BIGINT NOT NULL,
    error TEXT,
    response_excerpt TEXT
);
CREATE INDEX webhook_attempts_message_idx ON webhook_attempts (message_id, id);

-- Replays look events up by time.
CREATE INDEX outbox_created_idx ON outbox (created_at);

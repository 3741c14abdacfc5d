-- The outbox carries grid-work events too (a hazard reported, a meeting held): they belong to
-- no request, so an outbox row's request event and a webhook message's request are optional.
-- Messages with no request are not held behind each other (order is kept per request).
ALTER TABLE outbox ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE webhook_messages ALTER COLUMN request_id DROP NOT NULL;

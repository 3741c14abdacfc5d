DELETE FROM webhook_messages WHERE request_id IS NULL;
DELETE FROM outbox WHERE event_id IS NULL;
ALTER TABLE webhook_messages ALTER COLUMN request_id SET NOT NULL;
ALTER TABLE outbox ALTER COLUMN event_id SET NOT NULL;

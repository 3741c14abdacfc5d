-- A butler's retried "record" (a double tap, a lost answer) must not log twice, nor file and
-- resolve a fixed-on-the-spot hazard twice: the Idempotency-Key, per author.
ALTER TABLE work_logs ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX work_logs_idempotency_key ON work_logs (author_id, idempotency_key);

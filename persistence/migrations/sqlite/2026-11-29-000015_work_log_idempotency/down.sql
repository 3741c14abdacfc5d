DROP INDEX work_logs_idempotency_key;
ALTER TABLE work_logs DROP COLUMN idempotency_key;

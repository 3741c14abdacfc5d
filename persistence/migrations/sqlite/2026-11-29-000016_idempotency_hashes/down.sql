ALTER TABLE meetings DROP COLUMN idempotency_hash;
ALTER TABLE work_logs DROP COLUMN idempotency_hash;

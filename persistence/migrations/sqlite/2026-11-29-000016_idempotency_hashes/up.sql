-- A replayed Idempotency-Key must carry the same body as the first call, as it must for
-- requests: the keyed hash of the first body is kept beside the key (null for rows stored
-- before it was kept, which replay unchecked).
ALTER TABLE work_logs ADD COLUMN idempotency_hash TEXT;
ALTER TABLE meetings ADD COLUMN idempotency_hash TEXT;

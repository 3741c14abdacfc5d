DROP INDEX users_phone_hash_idx;
DROP INDEX users_unionid_key;
ALTER TABLE users DROP COLUMN phone_hash;
ALTER TABLE users DROP COLUMN phone_masked;
ALTER TABLE users DROP COLUMN phone_enc;
ALTER TABLE users DROP COLUMN unionid;

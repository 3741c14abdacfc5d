-- A resident's WeChat identity beyond the openid, and the phone they shared through WeChat:
-- encrypted, masked for display, and a keyed hash to find an account by phone without
-- decrypting every row.
ALTER TABLE users ADD COLUMN unionid TEXT;
CREATE UNIQUE INDEX users_unionid_key ON users (unionid);
ALTER TABLE users ADD COLUMN phone_enc TEXT;
ALTER TABLE users ADD COLUMN phone_masked TEXT;
ALTER TABLE users ADD COLUMN phone_hash TEXT;
CREATE INDEX users_phone_hash_idx ON users (phone_hash);

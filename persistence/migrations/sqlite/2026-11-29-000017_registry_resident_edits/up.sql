-- A resident's entry removed by the community office (moved out, recorded by mistake). The row
-- stays, its personal fields erased: care tags recorded with this resident's consent and
-- access-log lines point at its id, and must keep pointing at something.
ALTER TABLE registry_residents ADD COLUMN removed_at TIMESTAMP;
ALTER TABLE registry_residents ADD COLUMN removed_by BIGINT REFERENCES users (id);

-- The Idempotency-Key of an added resident, per staff member, with a keyed hash (HMAC under the
-- data key) of the request it came with: the body holds a name and a phone, which a plain
-- digest would give away. The hash is erased when the entry is removed.
CREATE TABLE registry_resident_keys (
    id INTEGER PRIMARY KEY,
    author_id BIGINT NOT NULL REFERENCES users (id),
    idem_key TEXT NOT NULL,
    body_hash TEXT,
    household_id BIGINT NOT NULL REFERENCES org_nodes (id),
    resident_id BIGINT NOT NULL REFERENCES registry_residents (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX registry_resident_keys_author_key ON registry_resident_keys (author_id, idem_key);
CREATE INDEX registry_resident_keys_resident_idx ON registry_resident_keys (resident_id);

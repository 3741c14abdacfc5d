-- Partner platforms and their API keys. A key is stored as its public id and a SHA-256 hash of
-- its secret (a random 256-bit string needs no slow hash); several may be live during a
-- rotation.
CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    scope_node_id BIGINT NOT NULL REFERENCES org_nodes (id),
    scope_path TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX partners_scope_idx ON partners (scope_path);

CREATE TABLE partner_keys (
    id INTEGER PRIMARY KEY,
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    key_id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX partner_keys_partner_idx ON partner_keys (partner_id, id);

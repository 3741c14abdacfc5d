-- Timestamps are UTC, stored as TIMESTAMP (no zone) so that one Diesel schema serves SQLite too.
-- Paths compare byte-wise (SQLite's BINARY collation), so a subtree is a range on the index.

CREATE TABLE property_companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    registered_under_id BIGINT NOT NULL REFERENCES org_nodes (id),
    contact_phone TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (registered_under_id, name)
);

CREATE TABLE org_nodes (
    id INTEGER PRIMARY KEY,
    parent_id BIGINT REFERENCES org_nodes (id),
    kind TEXT NOT NULL CHECK (kind IN ('district', 'street', 'community', 'grid', 'compound', 'building', 'household')),
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    community_id BIGINT REFERENCES org_nodes (id),
    code TEXT UNIQUE,
    latitude REAL,
    longitude REAL,
    property_company_id BIGINT REFERENCES property_companies (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT org_nodes_sibling_name_key UNIQUE (parent_id, name)
);
CREATE INDEX org_nodes_path_idx ON org_nodes (path);
CREATE INDEX org_nodes_company_idx ON org_nodes (property_company_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT UNIQUE,
    password_hash TEXT,
    display_name TEXT NOT NULL,
    openid TEXT UNIQUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE user_roles (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    node_id BIGINT REFERENCES org_nodes (id),
    company_id BIGINT REFERENCES property_companies (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((node_id IS NULL) <> (company_id IS NULL) OR role = 'resident')
);
CREATE INDEX user_roles_user_idx ON user_roles (user_id);
CREATE INDEX user_roles_node_idx ON user_roles (node_id, role);
CREATE INDEX user_roles_company_idx ON user_roles (company_id);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    first_response_hours INTEGER NOT NULL CHECK (first_response_hours > 0),
    resolution_days INTEGER NOT NULL CHECK (resolution_days > 0),
    default_handler TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    building_id BIGINT NOT NULL REFERENCES org_nodes (id),
    compound_id BIGINT NOT NULL REFERENCES org_nodes (id),
    household_id BIGINT REFERENCES org_nodes (id),
    building_path TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    queue_level TEXT NOT NULL,
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    description TEXT NOT NULL,
    location_text TEXT,
    photo_urls TEXT NOT NULL,
    contact_phone_enc TEXT,
    contact_phone_masked TEXT,
    assignee_user_id BIGINT REFERENCES users (id),
    assignee_company_id BIGINT REFERENCES property_companies (id),
    first_response_due TIMESTAMP NOT NULL,
    resolution_due TIMESTAMP NOT NULL,
    responded_at TIMESTAMP,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users (id),
    closed_at TIMESTAMP,
    rating TEXT,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    pending_extension_days INTEGER,
    extension_days INTEGER NOT NULL DEFAULT 0,
    overdue_at TIMESTAMP,
    supervise_count INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX requests_path_idx ON requests (building_path, id);
CREATE INDEX requests_community_idx ON requests (community_id, id);
CREATE INDEX requests_submitted_by_idx ON requests (submitted_by, id);
CREATE INDEX requests_assignee_user_idx ON requests (assignee_user_id, id);
CREATE INDEX requests_assignee_company_idx ON requests (assignee_company_id, id);
-- Newest first per building and category: the duplicate hint stops after a few rows.
CREATE INDEX requests_building_category_idx ON requests (building_id, category_id, id);
CREATE INDEX requests_sweep_idx ON requests (status, overdue_at);

CREATE TABLE request_events (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    kind TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users (id),
    note TEXT,
    data TEXT NOT NULL,
    status_after TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX request_events_request_idx ON request_events (request_id, id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES request_events (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    processed_at TIMESTAMP
);
CREATE INDEX outbox_pending_idx ON outbox (processed_at, id);

CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    request_id BIGINT NOT NULL REFERENCES requests (id),
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT idempotency_keys_user_key UNIQUE (user_id, idem_key)
);

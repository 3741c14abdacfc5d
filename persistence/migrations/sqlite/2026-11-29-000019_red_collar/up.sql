-- Red Collar Home (红领之家): volunteers, the points ledger, the rewards catalogue and
-- redemptions. Points are money-like: the ledger is append-only (no entry is ever updated or
-- deleted), each award, redemption and refund has a unique key so it happens once, and the
-- balance cached on the volunteer is the ledger's sum, never below zero (the CHECK is the last
-- line of defence; the redeeming transaction's conditional update is the first).
CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY,
    -- One profile per account.
    user_id BIGINT NOT NULL UNIQUE REFERENCES users (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    community_path TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('serving_party_member', 'retired_party_member', 'veteran', 'resident')),
    -- Skill names, comma-separated (see linli_domain::volunteer::Skills).
    skills TEXT NOT NULL,
    intro TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'rejected')),
    status_reason TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    -- The volunteer role approval granted, taken away on suspension.
    role_id BIGINT REFERENCES user_roles (id) ON DELETE SET NULL,
    balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    applied_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX volunteers_community_idx ON volunteers (community_path, status);

-- A community's points rule; a community without a row uses the default rule.
CREATE TABLE points_rules (
    community_id BIGINT PRIMARY KEY REFERENCES org_nodes (id),
    per_hour BIGINT NOT NULL,
    per_activity BIGINT NOT NULL,
    per_request BIGINT NOT NULL,
    -- Basis points (10000 = x1) by volunteer kind, and the share a "basically satisfied"
    -- rating earns of a request's points.
    multipliers TEXT NOT NULL,
    basically_satisfied_share INTEGER NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE points_entries (
    id INTEGER PRIMARY KEY,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    kind TEXT NOT NULL CHECK (kind IN ('award', 'redemption', 'refund', 'adjustment', 'expiry')),
    amount BIGINT NOT NULL CHECK (amount <> 0),
    -- The balance after this entry: a statement reads without summing.
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    -- activity:{id}:volunteer:{id}, request:{id}:volunteer:{id}, redemption:{id}, refund:{id}.
    idem_key TEXT UNIQUE,
    reason TEXT,
    -- Minutes served, for an activity's award (the leaderboard's hours).
    minutes BIGINT,
    recorded_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX points_entries_volunteer_idx ON points_entries (volunteer_id, id);
CREATE INDEX points_entries_community_idx ON points_entries (community_id, created_at);

CREATE TABLE rewards (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    community_path TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('gift', 'service')),
    description TEXT,
    provider TEXT,
    price BIGINT NOT NULL CHECK (price > 0),
    -- NULL: unlimited.
    stock_total BIGINT CHECK (stock_total >= 0),
    stock_left BIGINT CHECK (stock_left >= 0),
    per_person_limit INTEGER,
    valid_from TIMESTAMP,
    valid_until TIMESTAMP,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX rewards_community_idx ON rewards (community_path, active);

CREATE TABLE redemptions (
    id INTEGER PRIMARY KEY,
    reward_id BIGINT NOT NULL REFERENCES rewards (id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    community_path TEXT NOT NULL,
    points BIGINT NOT NULL CHECK (points > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'fulfilled', 'cancelled')),
    idempotency_key TEXT,
    created_at TIMESTAMP NOT NULL,
    fulfilled_at TIMESTAMP,
    fulfilled_by BIGINT REFERENCES users (id),
    cancelled_at TIMESTAMP,
    cancelled_by BIGINT REFERENCES users (id),
    cancel_reason TEXT
);
CREATE INDEX redemptions_volunteer_idx ON redemptions (volunteer_id, reward_id);
CREATE INDEX redemptions_community_idx ON redemptions (community_path, status, id);
CREATE UNIQUE INDEX redemptions_idempotency_key ON redemptions (volunteer_id, idempotency_key);

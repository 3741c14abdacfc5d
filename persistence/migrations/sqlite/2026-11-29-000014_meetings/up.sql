-- Deliberation (议事协商会) and joint (联席会议) meetings: who met where about what, their minutes,
-- the resolutions and signed agreements they produced, and the action items that follow them.
-- Every row carries its community id (the tenant); a meeting also keeps its node's path, so the
-- meetings under a node are a range on the path index, as requests keep their building's.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    org_node_id BIGINT NOT NULL REFERENCES org_nodes (id),
    node_path TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('deliberation', 'joint')),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'closed', 'cancelled')),
    title TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL,
    organiser_id BIGINT NOT NULL REFERENCES users (id),
    agenda TEXT,
    minutes TEXT,
    held_at TIMESTAMP,
    cancel_reason TEXT,
    finished_at TIMESTAMP,
    -- Optimistic concurrency: every change bumps it; a client edits the version it read.
    version INTEGER NOT NULL,
    -- A double submit of the same call replays the first meeting.
    idempotency_key TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_path_idx ON meetings (node_path, id);
CREATE INDEX meetings_community_idx ON meetings (community_id, starts_at);
CREATE UNIQUE INDEX meetings_idempotency_key ON meetings (organiser_id, idempotency_key);

-- A user (by id, with their part) or an outside party (named, with its organisation, kind and a
-- business contact phone, encrypted, with a masked copy for lists).
CREATE TABLE meeting_participants (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    role TEXT NOT NULL CHECK (role IN ('organiser', 'host', 'party', 'lawyer', 'recorder', 'observer')),
    user_id BIGINT REFERENCES users (id),
    party_name TEXT,
    party_organisation TEXT,
    party_kind TEXT CHECK (party_kind IN ('property_company', 'lawyer', 'organisation', 'resident_representative', 'other')),
    contact_phone_enc TEXT,
    contact_phone_masked TEXT,
    attended BOOLEAN,
    created_at TIMESTAMP NOT NULL,
    CHECK ((user_id IS NULL) <> (party_name IS NULL)),
    CHECK ((party_name IS NULL) = (party_kind IS NULL))
);
CREATE INDEX meeting_participants_meeting_idx ON meeting_participants (meeting_id);
CREATE UNIQUE INDEX meeting_participants_user_key ON meeting_participants (meeting_id, user_id);
CREATE INDEX meeting_participants_user_idx ON meeting_participants (user_id);

-- The requests a meeting concerns.
CREATE TABLE meeting_requests (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    request_id BIGINT NOT NULL REFERENCES requests (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    linked_by BIGINT NOT NULL REFERENCES users (id),
    linked_at TIMESTAMP NOT NULL,
    -- Set when the meeting's agreement resolved the request.
    resolved_at TIMESTAMP
);
CREATE UNIQUE INDEX meeting_requests_key ON meeting_requests (meeting_id, request_id);
CREATE INDEX meeting_requests_request_idx ON meeting_requests (request_id);

-- What a held meeting decided; with an agreement when one was signed. A resolution that
-- resolves the linked requests does so when its last open action item is finished.
CREATE TABLE meeting_resolutions (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    text TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    resolves_requests BOOLEAN NOT NULL,
    agreement_parties TEXT,
    agreement_text TEXT,
    agreement_signed_on DATE,
    agreement_url TEXT,
    -- When the agreement settled the linked requests (once).
    settled_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meeting_resolutions_meeting_idx ON meeting_resolutions (meeting_id);

-- Owned by a user or by an outside party by name.
CREATE TABLE meeting_action_items (
    id INTEGER PRIMARY KEY,
    resolution_id BIGINT NOT NULL REFERENCES meeting_resolutions (id),
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    title TEXT NOT NULL,
    owner_user_id BIGINT REFERENCES users (id),
    owner_name TEXT,
    due_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    note TEXT,
    finished_by BIGINT REFERENCES users (id),
    finished_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK ((owner_user_id IS NULL) <> (owner_name IS NULL))
);
CREATE INDEX meeting_action_items_meeting_idx ON meeting_action_items (meeting_id);
CREATE INDEX meeting_action_items_owner_idx ON meeting_action_items (owner_user_id);

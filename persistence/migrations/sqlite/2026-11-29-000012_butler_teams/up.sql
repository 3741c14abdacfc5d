-- Building butler teams (楼栋"兴管家"): a team serves one or more buildings (each building at
-- most one team); members come and go, and a member row is ended, never deleted, so the team's
-- history stays. Work logs are what butlers and grid workers record; a log that became a request
-- holds its id (unique: one log, one request).
CREATE TABLE butler_teams (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    name TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX butler_teams_community_idx ON butler_teams (community_id);

-- The building is the key: one team per building. Its path is kept for subtree ranges.
CREATE TABLE butler_team_buildings (
    building_id BIGINT PRIMARY KEY REFERENCES org_nodes (id),
    team_id BIGINT NOT NULL REFERENCES butler_teams (id),
    building_path TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX butler_team_buildings_team_idx ON butler_team_buildings (team_id);
CREATE INDEX butler_team_buildings_path_idx ON butler_team_buildings (building_path);

CREATE TABLE butler_members (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES butler_teams (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    -- The member's account, when they have one (and so hold the butler role).
    user_id BIGINT REFERENCES users (id),
    display_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('party_member_household_head', 'property_staff', 'party_member_volunteer')),
    duties TEXT NOT NULL,
    leader BOOLEAN NOT NULL DEFAULT FALSE,
    -- Public: printed on the building's card.
    work_phone TEXT,
    joined_at TIMESTAMP NOT NULL,
    joined_by BIGINT REFERENCES users (id),
    left_at TIMESTAMP,
    left_by BIGINT REFERENCES users (id)
);
-- An account is on a team once at a time.
CREATE UNIQUE INDEX butler_members_active_key ON butler_members (team_id, user_id)
    WHERE left_at IS NULL;
CREATE INDEX butler_members_team_idx ON butler_members (team_id, id);

-- The butler roles a membership granted, one per building of the team (none where the account
-- held the role already): the ones ending the membership takes away.
CREATE TABLE butler_member_roles (
    member_id BIGINT NOT NULL REFERENCES butler_members (id),
    building_id BIGINT NOT NULL REFERENCES org_nodes (id),
    role_id BIGINT REFERENCES user_roles (id) ON DELETE SET NULL,
    PRIMARY KEY (member_id, building_id)
);

CREATE TABLE work_logs (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    building_id BIGINT NOT NULL REFERENCES org_nodes (id),
    building_path TEXT NOT NULL,
    household_id BIGINT REFERENCES org_nodes (id),
    kind TEXT NOT NULL CHECK (kind IN ('home_visit', 'policy_outreach', 'information_collection', 'hazard_inspection', 'mediation')),
    author_id BIGINT NOT NULL REFERENCES users (id),
    occurred_at TIMESTAMP NOT NULL,
    summary TEXT NOT NULL,
    concerns TEXT,
    text_review TEXT NOT NULL DEFAULT 'none',
    place TEXT,
    hazard_kind TEXT CHECK (hazard_kind IN ('fire_safety', 'electrical', 'structural', 'drainage', 'elevator', 'other')),
    severity TEXT CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    photo_urls TEXT NOT NULL DEFAULT '[]',
    fixed_on_spot BOOLEAN NOT NULL DEFAULT FALSE,
    request_id BIGINT REFERENCES requests (id),
    converted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX work_logs_request_key ON work_logs (request_id);
CREATE INDEX work_logs_path_idx ON work_logs (building_path, id);
CREATE INDEX work_logs_author_idx ON work_logs (author_id, id);
CREATE INDEX work_logs_time_idx ON work_logs (community_id, occurred_at);

-- A resident's request to be recognised as living in a household, and its decision. The
-- household's path is kept beside it (as requests keep their building's) so a butler's or the
-- community's queue is a range on the path index.
CREATE TABLE household_bindings (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    household_id BIGINT NOT NULL REFERENCES org_nodes (id),
    household_path TEXT NOT NULL,
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'left')),
    note TEXT,
    reason TEXT,
    requested_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    -- The resident role the approval granted (none when the resident held it already), which is
    -- the one leaving takes away.
    role_id BIGINT REFERENCES user_roles (id) ON DELETE SET NULL,
    decided_at TIMESTAMP,
    left_at TIMESTAMP
);
-- One live (pending or approved) binding per resident and household.
CREATE UNIQUE INDEX household_bindings_live_key ON household_bindings (user_id, household_id)
    WHERE status IN ('pending', 'approved');
CREATE INDEX household_bindings_queue_idx ON household_bindings (status, household_path);
CREATE INDEX household_bindings_user_idx ON household_bindings (user_id, id);

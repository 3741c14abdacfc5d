-- The household registry (住户台账). A profile per household node; residents with their name
-- and phone encrypted (AES-GCM, in the API) beside a masked form for masked views and a keyed
-- hash (HMAC) of the normalised value for staff searches. The household's path is kept on each
-- row so a node's subtree is a range on the path index.
CREATE TABLE household_profiles (
    household_id BIGINT PRIMARY KEY REFERENCES org_nodes (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    household_path TEXT NOT NULL,
    unit TEXT NOT NULL,
    room TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size BETWEEN 1 AND 20),
    notes TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX household_profiles_path_idx ON household_profiles (household_path);

CREATE TABLE registry_residents (
    id INTEGER PRIMARY KEY,
    household_id BIGINT NOT NULL REFERENCES org_nodes (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    household_path TEXT NOT NULL,
    name_enc TEXT NOT NULL,
    name_masked TEXT NOT NULL,
    name_hash TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'other')),
    birth_year INTEGER,
    phone_enc TEXT,
    phone_masked TEXT,
    phone_hash TEXT,
    -- The resident's own account, when they have one (their export and deletion find it).
    user_id BIGINT REFERENCES users (id),
    -- Set when the resident asked for deletion: name and phone are gone, the row stays so the
    -- household's size and care history still add up.
    anonymised_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX registry_residents_household_idx ON registry_residents (household_id, id);
CREATE INDEX registry_residents_path_idx ON registry_residents (household_path);
CREATE INDEX registry_residents_name_idx ON registry_residents (community_id, name_hash);
CREATE INDEX registry_residents_phone_idx ON registry_residents (community_id, phone_hash);
CREATE INDEX registry_residents_user_idx ON registry_residents (user_id);

-- A care need of a household or of one of its residents, with the consent it was recorded
-- under. Removing one keeps the row (who removed it, when): the record of care given.
CREATE TABLE care_tags (
    id INTEGER PRIMARY KEY,
    household_id BIGINT NOT NULL REFERENCES org_nodes (id),
    resident_id BIGINT REFERENCES registry_residents (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    household_path TEXT NOT NULL,
    tag TEXT NOT NULL,
    consent_method TEXT NOT NULL CHECK (consent_method IN ('written', 'verbal', 'guardian')),
    -- The resident who gave consent (or for whom a guardian gave it), when in the register.
    consent_by_resident_id BIGINT REFERENCES registry_residents (id),
    consent_at TIMESTAMP NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP,
    removed_by BIGINT REFERENCES users (id)
);
CREATE INDEX care_tags_household_idx ON care_tags (household_id);
CREATE INDEX care_tags_need_idx ON care_tags (tag, household_path);

-- Every read of names or phones in the clear: who, in which capacity, which household or
-- resident, which fields, why, when. Written in the same request as the read.
CREATE TABLE registry_access_log (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    household_path TEXT NOT NULL,
    actor_user_id BIGINT NOT NULL REFERENCES users (id),
    capacity TEXT NOT NULL,
    household_id BIGINT NOT NULL REFERENCES org_nodes (id),
    resident_id BIGINT REFERENCES registry_residents (id),
    fields TEXT NOT NULL,
    purpose TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX registry_access_log_path_idx ON registry_access_log (household_path, id);

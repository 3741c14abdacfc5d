-- Red Collar Home (红领之家) activities: what staff publish, who signs up (a place or the
-- waiting list), who checked in and out, and the minutes and points each attendee got when the
-- activity finished. The points themselves live in points_entries (migration 000019), keyed
-- activity:{id}:volunteer:{id}, so finishing twice never awards twice.
CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    community_path TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    -- Who runs it (a party branch, the community office…).
    organiser TEXT NOT NULL,
    -- Partner organisations as JSON: [{"name": "…", "kind": "hospital"}].
    partners TEXT NOT NULL,
    place TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    signup_deadline TIMESTAMP NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    -- Skill names, comma-separated (see linli_domain::volunteer::Skills).
    required_skills TEXT NOT NULL,
    -- Overrides of the community's points rule; NULL: the rule's.
    points_per_hour BIGINT CHECK (points_per_hour >= 0),
    points_per_activity BIGINT CHECK (points_per_activity >= 0),
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'ongoing', 'finished', 'cancelled')),
    cancel_reason TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    finished_at TIMESTAMP,
    -- Optimistic edits: every change bumps it; an edit names the version it read.
    version BIGINT NOT NULL DEFAULT 1,
    -- A client's Idempotency-Key for the create, per creator, and the keyed hash of the body
    -- sent with it, which a replay must match.
    idempotency_key TEXT,
    idempotency_hash TEXT
);
CREATE UNIQUE INDEX activities_idempotency_key ON activities (created_by, idempotency_key);
CREATE INDEX activities_community_idx ON activities (community_path, status, starts_at);

CREATE TABLE activity_signups (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    community_id BIGINT NOT NULL REFERENCES org_nodes (id),
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'withdrawn')),
    -- Strictly increasing within an activity: the waiting list's order, first come first served.
    signed_up_at TIMESTAMP NOT NULL,
    promoted_at TIMESTAMP,
    withdrawn_at TIMESTAMP
);
-- One current (confirmed or waiting) sign-up per volunteer and activity; withdrawn ones stay.
CREATE UNIQUE INDEX activity_signups_current ON activity_signups (activity_id, volunteer_id)
    WHERE status <> 'withdrawn';
CREATE INDEX activity_signups_volunteer_idx ON activity_signups (volunteer_id, activity_id);

CREATE TABLE activity_attendance (
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id),
    checked_in_at TIMESTAMP,
    checked_out_at TIMESTAMP,
    corrected_by BIGINT REFERENCES users (id),
    corrected_at TIMESTAMP,
    correction_reason TEXT,
    -- Set when the activity finishes: minutes served and points awarded.
    minutes BIGINT,
    points BIGINT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (activity_id, volunteer_id)
);

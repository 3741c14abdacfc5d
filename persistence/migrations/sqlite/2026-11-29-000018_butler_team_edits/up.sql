-- Butler teams are edited after they are set up: renamed, buildings added and removed, and
-- dissolved. A dissolved team keeps its rows (members ended, buildings released) and says when
-- and by whom it was dissolved.
-- (No REFERENCES on the added column: SQLite could not drop it again in down.sql.)
ALTER TABLE butler_teams ADD COLUMN dissolved_at TIMESTAMP;
ALTER TABLE butler_teams ADD COLUMN dissolved_by BIGINT;

-- Each stint of a building on a team: when it joined and left, and who did it.
-- butler_team_buildings stays the current assignment (one team per building, its key);
-- this is the history beside it.
CREATE TABLE butler_team_building_history (
    id INTEGER PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES butler_teams (id),
    building_id BIGINT NOT NULL REFERENCES org_nodes (id),
    building_path TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    added_by BIGINT REFERENCES users (id),
    removed_at TIMESTAMP,
    removed_by BIGINT REFERENCES users (id)
);
CREATE INDEX butler_team_building_history_team_idx ON butler_team_building_history (team_id, id);
CREATE INDEX butler_team_building_history_path_idx ON butler_team_building_history (building_path);
-- A building is on one team at a time.
CREATE UNIQUE INDEX butler_team_building_history_open_key ON butler_team_building_history (building_id)
    WHERE removed_at IS NULL;

INSERT INTO butler_team_building_history (team_id, building_id, building_path, added_at, added_by)
    SELECT b.team_id, b.building_id, b.building_path, b.added_at, t.created_by
    FROM butler_team_buildings b JOIN butler_teams t ON t.id = b.team_id
    ORDER BY b.team_id, b.building_id;

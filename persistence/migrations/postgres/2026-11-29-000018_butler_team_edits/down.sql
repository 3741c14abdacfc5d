DROP TABLE butler_team_building_history;
ALTER TABLE butler_teams DROP COLUMN dissolved_by;
ALTER TABLE butler_teams DROP COLUMN dissolved_at;

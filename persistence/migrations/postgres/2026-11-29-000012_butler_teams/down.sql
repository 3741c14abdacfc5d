DROP TABLE work_logs;
DROP TABLE butler_member_roles;
DROP TABLE butler_members;
DROP TABLE butler_team_buildings;
DROP TABLE butler_teams;

DROP TABLE registry_resident_keys;
ALTER TABLE registry_residents DROP COLUMN removed_by;
ALTER TABLE registry_residents DROP COLUMN removed_at;

DROP TABLE registry_access_log;
DROP TABLE care_tags;
DROP TABLE registry_residents;
DROP TABLE household_profiles;

DROP TABLE redemptions;
DROP TABLE rewards;
DROP TABLE points_entries;
DROP TABLE points_rules;
DROP TABLE volunteers;

ALTER TABLE points_rules DROP COLUMN expire_after_days;

-- Points expiry, where a community configures it: earned points stay spendable this many days
-- (NULL: they never lapse); the daily sweep appends what lapses as an `expiry` entry.
ALTER TABLE points_rules ADD COLUMN expire_after_days INTEGER;

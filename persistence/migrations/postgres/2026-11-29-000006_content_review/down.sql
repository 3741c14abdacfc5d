DROP TABLE request_photos;
ALTER TABLE request_events DROP COLUMN note_review;
DROP INDEX requests_content_review_idx;
ALTER TABLE requests DROP COLUMN text_review;
ALTER TABLE requests DROP COLUMN content_review;

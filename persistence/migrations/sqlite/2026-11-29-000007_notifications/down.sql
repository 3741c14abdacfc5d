DROP INDEX requests_resolution_due_idx;
DROP TABLE notification_attempts;
DROP TABLE notifications;

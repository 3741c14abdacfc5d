DROP TABLE activity_attendance;
DROP TABLE activity_signups;
DROP TABLE activities;

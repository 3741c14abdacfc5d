DROP TABLE meeting_action_items;
DROP TABLE meeting_resolutions;
DROP TABLE meeting_requests;
DROP TABLE meeting_participants;
DROP TABLE meetings;

DROP TABLE partner_inbound_messages;
DROP TABLE partner_submissions;
DROP TABLE partner_inbound;

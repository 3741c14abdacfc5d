-- A staff member's public contact phone, printed on the building notice card (楼栋公示牌) for
-- butlers and grid workers. Public by purpose, like a property company's, so stored as typed
-- (normalised), not encrypted like residents' phones.
ALTER TABLE users ADD COLUMN contact_phone TEXT;

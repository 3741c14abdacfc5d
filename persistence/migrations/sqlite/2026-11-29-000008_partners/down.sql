DROP TABLE partner_keys;
DROP TABLE partners;

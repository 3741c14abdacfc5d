-- Partners pushing requests in (the inbound partner API).
--
-- A partner that submits requests has a row here: its service account, a users row with no
-- username, password or openid, so nobody can sign in as it, standing as `submitted_by` of the
-- requests the partner pushes or posts through Open311; and, once an admin issued it, its
-- inbound signing secret (a `whsec_` secret, encrypted with the data key, since the server must
-- verify with it and so cannot keep only a hash). Issuing again replaces the secret.
CREATE TABLE partner_inbound (
    partner_id BIGINT PRIMARY KEY REFERENCES partners (id),
    user_id BIGINT NOT NULL UNIQUE REFERENCES users (id),
    secret_enc TEXT,
    created_at TIMESTAMP NOT NULL,
    rotated_at TIMESTAMP
);

-- What a partner pushed: its own id for the request, and the hash of the canonical body, so
-- that the same id again answers the same request (or 409 with another body).
CREATE TABLE partner_submissions (
    id INTEGER PRIMARY KEY,
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    external_id TEXT NOT NULL,
    request_id BIGINT NOT NULL REFERENCES requests (id),
    body_hash TEXT NOT NULL,
    external_submitted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT partner_submissions_external_id UNIQUE (partner_id, external_id)
);
-- A partner's submissions newest first (its list), and a request's external id.
CREATE INDEX partner_submissions_partner_idx ON partner_submissions (partner_id, id);
CREATE INDEX partner_submissions_request_idx ON partner_submissions (request_id);

-- The `webhook-id`s of the signed messages a partner sent that were accepted: one seen again is
-- a replay. Kept well past the timestamp tolerance (a message older than that is refused
-- anyway), then purged by the periodic sweep.
CREATE TABLE partner_inbound_messages (
    id INTEGER PRIMARY KEY,
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    message_id TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    CONSTRAINT partner_inbound_messages_message_id UNIQUE (partner_id, message_id)
);
CREATE INDEX partner_inbound_messages_received_idx ON partner_inbound_messages (received_at);

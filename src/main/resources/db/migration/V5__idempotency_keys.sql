-- Idempotency-Key on create: the first response to a key, kept until the key expires, so that a
-- retry from any instance gets it again. A null response marks a create still in flight.
CREATE TABLE idempotency_keys (
  owner_id      text        NOT NULL,
  key           text        NOT NULL,
  request_hash  text        NOT NULL,
  claimed_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  response      jsonb,
  PRIMARY KEY (owner_id, key)
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Lists default to newest first with id as the tie-breaker, and page on (created_date_time, id):
-- this index serves the first page and every later one at the same cost.
CREATE INDEX operations_owner_created ON operations (owner_id, created_date_time DESC, id DESC);

-- Secrets that every instance of the service must share, made once by the database itself.
CREATE TABLE service_secrets (
  name  text  PRIMARY KEY,
  value bytea NOT NULL
);

-- The key that signs $skiptoken: 244 random bits from gen_random_uuid (a strong random source).
INSERT INTO service_secrets (name, value)
VALUES ('page-token', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

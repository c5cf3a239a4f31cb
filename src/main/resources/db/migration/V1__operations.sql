-- One row per long-running operation. Ids are unique per owner: the owner is the user whose
-- token's oid created the operation, and every query is scoped to an owner.
CREATE TABLE operations (
  owner_id              text        NOT NULL,
  id                    text        NOT NULL,
  created_date_time     timestamptz NOT NULL,
  last_action_date_time timestamptz NOT NULL,
  status                text        NOT NULL
    CHECK (status IN ('notStarted', 'running', 'succeeded', 'failed')),
  status_detail         text,
  resource_location     text,
  PRIMARY KEY (owner_id, id)
);

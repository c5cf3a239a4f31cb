-- Every operation has a version, bumped by every real change: the ETag that If-Match and
-- If-None-Match compare against.
ALTER TABLE operations ADD COLUMN version bigint NOT NULL DEFAULT 1;

-- $orderby on statusDetail or resourceLocation sorts by the first 64 characters of the value (by code
-- point, nulls first), then by id: these indexes hold exactly that order, so that a page reads its own
-- rows and not every row of the owner (a sort of 100,000 values of 4,096 characters read them all, and
-- again at each comparison). The expression must stay the one SortTerm sends.
CREATE INDEX operations_owner_status_detail_order ON operations
  (owner_id, (CASE WHEN status_detail IS NULL THEN '' ELSE '~' || substr(status_detail, 1, 64) END) COLLATE "C", id);
CREATE INDEX operations_owner_resource_location_order ON operations
  (owner_id, (CASE WHEN resource_location IS NULL THEN '' ELSE '~' || substr(resource_location, 1, 64) END) COLLATE "C", id);

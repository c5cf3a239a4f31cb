-- $orderby on a long text sorts by its first 64 characters, by code point, null first
-- (operations/query/SortTerm). Kept beside the row, the key is read with the heap tuple: a sort of a
-- user's rows then reads no value out of line (TOAST), where computing the key read each value's
-- first chunk, and no index is kept up on every write for an order few use
-- (bench/README.md#the-hostile-phase). Adding a stored column rewrites the table once.
ALTER TABLE operations
  ADD COLUMN status_detail_order text COLLATE "C" GENERATED ALWAYS AS
    (CASE WHEN status_detail IS NULL THEN '' ELSE '~' || substr(status_detail, 1, 64) END) STORED,
  ADD COLUMN resource_location_order text COLLATE "C" GENERATED ALWAYS AS
    (CASE WHEN resource_location IS NULL THEN '' ELSE '~' || substr(resource_location, 1, 64) END) STORED;

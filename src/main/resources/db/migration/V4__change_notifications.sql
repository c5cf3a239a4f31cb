-- Wakes the requests that wait on an operation (GET with Prefer: wait=N), on every instance: each
-- change or deletion is announced on one channel when its transaction commits.
CREATE FUNCTION notify_operation_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('operation_changes', OLD.owner_id || '/' || OLD.id);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER operations_changed
  AFTER UPDATE OR DELETE ON operations
  FOR EACH ROW EXECUTE FUNCTION notify_operation_change();

-- Announce only what a waiter can see: an update that moved the version (a real change), or the
-- deletion of an operation that was not final (nobody waits on a final one).
DROP TRIGGER operations_changed ON operations;

CREATE TRIGGER operations_changed
  AFTER UPDATE ON operations
  FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)
  EXECUTE FUNCTION notify_operation_change();

CREATE TRIGGER operations_deleted
  AFTER DELETE ON operations
  FOR EACH ROW WHEN (OLD.status NOT IN ('succeeded', 'failed'))
  EXECUTE FUNCTION notify_operation_change();

-- The retention job looks for final operations by age; only those rows are in this index.
CREATE INDEX operations_final_by_age ON operations (last_action_date_time)
  WHERE status IN ('succeeded', 'failed');

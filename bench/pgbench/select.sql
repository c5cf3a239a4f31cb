-- The select limit of `make bench`: OperationStore.SELECT_ONE word for word, its $n parameters
-- written as pgbench variables in the same order (BenchStatementsTest fails when the two differ).
-- bench/run.sh seeds :rows operations of :owner_id with the ids '1' to ':rows' (pgbench cannot
-- draw from a list of UUIDs), and each transaction reads one of them at random.
\set id random(1, :rows)
SELECT owner_id, id, created_date_time, last_action_date_time, status, status_detail, resource_location, version FROM operations WHERE owner_id = :owner_id AND id = :id;

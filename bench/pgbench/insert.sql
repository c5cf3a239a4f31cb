-- The insert limit of `make bench`: OperationStore.INSERT word for word, its $n parameters written
-- as pgbench variables in the same order (BenchStatementsTest fails when the two differ).
-- bench/run.sh sets the others with -D; pgbench has no string or clock functions, so:
--  * id is a random 63-bit number as text: random like the service's UUIDs, so the primary key
--    takes inserts at random places as it does for the service, but 19 characters, not 36;
--  * created_date_time and last_action_date_time are one constant per run, where the service
--    stores the clock: see "Benchmark" in README.md for what that changes.
\set id random(1, 9223372036854775806)
INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status, status_detail, resource_location, version) VALUES (:owner_id, :id, :created_date_time, :last_action_date_time, :status, :status_detail, :resource_location, 1);

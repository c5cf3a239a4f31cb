-- make bench: :rows operations of the user :'owner_id', written straight into the table (far
-- faster than through the API), as the service would have stored them: ids are UUIDs (or '1' to
-- ':rows' when :'ids' is 'numbers', for pgbench, which cannot draw from a list of UUIDs), times in
-- UTC to the millisecond, spread over the last 20 days (younger than RETENTION_HOURS' 30 days, so
-- that the retention job leaves them alone), and a mix of statuses with the versions and
-- lastActionDateTime their lifecycle gives: 60 % succeeded, 10 % failed, 20 % running, 10 % notStarted.
-- With :detail_length set above 0 (the hostile phase's attacker), every row's statusDetail is that
-- many hex digits instead, drawn per row: the contract allows 4,096, no 'z' pattern matches them, so
-- a contains() reads all of each, and PostgreSQL cannot compress them much.
\if :{?detail_length}
\else
  \set detail_length 0
\endif
INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status, status_detail,
                        resource_location, version)
SELECT :'owner_id',
       CASE WHEN :'ids' = 'numbers' THEN n::text ELSE gen_random_uuid()::text END,
       created,
       CASE WHEN status = 'notStarted' THEN created
            ELSE least(created + (n % 600) * interval '1 second', date_trunc('milliseconds', now())) END,
       status,
       CASE WHEN :detail_length > 0
            THEN left((SELECT string_agg(md5(n || '.' || i), '')
                       FROM generate_series(1, (:detail_length + 31) / 32) AS i), :detail_length)
            ELSE CASE status WHEN 'notStarted' THEN NULL
                             WHEN 'running' THEN 'Resetting the password'
                             WHEN 'failed' THEN 'The method could not be registered'
                             ELSE 'Done' END
       END,
       CASE WHEN status = 'succeeded'
            THEN 'https://graph.microsoft.com/beta/users/' || :'owner_id' || '/authentication/methods/' || gen_random_uuid()
       END,
       CASE status WHEN 'notStarted' THEN 1 WHEN 'running' THEN 2 ELSE 3 END
FROM generate_series(1, :rows) AS n,
     LATERAL (SELECT date_trunc('milliseconds', now() - n * (interval '20 days' / :rows)) AS created,
                     CASE WHEN n % 10 < 6 THEN 'succeeded' WHEN n % 10 = 6 THEN 'failed'
                          WHEN n % 10 < 9 THEN 'running' ELSE 'notStarted' END AS status) AS row;

-- make bench, creates: the same POST as README's "Try it", as the bench user (BENCH_TOKEN).
dofile("bench/lua/report.lua")

wrk.method = "POST"
wrk.path = "/beta/me/authentication/operations"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"@odata.type":"#microsoft.graph.longRunningOperation","status":"running",' ..
  '"statusDetail":"Resetting the password",' ..
  '"resourceLocation":"https://graph.microsoft.com/beta/users/6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0/authentication/methods/28c10230-6103-485e-b985-444c60001490"}'

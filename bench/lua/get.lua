-- make bench, lists: GET of the URL given to wrk (a first page, or a page reached through
-- $skiptoken), as the user of BENCH_TOKEN.
dofile("bench/lua/report.lua")

wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

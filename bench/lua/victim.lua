-- make bench, hostile phase: the victim's reads by id (bench/lua/read.lua), each connection pausing
-- BENCH_DELAY_MS [10] between an answer and its next request, so that the victim is a steady client
-- rather than one that takes every cycle the attack leaves (wrk's latencies exclude the pause).
dofile("bench/lua/read.lua")

local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "10")

function delay()
  return pause
end

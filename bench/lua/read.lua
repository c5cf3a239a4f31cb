-- make bench, reads: GET of one of the operations the create phase made, drawn at random from the
-- ids in the file BENCH_IDS (one per line), as their owner (BENCH_TOKEN).
dofile("bench/lua/report.lua")

local ids = {}
local path = "/beta/me/authentication/operations/"
local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") }

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do
    ids[#ids + 1] = line
  end
  assert(#ids > 0, "no ids in " .. os.getenv("BENCH_IDS"))
  -- Each thread its own sequence, or every thread would read the same ids in the same order.
  math.randomseed(os.time() * 1000 + id)
end

function request()
  return wrk.format("GET", path .. ids[math.random(#ids)], headers)
end

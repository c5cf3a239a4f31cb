-- make bench, cluster-waiters: warms the paths a wake takes before the phase's waiters arrive: GETs
-- held by Prefer: wait (BENCH_MODE=wait) and the PATCHes that wake them (BENCH_MODE=patch, one every
-- BENCH_DELAY_MS [4] per connection). BENCH_IDS names operations of their own (a PATCH of a phase
-- waiter's operation would answer its first wait at once), shared by every instance so that a PATCH
-- through one wakes waiters on the others; each request is its operation's owner's
-- (bench/lua/owned-operations.lua).
dofile("bench/lua/owned-operations.lua")

local mode = os.getenv("BENCH_MODE") or "wait"
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "4")
local operations
local sent = 0

function init(args)
  operations = owned_operations()
  assert(mode == "wait" or mode == "patch", "BENCH_MODE is wait or patch")
  math.randomseed(os.time() + os.clock() * 1e6)
end

function request()
  local operation = operations[math.random(#operations)]
  sent = sent + 1
  if mode == "wait" then
    return wrk.format("GET", operation[1], { ["Authorization"] = operation[2], ["Prefer"] = "wait=1" })
  end
  return wrk.format("PATCH", operation[1], { ["Authorization"] = operation[2], ["Content-Type"] = "application/json",
    ["Prefer"] = "return=minimal" }, '{"statusDetail":"warming ' .. sent .. '"}')
end

function delay()
  if mode == "patch" then
    return pause
  end
  return 0
end

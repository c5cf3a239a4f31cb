-- make bench, cluster-waiters: warms an instance before its waiters arrive, with reads by id (no
-- Prefer: wait), each as the operation's owner, so that the reads are answered 200, not throttled
-- as one caller would be (BENCH_IDS and BENCH_TOKENS: bench/lua/owned-operations.lua).
dofile("bench/lua/owned-operations.lua")

local reads

function init(args)
  reads = owned_operations()
  math.randomseed(os.time())
end

function request()
  local read = reads[math.random(#reads)]
  return wrk.format("GET", read[1], { ["Authorization"] = read[2] })
end

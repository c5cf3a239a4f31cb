-- make bench, cluster-waiters: warms an instance before its waiters arrive, with reads by id (no
-- Prefer: wait), each as the operation's owner, so that the reads are answered 200, not throttled
-- as one caller would be: BENCH_IDS holds the phase's "callerIndex id" lines, BENCH_TOKENS the
-- callers' tokens one a line, caller k's token on line k mod their count (as ClusterWaiters maps them).
local reads = {}

function init(args)
  local tokens = {}
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if line:match("%S") then
      tokens[#tokens + 1] = line:match("^%s*(.-)%s*$")
    end
  end
  for line in io.lines(os.getenv("BENCH_IDS")) do
    local caller, id = line:match("^%s*(%d+)%s+(%S+)")
    if caller then
      reads[#reads + 1] = { "/beta/me/authentication/operations/" .. id, "Bearer " .. tokens[tonumber(caller) % #tokens + 1] }
    end
  end
  assert(#reads > 0 and #tokens > 0, "no ids or no tokens")
  math.randomseed(os.time())
end

function request()
  local read = reads[math.random(#reads)]
  return wrk.format("GET", read[1], { ["Authorization"] = read[2] })
end

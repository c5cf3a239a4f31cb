-- make bench, cluster-waiters: the phase's operations with their owners' tokens, for the wrk scripts
-- that warm its instances. BENCH_IDS holds "callerIndex id" lines, BENCH_TOKENS the callers' tokens
-- one a line, caller k's token on line k mod their count (as ClusterWaiters maps them).
-- owned_operations() gives a list of { path, "Bearer <token>" }.
function owned_operations()
  local tokens, operations = {}, {}
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if line:match("%S") then
      tokens[#tokens + 1] = line:match("^%s*(.-)%s*$")
    end
  end
  for line in io.lines(os.getenv("BENCH_IDS")) do
    local caller, id = line:match("^%s*(%d+)%s+(%S+)")
    if caller then
      operations[#operations + 1] = { "/beta/me/authentication/operations/" .. id, "Bearer " .. tokens[tonumber(caller) % #tokens + 1] }
    end
  end
  assert(#operations > 0 and #tokens > 0, "no ids or no tokens")
  return operations
end

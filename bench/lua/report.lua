-- Shared by make bench's wrk scripts (loaded with dofile from the repository root): counts every
-- answer that is not 2xx (wrk's own count starts at 400) and every answer by status, and prints one
-- machine-readable line, "WRKJSON {...}", that bench/report.py reads. Latencies are in microseconds.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

non2xx = 0
statuses = {}

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local not2xx = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    not2xx = not2xx + thread:get("non2xx")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local shown = {}
  for status, count in pairs(by_status) do
    shown[#shown + 1] = string.format('"%d":%d', status, count)
  end
  table.sort(shown)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    latency.mean, not2xx, e.connect, e.read, e.write, e.timeout, table.concat(shown, ",")))
end

-- A check-in burst for wrk: every request a distinct check-in with a fresh Idempotency-Key.
--
--   wrk -t2 -c100 -d10s -s benchmarks/wrk/checkin_burst.lua http://127.0.0.1:PORT \
--       -- checkins.tsv NONCE
--
-- checkins.tsv: one "token<TAB>JSON body" line per check-in (a lesson and classroom each),
-- written by benchmarks/load.py. Thread n of N sends lines n, n+N, n+2N, ... so no two
-- threads send the same check-in; a key is NONCE-thread-counter, unique per request.
-- At the end: the count of each status over all threads, one "status CODE COUNT" per line.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  items = {}
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    items[#items + 1] = { "Bearer " .. line:sub(1, tab - 1), line:sub(tab + 1) }
  end
  nonce = args[2] or "wrk"
  step = tonumber(args[3] or "2")
  next_item = id
  sent = 0
  statuses = {}
end

function request()
  local item = items[(next_item % #items) + 1]
  next_item = next_item + step
  sent = sent + 1
  local headers = {
    ["Authorization"] = item[1],
    ["Idempotency-Key"] = string.format("%s-%d-%d", nonce, id, sent),
    ["Content-Type"] = "application/json",
  }
  return wrk.format("POST", "/api/v1/check-ins", headers, item[2])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d %d\n", status, count))
  end
end

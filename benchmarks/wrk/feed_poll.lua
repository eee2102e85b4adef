-- Calendar clients polling their feeds, for wrk: every request the next feed of the county.
--
--   wrk -t2 -c50 -d10s -s benchmarks/wrk/feed_poll.lua http://127.0.0.1:PORT -- feeds.tsv 2
--
-- feeds.tsv: one "path<TAB>ETag" line per feed (written by benchmarks/load.py). With an ETag
-- the request revalidates (If-None-Match: what a subscribed client sends, answered 304 when
-- unchanged); with an empty one it fetches the whole feed (200). Thread n of N starts at
-- line n and steps by N. At the end: "status CODE COUNT" lines over all threads.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  feeds = {}
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    feeds[#feeds + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
  end
  step = tonumber(args[2] or "2")
  next_feed = id
  statuses = {}
end

function request()
  local feed = feeds[(next_feed % #feeds) + 1]
  next_feed = next_feed + step
  local headers = {}
  if feed[2] ~= "" then
    headers["If-None-Match"] = feed[2]
  end
  return wrk.format("GET", feed[1], headers)
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

-- wrk script for benchmarks/checkins.py: POST prepared check-ins, each with a new
-- Idempotency-Key, and count the answers by status.
--
--   wrk -t2 -c200 -d20s -s benchmarks/checkins.lua http://127.0.0.1:8765 -- WORK THREADS RUN
--
-- WORK holds one request per line, "TOKEN<TAB>JSON BODY"; thread i of THREADS takes lines
-- i, i+THREADS, ... so no two requests share a (lesson, classroom, kind) slot. A thread that
-- runs out of lines stops. RUN makes the keys unique across runs. An empty WORK path sends
-- GET /healthz instead (the HTTP ceiling with the same client). With CHECKINS_ACKS set, the
-- (lesson, classroom) of every 201 answer is written there, to be looked for on disk.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   local path, count, run = args[1], tonumber(args[2]), args[3]
   prefix = "bench-" .. run .. "-" .. id .. "-"
   tokens, bodies, sent, statuses, acks = {}, {}, 0, {}, {}
   healthz = wrk.format("GET", "/healthz")
   if path == nil or path == "" then
      return
   end
   local index = 0
   for line in io.lines(path) do
      if index % count == id then
         local tab = line:find("\t", 1, true)
         table.insert(tokens, line:sub(1, tab - 1))
         table.insert(bodies, line:sub(tab + 1))
      end
      index = index + 1
   end
   headers = { ["Content-Type"] = "application/json" }
end

function request()
   sent = sent + 1
   if headers == nil then
      return healthz
   end
   local body = bodies[sent]
   if body == nil then
      wrk.thread:stop()
      return healthz
   end
   headers["Authorization"] = "Bearer " .. tokens[sent]
   headers["Idempotency-Key"] = prefix .. sent
   return wrk.format("POST", "/api/v1/check-ins", headers, body)
end

function response(status, _headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status == 201 then
      local lesson = body:match('"lesson_key":%s*"([^"]+)"')
      local classroom = body:match('"classroom_id":%s*"([^"]+)"')
      table.insert(acks, (lesson or "?") .. "\t" .. (classroom or "?"))
   end
end

function done(_summary, _latency, _requests)
   local path = os.getenv("CHECKINS_ACKS")
   local file = path and io.open(path, "w")
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         io.write(string.format("STATUS %d %d\n", status, n))
      end
      if file then
         for _, ack in ipairs(thread:get("acks")) do
            file:write(ack, "\n")
         end
      end
   end
   if file then
      file:close()
   end
end

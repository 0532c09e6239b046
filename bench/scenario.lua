-- scenario.lua - the wrk script for every bench scenario.
--
--   wrk -t2 -c50 -d10s --latency -s bench/scenario.lua URL -- MODE [ARG]
--
-- MODE (URL is the server root, e.g. http://127.0.0.1:PORT):
--   patient MAXKEY     GET /api/v1/patients/{random 1..MAXKEY}
--   appts QUERY        GET /api/v1/appointments?QUERY (e.g. date=2025-03-12&Limit=50)
--   simple NPATIENTS   GET /api/v1/patients/Simple?Offset={random page of 1000}
--   commlog MAXKEY     POST /api/v1/commlogs {"PatNum":random,"Note":...}
--   health             GET /api/v1/
--
-- Every request carries the demo key. response() counts statuses per
-- thread; done() prints one machine-readable line:
--   BENCH requests=N seconds=S rps=X p50_ms=X p99_ms=X max_ms=X
--         s2xx=N s3xx=N s4xx=N s5xx=N connect=N read=N write=N timeout=N
--         status_errors=N bytes=N

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

local mode, arg1
local auth = "ODFHIR NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"
local get_headers, post_headers

function init(args)
   mode = args[1] or "health"
   arg1 = args[2]
   s2xx, s3xx, s4xx, s5xx = 0, 0, 0, 0
   math.randomseed(id * 7919 + os.time())
   get_headers = { ["Authorization"] = auth }
   post_headers = { ["Authorization"] = auth,
                    ["Content-Type"] = "application/json" }
end

local fixed

function request()
   if mode == "patient" then
      return wrk.format("GET", "/api/v1/patients/" ..
                        math.random(1, tonumber(arg1)), get_headers)
   elseif mode == "simple" then
      local pages = math.floor(tonumber(arg1) / 1000)
      if pages < 1 then pages = 1 end
      return wrk.format("GET", "/api/v1/patients/Simple?Offset=" ..
                        (math.random(0, pages - 1) * 1000), get_headers)
   elseif mode == "commlog" then
      local body = string.format(
         '{"PatNum":%d,"Note":"bench: called, left a message","Mode_":"Phone"}',
         math.random(1, tonumber(arg1)))
      return wrk.format("POST", "/api/v1/commlogs", post_headers, body)
   end
   if not fixed then
      if mode == "appts" then
         fixed = wrk.format("GET", "/api/v1/appointments?" .. arg1,
                            get_headers)
      else
         fixed = wrk.format("GET", "/api/v1/", get_headers)
      end
   end
   return fixed
end

function response(status, headers, body)
   if status < 300 then s2xx = s2xx + 1
   elseif status < 400 then s3xx = s3xx + 1
   elseif status < 500 then s4xx = s4xx + 1
   else s5xx = s5xx + 1 end
end

function done(summary, latency, requests)
   local a, b, c, d = 0, 0, 0, 0
   for _, t in ipairs(threads) do
      a = a + (t:get("s2xx") or 0)
      b = b + (t:get("s3xx") or 0)
      c = c + (t:get("s4xx") or 0)
      d = d + (t:get("s5xx") or 0)
   end
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f " ..
      "max_ms=%.3f s2xx=%d s3xx=%d s4xx=%d s5xx=%d connect=%d read=%d " ..
      "write=%d timeout=%d status_errors=%d bytes=%d\n",
      summary.requests, secs, summary.requests / secs,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, a, b, c, d, e.connect, e.read, e.write, e.timeout,
      e.status, summary.bytes))
end

-- wrk script of bench/landing.sh: every request asks for the landing page of
-- a random event, Host: evNNNN.BASE (NNNN from 1 to N), so the server must
-- resolve a different host nearly every time.
--
--   wrk -s bench/random-host.lua http://127.0.0.1:PORT/ -- [N] [BASE] [WIDTH] [ENCODING]
--
-- N defaults to 1000, BASE to bench.test, WIDTH (the digits of NNNN, as
-- bench/seed numbers the slugs) to 4; ENCODING, when given, is sent as
-- Accept-Encoding (bench/compress.sh), otherwise none is (a plain page). At the end it prints one line,
--   BENCH requests=… seconds=… rps=… non2xx=… errors=… p50_us=… p99_us=…
-- that the script parses.

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
   table.insert(threads, thread)
end

local events, base, format, encoding

function init(args)
   events = tonumber(args[1]) or 1000
   base = args[2] or "bench.test"
   format = "ev%0" .. (tonumber(args[3]) or 4) .. "d.%s"
   if args[4] and args[4] ~= "" then encoding = args[4] end
   -- each thread has its own Lua state: seed each differently
   math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
   local host = string.format(format, math.random(1, events), base)
   return wrk.format("GET", "/", { Host = host, ["Accept-Encoding"] = encoding })
end

function done(summary, latency, requests)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.0f non2xx=%d errors=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
      summary.requests, seconds, summary.requests / seconds, e.status,
      e.connect + e.read + e.write + e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end

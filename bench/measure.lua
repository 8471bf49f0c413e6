-- wrk script for bench/measure.ts. The request comes from the Lua file named by
-- $BATON_BENCH_REQUEST (written by measure.ts): it returns
--   { method = "GET", headers = { name = value, ... }, body = "..." or nil,
--     rotate = { { name = value, ... }, ... } or nil }
-- The path is wrk's own, from the URL. The request is read at load time (so not from wrk's
-- args, which only init() sees): wrk decides from the globals this chunk defines whether to
-- call request() for every request.
local spec = dofile(os.getenv("BATON_BENCH_REQUEST"))

wrk.method = spec.method
wrk.body = spec.body
for name, value in pairs(spec.headers) do
  wrk.headers[name] = value
end

-- With one connection (spec.raw) exactly one request is in flight, so the time from
-- request() to response() is that request's latency: measured here, raw. wrk's own
-- percentiles add synthetic samples for coordinated omission, which turns one GC pause of
-- the load generator into a p99 of milliseconds.
-- A global: done() reads it from the thread's Lua state with thread:get().
raw_samples = spec.raw and {} or nil
local raw = raw_samples
local clock
if raw then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } baton_timespec;
    int clock_gettime(int clock, baton_timespec *ts);
  ]]
  local ts = ffi.new("baton_timespec")
  clock = function()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
  end
end

if spec.rotate then
  -- Every header set formatted once; request() hands them out in turn, one per request.
  local requests = {}
  for i, set in ipairs(spec.rotate) do
    local headers = {}
    for name, value in pairs(spec.headers) do headers[name] = value end
    for name, value in pairs(set) do headers[name] = value end
    requests[i] = wrk.format(nil, nil, headers)
  end
  local sent = 0
  function request()
    sent = sent % #requests + 1
    if raw then started = clock() end
    return requests[sent]
  end
elseif raw then
  local fixed = wrk.format()
  function request()
    started = clock()
    return fixed
  end
end
-- Otherwise there is no request(): wrk then formats the request once and resends the same
-- bytes, its fastest path.

-- Statuses are counted per thread (each has its own Lua state, and thread:get reads only
-- globals) and merged in done(), which runs in the main state that setup() ran in.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

statuses = {}

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
  if raw then raw[#raw + 1] = clock() - started end
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.min(#sorted, math.ceil(p / 100 * #sorted)))]
end

-- utime + stime of this wrk process (every thread, including the finished ones), in clock
-- ticks. Read last in done(), so it covers all of wrk's work but its exit.
local function cpu_ticks()
  local file = assert(io.open("/proc/self/stat"))
  local stat = file:read("*a")
  file:close()
  local fields = {}
  -- After the ")" closing the command name: state is field 1, utime 12, stime 13.
  for field in stat:match(".*%)(.*)"):gmatch("%S+") do
    table.insert(fields, field)
  end
  return tonumber(fields[12]) + tonumber(fields[13])
end

function done(summary, latency)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%d":%.0f', status, n))
  end
  local p50, p99 = latency:percentile(50), latency:percentile(99)
  if raw then
    -- One thread (-t1); its samples are copied over from its own Lua state.
    local samples = threads[1]:get("raw_samples")
    table.sort(samples)
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%.0f,"durationUs":%.0f,"p50Us":%.0f,"p99Us":%.0f,' ..
    '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"timeout":%.0f},"statuses":{%s},"cpuTicks":%.0f}\n',
    summary.requests, summary.duration, p50, p99,
    e.connect, e.read, e.write, e.timeout, table.concat(parts, ","), cpu_ticks()))
end

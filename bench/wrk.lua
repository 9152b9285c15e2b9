-- wrk script for bench/run.py: rotates through the request paths listed in the file named by
-- BENCH_PATHS (one per line; each thread starts at its own offset) and writes a JSON summary with
-- latency percentiles to the file named by BENCH_OUT. Headers given with -H are sent on every
-- request (wrk.format adds wrk.headers).
--
-- A line "path<TAB>body" is sent as a POST of that JSON body. Such lines are used once each (a
-- write that consumes its target, as recording a hearing's outcome does): thread i takes lines
-- i, i + n, i + 2n... of the n threads (BENCH_THREADS), and past the end it starts over, which
-- then shows as errors (409, stale version) rather than passing unnoticed.
--
-- BENCH_STAGGER (seconds) delays each thread after the first: wrk starts a thread, which opens
-- all its connections at once, right after that thread's init returns. Uvicorn's workers share
-- one listening socket and the first to wake accepts every pending connection, so a single burst
-- lands on one worker; waves spaced apart reach the worker that is not yet busy.

local paths = {}
local bodies = {}
local position = 0
local step = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
end

function init(args)
  local file = assert(io.open(os.getenv("BENCH_PATHS"), "r"))
  for line in file:lines() do
    if #line > 0 then
      local tab = line:find("\t", 1, true)
      if tab then
        paths[#paths + 1] = line:sub(1, tab - 1)
        bodies[#paths] = line:sub(tab + 1)
      else
        paths[#paths + 1] = line
      end
    end
  end
  file:close()
  assert(#paths > 0, "no request paths in BENCH_PATHS")
  if bodies[1] then
    step = tonumber(os.getenv("BENCH_THREADS") or "1")
    -- wrk.format uses wrk.headers (the -H ones) only when given no headers of its own.
    wrk.headers["Content-Type"] = "application/json"
    position = (thread_index or 1) - 1 - step
  else
    position = ((thread_index or 1) - 1) * 7919 % #paths
  end
  local stagger = tonumber(os.getenv("BENCH_STAGGER") or "0")
  if (thread_index or 1) > 1 and stagger > 0 then
    os.execute(string.format("sleep %.3f", stagger))
  end
end

function request()
  if bodies[1] then
    position = position + step
    local at = position % #paths + 1
    return wrk.format("POST", paths[at], nil, bodies[at])
  end
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  local e = summary.errors
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "stdev": %.1f, "max": %d, ' ..
    '"p50": %d, "p90": %d, "p99": %d, "p999": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9)))
  out:close()
end

-- Shared by every workload script (loaded with dofile from bench/run.sh's wrk calls).
--
-- Per thread: `tid` (0-based, set by setup) and the random seed. With BENCH_EXPECT set
-- (e.g. 201), only responses with that status count as done work: `ok` is counted per thread
-- in response() and summed in done(). Without it, every 2xx/3xx counts (wrk's own tally), so
-- read workloads pay no Lua call per response, like the /health/live ceiling.
--
-- done() prints one machine-readable line that bench/run.sh parses:
--   RESULT requests=N ok=N duration_us=N p50_us=N p90_us=N p99_us=N max_us=N errors=N statuses=201:10,409:2
-- plus a note of the first unexpected response body, which says why (e.g. a 409's problem).

local common = {}

common.expect = tonumber(os.getenv("BENCH_EXPECT") or "")
common.threads = {}

local counter = 1
function setup(thread)
  thread:set("tid", counter - 1)
  table.insert(common.threads, thread)
  counter = counter + 1
end

-- In each thread's own Lua state, after setup: seed per thread so threads differ.
function common.thread_init()
  tid = tid or 0
  math.randomseed(os.time() * 1000 + tid * 7919)
end

-- Lines of a file (empty lines skipped), or an error naming the file.
function common.lines(path)
  local out = {}
  local f = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  for line in f:lines() do
    if line ~= "" then table.insert(out, line) end
  end
  f:close()
  assert(#out > 0, path .. " is empty")
  return out
end

-- Splits "a b c" on single spaces.
function common.fields(line)
  local out = {}
  for part in string.gmatch(line, "[^ ]+") do table.insert(out, part) end
  return out
end

statuses = {}
first_unexpected = nil
if common.expect then
  response = function(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
    if status ~= common.expect and first_unexpected == nil then
      first_unexpected = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

local function serialise(t)
  local parts = {}
  for k, v in pairs(t) do table.insert(parts, k .. ":" .. v) end
  table.sort(parts)
  return table.concat(parts, ",")
end

function done(summary, latency, requests)
  local ok = summary.requests - summary.errors.status
  local all = {}
  local note = nil
  if common.expect then
    ok = 0
    for _, thread in ipairs(common.threads) do
      local s = thread:get("statuses")
      for code, n in pairs(s) do
        all[code] = (all[code] or 0) + n
        if code == common.expect then ok = ok + n end
      end
      note = note or thread:get("first_unexpected")
    end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    "RESULT requests=%d ok=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d errors=%d statuses=%s\n",
    summary.requests, ok, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, errors, serialise(all)))
  if note then io.write("UNEXPECTED " .. string.gsub(note, "\n", " ") .. "\n") end
end

return common

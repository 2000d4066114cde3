-- POST /api/v1/bookings: every request a new slot, never overlapping another booking, so
-- each one is the whole insert transaction (lock, blocked-period probe, booking, audit row,
-- outbox) and should answer 201 (run.sh sets BENCH_EXPECT=201; anything else is reported).
--
-- Request i of thread t is number n = i * threads + t, unique across threads; it books
-- celebrity n mod C (of BENCH_CELEBRITIES, live profiles only) in its slot floor(n / C): two
-- hours starting BENCH_SLOT_BASE + slot * 3 h (epoch seconds, chosen by run.sh a year ahead and
-- different for every wrk run). The customer is a random line of BENCH_TOKENS.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local celebrities, tokens = {}, {}
local base = tonumber(os.getenv("BENCH_SLOT_BASE"))
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local i = 0

init = function()
  common.thread_init()
  celebrities = common.lines(os.getenv("BENCH_CELEBRITIES"))
  tokens = common.lines(os.getenv("BENCH_TOKENS"))
end

local function iso(t) return os.date("!%Y-%m-%dT%H:%M:%SZ", t) end

request = function()
  local n = i * threads + tid
  i = i + 1
  local celebrity = celebrities[(n % #celebrities) + 1]
  local start = base + math.floor(n / #celebrities) * 10800
  local body = string.format(
    '{"celebrity_id":"%s","starts_at":"%s","ends_at":"%s","timezone":"Europe/London",'
      .. '"event_type":"performance","location":"The Roundhouse, London",'
      .. '"message":"Thirty minutes on stage, then a meet-and-greet with our guests."}',
    celebrity, iso(start), iso(start + 7200))
  return wrk.format("POST", "/api/v1/bookings", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
  }, body)
end

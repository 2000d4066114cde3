-- POST /api/v1/bookings/{id}/confirm as an admin (BENCH_TOKEN): each request a different
-- pending booking of BENCH_BOOKINGS (thread t takes lines t, t + threads, ...), so each is
-- the whole transition (lock, versioned update, audit row, outbox) and should answer 200.
-- When the list runs out, the thread starts again and gets 409s, which are reported.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local bookings = {}
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local token = os.getenv("BENCH_TOKEN")
local i = 0

init = function()
  common.thread_init()
  bookings = common.lines(os.getenv("BENCH_BOOKINGS"))
end

request = function()
  local n = (i * threads + tid) % #bookings
  i = i + 1
  return wrk.format("POST", "/api/v1/bookings/" .. bookings[n + 1] .. "/confirm",
    { ["Authorization"] = "Bearer " .. token }, nil)
end

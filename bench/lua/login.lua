-- POST /api/v1/auth/login as the accounts of BENCH_ACCOUNTS (one email a line, all with the
-- password BENCH_PASSWORD) in turn (thread t takes lines t, t + threads, ...), so no account
-- gets more attempts than its throttle allows (5 at once, then one per 12 s) until the list is
-- used up; each request from its own client address (X-Forwarded-For, believed because the
-- server trusts 127.0.0.1), so the per-address throttle stays out of the way. run.sh sets
-- BENCH_EXPECT=200: a 401 or 429 never flatters the figure.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local accounts = {}
local password = os.getenv("BENCH_PASSWORD")
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local i = 0

init = function()
  common.thread_init()
  accounts = common.lines(os.getenv("BENCH_ACCOUNTS"))
end

request = function()
  local n = (i * threads + tid) % #accounts
  i = i + 1
  local ip = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  local body = string.format('{"email":"%s","password":"%s"}', accounts[n + 1], password)
  return wrk.format("POST", "/api/v1/auth/login",
    { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip }, body)
end

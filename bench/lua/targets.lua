-- GETs of random lines of BENCH_TARGETS: `<path>` or `<path> <access token>`. Requests are
-- formatted once per thread in init, so a request costs one table lookup.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local prepared = {}

init = function()
  common.thread_init()
  for _, line in ipairs(common.lines(os.getenv("BENCH_TARGETS"))) do
    local f = common.fields(line)
    local headers = { ["Accept-Encoding"] = os.getenv("BENCH_ACCEPT_ENCODING") }
    if f[2] then headers["Authorization"] = "Bearer " .. f[2] end
    table.insert(prepared, wrk.format("GET", f[1], headers))
  end
end

request = function()
  return prepared[math.random(#prepared)]
end

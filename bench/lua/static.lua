-- A fixed request (the URL and -H headers on wrk's command line), no Lua per request:
-- /health/live and the cached catalogue page. Only the RESULT line is added.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
init = function() common.thread_init() end

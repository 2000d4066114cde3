-- wrk script: POST /api/v1/auth/login for bench0..bench{N-1}@example.com, each request from a
-- different client address (X-Forwarded-For, believed because the server trusts 127.0.0.1),
-- so the per-address and per-account throttles stay out of the way of the measurement.
local accounts = tonumber(os.getenv("BENCH_ACCOUNTS") or "400")
local counter = 0

request = function()
  counter = counter + 1
  local n = counter % accounts
  local ip = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  local body = string.format('{"email":"bench%d@example.com","password":"bench passphrase %d"}', n, n)
  return wrk.format("POST", "/api/v1/auth/login",
    { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip }, body)
end

done = function(summary, latency, requests)
  -- Only successful logins count: a 401 or 429 is cheap and would flatter the figure.
  local ok = summary.requests - summary.errors.status
  io.write(string.format("logins/s (2xx only): %.1f\n", ok / (summary.duration / 1e6)))
  for _, p in ipairs({ 50, 90, 99 }) do
    io.write(string.format("p%d: %.1f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

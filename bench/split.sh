#!/usr/bin/env bash
# Where a workload's CPU goes on the shared cores (docs/PERFORMANCE.md, "What limits each
# workload"). Two measurements the harness's ratios do not show:
#
#   bench/split.sh search  — CPU per request of the server and of Postgres for the uncached
#                            search, then Postgres's CPU per transaction for pgbench of the same
#                            SQL (bench/sql/search.sql): the server's share is what the ratio
#                            to pgbench loses.
#   bench/split.sh sizes   — the cached catalogue page at limit 1, 5, 20 and 100 beside
#                            /health/live, interleaved: what the body's size costs.
#
# Needs a database seeded as bench/run.sh seeds it, named by BENCH_DB (it is not changed):
#   createdb -h 127.0.0.1 -U postgres hlbench
#   DATABASE_URL=postgres://postgres@127.0.0.1/hlbench headliner migrate
#   psql postgres://postgres@127.0.0.1/hlbench -v celebrities=10000 -v bookings=100000 \
#     -v users=1000 -f bench/seed.sql && psql postgres://postgres@127.0.0.1/hlbench -c 'VACUUM ANALYZE'
# Settings: BENCH_DB (postgres://postgres@127.0.0.1/hlbench), BENCH_BIN (the release binary,
# target/release/headliner), DURATION (10 s), ROUNDS (4), PORT (18190).
set -euo pipefail
cd "$(dirname "$0")/.."
db="${BENCH_DB:-postgres://postgres@127.0.0.1/hlbench}"
bin="${BENCH_BIN:-${CARGO_TARGET_DIR:-target}/release/headliner}"
duration="${DURATION:-10}"
rounds="${ROUNDS:-4}"
port="${PORT:-18190}"
base="http://127.0.0.1:$port"
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

serve() { # extra env...
  env DATABASE_URL="$db" HEADLINER_DATA_DIR="$work/data" HEADLINER_BIND="127.0.0.1:$port" HEADLINER_LOG=warn \
    HEADLINER_RATE_LIMIT_ANONYMOUS=off HEADLINER_OUTBOX_RELAY=false "$@" "$bin" serve >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -sf "$base/health/ready" >/dev/null && return; sleep 0.05; done
  cat "$work/server.log" >&2; exit 1
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { # CPU ticks of the backends connected to the bench database
  local sum=0 p
  for p in $(pgrep -f "postgres: .*${db##*/} "); do sum=$((sum + $(ticks "$p"))); done
  echo "$sum"
}
per() { # ticks count → µs of CPU per item
  awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", t * 1e6 / hz / n }'
}

case "${1:-}" in
search)
  sed 's|^\(.*\)$|/api/v1/celebrities?q=\1\&limit=20|' bench/sql/search-words.txt >"$work/targets.txt"
  serve HEADLINER_CACHE_TTL_SECS=0
  export BENCH_LUA=bench/lua BENCH_TARGETS="$work/targets.txt"
  wrk -t2 -c64 -d2s -s bench/lua/targets.lua "$base" >/dev/null
  s0=$(ticks "$pid"); p0=$(pg_ticks); t0=$(date +%s%N)
  out=$(wrk -t2 -c64 -d"${duration}s" -s bench/lua/targets.lua "$base")
  s1=$(ticks "$pid"); p1=$(pg_ticks); t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  n=$(awk '/RESULT/ { for (i = 1; i <= NF; i++) if ($i ~ /^ok=/) { sub("ok=", "", $i); print $i } }' <<<"$out")
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  echo "app:     $(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') req/s;" \
    "server $(per $((s1 - s0)) "$n") µs and Postgres $(per $((p1 - p0)) "$n") µs of CPU per request"
  pgbench -n -M prepared -c 16 -j 2 -T $((duration + 4)) -f bench/sql/search.sql "$db" >"$work/pgbench.out" 2>&1 &
  bench=$!
  sleep 2; p0=$(pg_ticks); t0=$(date +%s%N); sleep "$duration"; p1=$(pg_ticks); t1=$(date +%s%N)
  wait "$bench"
  tps=$(awk '/^tps = / { printf "%.0f", $3 }' "$work/pgbench.out")
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  echo "pgbench: $tps tps (-M prepared, -c 16); Postgres $(per $((p1 - p0)) "$(awk -v t="$tps" -v s="$secs" 'BEGIN { print t * s }')") µs of CPU per transaction"
  ;;
sizes)
  serve
  paths=(/health/live "/api/v1/celebrities?limit=1" "/api/v1/celebrities?limit=5" "/api/v1/celebrities?limit=20"
    "/api/v1/celebrities?limit=100")
  for p in "${paths[@]}"; do
    printf '%s: %s bytes\n' "$p" "$(curl -sf "$base$p" | wc -c)"
    wrk -t2 -c64 -d1s "$base$p" >/dev/null
  done
  echo "req/s, ${rounds} interleaved rounds of 3 s, in the order above:"
  for _ in $(seq "$rounds"); do
    for p in "${paths[@]}"; do printf '%s ' "$(wrk -t2 -c64 -d3s "$base$p" | awk '/Requests\/sec/ { printf "%.0f", $2 }')"; done
    echo
  done | tee "$work/sizes.txt"
  awk '{ for (i = 1; i <= NF; i++) s[i] += $i } END { printf "ratio to /health/live:"; for (i = 2; i <= NF; i++) printf " %.2f", s[i] / s[1]; print "" }' "$work/sizes.txt"
  ;;
*)
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac

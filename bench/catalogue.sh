#!/usr/bin/env bash
# Catalogue and booking read benchmark (issue 6): requests per second and latency percentiles
# of the hot read paths, each beside the app's own /health/live measured in the same run (so
# the ratio holds on a noisy machine). Release binary, demo data (`seed --demo`), Postgres
# when BENCH_DATABASE_URL is set (a server URL; a fresh database is created), else SQLite.
#   bench/catalogue.sh
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres DURATION=20s bench/catalogue.sh
# Needs wrk and curl (installs wrk with apt-get when it can). Rate limits are off for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/headliner/target}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
PORT="${PORT:-18182}"

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p headliner
bin="$CARGO_TARGET_DIR/release/headliner"
data=$(mktemp -d)
db_env=()
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  name="headliner_bench_$$"
  psql -q "$BENCH_DATABASE_URL" -c "CREATE DATABASE $name" >/dev/null
  db_env=(DATABASE_URL="${BENCH_DATABASE_URL%/*}/$name")
fi
cleanup() {
  kill "${server:-}" 2>/dev/null || true; wait "${server:-}" 2>/dev/null || true
  [ -n "${name:-}" ] && psql -q "$BENCH_DATABASE_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
  rm -rf "$data"
}
trap cleanup EXIT
common=(HEADLINER_DATA_DIR="$data" HEADLINER_BIND="127.0.0.1:$PORT" HEADLINER_LOG=warn HEADLINER_WORKERS=2
  HEADLINER_RATE_LIMIT_ANONYMOUS=off HEADLINER_RATE_LIMIT_CUSTOMER=off HEADLINER_RATE_LIMIT_TALENT=off
  HEADLINER_RATE_LIMIT_ADMIN=off "${db_env[@]}")
env "${common[@]}" "$bin" seed --demo >"$data/seed.log" 2>&1
base="http://127.0.0.1:$PORT"

start() { # extra env...
  env "${common[@]}" "$@" "$bin" serve >"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; }
run() { # label path [wrk args...]
  local label=$1 path=$2; shift 2
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$base$path")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '| %-34s | %9s | %8s | %8s | %s |\n' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}"
  echo "$rps" >"$data/rps-${label//[^a-z]/_}"
}

echo "wrk: $CONNECTIONS connections, $DURATION each, $(nproc) cores, store: $([ -n "${BENCH_DATABASE_URL:-}" ] && echo postgres || echo sqlite)"
echo "| workload | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
start
celebrity=$(curl -fsS "$base/api/v1/celebrities?limit=1" | sed -E 's/.*"id":"([^"]+)".*/\1/')
# A customer with one booking, for the private read.
session=$(curl -fsS -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench pass phrase","display_name":"Bench"}' "$base/api/v1/auth/register")
token=$(sed -E 's/.*"access_token":"([^"]+)".*/\1/' <<<"$session")
day=$(date -u -d '+30 days' +%F)
booking=$(curl -fsS -H 'content-type: application/json' -H "authorization: Bearer $token" \
  -d "{\"celebrity_id\":\"$celebrity\",\"starts_at\":\"${day}T18:00:00Z\",\"ends_at\":\"${day}T19:00:00Z\",\"timezone\":\"UTC\",\"event_type\":\"speech\",\"location\":\"Hall\"}" \
  "$base/api/v1/bookings" | sed -E 's/.*"id":"([^"]+)".*/\1/' | head -c 36)
run "health/live (ceiling)" /health/live
run "catalogue page (cached)" "/api/v1/celebrities?limit=20"
run "celebrity detail (cached)" "/api/v1/celebrities/$celebrity"
run "booking detail as customer" "/api/v1/bookings/$booking" -H "authorization: Bearer $token"
stop
start HEADLINER_CACHE_TTL_SECS=0
run "catalogue page (cache off)" "/api/v1/celebrities?limit=20"
run "catalogue search q=the (cache off)" "/api/v1/celebrities?q=the&limit=20"
echo "server peak RSS (cache-off run): $(grep VmHWM /proc/$server/status | awk '{print $2" "$3}')"
stop
ceiling=$(cat "$data/rps-health_live__ceiling_")
for label in "catalogue page (cached)" "celebrity detail (cached)" "booking detail as customer"; do
  awk -v r="$(cat "$data/rps-${label//[^a-z]/_}")" -v c="$ceiling" -v l="$label" \
    'BEGIN {printf "%s: %.2f × /health/live\n", l, r / c}'
done

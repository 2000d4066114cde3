#!/usr/bin/env bash
# Login benchmark (issue 5): logins per second and latency percentiles under 32 concurrent
# logins, against the release binary on SQLite in a temporary folder.
#   bench/login.sh            # 20 s, 32 connections
#   DURATION=60s CONNECTIONS=64 bench/login.sh
# Needs wrk (apt-get install wrk); installs it when apt-get is available.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/headliner/target}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
ACCOUNTS="${BENCH_ACCOUNTS:-400}"
PORT="${PORT:-18181}"

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p headliner
bin="$CARGO_TARGET_DIR/release/headliner"
data=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT

HEADLINER_DATA_DIR="$data" HEADLINER_BIND="127.0.0.1:$PORT" HEADLINER_LOG=warn \
  HEADLINER_TRUSTED_PROXIES=127.0.0.1 "$bin" serve >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done

echo "registering $ACCOUNTS accounts..."
register() {
  # Each registration from its own forwarded address: registration is throttled per address.
  curl -fsS -o /dev/null -H 'content-type: application/json' -H "X-Forwarded-For: 10.9.$(( $1 / 250 )).$(( $1 % 250 + 1 ))" \
    -d "{\"email\":\"bench$1@example.com\",\"password\":\"bench passphrase $1\",\"display_name\":\"Bench $1\"}" \
    "http://127.0.0.1:$PORT/api/v1/auth/register"
}
export -f register
export PORT
seq 0 $((ACCOUNTS - 1)) | xargs -P 8 -I{} bash -c 'register {}'

echo "wrk: $CONNECTIONS connections, $DURATION, $(nproc) cores"
BENCH_ACCOUNTS="$ACCOUNTS" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s bench/login.lua \
  "http://127.0.0.1:$PORT" | grep -E 'logins/s|^p[0-9]+|non-2xx|Requests/sec|Latency'
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2" "$3}')"

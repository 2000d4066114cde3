#!/usr/bin/env bash
# Schemathesis (PyPI) against the running app's own /api/openapi.json: every check, two
# customers as peers for the object-level authorization (BOLA) check, a fixed seed and a time
# bound. Exits non-zero on any failure (server error, schema violation, BOLA finding...).
#   scripts/schemathesis.sh                 # 120 s budget, seed 20261201
#   ST_MAX_TIME=600 ST_SEED=7 scripts/schemathesis.sh
# Uses the debug binary `cargo test` already built (builds it when missing), a fresh SQLite
# data folder with the demo catalogue, mail written as .eml files, rate limits off.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/headliner/target}"
MAX_TIME="${ST_MAX_TIME:-120}"
SEED="${ST_SEED:-20261201}"

command -v schemathesis >/dev/null 2>&1 || python3 -m pip install -q --disable-pip-version-check 'schemathesis>=4.32,<5'
bin="$CARGO_TARGET_DIR/debug/headliner"
[ -x "$bin" ] || cargo build --locked -q -p headliner
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
cleanup() {
  [ -n "${server:-}" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

export HEADLINER_DATA_DIR="$work/data" HEADLINER_BIND="127.0.0.1:$port" HEADLINER_LOG=error \
  HEADLINER_LOG_FORMAT=json HEADLINER_RATE_LIMIT_ANONYMOUS=off HEADLINER_RATE_LIMIT_CUSTOMER=off \
  HEADLINER_RATE_LIMIT_TALENT=off HEADLINER_RATE_LIMIT_ADMIN=off
env -u DATABASE_URL "$bin" seed --demo >"$work/seed.log" 2>&1
env -u DATABASE_URL "$bin" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fsS "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done

token() { # email → an access token of a new customer account
  curl -fsS -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"peer pass phrase 2026\",\"display_name\":\"$1\"}" \
    "$base/api/v1/auth/register" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
alice=$(token alice@example.com)
bob=$(token bob@example.com)
cat >"$work/auth.json" <<JSON
{"auth": [
  {"name": "alice", "fixedHeaders": [{"name": "Authorization", "value": "Bearer $alice"}]},
  {"name": "bob", "fixedHeaders": [{"name": "Authorization", "value": "Bearer $bob"}]}
]}
JSON
cat >"$work/schemathesis.toml" <<TOML
# 422 is how this API refuses input that fits the schema but breaks a rule the schema cannot
# state (\`to\` after \`from\`, a common password, a cursor or reset token it never issued).
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", 401, 403, 404, 409, 422, 429]
[auth]
auto-signup = false
[auth.wfc]
path = "$work/auth.json"
user = "alice"
peers = ["alice", "bob"]
TOML

echo "schemathesis $(schemathesis --version | awk '{print $NF}') against $base/api/openapi.json: seed $SEED, at most ${MAX_TIME}s"
set +e
schemathesis --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
  --checks all --seed "$SEED" --max-time "$MAX_TIME" --workers 2 --request-timeout 10 \
  --exclude-path /api/v1/auth/logout-all \
  --report junit --report-dir "${ST_REPORT_DIR:-$work/report}" 2>&1 | tee "$work/st.log"
status=${PIPESTATUS[0]}
set -e
if ! kill -0 "$server" 2>/dev/null; then
  echo "the server died during the run:" >&2; tail -20 "$work/server.log" >&2; exit 1
fi
exit "$status"

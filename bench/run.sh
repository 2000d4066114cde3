#!/usr/bin/env bash
# Headliner's benchmark harness (issue 8). `just bench` runs this; so can any machine without
# just. docs/PERFORMANCE.md explains the method and the figures.
#
# Builds the release binary, seeds a realistic data set (10k celebrities, 100k bookings with
# their audit trails and outbox, 1k users) into a fresh Postgres database, serves it and drives
# it with wrk; then does the same on SQLite (the same data, moved by `headliner backup` and
# `headliner restore`). Every figure sits beside a ceiling measured in the same run, so the
# ratios hold on a noisy machine:
#   - HTTP-bound work (cached reads) beside the app's own GET /health/live, the two alternating
#     in short slices (the spread of the /health/live slices is the run's noise);
#   - database-bound work beside pgbench running the same SQL the endpoint runs (bench/sql/,
#     checked against the server log at every run), right after it, at the same concurrency
#     and at the server's pool size (the better of the two is the ceiling).
# Prints a markdown table and writes it to bench/results/latest.md.
#
# Settings (environment):
#   DURATION=10s         each measured wrk/pgbench run (seconds: 10s, 30s, 2m)
#   WARMUP=2s            an unmeasured run before each read or creation workload (0 for none)
#   ROUNDS=5             cached reads: rounds interleaved with /health/live slices
#   CONNECTIONS=64       wrk connections = pgbench clients
#   THREADS=2            wrk threads = pgbench threads
#   BENCH_DATABASE_URL   a Postgres server; a fresh database is created on it and dropped at exit
#                        (default postgres://postgres@127.0.0.1:5432/postgres)
#   BENCH_SKIP_SQLITE=1  the Postgres pass only;  BENCH_SKIP_POSTGRES=1  the SQLite pass only
#   QUICK=1              a smoke run: 1k celebrities, 10k bookings, 200 users, 3 s runs, 1 s warm-up
#                        (proves the harness works; its figures are not comparable)
#   WORKLOADS="..."      a subset of: catalogue celebrity search booking_detail create confirm login
#                        (the default), and sizes: the cached page at limit 1, 5 and 100 beside
#                        /health/live, what the body's size costs (not in the default)
#   BENCH_SERVER_ENV="HEADLINER_DB_POOL_SIZE=32 ..."   extra settings for the server (experiments)
#   BENCH_ACCEPT_ENCODING="gzip, br"   send Accept-Encoding on the read workloads (default: none)
#   BENCH_RESULTS=bench/results/latest.md   where the table goes ("" to only print it)
#   BENCH_BIN=path       use this binary instead of building one
#   BENCH_PG_LOG=path    the Postgres server log, for the SQL check (default: found under
#                        /var/log/postgresql; the check is skipped when it cannot be read)
#   PORT=18183
# Needs curl, psql, pgbench (postgresql-client) and wrk; installs wrk and the Postgres client
# with apt-get when they are missing and apt-get is usable.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/headliner/target}"

QUICK="${QUICK:-0}"
if [ "$QUICK" = 1 ]; then
  DURATION="${DURATION:-3s}"; WARMUP="${WARMUP:-1s}"
  CELEBRITIES=1000; BOOKINGS=10000; USERS=200
else
  DURATION="${DURATION:-10s}"; WARMUP="${WARMUP:-2s}"
  CELEBRITIES=10000; BOOKINGS=100000; USERS=1000
fi
TALENT=$((USERS / 10))
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18183}"
BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
WORKLOADS="${WORKLOADS:-catalogue celebrity search booking_detail create confirm login}"
BENCH_RESULTS="${BENCH_RESULTS-bench/results/latest.md}"
BENCH_ACCEPT_ENCODING="${BENCH_ACCEPT_ENCODING:-}"
read -r -a server_extra <<<"${BENCH_SERVER_ENV:-}"
PASSWORD="bench pass phrase"
BROWSER_ENCODING="gzip, deflate, br, zstd"
TOKEN_CUSTOMERS=64
base="http://127.0.0.1:$PORT"
lua="$root/bench/lua"

say() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
wants() { [[ " $WORKLOADS " == *" $1 "* ]]; }
secs() { # 10s | 2m | 10 -> seconds
  case "$1" in *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac
}
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

# Tools -------------------------------------------------------------------------------------
install() { # package...
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "installing $*"
    apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$@" >/dev/null; }
  else
    die "$* missing and cannot be installed here (no apt-get or not root); install it"
  fi
}
command -v curl >/dev/null || install curl
command -v wrk >/dev/null || install wrk
if [ "${BENCH_SKIP_POSTGRES:-0}" != 1 ] || [ "${BENCH_SKIP_SQLITE:-0}" != 1 ]; then
  command -v pgbench >/dev/null && command -v psql >/dev/null || install postgresql-client
fi

# The server's settings are the harness's alone: none leak in from the caller's environment
# (BENCH_SERVER_ENV is the way to change one).
for v in $(compgen -e); do case "$v" in HEADLINER_*|DATABASE_URL) unset "$v" ;; esac; done

work=$(mktemp -d "${TMPDIR:-/tmp}/headliner-bench.XXXXXX")
server=""
dbname=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$dbname" ]; then
    psql -q "$BENCH_DATABASE_URL" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${BENCH_BIN:-}" ]; then
  cp "$BENCH_BIN" "$work/headliner"
  binary_note="the binary given as BENCH_BIN (modified $(date -u -r "$BENCH_BIN" +'%Y-%m-%d %H:%M UTC')), not built from this tree"
else
  say "building the release binary (cargo build --release -p headliner)"
  cargo build --release -q -p headliner
  # A copy, so a concurrent rebuild cannot swap the binary in the middle of a run.
  cp "$CARGO_TARGET_DIR/release/headliner" "$work/headliner"
  binary_note="built from this tree"
fi
bin="$work/headliner"

# Results: one tab-separated line per row, rendered as markdown at the end ----------------
rows="$work/rows.tsv"
notes="$work/notes.md"
: >"$rows"; : >"$notes"
note() { echo "- $*" >>"$notes"; say "note: $*"; }
# store workload rps p50 p99 ceiling ceiling_rps ratio rss goal met
row() { local IFS=$'\t'; echo "$*" >>"$rows"; }
# Ceiling rows (pgbench, /health/live) wait in their own file and follow the store's workloads.
ceil_rows="$work/ceiling-rows.tsv"
: >"$ceil_rows"
crow() { local IFS=$'\t'; echo "$*" >>"$ceil_rows"; }

# The server -------------------------------------------------------------------------------
server_env=()
start_server() { # extra env...
  local t0 t1
  t0=$(date +%s%N)
  (cd "$work" && exec env "${server_env[@]}" "${server_extra[@]}" "$@" "$bin" serve >>"$work/server.log" 2>&1) &
  server=$!
  until curl -fsS -o /dev/null "$base/health/ready" 2>/dev/null; do
    kill -0 "$server" 2>/dev/null || { tail -5 "$work/server.log" >&2; die "the server exited"; }
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 60 ] || die "the server was not ready within 60 s"
    sleep 0.005
  done
  t1=$(date +%s%N)
  ready_ms=$(( (t1 - t0) / 1000000 ))
  idle_rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")
  tokens_at=0
}
stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}
rss_kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$server/status"; }
# Reset the process's peak RSS to its current RSS (Linux 4.0+), so VmHWM after a workload is
# that workload's peak. Falls back to the running peak where not permitted.
reset_peak() { echo 5 >"/proc/$server/clear_refs" 2>/dev/null || peak_note=" (peak since start)"; }
peak_note=""

api() { # method path [token] [body]
  local args=(-fsS -X "$1" -H "X-Forwarded-For: 10.$((RANDOM % 250)).$((RANDOM % 250)).$((RANDOM % 250 + 1))")
  [ -n "${3:-}" ] && args+=(-H "authorization: Bearer $3")
  [ -n "${4:-}" ] && args+=(-H 'content-type: application/json' -d "$4")
  curl "${args[@]}" "$base$2"
}
login_token() { # email
  api POST /api/v1/auth/login "" "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" |
    sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
export -f api login_token
export base PASSWORD

# Access tokens live 15 minutes: fetched after each start and again when 10 minutes old.
tokens() {
  local now
  now=$(date +%s)
  [ $((now - tokens_at)) -lt 600 ] && return
  admin_token=$(login_token admin@bench.example)
  [ -n "$admin_token" ] || die "the admin could not log in"
  head -n "$TOKEN_CUSTOMERS" "$work/customers.txt" | xargs -P 4 -I{} bash -c 'echo "{} $(login_token {})"' \
    >"$work/tokens.map"
  cut -d' ' -f2 "$work/tokens.map" >"$work/tokens.txt"
  [ "$(grep -c . "$work/tokens.txt")" -eq "$TOKEN_CUSTOMERS" ] || die "customers could not log in"
  # Booking detail: each token with every booking of its customer.
  awk 'NR == FNR { token[$1] = $2; next } ($1 in token) { print "/api/v1/bookings/" $2, token[$1] }' \
    "$work/tokens.map" "$work/customer-bookings.txt" >"$work/booking-targets.txt"
  tokens_at=$now
}

# Waits until the relay has sent every pending outbox message; notes how fast it went.
drain() { # label
  local t0 pending=1 first=""
  t0=$(date +%s%N)
  while :; do
    pending=$(api GET /api/v1/admin/outbox/stats "$admin_token" | sed -E 's/.*"pending":([0-9]+).*/\1/')
    [ -z "$first" ] && first=$pending
    [ "$pending" = 0 ] && break
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 300 ] || { note "$store: the relay left $pending messages after 300 s"; return; }
    sleep 0.2
  done
  local took_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "${first:-0}" -gt 0 ] && note "$store, after $1: the relay sent the remaining $first outbox messages in $(awk -v t="$took_ms" 'BEGIN {printf "%.1f", t / 1000}') s"
  return 0
}

# wrk ----------------------------------------------------------------------------------------
slot_run=0
wrk_run() { # duration script url [wrk args...]   (BENCH_* settings in the environment)
  local duration=$1 script=$2 url=$3 out
  shift 3
  slot_run=$((slot_run + 1))
  out=$(BENCH_LUA="$lua" BENCH_THREADS="$THREADS" BENCH_SLOT_BASE=$((slot_base + slot_run * 100 * 86400)) \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout 10s -s "$lua/$script" "$@" "$url")
  local result
  result=$(grep '^RESULT ' <<<"$out") || { echo "$out" >&2; die "wrk printed no result"; }
  for kv in ${result#RESULT }; do printf -v "R_${kv%%=*}" '%s' "${kv#*=}"; done
  R_unexpected=$(grep '^UNEXPECTED ' <<<"$out" | cut -c12-200 || true)
  R_rps=$(awk -v n="$R_ok" -v d="$R_duration_us" 'BEGIN { printf "%.0f", n / (d / 1e6) }')
}

# measure label script url kind [wrk args...]: a warm-up (unless WARMUP=0 or kind is `once`:
# login and confirm, whose warm-up would use up accounts' throttles or pending bookings), then
# the measured run; sets last_*. kind: read | write | once.
measure() {
  local label=$1 script=$2 url=$3 kind=$4
  shift 4
  if [ "$(secs "$WARMUP")" != 0 ] && [ "$kind" != once ]; then wrk_run "$WARMUP" "$script" "$url" "$@"; fi
  reset_peak
  local s0 p0 pg_us=""
  s0=$(proc_ticks "$server"); [ "$store" = postgres ] && p0=$(pg_ticks)
  wrk_run "$DURATION" "$script" "$url" "$@"
  [ -n "${p0:-}" ] && pg_us=$(us_per $(($(pg_ticks) - p0)) "$R_requests")
  note "$store $label: CPU per request: server $(us_per $(($(proc_ticks "$server") - s0)) "$R_requests") µs${pg_us:+, Postgres $pg_us µs}"
  local rss
  rss=$(awk -v k="$(rss_kb VmHWM)" 'BEGIN { printf "%.1f", k / 1024 }')
  say "$store $label: $R_rps req/s, p50 $(ms "$R_p50_us") ms, p99 $(ms "$R_p99_us") ms, $R_ok ok of $R_requests${R_statuses:+ ($R_statuses)}"
  local bad=$((R_requests - R_ok))
  if [ "$bad" -gt 0 ]; then
    note "$store $label: $bad of $R_requests responses were not the expected status${R_statuses:+ ($R_statuses)}${R_unexpected:+; first: $R_unexpected}"
  fi
  last_rps=$R_rps; last_p50=$(ms "$R_p50_us"); last_p99=$(ms "$R_p99_us"); last_rss=$rss
}

# CPU time -------------------------------------------------------------------------------------
# Where a workload's CPU goes on the shared cores: the server's, and the local Postgres
# cluster's (its postmaster's running children plus those it has reaped, so pgbench's
# backends, which come and go within a run, count too). Noted per request for `measure`d
# workloads and per transaction for pgbench: Postgres does the same work per request for both,
# so the server's share is what a ratio to pgbench loses. Postgres's figure is left out when
# its data directory is not readable here (a server elsewhere).
hz=$(getconf CLK_TCK)
postmaster=""
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
find_postmaster() {
  local dir
  dir=$(psql -Atq "$db_url" -c "SHOW data_directory" 2>/dev/null) || return 0
  [ -r "$dir/postmaster.pid" ] && postmaster=$(head -n1 "$dir/postmaster.pid")
  [ -n "$postmaster" ] && [ -r "/proc/$postmaster/stat" ] || postmaster=""
}
pg_ticks() { # empty without a local postmaster
  [ -n "$postmaster" ] || return 0
  local sum p
  sum=$(awk '{ print $16 + $17 }' "/proc/$postmaster/stat")
  for p in $(pgrep -P "$postmaster"); do sum=$((sum + $(proc_ticks "$p"))); done
  echo "$sum"
}
us_per() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n }'; } # ticks count

# pgbench --------------------------------------------------------------------------------------
# pgbench_run name mode: the same concurrency as wrk; p50/p99 from its per-transaction log.
pgbench_run() { # name mode clients
  local name=$1 mode=$2 clients=$3 out
  local args=(-n -M "$mode" -c "$clients" -j "$THREADS" -D talent="$TALENT" -D users="$USERS"
    -D bookings="$BOOKINGS" -D celebrities="$CELEBRITIES" -D admin="$admin_id" -f "bench/sql/$name.sql")
  if [ "$(secs "$WARMUP")" != 0 ]; then pgbench "${args[@]}" -T "$(secs "$WARMUP")" "$db_url" >/dev/null 2>&1 || true; fi
  rm -f "$work"/pgb.*
  local p0 pg_us=""
  p0=$(pg_ticks)
  out=$(pgbench "${args[@]}" -T "$(secs "$DURATION")" -l --log-prefix="$work/pgb" "$db_url" 2>&1) || {
    echo "$out" >&2; die "pgbench $name failed"; }
  P_tps=$(awk '/^tps = / {printf "%.0f", $3}' <<<"$out")
  [ -n "$p0" ] && pg_us=$(us_per $(($(pg_ticks) - p0)) \
    "$(awk -F': ' '/transactions actually processed/ { split($2, n, "/"); print n[1] }' <<<"$out")")
  [ -n "$pg_us" ] && note "pgbench $name (-M $mode, -c $clients): CPU per transaction: Postgres $pg_us µs"
  local failed aborted
  failed=$(awk -F': ' '/number of failed transactions/ {print $2}' <<<"$out" | cut -d' ' -f1)
  aborted=$(grep -c 'aborted' <<<"$out" || true)
  [ "${failed:-0}" = 0 ] && [ "$aborted" = 0 ] || note "pgbench $name: ${failed:-?} failed transactions, $aborted client aborts"
  read -r P_p50 P_p99 < <(cat "$work"/pgb.* | awk '{print $3}' | sort -n |
    awk '{ v[NR] = $1 } END { printf "%.2f %.2f\n", v[int(NR * 0.50) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000 }')
  say "pgbench $name (-M $mode, -c $clients): $P_tps tps, p50 $P_p50 ms, p99 $P_p99 ms"
}

# The SQL check --------------------------------------------------------------------------------
# Serves once with every statement logged, makes one request of each workload, and compares
# the statements with bench/sql/statements.txt (what the pgbench scripts were written from).
find_pg_log() {
  if [ -n "${BENCH_PG_LOG:-}" ]; then echo "$BENCH_PG_LOG"; return; fi
  local f
  f=$(psql -Atq "$db_url" -c "SELECT pg_current_logfile()" 2>/dev/null || true)
  if [ -n "$f" ] && [ "${f#/}" = "$f" ]; then
    f="$(psql -Atq "$db_url" -c "SHOW data_directory")/$f"
  fi
  [ -n "$f" ] || f=$(ls -t /var/log/postgresql/postgresql-*.log 2>/dev/null | head -n1 || true)
  echo "$f"
}
check_sql() {
  local logfile
  logfile=$(find_pg_log)
  if [ -z "$logfile" ] || [ ! -r "$logfile" ]; then
    note "SQL check skipped: the Postgres server log is not readable here (set BENCH_PG_LOG); the pgbench scripts are as written from bench/sql/statements.txt"
    return
  fi
  psql -q "$db_url" -c "ALTER DATABASE $dbname SET log_statement = 'all'" >/dev/null
  start_server HEADLINER_OUTBOX_RELAY=false
  tokens
  local customer token celebrity booking pending offset
  read -r customer token < <(head -n1 "$work/tokens.map")
  celebrity=$(sed -n "$((CELEBRITIES / 2))p" "$work/celebrities.txt")
  booking=$(awk -v c="$customer" '$1 == c {print $2; exit}' "$work/customer-bookings.txt")
  pending=$(tail -n1 "$work/pending.txt")
  offset=$(stat -c %s "$logfile")
  mark() { psql -q "$db_url" -c "SELECT 'bench-mark $1'" >/dev/null; }
  mark catalogue; api GET "/api/v1/celebrities?limit=20" >/dev/null
  mark search; api GET "/api/v1/celebrities?q=ada&limit=20" >/dev/null
  mark celebrity; api GET "/api/v1/celebrities/$celebrity" >/dev/null
  mark booking_detail; api GET "/api/v1/bookings/$booking" "$token" >/dev/null
  mark create; api POST /api/v1/bookings "$token" "{\"celebrity_id\":\"$celebrity\",\"starts_at\":\"2031-06-01T18:00:00Z\",\"ends_at\":\"2031-06-01T20:00:00Z\",\"timezone\":\"Europe/London\",\"event_type\":\"performance\",\"location\":\"Hall\",\"message\":\"\"}" >/dev/null
  mark confirm; api POST "/api/v1/bookings/$pending/confirm" "$admin_token" >/dev/null
  mark login; login_token "customer$((USERS - 1))@bench.example" >/dev/null
  mark end
  stop_server
  psql -q "$db_url" -c "ALTER DATABASE $dbname RESET log_statement" >/dev/null
  sleep 0.2
  tail -c +$((offset + 1)) "$logfile" | grep -F "@$dbname " | sed -nE 's/^.* LOG:  (.*)$/\1/p' | awk '
    /^statement: SELECT .bench-mark / { section = $4; gsub("\x27", "", section); if (section != "end") print "\n## " section; next }
    section == "" || section == "end" { next }
    /SET TIME ZONE|SET CLIENT_ENCODING/ { next }
    sub(/^execute __diesel_stmt_[0-9]+: /, "prepared: ") || sub(/^execute <unnamed>: /, "unnamed:  ") ||
      sub(/^statement: /, "simple:   ") { print }' | sed '1{/^$/d}' >"$work/statements.txt"
  rm -f bench/results/statements-captured.txt
  if diff -u bench/sql/statements.txt "$work/statements.txt" >"$work/statements.diff"; then
    note "SQL check: the endpoints run exactly the statements bench/sql/*.sql were written from (bench/sql/statements.txt)"
  else
    cp "$work/statements.txt" bench/results/statements-captured.txt
    note "SQL CHECK FAILED: the endpoints' SQL differs from bench/sql/statements.txt (captured: bench/results/statements-captured.txt); the pgbench ceilings may no longer run the same SQL — update bench/sql/ and statements.txt"
    cat "$work/statements.diff" >&2
  fi
}

# The workloads of one store ---------------------------------------------------------------------
# Ceilings are measured next to what they bound, so background load that comes and goes (other
# builds on a shared machine) hits both alike:
#   - HTTP-bound reads (catalogue, celebrity): ROUNDS rounds of DURATION/ROUNDS each, /health/live
#     slices between the workload's slices (H W H W ... H); each slice is compared with the mean
#     of the /health/live slices beside it, and the ratio is the median of those;
#   - database-bound work (Postgres): the server is stopped right after the workload (and the
#     relay's drain) and pgbench runs the same SQL at once; then the server starts again.
# The spread of all /health/live slices is reported as the run's noise.
health_all=()
mean2() { echo $(( ($1 + $2) / 2 )); }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# paired label script url [wrk args...]: the interleaved rounds; sets last_* and last_ratio,
# last_ceiling (mean of the /health/live slices used).
paired() {
  local label=$1 script=$2 url=$3
  shift 3
  local rounds=${ROUNDS:-5} slice
  slice=$(( $(secs "$DURATION") / rounds )); [ "$slice" -ge 1 ] || slice=1
  if [ "$(secs "$WARMUP")" != 0 ]; then wrk_run "$WARMUP" "$script" "$url" "$@"; fi
  reset_peak
  local h_prev h ok=0 dur=0 ratios=() p50s=() p99s=() hs=() r
  # /health/live slices use static.lua with no other setting.
  BENCH_TARGETS="" wrk_run "${slice}s" static.lua "$base/health/live"; h_prev=$R_rps; hs+=("$R_rps")
  for ((r = 1; r <= rounds; r++)); do
    wrk_run "${slice}s" "$script" "$url" "$@"
    ok=$((ok + R_ok)); dur=$((dur + R_duration_us)); p50s+=("$R_p50_us"); p99s+=("$R_p99_us")
    local w=$R_rps bad=$((R_requests - R_ok))
    [ "$bad" -gt 0 ] && note "$store $label: $bad of $R_requests responses not as expected in round $r${R_unexpected:+; first: $R_unexpected}"
    BENCH_TARGETS="" wrk_run "${slice}s" static.lua "$base/health/live"; h=$R_rps; hs+=("$R_rps")
    ratios+=("$(awk -v w="$w" -v a="$h_prev" -v b="$h" 'BEGIN { printf "%.4f", w / ((a + b) / 2) }')")
    h_prev=$h
  done
  health_all+=("${hs[@]}")
  last_rps=$(awk -v n="$ok" -v d="$dur" 'BEGIN { printf "%.0f", n / (d / 1e6) }')
  last_p50=$(ms "$(median "${p50s[@]}")")
  last_p99=$(ms "$(median "${p99s[@]}")")
  local worst
  worst=$(ms "$(printf '%s\n' "${p99s[@]}" | sort -n | tail -n1)")
  awk -v w="$worst" -v m="$last_p99" 'BEGIN { exit !(w > 2 * m) }' &&
    note "$store $label: p99 by round $(for x in "${p99s[@]}"; do printf '%s ' "$(ms "$x")"; done)ms (the table shows the median round's)"
  last_rss=$(awk -v k="$(rss_kb VmHWM)" 'BEGIN { printf "%.1f", k / 1024 }')
  last_ratio=$(awk -v r="$(median "${ratios[@]}")" 'BEGIN { printf "%.2f", r }')
  local sum=0 x; for x in "${hs[@]}"; do sum=$((sum + x)); done
  last_ceiling=$((sum / ${#hs[@]}))
  say "$store $label: $last_rps req/s over $rounds rounds, ratios ${ratios[*]} (median $last_ratio); /health/live slices ${hs[*]}"
}

# Postgres only: stop the server, measure the pgbench ceiling(s) of `key`, start it again.
# ceiling key script mode label [prepared-too]
ceiling() {
  [ "$store" = postgres ] || return 0
  local restart=""
  if [ -n "$server" ]; then stop_server; restart=1; fi
  add_ceiling "$1" "$2" "$3" "$4"
  if [ -n "${5:-}" ]; then
    # For comparison: every statement prepared (what caching the lock, the probe, the inserts
    # and the update would give), at the pool's concurrency.
    pgbench_run "$2" prepared "$pool"
    crow postgres "pgbench: $1 transaction with every statement prepared (-M prepared), -c $pool — for comparison" \
      "$P_tps" "$P_p50" "$P_p99" "" "" "" "" "" ""
  fi
  # pgbench's writes queue outbox rows as the app's do; the relay must not spend the next
  # workload sending them (the app's own were drained before), so they are marked sent.
  psql -q "$db_url" -c "UPDATE outbox SET status = 'sent', sent_at = now() WHERE status = 'pending'" >/dev/null
  if [ -n "$restart" ]; then start_server; tokens; fi
}

# pgbench at the same concurrency as wrk, as the issue asks, and at the server's own database
# concurrency (its pool size): 64 backends on a small machine can do less than 16, and the
# ceiling is whichever does more (the stricter comparison).
pool=$(sed -nE 's/.*HEADLINER_DB_POOL_SIZE=([0-9]+).*/\1/p' <<<"${BENCH_SERVER_ENV:-}")
pool=${pool:-16}
declare -A ceiling_rps ceiling_name
add_ceiling() { # key script mode label
  local best=0 best_c="" c
  for c in $(printf '%s\n' "$CONNECTIONS" "$pool" | sort -un); do
    pgbench_run "$2" "$3" "$c"
    crow postgres "pgbench: $4, -c $c" "$P_tps" "$P_p50" "$P_p99" "" "" "" "" "" ""
    if [ "$P_tps" -gt "$best" ]; then best=$P_tps; best_c=$c; fi
  done
  ceiling_rps[$1]=$best
  ceiling_name[$1]="pgbench: $4 (-c $best_c)"
}

run_store() {
  local enc=()
  [ -n "$BENCH_ACCEPT_ENCODING" ] && enc=(-H "Accept-Encoding: $BENCH_ACCEPT_ENCODING")
  health_all=()
  say "$store: starting the server"
  start_server
  local ready=$ready_ms idle=$idle_rss_kb
  # A second start: what a restart sees (warm page cache).
  stop_server; start_server
  ready=$(( ready < ready_ms ? ready : ready_ms )); idle=$(( idle < idle_rss_kb ? idle : idle_rss_kb ))
  local idle_mb
  idle_mb=$(awk -v k="$idle" 'BEGIN {printf "%.1f", k / 1024}')
  note "$store: \`serve\` answered /health/ready ${ready} ms after it was spawned (best of 2 starts; the second $ready_ms ms); RSS then $idle_mb MB"
  row "$store" "\`serve\` on a migrated database: ready after spawn, idle RSS" "" "" "" "" "" "" "$idle_mb" \
    "ready < 1000 ms: **${ready} ms**; idle RSS < 40 MB" "$([ "$ready" -lt 1000 ] && [ "$idle" -lt 40960 ] && echo yes || echo NO)"
  tokens

  if wants catalogue; then
    paired "catalogue page (cached)" static.lua "$base/api/v1/celebrities?limit=20" "${enc[@]}"
    save_last; pending_row catalogue "catalogue page, cached — GET /celebrities?limit=20" "h:$last_ceiling:$last_ratio" 0.80
    # The same cached page as a browser asks for it: every response is compressed again.
    paired "catalogue page (cached, compressed)" static.lua "$base/api/v1/celebrities?limit=20" \
      -H "Accept-Encoding: $BROWSER_ENCODING"
    save_last; pending_row catalogue "catalogue page, cached, as a browser asks (Accept-Encoding: $BROWSER_ENCODING)" \
      "h:$last_ceiling:$last_ratio" 0.80
  fi
  if wants sizes; then
    # What the body's size costs: the same cached route at other sizes (`catalogue` is limit=20).
    local limit bytes
    for limit in 1 5 100; do
      bytes=$(curl -fsS "${enc[@]}" "$base/api/v1/celebrities?limit=$limit" | wc -c)
      paired "catalogue page (cached, limit=$limit)" static.lua "$base/api/v1/celebrities?limit=$limit" "${enc[@]}"
      save_last; pending_row sizes "catalogue page, cached, $bytes bytes — GET /celebrities?limit=$limit" \
        "h:$last_ceiling:$last_ratio" ""
    done
  fi
  if wants celebrity; then
    BENCH_TARGETS="$work/celebrity-targets.txt" BENCH_ACCEPT_ENCODING="$BENCH_ACCEPT_ENCODING" \
      paired "celebrity detail" targets.lua "$base"
    save_last; pending_row celebrity "celebrity detail — GET /celebrities/{id}, $(grep -c . "$work/celebrities.txt") ids, cache on" \
      "h:$last_ceiling:$last_ratio" ""
  fi
  if wants booking_detail; then
    tokens
    BENCH_TARGETS="$work/booking-targets.txt" BENCH_ACCEPT_ENCODING="$BENCH_ACCEPT_ENCODING" \
      measure "booking detail" targets.lua "$base" read
    save_last; pending_row booking_detail "booking detail as its customer — GET /bookings/{id}" booking_detail 0.50
    ceiling booking_detail booking_detail prepared "booking detail SQL (-M prepared)"
  fi
  if wants login; then
    BENCH_EXPECT=200 BENCH_ACCOUNTS="$work/accounts.txt" BENCH_PASSWORD="$PASSWORD" \
      measure "login" login.lua "$base" once
    save_last; pending_row login "login — POST /auth/login (argon2id)" "" ""
  fi
  if wants create; then
    tokens
    BENCH_EXPECT=201 BENCH_CELEBRITIES="$work/celebrities.txt" BENCH_TOKENS="$work/tokens.txt" \
      measure "booking creation" create.lua "$base" write
    save_last; pending_row create "booking creation — POST /bookings" create 0.55
    drain "booking creation"
    ceiling create create extended "creation transaction (-M extended)" prepared-too
  fi
  if wants confirm; then
    tokens
    BENCH_EXPECT=200 BENCH_BOOKINGS="$work/pending.txt" BENCH_TOKEN="$admin_token" \
      measure "confirm" confirm.lua "$base" once
    save_last; pending_row confirm "confirm — POST /bookings/{id}/confirm as admin" confirm ""
    drain "confirm"
    ceiling confirm confirm extended "confirm transaction (-M extended)" prepared-too
  fi
  if [ "${#health_all[@]}" -gt 0 ]; then
    local n=${#health_all[@]} sum=0 min=${health_all[0]} max=${health_all[0]} h
    for h in "${health_all[@]}"; do sum=$((sum + h)); ((h < min)) && min=$h; ((h > max)) && max=$h; done
    local mean=$((sum / n)) spread
    spread=$(awk -v a="$min" -v b="$max" -v m="$mean" 'BEGIN { printf "%.0f", 100 * (b - a) / m }')
    crow "$store" "GET /health/live — the HTTP ceiling, mean of $n slices (min–max: $min–$max)" "$mean" "" "" "" "" "" "" "" ""
    note "$store: /health/live slices, in order: ${health_all[*]} req/s; (max − min) / mean = ${spread} % is this run's noise"
  fi
  note "$store: server RSS after the workloads $(awk -v k="$(rss_kb VmRSS)" 'BEGIN {printf "%.1f", k / 1024}') MB"
  stop_server

  if wants search; then
    say "$store: serving with the cache off (HEADLINER_CACHE_TTL_SECS=0) for search"
    start_server HEADLINER_CACHE_TTL_SECS=0
    BENCH_TARGETS="$work/search-targets.txt" BENCH_ACCEPT_ENCODING="$BENCH_ACCEPT_ENCODING" \
      measure "catalogue search (uncached)" targets.lua "$base" read
    save_last; pending_row search "catalogue search, uncached — GET /celebrities?q=<name>" search 0.75
    stop_server
    ceiling search search prepared "search SQL (-M prepared)"
  fi
}

# Rows wait for their ceilings (pgbench runs after the store's workloads). Fields are
# separated by \x1f, so empty ones survive `read`.
pending="$work/pending-rows"
: >"$pending"
save_last() { saved=("$last_rps" "$last_p50" "$last_p99" "$last_rss"); }
pending_row() { # key label ceiling(number = req/s of /health/live | pgbench key | "") goal_ratio
  printf '%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\n' \
    "$1" "$store" "$2" "${saved[0]}" "${saved[1]}" "${saved[2]}" "$3" "$4" "${saved[3]}" "end" >>"$pending"
}

finish_rows() { # store
  local key st label rps p50 p99 ceil goal rss end c cname ratio met goals verdicts
  while IFS=$'\x1f' read -r key st label rps p50 p99 ceil goal rss end; do
    [ "$st" = "$1" ] || continue
    c=""; cname=""; ratio=""; goals=""; verdicts=""
    if [[ "$ceil" == h:* ]]; then
      IFS=: read -r _ c ratio <<<"$ceil"
      cname="GET /health/live, interleaved (ratio: median of the rounds)"
    elif [ -n "$ceil" ] && [ "$st" = postgres ]; then
      c="${ceiling_rps[$ceil]:-}"; cname="${ceiling_name[$ceil]:-}"
    fi
    [ -n "$c" ] && [ -z "$ratio" ] && ratio=$(awk -v r="$rps" -v c="$c" 'BEGIN { printf "%.2f", r / c }')
    # met: NO when a goal is missed, yes when every goal that can be judged here is met.
    if [ -n "$goal" ] && [ -n "$ratio" ]; then
      goals="≥ $goal × ceiling"
      awk -v r="$ratio" -v g="$goal" 'BEGIN { exit !(r >= g) }' && verdicts+=y || verdicts+=n
    elif [ -n "$goal" ]; then
      goals="(≥ $goal × pgbench: Postgres only)"
    fi
    case "$key" in catalogue|celebrity|booking_detail|search)
      goals="${goals:+$goals; }p99 < 25 ms"
      awk -v p="$p99" 'BEGIN { exit !(p < 25) }' && verdicts+=y || verdicts+=n ;;
    esac
    case "$verdicts" in *n*) met=NO ;; *y*) met=yes ;; *) met="" ;; esac
    row "$st" "$label" "$rps" "$p50" "$p99" "$cname" "$c" "$ratio" "$rss" "$goals" "$met"
  done <"$pending"
  cat "$ceil_rows" >>"$rows"
  : >"$ceil_rows"
}

# Postgres pass --------------------------------------------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
slot_base=$(( ($(date +%s) / 86400 + 400) * 86400 ))
admin_id=""
db_url=""

seed_postgres() {
  dbname="headliner_bench_$$"
  db_url="${BENCH_DATABASE_URL%/*}/$dbname"
  psql -q "$BENCH_DATABASE_URL" -c "CREATE DATABASE $dbname" >/dev/null
  local t0
  t0=$(date +%s%N)
  (cd "$work" && env DATABASE_URL="$db_url" HEADLINER_DATA_DIR="$work/pg-data" HEADLINER_LOG=warn "$bin" migrate) >>"$work/server.log" 2>&1
  printf '%s\n' "$PASSWORD" | (cd "$work" && env DATABASE_URL="$db_url" HEADLINER_DATA_DIR="$work/pg-data" HEADLINER_LOG=warn \
    "$bin" create-admin --email admin@bench.example --name "Bench Admin") >>"$work/server.log" 2>&1
  say "seeding $CELEBRITIES celebrities, $BOOKINGS bookings, $USERS users (bench/seed.sql)"
  psql -q "$db_url" -v celebrities="$CELEBRITIES" -v bookings="$BOOKINGS" -v users="$USERS" -f bench/seed.sql >/dev/null
  note "Postgres: migrate + create-admin + seed took $(( ($(date +%s%N) - t0) / 1000000 )) ms; database $(psql -Atq "$db_url" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
  admin_id=$(psql -Atq "$db_url" -c "SELECT id FROM users WHERE role = 'admin'")

  # The request lists, from the seed (the same ids on both stores).
  psql -Atq "$db_url" -c "SELECT id FROM celebrities WHERE deleted_at IS NULL ORDER BY md5(id::text)" >"$work/celebrities.txt"
  sed 's|^|/api/v1/celebrities/|' "$work/celebrities.txt" >"$work/celebrity-targets.txt"
  sed 's|^\(.*\)$|/api/v1/celebrities?q=\1\&limit=20|' bench/sql/search-words.txt >"$work/search-targets.txt"
  # Customers with their bookings, for the booking detail (the first $TOKEN_CUSTOMERS log in).
  psql -Atq "$db_url" -c "SELECT email FROM users WHERE role = 'customer' AND email LIKE 'customer%' ORDER BY email" >"$work/customers.txt"
  psql -Atq -F' ' "$db_url" -c "SELECT u.email, b.id FROM bookings b JOIN users u ON u.id = b.customer_id" >"$work/customer-bookings.txt"
  # Pending bookings at least a day ahead, for confirm (in a shuffled order).
  psql -Atq "$db_url" -c "SELECT id FROM bookings WHERE status = 'pending' AND starts_at > now() + interval '1 day' ORDER BY md5(id::text)" >"$work/pending.txt"
  psql -Atq "$db_url" -c "SELECT email FROM users WHERE role <> 'admin' ORDER BY md5(email)" >"$work/accounts.txt"
}

if [ "${BENCH_SKIP_POSTGRES:-0}" != 1 ] || [ "${BENCH_SKIP_SQLITE:-0}" != 1 ]; then
  # The SQLite pass restores what the Postgres one seeded, so seeding always happens there.
  seed_postgres
  find_postmaster
fi
if [ "${BENCH_SKIP_SQLITE:-0}" != 1 ]; then
  t0=$(date +%s%N)
  (cd "$work" && env DATABASE_URL="$db_url" HEADLINER_DATA_DIR="$work/pg-data" HEADLINER_LOG=warn "$bin" backup "$work/seed.backup") >>"$work/server.log" 2>&1
  t1=$(date +%s%N)
  (cd "$work" && env -u DATABASE_URL HEADLINER_DATA_DIR="$work/sqlite-data" HEADLINER_LOG=warn "$bin" restore "$work/seed.backup") >>"$work/server.log" 2>&1
  note "SQLite: the same data set, moved by \`headliner backup\` ($(( (t1 - t0) / 1000000 )) ms) and \`headliner restore\` into an empty SQLite data folder ($(( ($(date +%s%N) - t1) / 1000000 )) ms); $(du -m "$work/sqlite-data/headliner.db" | cut -f1) MB"
  rm -f "$work/seed.backup"
fi

common_env=(HEADLINER_BIND="127.0.0.1:$PORT" HEADLINER_LOG=warn HEADLINER_LOG_FORMAT=json
  HEADLINER_TRUSTED_PROXIES=127.0.0.1 HEADLINER_RATE_LIMIT_ANONYMOUS=off HEADLINER_RATE_LIMIT_CUSTOMER=off
  HEADLINER_RATE_LIMIT_TALENT=off HEADLINER_RATE_LIMIT_ADMIN=off)

if [ "${BENCH_SKIP_POSTGRES:-0}" != 1 ]; then
  store=postgres
  server_env=(DATABASE_URL="$db_url" HEADLINER_DATA_DIR="$work/pg-data" "${common_env[@]}")
  check_sql
  run_store
  finish_rows postgres
fi

if [ "${BENCH_SKIP_SQLITE:-0}" != 1 ]; then
  store=sqlite
  server_env=(HEADLINER_DATA_DIR="$work/sqlite-data" "${common_env[@]}")
  run_store
  finish_rows sqlite
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The report -------------------------------------------------------------------------------------
report() {
  local commit dirty
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  dirty=$(git status --porcelain --untracked-files=no -- crates migrations Cargo.lock 2>/dev/null | grep -q . && echo " (+ uncommitted changes under crates/)" || true)
  echo "# Benchmark results"
  echo
  echo "$(date -u +'%Y-%m-%d %H:%M UTC'), commit $commit$dirty, by \`bench/run.sh\`$( [ "$QUICK" = 1 ] && echo " in QUICK mode (smoke run: small data set, short runs; not comparable)")."
  echo
  echo "- Machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM; load average $load_before before, $load_after after (other work on the machine shares the cores)."
  if [ -n "$db_url" ]; then
    echo "- Postgres $(psql -Atq "$db_url" -c "SHOW server_version"), same machine: shared_buffers $(psql -Atq "$db_url" -c "SHOW shared_buffers"), synchronous_commit $(psql -Atq "$db_url" -c "SHOW synchronous_commit"), max_connections $(psql -Atq "$db_url" -c "SHOW max_connections")."
  fi
  echo "- Load: wrk $THREADS threads × $CONNECTIONS connections; $DURATION measured after a $WARMUP warm-up (none for login and confirm). Cached reads: ${ROUNDS:-5} rounds interleaved with /health/live slices; ratio, p50 and p99 are the medians over the rounds (a round's p99 more than twice the median is listed in the notes). Database-bound work: pgbench of the same SQL right after it, at -c $CONNECTIONS and at the pool size (-c $pool), -j $THREADS; the better is the ceiling. wrk, pgbench, Postgres and the server share the cores."
  echo "- Data: $CELEBRITIES celebrities (1 % soft-deleted), $BOOKINGS bookings with audit trails and outbox, $USERS users (bench/seed.sql)."
  echo "- Binary: $binary_note."
  echo "- Server: release build, default settings except rate limits off and X-Forwarded-For trusted from 127.0.0.1 (the login workload varies it)${BENCH_SERVER_ENV:+; also $BENCH_SERVER_ENV}. Requests ${BENCH_ACCEPT_ENCODING:+with Accept-Encoding: $BENCH_ACCEPT_ENCODING}${BENCH_ACCEPT_ENCODING:-without Accept-Encoding (uncompressed)}."
  echo "- Peak RSS: the server's VmHWM during that run (reset before it)$peak_note; Postgres's memory is not included."
  echo
  echo "| store | workload | req/s | p50 ms | p99 ms | ceiling | ceiling req/s | ratio | peak RSS MB | goal | met |"
  echo "|---|---|---:|---:|---:|---|---:|---:|---:|---|---|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$rows"
  echo
  echo "Notes:"
  echo
  cat "$notes"
}
report >"$work/report.md"
cat "$work/report.md"
if [ -n "$BENCH_RESULTS" ]; then
  mkdir -p "$(dirname "$BENCH_RESULTS")"
  cp "$work/report.md" "$BENCH_RESULTS"
  say "written to $BENCH_RESULTS"
fi

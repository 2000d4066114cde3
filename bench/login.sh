#!/usr/bin/env bash
# The login benchmark (issue 5) — now a subset of the benchmark harness: logins per second and
# latency (argon2id) under 32 concurrent logins over 1k accounts, each from its own client
# address, on Postgres and SQLite (the accounts are seeded in Postgres, so it needs one:
# BENCH_DATABASE_URL). Every setting of bench/run.sh applies; the table is printed, not written
# to bench/results/ unless BENCH_RESULTS names a file.
#   bench/login.sh
#   DURATION=60s CONNECTIONS=64 bench/login.sh
exec env WORKLOADS=login CONNECTIONS="${CONNECTIONS:-32}" BENCH_RESULTS="${BENCH_RESULTS-}" "$(dirname "$0")/run.sh"

#!/usr/bin/env bash
# The catalogue and booking reads (issue 6) — now a subset of the benchmark harness: the cached
# catalogue page, celebrity detail, uncached search and booking detail, beside /health/live and
# pgbench, on Postgres and SQLite (the data set is seeded in Postgres, so it needs one:
# BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres). Every setting of
# bench/run.sh applies; the table is printed, not written to bench/results/ unless
# BENCH_RESULTS names a file.
#   bench/catalogue.sh
#   BENCH_SKIP_SQLITE=1 DURATION=20s bench/catalogue.sh
exec env WORKLOADS="${WORKLOADS:-catalogue celebrity search booking_detail}" BENCH_RESULTS="${BENCH_RESULTS-}" \
  "$(dirname "$0")/run.sh"

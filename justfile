# Headliner's everyday commands. `just --list` shows them.

export CARGO_TARGET_DIR := env_var_or_default("CARGO_TARGET_DIR", env_var("HOME") / ".cache/headliner/target")
pg_url := env_var_or_default("HEADLINER_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# Serve on the embedded defaults (SQLite in ./data, mail as .eml files).
run *ARGS:
    cargo run -- {{ARGS}}

# The whole test suite; Postgres tests are skipped (and say so) without HEADLINER_TEST_DATABASE_URL.
test *ARGS:
    cargo test --workspace {{ARGS}}

# The whole test suite including Postgres tests, against the local server.
test-pg *ARGS:
    HEADLINER_TEST_DATABASE_URL={{pg_url}} cargo test --workspace {{ARGS}}

# Format check, clippy with warnings as errors, and the hexagon's dependency rule.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    ./scripts/check-dependency-rule.sh

# Format the code.
fmt:
    cargo fmt --all

# What CI runs.
ci:
    bash .ci/run

# Start the local Postgres (the machine's cluster, or the compose service when docker runs).
db-up:
    #!/usr/bin/env bash
    set -euo pipefail
    if command -v pg_ctlcluster >/dev/null; then
      pg_isready -q -h 127.0.0.1 || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
      pg_isready -h 127.0.0.1
    else
      docker compose up -d postgres
    fi

# The benchmark harness: release build, 10k celebrities / 100k bookings / 1k users on Postgres
# then SQLite, wrk beside /health/live and pgbench ceilings; the table goes to
# bench/results/latest.md. Settings by environment (see bench/run.sh): `QUICK=1 just bench`,
# `BENCH_SKIP_SQLITE=1 just bench`, `WORKLOADS="search login" just bench`, ...
bench:
    bench/run.sh

#!/usr/bin/env bash
# The hexagon's dependency rule (docs/ARCHITECTURE.md): inner crates never reach infrastructure.
# Lists each crate's whole normal (non-dev) dependency graph and fails on any forbidden package.
set -euo pipefail
cd "$(dirname "$0")/.."

# crate => packages it must never depend on, directly or transitively
declare -A forbidden=(
  [headliner-domain]="tokio async-trait diesel actix-web lettre reqwest"
  [headliner-ports]="diesel actix-web lettre reqwest"
  [headliner-services]="diesel actix-web lettre reqwest"
  [headliner-postgres]="actix-web"
  [headliner-sqlite]="actix-web"
  [headliner-diesel]="actix-web"
  [headliner-smtp]="actix-web diesel"
  [headliner-stripe]="actix-web diesel"
  [headliner-files]="actix-web diesel"
)

status=0
for crate in "${!forbidden[@]}"; do
  deps=$(cargo tree --locked -q -p "$crate" -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
  if [ -z "$deps" ]; then
    echo "dependency rule: cannot list the dependencies of $crate" >&2
    exit 2
  fi
  for bad in ${forbidden[$crate]}; do
    if grep -qx -- "$bad" <<<"$deps"; then
      echo "dependency rule broken: $crate depends on $bad:" >&2
      cargo tree --locked -q -p "$crate" -e normal -i "$bad" >&2 || true
      status=1
    fi
  done
done
if [ "$status" -eq 0 ]; then
  echo "dependency rule: ok (domain, ports, services free of infrastructure; adapters free of the web framework)"
fi
exit "$status"

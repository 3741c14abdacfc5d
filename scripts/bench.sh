#!/usr/bin/env bash
# Measures POST /api/v1/requests and GET /api/v1/requests/{id} on both backends with the
# release build, next to the bare handlers of linli-baseline doing the same storage work.
# Usage: scripts/bench.sh [seconds] [concurrency]   (the PostgreSQL run needs the local server)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conc=${2:-16}
cargo build --release --locked --bin linli --bin linli-load --bin linli-baseline
work=$(mktemp -d)
dbs=()
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  for db in "${dbs[@]}"; do
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }

database() { # backend name: sets $url (not in a subshell, so cleanup sees the database)
  if [ "$1" = sqlite ]; then
    mkdir -p "$work/$2"; url="sqlite://$work/$2/linli.db"
  else
    local db="linli_bench_$2_$$"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
    dbs+=("$db"); url="postgres://postgres@127.0.0.1:5432/$db"
  fi
}

measure() { # backend
  database "$1" baseline
  target/release/linli-baseline "$url" 18099 >"$work/baseline-$1.log" 2>&1 &
  server=$!
  wait_for http://127.0.0.1:18099/baseline/requests/1
  for scenario in submit read; do
    printf '%-8s ' "$1"
    target/release/linli-load --baseline --url http://127.0.0.1:18099 --scenario "$scenario" --seconds "$secs" --concurrency "$conc"
  done
  kill "$server"; wait "$server" 2>/dev/null || true; server=

  database "$1" api
  LINLI_BIND=127.0.0.1:18090 LINLI_DATA_DIR="$work/$1-api" DATABASE_URL="$url" RUST_LOG=warn \
    LINLI_DEMO_HISTORY=0 target/release/linli serve --demo >"$work/api-$1.log" 2>&1 &
  server=$!
  wait_for http://127.0.0.1:18090/readyz
  for scenario in submit read; do
    printf '%-8s ' "$1"
    target/release/linli-load --url http://127.0.0.1:18090 --scenario "$scenario" --seconds "$secs" --concurrency "$conc"
  done
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}

measure sqlite
if pg_isready -h 127.0.0.1 -q; then measure postgres; fi

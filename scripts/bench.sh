#!/usr/bin/env bash
# Measures submit and read-by-id on both backends with the release build and linli-load.
# Usage: scripts/bench.sh [seconds] [concurrency]   (needs the local PostgreSQL for the PG run)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conc=${2:-32}
cargo build --release --locked --bin linli --bin linli-load
work=$(mktemp -d)
pgdb="linli_bench_$$"
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

run() { # backend database_url
  LINLI_BIND=127.0.0.1:18090 LINLI_DATA_DIR="$work/$1" DATABASE_URL="$2" RUST_LOG=warn \
    LINLI_DEMO_HISTORY=0 target/release/linli serve --demo >"$work/$1.log" 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18090/readyz >/dev/null && break; sleep 0.2; done
  for scenario in submit read; do
    printf '%-8s ' "$1"
    target/release/linli-load --url http://127.0.0.1:18090 --scenario "$scenario" --seconds "$secs" --concurrency "$conc"
  done
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}

run sqlite "sqlite://$work/sqlite/linli.db"
if psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $pgdb" >/dev/null 2>&1; then
  run postgres "postgres://postgres@127.0.0.1:5432/$pgdb"
fi

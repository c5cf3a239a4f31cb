#!/usr/bin/env bash
# Compares service jars on creates and reads, for measuring one change before and after:
#   bench/compare-jars.sh before.jar after.jar [more.jar ...]
# Each jar gets a fresh database and the same load: wrk, C connections, WARMUP seconds then T
# seconds of creates, then the same of reads of the ids it made. Run it twice with the jars in
# opposite orders: on a shared machine one pass means little. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
C=${C:-32} T=${T:-15} WARMUP=${WARMUP:-20}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
unset DATABASE_URL PGDATABASE
work=target/compare-jars
mkdir -p "$work"
issuer="https://login.microsoftonline.com/2f4a9838-26b7-47ee-be60-ccc1fdec5953/v2.0"
audience="api://lro-bench"
java bench/BenchTokens.java "$work/jwks.json" "$issuer" "$audience" 6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0 >"$work/tokens"
export BENCH_TOKEN BENCH_IDS="$work/ids"
BENCH_TOKEN=$(head -1 "$work/tokens")
port=$(python3 bench/report.py free-port)
base="http://127.0.0.1:$port/beta/me/authentication/operations"
rate() { wrk -t "$(nproc)" -c "$C" -d "${1}s" --timeout 10s -s "$2" "$3" | awk '/Requests\/sec/ {print $2}'; }

for jar in "$@"; do
  db="lro_compare_$$"
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" 2>/dev/null
  # As make bench runs it (scripts/run-service.sh: with an AOT cache only where one was made for that
  # jar), and the per-caller throttle raised, as the one bench user stands for many.
  PGDATABASE=$db HTTP_PORT=$port AUTH_JWKS="$work/jwks.json" AUTH_ISSUER="$issuer" AUTH_AUDIENCE="$audience" \
    THROTTLE_RATE_PER_SECOND=1000000000 THROTTLE_BURST=1000000000 \
    scripts/run-service.sh "$jar" >"$work/service.log" 2>&1 &
  pid=$!
  until curl -fs -m 1 -o /dev/null "http://127.0.0.1:$port/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
    sleep 0.05
  done
  rate "$WARMUP" bench/lua/create.lua "$base" >/dev/null
  creates=$(rate "$T" bench/lua/create.lua "$base")
  psql -X -At -d "$db" -c "SELECT id FROM operations" >"$BENCH_IDS"
  rate "$WARMUP" bench/lua/read.lua "$base/" >/dev/null
  reads=$(rate "$T" bench/lua/read.lua "$base/")
  printf '%s\tcreates/s %s\treads/s %s\n' "$jar" "$creates" "$reads"
  kill "$pid"; wait "$pid" || true
  psql -X -q -d postgres -c "DROP DATABASE $db WITH (FORCE)"
done

#!/usr/bin/env bash
# Compares service jars on creates and reads, for measuring one change before and after:
#   bench/compare-jars.sh before.jar after.jar [more.jar ...]
# Each jar gets a fresh database and the same load: wrk, C connections, WARMUP seconds then T
# seconds of creates, then the same of reads of the ids it made. Each line gives the rates and the
# service's own CPU per request (user + system, from /proc), the figure that moves least with noise.
# Run it twice with the jars in opposite orders: on a shared machine one pass means little.
# PROFILE=1 also records each measured run with JFR (bench/profile.jfc) and sums it by package and
# method into target/compare-jars/<jar>-<creates|reads>.md, as make bench PROFILE=1 does. Not part of
# `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
C=${C:-32} T=${T:-15} WARMUP=${WARMUP:-20} PROFILE=${PROFILE:-0}
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
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The service's CPU in µs per request over the T seconds that gave `rate`: per_request PID BEFORE RATE
# profiled PID NAME COMMAND...: runs the command, under a JFR recording of PID when PROFILE=1.
profiled() {
  local pid=$1 name=$2; shift 2
  [[ $PROFILE == 1 ]] || { "$@"; return; }
  local jcmd; jcmd="$(dirname "$(readlink -f "/proc/$pid/exe")")/jcmd"
  "$jcmd" "$pid" JFR.start name=compare settings=bench/profile.jfc filename="$PWD/$work/$name.jfr" >/dev/null
  "$@"
  "$jcmd" "$pid" JFR.stop name=compare >/dev/null
  python3 bench/report.py profile --jfr "$(dirname "$jcmd")/jfr" --phase "$name" --out "$work/$name.md" "$work/$name.jfr" >/dev/null
}
per_request() { awk -v a="$2" -v b="$(cpu "$1")" -v r="$3" -v t="$T" -v hz="$ticks" 'BEGIN {printf "%.1f", (b - a) * 1e6 / hz / (r * t)}'; }

for jar in "$@"; do
  db="lro_compare_$$"
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" 2>/dev/null
  # Commits that do not wait on the disk: the jars' CPU is what is compared, and this machine's fsync
  # times moved creates/s, and with it the CPU per create, by a third from one run of a jar to the next.
  psql -X -q -d postgres -c "ALTER DATABASE $db SET synchronous_commit = off"
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
  before=$(cpu "$pid")
  creates=$(profiled "$pid" "$(basename "$jar" .jar)-creates" rate "$T" bench/lua/create.lua "$base")
  create_cpu=$(per_request "$pid" "$before" "$creates")
  psql -X -At -d "$db" -c "SELECT id FROM operations" >"$BENCH_IDS"
  # The creates' writes flushed and their table vacuumed before the reads, not during them.
  psql -X -q -d "$db" -c "VACUUM ANALYZE operations" -c "CHECKPOINT"
  rate "$WARMUP" bench/lua/read.lua "$base/" >/dev/null
  before=$(cpu "$pid")
  reads=$(profiled "$pid" "$(basename "$jar" .jar)-reads" rate "$T" bench/lua/read.lua "$base/")
  read_cpu=$(per_request "$pid" "$before" "$reads")
  printf '%s\tcreates/s %s\tµs/create %s\treads/s %s\tµs/read %s\n' "$jar" "$creates" "$create_cpu" "$reads" "$read_cpu"
  kill "$pid"; wait "$pid" || true
  psql -X -q -d postgres -c "DROP DATABASE $db WITH (FORCE)"
done

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
work=target/compare-jars
source bench/jars.sh
export BENCH_IDS="$work/ids"
port=$(python3 bench/report.py free-port)
base="http://127.0.0.1:$port/beta/me/authentication/operations"
rate() { wrk -t "$(nproc)" -c "$C" -d "${1}s" --timeout 10s -s "$2" "$3" | awk '/Requests\/sec/ {print $2}'; }
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

for jar in "$@"; do
  db="lro_compare_$$"
  serve_jar "$jar" "$db" "$port" "$work/service.log"
  pid=$served
  rate "$WARMUP" bench/lua/create.lua "$base" >/dev/null
  before=$(cpu "$pid")
  creates=$(profiled "$pid" "$(basename "$jar" .jar)-creates" rate "$T" bench/lua/create.lua "$base")
  create_cpu=$(per_request "$pid" "$before" "$creates" "$T")
  psql -X -At -d "$db" -c "SELECT id FROM operations" >"$BENCH_IDS"
  # The creates' writes flushed and their table vacuumed before the reads, not during them.
  psql -X -q -d "$db" -c "VACUUM ANALYZE operations" -c "CHECKPOINT"
  rate "$WARMUP" bench/lua/read.lua "$base/" >/dev/null
  before=$(cpu "$pid")
  reads=$(profiled "$pid" "$(basename "$jar" .jar)-reads" rate "$T" bench/lua/read.lua "$base/")
  read_cpu=$(per_request "$pid" "$before" "$reads" "$T")
  printf '%s\tcreates/s %s\tµs/create %s\treads/s %s\tµs/read %s\n' "$jar" "$creates" "$create_cpu" "$reads" "$read_cpu"
  kill "$pid"; wait "$pid" || true
  psql -X -q -d postgres -c "DROP DATABASE $db WITH (FORCE)"
done

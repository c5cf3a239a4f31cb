#!/usr/bin/env bash
# Compares two service jars served at the same time, for a change too small for compare-jars.sh:
#   bench/ab-jars.sh before.jar after.jar
# Both start on fresh databases and are warmed up; then ROUNDS rounds, each T seconds of reads on one
# jar then the other, and the same of creates, the order swapped from one round to the next. Each
# round gives the service's own CPU per request (user + system, from /proc) of both jars within
# seconds of each other, so that the machine's drift (10 % within one pass of compare-jars.sh on a
# shared 2-core machine) cancels in their ratio. Prints every round, then after ÷ before: the
# median of the rounds, their range, and in how many rounds after was lower. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# == 2 ]] || { echo "usage: bench/ab-jars.sh before.jar after.jar" >&2; exit 2; }
C=${C:-32} T=${T:-6} ROUNDS=${ROUNDS:-10}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
unset DATABASE_URL PGDATABASE
work=target/ab-jars
mkdir -p "$work"
issuer="https://login.microsoftonline.com/2f4a9838-26b7-47ee-be60-ccc1fdec5953/v2.0"
audience="api://lro-bench"
java bench/BenchTokens.java "$work/jwks.json" "$issuer" "$audience" 6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0 >"$work/tokens"
export BENCH_TOKEN
BENCH_TOKEN=$(head -1 "$work/tokens")
ticks=$(getconf CLK_TCK)
jars=("$1" "$2") labels=(before after) pids=() ports=() dbs=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for db in "${dbs[@]}"; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
}
trap cleanup EXIT
base() { echo "http://127.0.0.1:${ports[$1]}/beta/me/authentication/operations"; }
for i in 0 1; do
  dbs[i]="lro_ab_${i}_$$"
  psql -X -q -d postgres -c "CREATE DATABASE ${dbs[i]}" -c "ALTER DATABASE ${dbs[i]} SET synchronous_commit = off"
  ports[i]=$(python3 bench/report.py free-port)
  PGDATABASE=${dbs[i]} HTTP_PORT=${ports[i]} AUTH_JWKS="$work/jwks.json" AUTH_ISSUER="$issuer" AUTH_AUDIENCE="$audience" \
    THROTTLE_RATE_PER_SECOND=1000000000 THROTTLE_BURST=1000000000 \
    scripts/run-service.sh "${jars[i]}" >"$work/service-$i.log" 2>&1 &
  pids[i]=$!
  until curl -fs -m 1 -o /dev/null "http://127.0.0.1:${ports[i]}/health/ready"; do
    kill -0 "${pids[i]}" 2>/dev/null || { cat "$work/service-$i.log" >&2; exit 1; }
    sleep 0.05
  done
  # Ids to read, and the table vacuumed and checkpointed before anything is measured.
  wrk -t "$(nproc)" -c "$C" -d 10s -s bench/lua/create.lua "$(base "$i")" >/dev/null
  psql -X -At -d "${dbs[i]}" -c "SELECT id FROM operations" >"$work/ids-$i"
  psql -X -q -d "${dbs[i]}" -c "VACUUM ANALYZE operations" -c "CHECKPOINT"
done
# µs of the jar's CPU per request over SECONDS of KIND (read or create): measure I KIND SECONDS
measure() {
  local i=$1 kind=$2 seconds=$3 url script before after rate
  if [[ $kind == read ]]; then url="$(base "$i")/" script=bench/lua/read.lua; else url=$(base "$i") script=bench/lua/create.lua; fi
  before=$(awk '{print $14 + $15}' "/proc/${pids[i]}/stat")
  rate=$(BENCH_IDS="$work/ids-$i" wrk -t "$(nproc)" -c "$C" -d "${seconds}s" --timeout 10s -s "$script" "$url" \
    | awk '/Requests\/sec/ {print $2}')
  after=$(awk '{print $14 + $15}' "/proc/${pids[i]}/stat")
  awk -v a="$before" -v b="$after" -v r="$rate" -v t="$seconds" -v hz="$ticks" 'BEGIN {printf "%.1f", (b - a) * 1e6 / hz / (r * t)}'
}
for i in 0 1; do measure "$i" read 20 >/dev/null; measure "$i" create 10 >/dev/null; done
for ((round = 1; round <= ROUNDS; round++)); do
  order="0 1"; ((round % 2)) || order="1 0"
  for kind in read create; do
    for i in $order; do printf '%s\t%s\t%s\t%s\n' "$round" "$kind" "${labels[i]}" "$(measure "$i" "$kind" "$T")"; done
  done
done | tee "$work/rounds.tsv"
python3 - "$work/rounds.tsv" <<'PY'
import collections, statistics, sys
rounds = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    number, kind, jar, micros = line.split("\t")
    rounds[(int(number), kind)][jar] = float(micros)
before, after = "before", "after"
for kind in ("read", "create"):
    pairs = [r for (n, k), r in sorted(rounds.items()) if k == kind]
    ratios = [r[after] / r[before] for r in pairs]
    print(f"{kind}s: µs per request, medians {statistics.median(r[before] for r in pairs):.1f} ({before}) and "
          f"{statistics.median(r[after] for r in pairs):.1f} ({after}); after ÷ before {statistics.median(ratios):.3f} "
          f"({min(ratios):.3f}–{max(ratios):.3f}), lower in {sum(x < 1 for x in ratios)} of {len(ratios)} rounds")
PY

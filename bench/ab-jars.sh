#!/usr/bin/env bash
# Compares two service jars served at the same time, for a change too small for compare-jars.sh:
#   bench/ab-jars.sh before.jar after.jar
# Both start on fresh databases and are warmed up; then ROUNDS rounds, each T seconds of reads on one
# jar then the other, and the same of creates, the order swapped from one round to the next. Each
# round gives the service's own CPU per request (user + system, from /proc) of both jars within
# seconds of each other, so that the machine's drift (10 % within one pass of compare-jars.sh on a
# shared 2-core machine) cancels in their ratio. Prints every round, then after ÷ before: the
# median of the rounds, their range, and in how many rounds after was lower. Run it twice, the jars
# swapped: here the jar started second measured about 4 % more CPU per create whichever it was (reads
# showed no such lean), so only a change seen in both orders is the jar's. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# == 2 ]] || { echo "usage: bench/ab-jars.sh before.jar after.jar" >&2; exit 2; }
C=${C:-32} T=${T:-6} ROUNDS=${ROUNDS:-10}
work=target/ab-jars
source bench/jars.sh
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
  ports[i]=$(python3 bench/report.py free-port)
  serve_jar "${jars[i]}" "${dbs[i]}" "${ports[i]}" "$work/service-$i.log"
  pids[i]=$served
  # Ids to read, and the table vacuumed and checkpointed before anything is measured.
  wrk -t "$(nproc)" -c "$C" -d 10s -s bench/lua/create.lua "$(base "$i")" >/dev/null
  psql -X -At -d "${dbs[i]}" -c "SELECT id FROM operations" >"$work/ids-$i"
  psql -X -q -d "${dbs[i]}" -c "VACUUM ANALYZE operations" -c "CHECKPOINT"
done
# µs of the jar's CPU per request over SECONDS of KIND (read or create): measure I KIND SECONDS
measure() {
  local i=$1 kind=$2 seconds=$3 url script before rate
  if [[ $kind == read ]]; then url="$(base "$i")/" script=bench/lua/read.lua; else url=$(base "$i") script=bench/lua/create.lua; fi
  before=$(cpu "${pids[i]}")
  rate=$(BENCH_IDS="$work/ids-$i" wrk -t "$(nproc)" -c "$C" -d "${seconds}s" --timeout 10s -s "$script" "$url" \
    | awk '/Requests\/sec/ {print $2}')
  per_request "${pids[i]}" "$before" "$rate" "$seconds"
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

#!/usr/bin/env bash
# bench/soak.sh - `make soak`: the service under steady load for a long while, to show that it
# neither fails nor grows. Not part of `make test` or CI. See "Soak" in README.md.
#
# The service runs as in production (scripts/run-service.sh, as `make bench` starts it,
# bench/service.sh) on a fresh database. bench/SoakLoad.java sends, at constant rates: creates at
# half the creates/s that the last `make bench` measured (bench/results/latest.md), reads by id of
# the operations made, and PATCHes that wake long-pollers holding GETs with Prefer: wait. After a warm-up it takes the
# service's VmRSS, and again at the end. It fails when any request failed or answered other than
# its 2xx, when RSS grew by more than 10 %, or when fewer than 90 % of the creates asked were
# answered (the load was not applied).
#
# Environment (defaults in brackets):
#   SOAK_SECONDS [600]          seconds of soak after the warm-up
#   SOAK_WARMUP_SECONDS [60]    seconds of the same load before RSS is first taken
#   SOAK_CREATE_RATE [half the creates/s of bench/results/latest.md]   creates per second
#   SOAK_READ_RATE [SOAK_CREATE_RATE / 2]   reads by id per second
#   SOAK_WAITERS [300]          long-pollers, each holding a GET with Prefer: wait=30 again as soon as answered
#   SOAK_PATCH_RATE [30]        PATCHes per second to the long-pollers' operations
#   PGHOST PGPORT PGUSER PGPASSWORD   the PostgreSQL server (DATABASE_URL is ignored here)
#
# Writes bench/results/soak-latest.md; the service's log goes to target/soak/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf 'soak: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
source "$ROOT/bench/service.sh"

MAX_RSS_GROWTH_PERCENT=10
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_WARMUP_SECONDS=${SOAK_WARMUP_SECONDS:-60}
SOAK_WAITERS=${SOAK_WAITERS:-300}
SOAK_PATCH_RATE=${SOAK_PATCH_RATE:-30}
if [[ -z ${SOAK_CREATE_RATE:-} ]]; then
  # The first "| creates | 6,717 | …" row: the throughput table's (the memory table has one too).
  creates=$(awk -F'|' '$2 ~ /^ *creates *$/ { gsub(/[ ,]/, "", $3); if ($3 ~ /^[0-9]+$/) { print $3; exit } }' \
    bench/results/latest.md 2>/dev/null || true)
  [[ $creates =~ ^[0-9]+$ ]] || die "no creates row in bench/results/latest.md: run make bench first, or set SOAK_CREATE_RATE"
  SOAK_CREATE_RATE=$((creates / 2))
  log "creates at $SOAK_CREATE_RATE/s: half the $creates/s of bench/results/latest.md"
fi
SOAK_READ_RATE=${SOAK_READ_RATE:-$((SOAK_CREATE_RATE / 2))}
for n in SOAK_SECONDS SOAK_WARMUP_SECONDS SOAK_WAITERS SOAK_PATCH_RATE SOAK_CREATE_RATE SOAK_READ_RATE; do
  [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number, not '${!n}'"
done
((SOAK_WAITERS > 0 || SOAK_PATCH_RATE == 0)) || die "SOAK_PATCH_RATE needs SOAK_WAITERS"

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
unset DATABASE_URL PGDATABASE
WORK="$ROOT/target/soak"
JAR="$ROOT/target/lro-service.jar"
BENCH_DB=lro_soak_$$
ISSUER="https://login.microsoftonline.com/2f4a9838-26b7-47ee-be60-ccc1fdec5953/v2.0"
AUDIENCE="api://lro-soak"
USER_MAIN=6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0
USER_WAIT=0b7c3a52-1b8e-4f5e-9d56-00000000a1a1

PSQL=$(find_pg_tool psql) || die "psql not found"
admin() { PGOPTIONS="-c client_min_messages=warning" "$PSQL" -X -q -w -v ON_ERROR_STOP=1 -d postgres "$@" >/dev/null; }

cleanup() {
  local status=$?
  stop_service
  [[ -n ${DB_CREATED:-} ]] && { admin -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" || log "could not drop $BENCH_DB"; }
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK" bench/results
rm -f "$WORK/service.log"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load=$(cut -d' ' -f1-3 /proc/loadavg)
scripts/dev-postgres.sh --no-create-db
admin -c "CREATE DATABASE \"$BENCH_DB\""
DB_CREATED=1
make -s package >&2
scripts/aot-cache.sh >&2 || log "no AOT cache; the service starts without it"
java bench/BenchTokens.java "$WORK/jwks.json" "$ISSUER" "$AUDIENCE" "$USER_MAIN" "$USER_WAIT" >"$WORK/tokens"
head -n 1 "$WORK/tokens" >"$WORK/token"
tail -n 1 "$WORK/tokens" >"$WORK/token-wait"
PORT=$(python3 bench/report.py free-port)
start_service
log "service ready in ${READY_MS} ms (pid $SERVICE_PID); ${SOAK_WARMUP_SECONDS} s warm-up, then ${SOAK_SECONDS} s:" \
  "creates ${SOAK_CREATE_RATE}/s, reads ${SOAK_READ_RATE}/s, $SOAK_WAITERS long-pollers woken by ${SOAK_PATCH_RATE} PATCHes/s"

java -cp "$JAR" bench/SoakLoad.java --port "$PORT" --pid "$SERVICE_PID" \
  --token-file "$WORK/token" --wait-token-file "$WORK/token-wait" \
  --seconds "$SOAK_SECONDS" --warmup-seconds "$SOAK_WARMUP_SECONDS" \
  --create-rate "$SOAK_CREATE_RATE" --read-rate "$SOAK_READ_RATE" \
  --waiters "$SOAK_WAITERS" --patch-rate "$SOAK_PATCH_RATE" >"$WORK/result.json"

python3 - "$WORK/result.json" bench/results/soak-latest.md "$MAX_RSS_GROWTH_PERCENT" "$started_at" "$load" \
  "$(nproc)" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import json, sys
path, out, limit, started, load, cores, commit = sys.argv[1:]
r = json.load(open(path))
limit = float(limit)
start, end = r["rssStartKb"] / 1024, r["rssEndKb"] / 1024
growth = (end - start) / start * 100 if start > 0 else float("inf")
measured = r["elapsedSeconds"]
# The rates are constant from the start of the warm-up: what was asked in all, against what came back.
kept_up = r["creates"] >= 0.9 * r["createRateAsked"] * (r["warmupSeconds"] + r["seconds"])
holds = r["errors"] == 0 and growth <= limit and kept_up
lines = [
    f"# make soak: results of {started}",
    "",
    f"- machine: {cores} cores, load average at start {load}; commit {commit}",
    f"- {r['warmupSeconds']} s warm-up, then {r['seconds']} s; asked: creates {r['createRateAsked']:.0f}/s, "
    f"reads {r['readRateAsked']:.0f}/s, {r['waiters']} long-pollers (Prefer: wait=30) woken by "
    f"{r['patchRateAsked']:.0f} PATCHes/s",
    "",
    "| measure | value |",
    "|---|---|",
    f"| creates answered 201 | {r['creates']:,} ({r['creates'] / measured:,.0f}/s over the {measured:.0f} s) |",
    f"| reads answered 200 | {r['reads']:,} ({r['reads'] / measured:,.0f}/s) |",
    f"| PATCHes answered 204 | {r['patches']:,} |",
    f"| long-polls answered 200 | {r['longPollAnswers']:,} |",
    f"| errors (other answers, failed requests) | {r['errors']:,} |",
    f"| RSS after the warm-up | {start:.0f} MiB |",
    f"| RSS at the end | {end:.0f} MiB ({growth:+.1f} %; at most +{limit:.0f} %) |",
    f"| largest RSS sampled (every second) | {r['rssMaxKb'] / 1024:.0f} MiB |",
    "",
    f"**{'Holds' if holds else 'Fails'}**: errors must be 0, RSS growth at most {limit:.0f} %, and at least "
    "90 % of the creates asked must have been answered (else the soak did not apply its load).",
]
if not kept_up:
    lines += ["", "The creates fell behind the rate asked (at most 512 of each kind are in flight): the service, "
              "or the machine it shares, did not keep up."]
if r["errors"]:
    lines += ["", "Errors by kind:", ""] + [f"- {n} × {kind}" for kind, n in r["errorDetail"].items()]
text = "\n".join(lines) + "\n"
open(out, "w").write(text)
print(text, end="")
sys.exit(0 if holds else 1)
PY

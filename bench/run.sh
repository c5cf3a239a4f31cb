#!/usr/bin/env bash
# bench/run.sh - `make bench`: measures the service against the limits of its own database
# statements, on this machine, in one run. See "Benchmark" in README.md.
#
#   (a) insert limit   pgbench, the service's INSERT (bench/pgbench/insert.sql), -M prepared
#   (b) creates        wrk POSTs (bench/lua/create.lua)                 ratio to (a)
#   (c) select limit   pgbench, the service's select by key (bench/pgbench/select.sql)
#       reads          wrk GETs of ids the creates made (bench/lua/read.lua)  ratio to (c)
#       floors         the same creates and reads against the floor (operations/FloorServer, a test class): the same HTTP
#                      server, SQL and PostgreSQL client with nothing else   ratios to (a), (c)
#   (d) lists          first page of a user with 10,000 and one with 1,000,000 operations, and
#                      page 100 of the latter through $skiptoken (bench/lua/get.lua)
#   (e) long-polls     WAITERS held GETs with Prefer: wait=60, woken by PATCHes (bench/LongPollBench.java)
#   (f) the process    start to /health/ready, peak RSS (VmHWM), RSS with the waiters held
#   (g) hostile load   a victim user's reads by id (bench/lua/victim.lua), alone, then while an
#                      attacker with 100,000 operations of 4,096-character statusDetail runs the
#                      costliest reads and a long-poll flood (bench/HostileLoad.java), then once
#                      the attack has stopped                 p99 ratio, 500s
#   (h) cluster-waiters CLUSTER_WAITERS long-polls held on CLUSTER_INSTANCES instances of their own,
#                      woken by PATCHes sent through another instance (bench/ClusterWaiters.java):
#                      wake p99, RSS per instance, heap and RSS per held waiter, errors
#
# Environment (defaults in brackets):
#   PHASES [all]           a comma-separated subset of: starts (the timed restarts; the first start
#                          is always timed), creates (a, b and the creates' floor), reads (c; seeds
#                          the reads' user when creates did not run), lists (d), longpoll (e), hostile
#                          (g), cluster-waiters (h). Anything but all writes target/bench/latest.md,
#                          not bench/results/
#   C [32]                 connections (wrk) / clients (pgbench) / PATCHes in flight (long-poll)
#   T [20]                 seconds of each measured run
#   WARMUP_SECONDS [auto]  a fixed warm-up per phase in seconds (0: none); "auto": runs of
#                          WARMUP_ROUND_SECONDS [5] until the rate has risen by 5 % or less from one
#                          run to the next twice in a row, WARMUP_MAX_ROUNDS [24] at most; the long-poll phase:
#                          rounds until wake p50 and p99 fall by 20 % or less twice in a row,
#                          LONGPOLL_WARMUP_MAX_ROUNDS [8] at most (a fixed WARMUP_SECONDS: one round)
#   REPEAT [3]             measured runs per phase; the table shows medians and the spread. The
#                          service's creates and reads alternate with the floor's, run by run, so
#                          that each yardstick against the floor compares runs a few seconds apart
#   LIST_REPEAT [3]        measured runs of each list phase (their p99s are compared): medians, spread
#   LONGPOLL_ROUNDS [3]    measured long-poll rounds (each wakes every waiter once); the table shows
#                          their medians and the spread of their p99
#   STARTS [5]             restarts timed on the migrated database; the table shows their median
#   WAITERS [5000]  PATCH_RATE [500]   the long-poll phase: waiters, and PATCHes per second
#   LIST_SMALL [10000]  LIST_LARGE [1000000]  SELECT_ROWS [100000]   rows seeded
#   FLOOR [1]              0 skips the floors
#   THREADS [cores]        wrk and pgbench threads
#   KEEP_DB [0]            1 keeps the benchmark database (its name is printed)
#   BENCH_DB [lro_bench_<pid>]   the benchmark database, created fresh (dropped first if it exists)
#   HOSTILE_ROWS [100000]  HOSTILE_DETAIL [4096]   the attacker's operations and their statusDetail length
#   HOSTILE_FILTERS [12]   the attacker's costly reads at a time
#   HOSTILE_WAITERS [3000] the attacker's long-polls held (Prefer: wait=60)
#   HOSTILE_C [4]  HOSTILE_DELAY_MS [10]   the victim's connections, and each one's pause between reads
#   HOSTILE_VICTIM_ROWS [100]   the victim's operations
#   HOSTILE_RAMP_SECONDS [10]   the attack's run before the victim is measured under it
#   CLUSTER_WAITERS [50000]  CLUSTER_INSTANCES [3]  CLUSTER_CALLERS [100]   the cluster-waiters phase:
#                          waiters in all, instances, and users they belong to (each caller's at most
#                          LONG_POLLS_PER_CALLER, 500, per instance: the instances run every limit at its default)
#   CLUSTER_PATCH_RATE [PATCH_RATE]  CLUSTER_WARMUP_SECONDS [20]  CLUSTER_ROUNDS [3]  CLUSTER_SECONDS [T]
#                          PATCHes per second, in all; an unmeasured window, then measured windows of CLUSTER_SECONDS
#   CLUSTER_HEAP [232m]    each instance's heap (SERVICE_HEAP of scripts/run-service.sh): jvm.options'
#                          128 MB holds about 12,000 waiters, not the 16,667 of 50,000 on 3 (about 140 MiB live)
#   CLUSTER_INSTANCE_WARMUP [20]  seconds of reads (wrk, bench/lua/warm-owners.lua), and of waits woken
#                          by PATCHes (bench/lua/warm-waiters.lua), on every instance before the
#                          waiters are sent; 0 sends them to cold instances
#   CLUSTER_CLIENT_HEAP [384m]  each client process's heap (-Xms and -Xmx): fixed, with G1 asked for
#                          20 ms pauses and its held sockets promoted at once, as the service's, so that the
#                          clients' own collections (G1's defaults paused them 90-245 ms) stay out of the wakes
#   CLUSTER_ARM_SECONDS [600]  CLUSTER_CONNECTING [100]   how long the waiters may take to be sent, and
#                          each client's connections being opened at a time
#   SERVICE_ENV [""]       NAME=value pairs, space-separated, added to the service's environment
#                          last (e.g. another setting of a per-caller limit)
#   PROFILE [0]            1: a JFR profile of the server (the service, or the floor) over each
#                          measured run, summed per phase into bench/results/profile-<phase>.md
#                          (target/bench/ when PHASES is not all): the top frames by package
#   *_DEADLINE             every wait is bounded; a phase that misses its deadline fails naming what
#                          it waited for (the service is stopped, the database dropped):
#                          SEED_DEADLINE [1800] s for a psql step, LONGPOLL_DEADLINE [600] s for the
#                          long-poll phase's creates (each round has its own bounds), RUN_SLACK [60]
#                          s past T for a wrk or pgbench run, BUILD_DEADLINE [900] s for the build
#   PGHOST PGPORT PGUSER PGPASSWORD   the PostgreSQL server (DATABASE_URL is ignored here)
#
# Writes bench/results/latest.md; raw results and logs go to target/bench/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

C=${C:-32}
T=${T:-20}
WARMUP_SECONDS=${WARMUP_SECONDS:-auto}
WARMUP_ROUND_SECONDS=${WARMUP_ROUND_SECONDS:-5}
WARMUP_MAX_ROUNDS=${WARMUP_MAX_ROUNDS:-24}
LONGPOLL_WARMUP_MAX_ROUNDS=${LONGPOLL_WARMUP_MAX_ROUNDS:-8}
REPEAT=${REPEAT:-3}
LIST_REPEAT=${LIST_REPEAT:-3}
LONGPOLL_ROUNDS=${LONGPOLL_ROUNDS:-3}
STARTS=${STARTS:-5}
WAITERS=${WAITERS:-5000}
PATCH_RATE=${PATCH_RATE:-500}
LIST_SMALL=${LIST_SMALL:-10000}
LIST_LARGE=${LIST_LARGE:-1000000}
SELECT_ROWS=${SELECT_ROWS:-100000}
THREADS=${THREADS:-$(nproc)}
KEEP_DB=${KEEP_DB:-0}
FLOOR=${FLOOR:-1}
BENCH_DB=${BENCH_DB:-lro_bench_$$}
PHASES=${PHASES:-all}
HOSTILE_ROWS=${HOSTILE_ROWS:-100000}
HOSTILE_DETAIL=${HOSTILE_DETAIL:-4096}
HOSTILE_FILTERS=${HOSTILE_FILTERS:-12}
HOSTILE_WAITERS=${HOSTILE_WAITERS:-3000}
HOSTILE_C=${HOSTILE_C:-4}
HOSTILE_DELAY_MS=${HOSTILE_DELAY_MS:-10}
HOSTILE_VICTIM_ROWS=${HOSTILE_VICTIM_ROWS:-100}
HOSTILE_RAMP_SECONDS=${HOSTILE_RAMP_SECONDS:-10}
PROFILE=${PROFILE:-0}
SEED_DEADLINE=${SEED_DEADLINE:-1800}
LONGPOLL_DEADLINE=${LONGPOLL_DEADLINE:-600}
RUN_SLACK=${RUN_SLACK:-60}
BUILD_DEADLINE=${BUILD_DEADLINE:-900}
CLUSTER_WAITERS=${CLUSTER_WAITERS:-50000}
CLUSTER_INSTANCES=${CLUSTER_INSTANCES:-3}
CLUSTER_CALLERS=${CLUSTER_CALLERS:-100}
CLUSTER_PATCH_RATE=${CLUSTER_PATCH_RATE:-$PATCH_RATE}
CLUSTER_WARMUP_SECONDS=${CLUSTER_WARMUP_SECONDS:-20}
CLUSTER_ROUNDS=${CLUSTER_ROUNDS:-3}
CLUSTER_SECONDS=${CLUSTER_SECONDS:-$T}
CLUSTER_CLIENT_HEAP=${CLUSTER_CLIENT_HEAP:-384m}
CLUSTER_HEAP=${CLUSTER_HEAP:-232m}
CLUSTER_INSTANCE_WARMUP=${CLUSTER_INSTANCE_WARMUP:-20}
CLUSTER_ARM_SECONDS=${CLUSTER_ARM_SECONDS:-600}
CLUSTER_CONNECTING=${CLUSTER_CONNECTING:-100}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
unset DATABASE_URL PGDATABASE

WORK="$ROOT/target/bench"
RESULTS="$WORK/results.jsonl"
JAR="$ROOT/target/lro-service.jar"
ISSUER="https://login.microsoftonline.com/2f4a9838-26b7-47ee-be60-ccc1fdec5953/v2.0"
AUDIENCE="api://lro-bench"
# Six users, each with its own token: the creates' and reads' user, the two list users, the
# long-poll user (so that its 5000 operations do not change what the other phases see), and the
# hostile phase's attacker and victim.
USER_MAIN=6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0
USER_10K=0b7c3a52-1b8e-4f5e-9d56-0000000010e4
USER_1M=0b7c3a52-1b8e-4f5e-9d56-0000000010e6
USER_WAIT=0b7c3a52-1b8e-4f5e-9d56-00000000a1a1
USER_ATTACKER=0b7c3a52-1b8e-4f5e-9d56-0000000000a7
USER_VICTIM=0b7c3a52-1b8e-4f5e-9d56-0000000000f1
# Owners of pgbench's rows: apart from the service's users, so that each limit and each HTTP phase
# work on rows of their own in the one table.
OWNER_INSERT=0b7c3a52-1b8e-4f5e-9d56-0000000001a5
OWNER_SELECT=0b7c3a52-1b8e-4f5e-9d56-0000000005e1

thousands() { # 1000000 -> 1,000,000, whatever the locale
  local n=$1 out=""
  while ((${#n} > 3)); do out=",${n: -3}$out"; n=${n:0:${#n}-3}; done
  echo "$n$out"
}

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1; }
# Runs a command with a deadline: $1 seconds, $2 what it is (for the message), then the command.
# One that overruns is killed (KILL 10 s after TERM) and ends make bench through die, whose trap
# stops the service and drops the database.
bounded() {
  local seconds=$1 what=$2 status=0
  shift 2
  timeout --foreground --kill-after=10 "$seconds" "$@" || status=$?
  ((status == 124 || status == 137)) && die "$what: not done within its deadline of $seconds s"
  return "$status"
}
# find_pg_tool, start_service, stop_service, vm_kb: shared with bench/soak.sh.
source "$ROOT/bench/service.sh"

for n in C T REPEAT LIST_REPEAT LONGPOLL_ROUNDS STARTS WAITERS PATCH_RATE LIST_SMALL LIST_LARGE SELECT_ROWS THREADS WARMUP_ROUND_SECONDS WARMUP_MAX_ROUNDS LONGPOLL_WARMUP_MAX_ROUNDS \
         HOSTILE_ROWS HOSTILE_DETAIL HOSTILE_FILTERS HOSTILE_WAITERS HOSTILE_C HOSTILE_DELAY_MS HOSTILE_VICTIM_ROWS HOSTILE_RAMP_SECONDS \
         PROFILE SEED_DEADLINE LONGPOLL_DEADLINE RUN_SLACK BUILD_DEADLINE \
         CLUSTER_WAITERS CLUSTER_INSTANCES CLUSTER_CALLERS CLUSTER_PATCH_RATE CLUSTER_WARMUP_SECONDS CLUSTER_ROUNDS CLUSTER_SECONDS \
         CLUSTER_ARM_SECONDS CLUSTER_CONNECTING CLUSTER_INSTANCE_WARMUP; do
  [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number, not '${!n}'"
done
[[ $WARMUP_SECONDS == auto || $WARMUP_SECONDS =~ ^[0-9]+$ ]] || die "WARMUP_SECONDS must be auto or a number"
((C >= THREADS)) || die "C ($C) must be at least THREADS ($THREADS): wrk gives each thread a connection at least"
((REPEAT >= 1 && LIST_REPEAT >= 1 && LONGPOLL_ROUNDS >= 1 && T >= 1)) || die "REPEAT, LIST_REPEAT, LONGPOLL_ROUNDS and T must be at least 1"
((HOSTILE_C >= THREADS)) || die "HOSTILE_C ($HOSTILE_C) must be at least THREADS ($THREADS)"
((HOSTILE_DETAIL <= 4096)) || die "HOSTILE_DETAIL ($HOSTILE_DETAIL) is over the contract's 4,096 characters"
((CLUSTER_INSTANCES >= 2 && CLUSTER_CALLERS >= 1 && CLUSTER_ROUNDS >= 1 && CLUSTER_SECONDS >= 1)) \
  || die "CLUSTER_INSTANCES must be at least 2 (a PATCH wakes a waiter on another instance), CLUSTER_CALLERS, CLUSTER_ROUNDS and CLUSTER_SECONDS at least 1"
ALL_PHASES="starts creates reads lists longpoll hostile cluster-waiters"
for p in ${PHASES//,/ }; do
  [[ $p == all || " $ALL_PHASES " == *" $p "* ]] || die "PHASES: '$p' is none of all $ALL_PHASES"
done
# Whether a phase runs: PHASES=all, or it is named.
want() { [[ ",$PHASES," == *",all,"* || ",$PHASES," == *",$1,"* ]]; }
if want starts && want creates && want reads && want lists && want longpoll && want hostile && want cluster-waiters; then
  RESULTS_MD=bench/results/latest.md
else
  RESULTS_MD=target/bench/latest.md
fi
PROFILES_DIR=$(dirname "$RESULTS_MD")

# The phases' names in the table; bench/report.py finds the yardsticks' phases by them.
export P_INSERT="insert limit (pgbench)" P_CREATES="creates" P_SELECT="select limit (pgbench)" P_READS="reads"
export P_FLOOR_CREATES="creates, bare Vert.x floor" P_FLOOR_READS="reads, bare Vert.x floor"
export P_LIST_SMALL="list page 1, $(thousands "$LIST_SMALL") operations"
export P_LIST_LARGE="list page 1, $(thousands "$LIST_LARGE") operations"
export P_PAGE100="list page 100, $(thousands "$LIST_LARGE") operations"
export P_WAKE="long-poll wake, $(thousands "$WAITERS") waiters"
export P_PATCH="PATCH while $(thousands "$WAITERS") waiters are held"
export P_BEFORE="RSS before the waiters are sent"
export P_HELD="RSS with $(thousands "$WAITERS") waiters held"
export P_PEAK="peak RSS (VmHWM) over the run" P_START="start to ready, migrated database"
export P_VICTIM_ALONE="victim's reads by id, alone"
export P_VICTIM_ATTACKED="victim's reads by id, under hostile load"
export P_VICTIM_AFTER="victim's reads by id, once the attack stopped"
export P_VICTIM_WALL="victim's run under hostile load: wall time, T = $T s of it measured"
export P_ATTACK_FILTERS="attacker: $HOSTILE_FILTERS costly reads at a time"
export P_ATTACK_POLLS="attacker: $(thousands "$HOSTILE_WAITERS") long-polls, Prefer: wait=60"
export P_PEAK_HOSTILE="peak RSS (VmHWM) of the hostile phase, restarted for it"
export P_CW_WAKE="long-poll wake, $(thousands "$CLUSTER_WAITERS") waiters on $CLUSTER_INSTANCES instances"
export P_CW_RSS="RSS per instance, $(thousands "$CLUSTER_WAITERS") waiters on $CLUSTER_INSTANCES instances (largest of the instances' peaks, VmHWM)"
export P_CW_RSS_WAITER="RSS per held waiter (RSS held − RSS before) ÷ waiters, median of the instances"
export P_CW_HEAP_WAITER="heap per held waiter (live heap held − before, by GC.class_histogram) ÷ waiters, median of the instances"

# ------------------------------------------------------------------ tools --

ensure_tools() {
  PGBENCH=$(find_pg_tool pgbench) || die "pgbench not found (Debian: apt-get install postgresql-contrib or postgresql)"
  PSQL=$(find_pg_tool psql) || die "psql not found"
  if ! need wrk; then
    [[ $(id -u) -eq 0 ]] || die "wrk is not installed; run: sudo apt-get install -y wrk"
    log "installing wrk with apt-get"
    # Another apt-get may hold the lock on a shared machine: wait for it rather than fail.
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y wrk >&2 \
      || { apt-get -o DPkg::Lock::Timeout=300 update >&2 \
           && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y wrk >&2; } \
      || die "apt-get install wrk failed"
  fi
  need java || die "java not found"
  need python3 || die "python3 not found"
}

psql_db() { bounded "$SEED_DEADLINE" "psql ($*)" "$PSQL" -X -q -w -v ON_ERROR_STOP=1 -d "$BENCH_DB" "$@"; }

# ---------------------------------------------------------------- service --

SAMPLER_PID=""
FLOOR_PID=""
HOSTILE_PID=""
CLUSTER_PIDS=()
CLUSTER_CLIENT_PIDS=()

# The floor (src/test/java/com/contoso/lro/operations/FloorServer.java, in the service's package) on
# FLOOR_PORT, serving USER_MAIN's operations.
start_floor() {
  FLOOR_PORT=$(python3 bench/report.py free-port)
  [[ -f "$ROOT/target/test-classes/com/contoso/lro/operations/FloorServer.class" ]] \
    || bounded "$BUILD_DEADLINE" "the floor's test-compile" mvn -B -q -DskipTests test-compile >&2 || die "the floor server did not compile"
  PGDATABASE="$BENCH_DB" java -cp "$ROOT/target/test-classes:$JAR" com.contoso.lro.operations.FloorServer \
    "$FLOOR_PORT" "$USER_MAIN" >>"$WORK/floor.log" 2>&1 &
  FLOOR_PID=$!
  local waited=0
  until grep -q "listening on $FLOOR_PORT" "$WORK/floor.log" 2>/dev/null; do
    kill -0 "$FLOOR_PID" 2>/dev/null && ((waited < 600)) || die "the floor server did not start; see $WORK/floor.log"
    sleep 0.1; ((waited += 1))
  done
}

stop_floor() {
  [[ -n $FLOOR_PID ]] || return 0
  kill "$FLOOR_PID" 2>/dev/null || true
  wait "$FLOOR_PID" 2>/dev/null || true
  FLOOR_PID=""
}

# VmRSS and VmHWM of the service every half second, with the phase running, to target/bench/memory.log.
start_sampler() {
  phase_name "start"
  (
    while kill -0 "$SERVICE_PID" 2>/dev/null; do
      printf '%s\t%s\t%s\t%s\n' "$(date +%s.%N | cut -c1-14)" "$(<"$WORK/phase")" \
        "$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVICE_PID/status" 2>/dev/null)" \
        "$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVICE_PID/status" 2>/dev/null)"
      sleep 0.5
    done
  ) >>"$WORK/memory.log" 2>/dev/null &
  SAMPLER_PID=$!
}

# The phase's name for the sampler, replaced whole: a write in place, caught between truncating and
# writing, gave a sample with no phase.
phase_name() { echo "$1" >"$WORK/phase.new" && mv -f "$WORK/phase.new" "$WORK/phase"; }
phase() { phase_name "$1"; log "== $1"; }

cleanup() {
  local status=$?
  [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  [[ -n $HOSTILE_PID ]] && kill "$HOSTILE_PID" 2>/dev/null || true
  local pid
  for pid in "${CLUSTER_CLIENT_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_floor
  stop_service
  stop_cluster
  if [[ -n ${DB_CREATED:-} ]]; then
    if [[ $KEEP_DB == 1 ]]; then
      log "kept the benchmark database: $BENCH_DB"
    else
      "$PSQL" -X -q -w -d postgres -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null 2>&1 \
        || log "could not drop $BENCH_DB"
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- profile --

# PROFILE=1: a JFR recording (bench/profile.jfc: an execution sample every 10 ms per running
# thread) of the server under load, SERVER_PID, over one measured run, to
# target/bench/profiles/<phase>/; profile_reports sums each phase's recordings into
# PROFILES_DIR/profile-<phase>.md. jcmd, of the server's own JDK, runs before the run's CPU window
# opens and after it closes, so its own start-up is not counted in the run's CPU.
PROFILING=""
profile_slug() { echo "$1" | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/-/g; s/^-|-$//g'; }
profile_jcmd() { echo "$(dirname "$(readlink -f "/proc/$1/exe")")/jcmd"; }
profile_start() { # phase-name [pid]
  [[ $PROFILE == 1 ]] || return 0
  local pid=${2:-${SERVER_PID:-}}
  [[ -n $pid ]] || return 0
  local dir="$WORK/profiles/$(profile_slug "$1")"
  mkdir -p "$dir"
  printf '%s\n' "$1" >"$dir/phase"
  local file
  file="$dir/$(date +%s%N)-$pid.jfr"
  bounded 60 "jcmd JFR.start on $pid" "$(profile_jcmd "$pid")" "$pid" JFR.start name=bench settings="$ROOT/bench/profile.jfc" \
    filename="$file" >>"$WORK/jcmd.log" 2>&1 || { log "   no profile: jcmd JFR.start failed (see $WORK/jcmd.log)"; return 0; }
  PROFILING=$pid
}
profile_stop() {
  [[ -n $PROFILING ]] || return 0
  bounded 60 "jcmd JFR.stop on $PROFILING" "$(profile_jcmd "$PROFILING")" "$PROFILING" JFR.stop name=bench \
    >>"$WORK/jcmd.log" 2>&1 || log "   jcmd JFR.stop failed (see $WORK/jcmd.log)"
  PROFILING=""
}
# Each profiled phase's recordings, summed by bench/report.py into PROFILES_DIR/profile-<phase>.md.
profile_reports() {
  [[ $PROFILE == 1 && -d $WORK/profiles ]] || return 0
  local dir jfr
  jfr="$(dirname "$(readlink -f "$(scripts/service-java.sh | cut -d' ' -f2-)")")/jfr"
  rm -f "$PROFILES_DIR"/profile-*.md
  for dir in "$WORK"/profiles/*/; do
    compgen -G "$dir*.jfr" >/dev/null || continue
    bounded 600 "jfr print of $dir" python3 bench/report.py profile --jfr "$jfr" --phase "$(<"$dir/phase")" \
      --out "$PROFILES_DIR/profile-$(basename "$dir").md" "$dir"*.jfr
  done
  log "wrote the profiles: $PROFILES_DIR/profile-*.md"
}

# ---------------------------------------------------------------- measure --

record() { # phase-name kind json [extra json fields]
  local extra=${4:-'{}'}
  python3 - "$1" "$2" "$3" "$extra" >>"$RESULTS" <<'PY'
import json, sys
row = json.loads(sys.argv[3])
row.update(json.loads(sys.argv[4]))
row.update({"phase": sys.argv[1], "kind": sys.argv[2]})
print(json.dumps(row))
PY
}

# One run of a phase's load for $2 seconds; prints its JSON (rate, p50_ms, p99_ms, errors).
run_once() { # kind seconds args...
  local kind=$1 seconds=$2
  shift 2
  case $kind in
    pgbench)
      rm -f "$WORK"/pgbench_log*
      bounded $((seconds + RUN_SLACK)) "pgbench ($seconds s)" "$PGBENCH" -n -M prepared -c "$C" -j "$THREADS" -T "$seconds" \
        --log --log-prefix="$WORK/pgbench_log" "$@" "$BENCH_DB" >"$WORK/run.out" 2>"$WORK/run.err" || true
      python3 bench/report.py pgbench --stdout "$WORK/run.out" --stderr "$WORK/run.err" --logs "$WORK/pgbench_log"
      ;;
    wrk)
      # The URL is the last argument; everything before it is wrk's options. wrk leaves an answer
      # slower than WRK_TIMEOUT out of its latencies, and counts it as a timeout.
      # With WRK_MAY_FAIL=1 (the victim under attack), a wrk that could not connect is a run with
      # no answer, for the table to fail, rather than the end of make bench.
      if ! bounded $((seconds + RUN_SLACK)) "wrk ($seconds s, ${*: -1})" \
        wrk -t "$THREADS" -c "$C" -d "${seconds}s" --timeout "${WRK_TIMEOUT:-10}s" --latency "$@" >"$WORK/run.out" 2>"$WORK/run.err"; then
        cat "$WORK/run.out" "$WORK/run.err" >&2
        [[ ${WRK_MAY_FAIL:-0} == 1 ]] || die "wrk failed"
        echo '{"rate": 0, "requests": 0, "p50_ms": null, "p99_ms": null, "errors": 1, "statuses": {},
               "error_detail": {"non2xx": 0, "connect": 1, "read": 0, "write": 0, "timeout": 0}}'
        return 0
      fi
      python3 bench/report.py wrk --stdout "$WORK/run.out"
      ;;
  esac
}

# One snapshot of CPU time so far, a line each: "time SECONDS"; "machine IDLE TOTAL STEAL" (clock
# ticks, /proc/stat; steal is the time a virtual machine's cores waited for the host); and
# "GROUP /proc/PID/stat TICKS" (user + system) for the server under load (SERVER_PID, when set),
# PostgreSQL's processes on this machine, and the load generator (wrk, pgbench). Ticks are per
# process, so that one that starts or ends between two snapshots (autovacuum, pgbench's sessions)
# does not count another's ticks as its own.
cpu_ticks() {
  echo "time $(date +%s.%N)"
  awk '/^cpu / {print "machine", $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9}' /proc/stat
  [[ -n ${SERVER_PID:-} ]] && proc_ticks server "$SERVER_PID"
  proc_ticks postgres $(pgrep -x postgres)
  proc_ticks load $(pgrep -x wrk) $(pgrep -x pgbench)
  return 0
}
proc_ticks() { # group pid...
  local group=$1 pid files=()
  shift
  for pid in "$@"; do files+=("/proc/$pid/stat"); done
  ((${#files[@]})) || return 0
  awk -v group="$group" '{print group, FILENAME, $14 + $15}' "${files[@]}" 2>/dev/null || true
}

# Two cpu_ticks snapshots to target/bench/cpu.ticks, apart by "--": a second after a run of $1
# seconds starts and a second before it ends, the middle of the run, without its connecting or closing.
cpu_window() {
  local seconds=$1
  : >"$WORK/cpu.ticks"
  ((seconds >= 4)) || return 0
  sleep 1
  cpu_ticks >>"$WORK/cpu.ticks"
  echo "--" >>"$WORK/cpu.ticks"
  sleep $((seconds - 2))
  cpu_ticks >>"$WORK/cpu.ticks"
}

# Warm-up, then REPEAT (or RUNS) measured runs of T seconds, each recorded with where its CPU went. $1 = the phase's name in
# the table, $2 = the name of its pgbench limit (or ""), then run_once's arguments.
measure() {
  local name=$1 limit=$2 kind=$3
  shift 3
  phase "$name"
  local warmup previous="" current json cpu rounds=0 flat=0
  if [[ -n ${WARMUP_USED:-} ]]; then
    warmup=$WARMUP_USED
  elif [[ $WARMUP_SECONDS == auto ]]; then
    # One flat run is not enough: with jvm.options' later C2, a run that rose 5 % or less was once
    # followed by one 20 % faster.
    while ((rounds < WARMUP_MAX_ROUNDS && flat < 2)); do
      json=$(run_once "$kind" "$WARMUP_ROUND_SECONDS" "$@")
      current=$(python3 bench/report.py rate "$json")
      rounds=$((rounds + 1))
      log "   warm-up run $rounds: $(printf '%.0f' "$current")/s"
      if [[ -n $previous ]] && ! python3 bench/report.py rose --before "$previous" --after "$current"; then
        flat=$((flat + 1))
      else
        flat=0
      fi
      previous=$current
    done
    warmup="${rounds}×${WARMUP_ROUND_SECONDS} s"
  elif ((WARMUP_SECONDS > 0)); then
    run_once "$kind" "$WARMUP_SECONDS" "$@" >/dev/null
    warmup="${WARMUP_SECONDS} s"
  else
    warmup="none"
  fi
  [[ -n ${WARMUP_USED:-} ]] || log "   warm-up used: $warmup"
  LAST_WARMUP=$warmup
  local run
  for ((run = 1; run <= ${RUNS:-$REPEAT}; run++)); do
    profile_start "$name"
    cpu_window "$T" &
    local window=$!
    json=$(run_once "$kind" "$T" "$@")
    wait "$window"
    profile_stop
    cpu=$(python3 bench/report.py cpu --ticks "$WORK/cpu.ticks" --rate "$(python3 bench/report.py rate "$json")")
    log "   run $run: $json; CPU: $cpu"
    local timeout=""
    [[ $kind == wrk ]] && timeout=", \"wrk_timeout_s\": ${WRK_TIMEOUT:-10}"
    record "$name" "$kind" "$json" "{\"limit\": \"$limit\", \"warmup\": \"$warmup\", \"cpu\": $cpu$timeout}"
  done
}

# Two phases measured in alternation: each warmed up (as measure does), then REPEAT rounds of one
# run of the first and one of the second, so that a ratio of the two pairs runs seconds apart on
# these shared cores. $1 and $2 = the names of two shell arrays, each holding the environment
# (NAME=value words) and then measure's arguments of one phase.
alternate() {
  local -n first=$1 second=$2
  local warm1 warm2 run
  RUNS=0 env_measure "${first[@]}"; warm1=$LAST_WARMUP
  RUNS=0 env_measure "${second[@]}"; warm2=$LAST_WARMUP
  for ((run = 1; run <= REPEAT; run++)); do
    RUNS=1 WARMUP_USED=$warm1 env_measure "${first[@]}"
    RUNS=1 WARMUP_USED=$warm2 env_measure "${second[@]}"
  done
}
# measure with the leading NAME=value words of its arguments set for it (and the run_once it calls).
env_measure() {
  local -a vars=()
  while [[ $1 == [A-Z_]*=* ]]; do vars+=("$1"); shift; done
  local v
  for v in "${vars[@]}"; do local "${v%%=*}"; export "${v%%=*}=${v#*=}"; done
  measure "$@"
}

seed() { # owner rows ids(uuid|numbers)
  psql_db -v owner_id="$1" -v rows="$2" -v ids="$3" -f bench/seed-operations.sql
}

# (g) The victim's reads by id, alone, then under the attacker's load (bench/HostileLoad.java),
# which runs from HOSTILE_RAMP_SECONDS before the victim's measured run to its end, then once the
# attack has stopped. $1 = the base URL, $2 = the victim's token (the attacker's is in
# target/bench/token-attacker).
hostile() {
  local base=$1 token_victim=$2
  phase "seeding the hostile phase"
  local seconds=$SECONDS
  psql_db -v owner_id="$USER_ATTACKER" -v rows="$HOSTILE_ROWS" -v ids=uuid -v detail_length="$HOSTILE_DETAIL" \
    -f bench/seed-operations.sql
  seed "$USER_VICTIM" "$HOSTILE_VICTIM_ROWS" uuid
  psql_db -c "VACUUM ANALYZE operations"
  log "   seeded $HOSTILE_ROWS operations of $HOSTILE_DETAIL-character statusDetail and $HOSTILE_VICTIM_ROWS in $((SECONDS - seconds)) s"
  psql_db -At -c "SELECT id FROM operations WHERE owner_id = '$USER_VICTIM'" >"$WORK/victim-ids"
  # A long-poll on a final operation is answered at once: the flood waits on unfinished ones.
  psql_db -At -c "SELECT id FROM operations WHERE owner_id = '$USER_ATTACKER' AND status IN ('notStarted', 'running')
                  LIMIT $HOSTILE_WAITERS" >"$WORK/attacker-ids"
  HOSTILE_HWM_BEFORE=$(vm_kb VmHWM)
  # The other phases lift the per-caller limits, their one user standing for many; here one user is
  # one user, so the service runs as production does, every limit at its default.
  stop_service
  start_service production
  start_sampler
  phase_name "hostile"
  log "   restarted with the per-caller limits at their defaults (ready in ${READY_MS} ms)"

  # wrk's timeout at 30 s rather than 10: a read answered (with a 503) after 10 s still counts in
  # the p99, and one not answered in 30 s fails the check (bench/report.py).
  RUNS=1 C=$HOSTILE_C WRK_TIMEOUT=30 SERVER_PID=$SERVICE_PID BENCH_TOKEN=$token_victim BENCH_IDS="$WORK/victim-ids" \
    BENCH_DELAY_MS=$HOSTILE_DELAY_MS measure "$P_VICTIM_ALONE" "" wrk -s bench/lua/victim.lua "$base/"

  phase "hostile load"
  rm -f "$WORK/hostile.stop" "$WORK/hostile.out"
  # Bounded three times over: HostileLoad stops when the stop file appears or after --seconds,
  # halts itself 30 s after that, and timeout kills it 60 s after that.
  local most=$((HOSTILE_RAMP_SECONDS + T + 180))
  timeout --kill-after=10 $((most + 60)) java -cp "$JAR" bench/HostileLoad.java --port "$PORT" \
    --token-file "$WORK/token-attacker" --ids-file "$WORK/attacker-ids" --stop-file "$WORK/hostile.stop" \
    --seconds "$most" --filters "$HOSTILE_FILTERS" --waiters "$HOSTILE_WAITERS" --wait 60 \
    >"$WORK/hostile.out" 2>"$WORK/hostile.err" &
  HOSTILE_PID=$!
  local waited=0
  until grep -q "hostile: started" "$WORK/hostile.err" 2>/dev/null; do
    kill -0 "$HOSTILE_PID" 2>/dev/null && ((waited < 1200)) || die "the attacker did not start; see $WORK/hostile.err"
    sleep 0.1; ((waited += 1))
  done
  log "   $(grep "hostile: started" "$WORK/hostile.err"); the victim is measured in $HOSTILE_RAMP_SECONDS s"
  sleep "$HOSTILE_RAMP_SECONDS"
  log "   $(grep "long-polls sent" "$WORK/hostile.err" || echo "the long-polls are still being sent")"
  # Its wall time as well: wrk's latencies start once a connection is open, and wrk first checks,
  # then opens, its connections through the same accept queue as the attacker's thousands (against
  # the unprotected service that took 2 minutes of SYN retries for a 15 s run).
  local wall=$SECONDS
  RUNS=1 WARMUP_SECONDS=0 C=$HOSTILE_C WRK_TIMEOUT=30 WRK_MAY_FAIL=1 SERVER_PID=$SERVICE_PID BENCH_TOKEN=$token_victim \
    BENCH_IDS="$WORK/victim-ids" BENCH_DELAY_MS=$HOSTILE_DELAY_MS measure "$P_VICTIM_ATTACKED" "" wrk -s bench/lua/victim.lua "$base/"
  record "$P_VICTIM_WALL" process "{\"value\": $((SECONDS - wall)), \"unit\": \"s\"}"
  touch "$WORK/hostile.stop"
  local status=0
  wait "$HOSTILE_PID" || status=$?
  HOSTILE_PID=""
  ((status == 0)) || log "   the attacker exited with status $status; see $WORK/hostile.err"
  local line
  # Its standard output also carries the Vert.x client's own log lines: only the results are read.
  while read -r line; do
    case $line in
      *'"part":"filters"'*) log "   $line"; record "$P_ATTACK_FILTERS" hostile "$line" '{"warmup": "—"}' ;;
      *'"part":"longpolls"'*) log "   $line"; record "$P_ATTACK_POLLS" hostile "$line" '{"warmup": "—"}' ;;
    esac
  done <"$WORK/hostile.out"
  grep -q '"part":"filters"' "$WORK/hostile.out" || log "   the attacker printed no results; see $WORK/hostile.err"
  # And once it has stopped: whatever the attack left queued still delays the victim.
  RUNS=1 WARMUP_SECONDS=0 C=$HOSTILE_C WRK_TIMEOUT=30 WRK_MAY_FAIL=1 SERVER_PID=$SERVICE_PID BENCH_TOKEN=$token_victim \
    BENCH_IDS="$WORK/victim-ids" BENCH_DELAY_MS=$HOSTILE_DELAY_MS measure "$P_VICTIM_AFTER" "" wrk -s bench/lua/victim.lua "$base/"
}

# ------------------------------------------------------------------- main --

main() {
  ensure_tools
  mkdir -p "$WORK" bench/results
  rm -f "$WORK"/{results.jsonl,service.log,memory.log,pgbench_log*,jcmd.log}
  rm -rf "$WORK/profiles"
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  ((WAITERS + 100 < $(ulimit -n))) || die "WAITERS ($WAITERS) needs more open files than ulimit -n ($(ulimit -n))"
  ((HOSTILE_WAITERS + 100 < $(ulimit -n))) || die "HOSTILE_WAITERS ($HOSTILE_WAITERS) needs more open files than ulimit -n ($(ulimit -n))"
  # Each instance holds its share of the cluster's waiters, one connection each, within the same limit
  # (a hard limit that only root raises: 20,000 in the sandbox where this phase was written).
  ! want cluster-waiters || (((CLUSTER_WAITERS + CLUSTER_INSTANCES - 1) / CLUSTER_INSTANCES + 1000 < $(ulimit -n))) \
    || die "CLUSTER_WAITERS ($CLUSTER_WAITERS) on $CLUSTER_INSTANCES instances needs more open files per instance than ulimit -n ($(ulimit -n)): more CLUSTER_INSTANCES, or a higher hard limit"
  local started_at load
  started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  log "PHASES=$PHASES C=$C T=${T}s REPEAT=$REPEAT LIST_REPEAT=$LIST_REPEAT warm-up=$WARMUP_SECONDS on $(nproc) cores, load average $load"

  scripts/dev-postgres.sh --no-create-db
  # A database of that name is rare: say nothing when there is none to drop.
  PGOPTIONS="-c client_min_messages=warning" "$PSQL" -X -q -w -v ON_ERROR_STOP=1 -d postgres \
    -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" -c "CREATE DATABASE \"$BENCH_DB\"" >/dev/null
  DB_CREATED=1
  log "benchmark database: $BENCH_DB on $PGHOST:$PGPORT"

  # The generator's banner would land in the table's output: the build talks on stderr.
  bounded "$BUILD_DEADLINE" "make package" make -s package >&2
  bounded "$BUILD_DEADLINE" "scripts/aot-cache.sh" scripts/aot-cache.sh
  local -a callers=()
  want cluster-waiters && mapfile -t callers < <(cluster_callers)
  bounded 300 "bench/BenchTokens.java" java bench/BenchTokens.java "$WORK/jwks.json" "$ISSUER" "$AUDIENCE" \
    "$USER_MAIN" "$USER_10K" "$USER_1M" "$USER_WAIT" "$USER_ATTACKER" "$USER_VICTIM" "${callers[@]}" >"$WORK/tokens"
  mapfile -t tokens <"$WORK/tokens"
  tail -n +7 "$WORK/tokens" >"$WORK/cluster-tokens"
  local token_main=${tokens[0]} token_10k=${tokens[1]} token_1m=${tokens[2]} token_victim=${tokens[5]}
  printf '%s\n' "${tokens[3]}" >"$WORK/token-wait"
  printf '%s\n' "${tokens[4]}" >"$WORK/token-attacker"
  PORT=$(python3 bench/report.py free-port)
  local base="http://127.0.0.1:$PORT/beta/me/authentication/operations"

  # (f) start to ready: first on the fresh database (the service migrates it), then restarts.
  phase "start"
  start_service
  log "   ready ${READY_MS} ms after start, migrating a fresh database"
  record "start to ready, fresh database (migrates)" process "{\"value\": $READY_MS, \"unit\": \"ms\"}"
  local i
  for ((i = 1; i <= STARTS; i++)); do
    want starts || break
    stop_service
    start_service
    log "   ready ${READY_MS} ms after start, database already migrated"
    record "$P_START" process "{\"value\": $READY_MS, \"unit\": \"ms\"}"
  done
  start_sampler

  # (a), (b)
  local floor_base=""
  if want creates; then
    local created
    created=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
    measure "$P_INSERT" "" pgbench -f bench/pgbench/insert.sql \
      -D owner_id="$OWNER_INSERT" -D created_date_time="$created" -D last_action_date_time="$created" \
      -D status=running -D status_detail="Resetting the password" \
      -D resource_location="https://graph.microsoft.com/beta/users/$OWNER_INSERT/authentication/methods/28c10230-6103-485e-b985-444c60001490"
    local -a service_creates=(SERVER_PID="$SERVICE_PID" BENCH_TOKEN="$token_main" "$P_CREATES" "$P_INSERT" wrk -s bench/lua/create.lua "$base")
    if [[ $FLOOR == 1 ]]; then
      start_floor
      floor_base="http://127.0.0.1:$FLOOR_PORT/beta/me/authentication/operations"
      local -a floor_creates=(SERVER_PID="$FLOOR_PID" BENCH_TOKEN="$token_main" "$P_FLOOR_CREATES" "$P_INSERT" wrk -s bench/lua/create.lua "$floor_base")
      alternate service_creates floor_creates
    else
      env_measure "${service_creates[@]}"
    fi
  fi

  # (c)
  if want reads; then
    # Without the creates, the reads' user gets operations of its own.
    want creates || seed "$USER_MAIN" 10000 uuid
    psql_db -At -c "SELECT id FROM operations WHERE owner_id = '$USER_MAIN'" >"$WORK/ids"
    log "   the reads draw from $(wc -l <"$WORK/ids") operations"
    seed "$OWNER_SELECT" "$SELECT_ROWS" numbers
    psql_db -c "VACUUM ANALYZE operations"
    measure "$P_SELECT" "" pgbench -f bench/pgbench/select.sql \
      -D owner_id="$OWNER_SELECT" -D rows="$SELECT_ROWS"
    local -a service_reads=(SERVER_PID="$SERVICE_PID" BENCH_TOKEN="$token_main" BENCH_IDS="$WORK/ids" "$P_READS" "$P_SELECT" wrk -s bench/lua/read.lua "$base/")
    if [[ $FLOOR == 1 ]]; then
      if [[ -z $FLOOR_PID ]]; then
        start_floor
        floor_base="http://127.0.0.1:$FLOOR_PORT/beta/me/authentication/operations"
      fi
      local -a floor_reads=(SERVER_PID="$FLOOR_PID" BENCH_TOKEN="$token_main" BENCH_IDS="$WORK/ids" "$P_FLOOR_READS" "$P_SELECT" wrk -s bench/lua/read.lua "$floor_base/")
      alternate service_reads floor_reads
    else
      env_measure "${service_reads[@]}"
    fi
  fi
  stop_floor

  # (d)
  want lists && lists "$base" "$token_10k" "$token_1m"
  # (e)
  want longpoll && longpoll
  # (g) last: the attack leaves queued statements behind it in an unprotected service.
  want hostile && hostile "$base" "$token_victim"

  # (f) peak RSS: the kernel's high-water mark over the run, up to the hostile phase, whose own
  # pages of 999 long rows and thousands of held connections are a bound of their own.
  phase "end"
  local hwm
  hwm=$(vm_kb VmHWM)
  if [[ -n ${HOSTILE_HWM_BEFORE:-} ]]; then
    record "$P_PEAK" process "{\"value\": $((HOSTILE_HWM_BEFORE / 1024)), \"unit\": \"MiB\"}"
    record "$P_PEAK_HOSTILE" process "{\"value\": $((hwm / 1024)), \"unit\": \"MiB\"}"
  else
    record "$P_PEAK" process "{\"value\": $((hwm / 1024)), \"unit\": \"MiB\"}"
  fi
  log "   peak RSS $((hwm / 1024)) MiB; by phase (max VmRSS, MiB):"
  awk -F'\t' '{ if ($3 > max[$2]) max[$2] = $3 } END { for (p in max) printf "bench:      %-40s %d\n", p, max[p] / 1024 }' \
    "$WORK/memory.log" >&2 || true

  # (h) after the peak RSS above: it runs instances of its own, with the one of the other phases stopped.
  want cluster-waiters && cluster_waiters

  table "$started_at" "$load"
  profile_reports
}

# (d) The lists. $1 = the base URL, $2 and $3 the tokens of the users with LIST_SMALL and LIST_LARGE operations.
lists() {
  local base=$1 token_10k=$2 token_1m=$3
  phase "seeding lists"
  local seconds=$SECONDS
  seed "$USER_10K" "$LIST_SMALL" uuid
  seed "$USER_1M" "$LIST_LARGE" uuid
  # What autovacuum does to a table that grew this much, done now so it cannot run mid-measurement.
  psql_db -c "VACUUM ANALYZE operations"
  log "   seeded $LIST_SMALL + $LIST_LARGE operations in $((SECONDS - seconds)) s"
  local page100
  page100=$(bounded "$SEED_DEADLINE" "following 99 pages' @odata.nextLink" python3 bench/report.py follow --url "$base" --token "$token_1m" --pages 99)
  # Their yardsticks compare p99s, which one stall of these shared cores moves by a fifth: the
  # medians of LIST_REPEAT runs are compared.
  RUNS=$LIST_REPEAT SERVER_PID=$SERVICE_PID BENCH_TOKEN=$token_10k measure "$P_LIST_SMALL" "" wrk -s bench/lua/get.lua "$base"
  RUNS=$LIST_REPEAT SERVER_PID=$SERVICE_PID BENCH_TOKEN=$token_1m measure "$P_LIST_LARGE" "" wrk -s bench/lua/get.lua "$base"
  RUNS=$LIST_REPEAT SERVER_PID=$SERVICE_PID BENCH_TOKEN=$token_1m measure "$P_PAGE100" "" wrk -s bench/lua/get.lua "$page100"
}

# (e) The long-polls (bench/LongPollBench.java), as the user of target/bench/token-wait.
longpoll() {
  phase "long-poll"
  # auto: warm-up rounds until two in a row run at the PATCH rate with wake p50 and p99 fallen by
  # 20 % or less, LONGPOLL_WARMUP_MAX_ROUNDS at most; a fixed WARMUP_SECONDS: one round; 0: none.
  # LONGPOLL_ROUNDS measured rounds, as one round's p99 is one stall's: at 500 PATCHes/s, a stall of
  # 100 ms anywhere on these shared cores delays the 50 wakes that make a round's p99.
  local warmup_rounds=1 settle=0 warmup
  [[ $WARMUP_SECONDS == auto ]] && { warmup_rounds=$LONGPOLL_WARMUP_MAX_ROUNDS; settle=20; }
  [[ $WARMUP_SECONDS == 0 ]] && warmup_rounds=0
  # Bounded inside (the creates by LONGPOLL_DEADLINE, each round by its own steps: see
  # LongPollBench's comment) and out here, by their sum and a minute, in case the client itself stalls.
  local rounds=$((warmup_rounds + LONGPOLL_ROUNDS)) status=0
  local most=$((LONGPOLL_DEADLINE + rounds * (60 + 2 + 60 + 90 + (WAITERS + 99) / (PATCH_RATE > 0 ? PATCH_RATE : 100)) + 60))
  # PROFILE=1: the whole phase, creates and warm-up rounds too (its client runs them in one go).
  profile_start "$P_WAKE" "$SERVICE_PID"
  bounded "$most" "the long-poll phase (bench/LongPollBench.java)" java -cp "$JAR" bench/LongPollBench.java \
    --port "$PORT" --token-file "$WORK/token-wait" --pid "$SERVICE_PID" \
    --waiters "$WAITERS" --rounds "$LONGPOLL_ROUNDS" --warmup-rounds "$warmup_rounds" --warmup-settle-percent "$settle" \
    --wait 60 --patch-rate "$PATCH_RATE" --concurrency "$C" --deadline "$LONGPOLL_DEADLINE" \
    >"$WORK/longpoll.out" 2> >(tee "$WORK/longpoll.err" >&2) || status=$?
  # tee, done writing longpoll.err ($! is it from bash 5.1 on; before that, the sampler's, never waited for)
  [[ $! == "${SAMPLER_PID:-}" ]] || wait $! 2>/dev/null || true
  profile_stop
  ((status == 0)) || die "the long-poll phase failed (exit $status): $(tail -n 1 "$WORK/longpoll.err")"
  warmup="$(grep -c '"warmup":true' "$WORK/longpoll.out" || true) round(s)"
  local line
  while read -r line; do
    # Its standard output also carries the Vert.x client's own log lines (a blocked-thread warning,
    # on a busy machine): only the rounds' results are read.
    [[ $line == '{"round":'* ]] || continue
    log "   $line"
    [[ $line == *'"warmup":true'* ]] && continue
    record "$P_WAKE" longpoll "$(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(json.dumps({"rate": r["patchesPerSecond"], "requests": r["patches"], "p50_ms": r["wakeP50Ms"],
                  "p99_ms": r["wakeP99Ms"], "errors": r["errors"], "detail": r}))' "$line")" \
      "{\"warmup\": \"$warmup\"}"
    record "$P_PATCH" longpoll "$(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(json.dumps({"rate": r["patchesPerSecond"], "requests": r["patches"], "p50_ms": r["patchP50Ms"],
                  "p99_ms": r["patchP99Ms"], "errors": r["errorDetail"]["patchFailed"]}))' "$line")" \
      "{\"warmup\": \"$warmup\"}"
    record "$P_BEFORE" process \
      "{\"value\": $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["rssBeforeKb"] / 1024)' "$line"), \"unit\": \"MiB\"}"
    record "$P_HELD" process \
      "{\"value\": $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["rssHeldKb"] / 1024)' "$line"), \"unit\": \"MiB\"}"
  done <"$WORK/longpoll.out"
}

# (h) The cluster's waiters: CLUSTER_WAITERS long-polls held on CLUSTER_INSTANCES instances of their
# own (one PostgreSQL, as deployed), woken by PATCHes through another instance, so each wake crosses
# LISTEN/NOTIFY. The clients connect straight to the instances, each from its own loopback address.

# The callers' object ids, one a line.
cluster_callers() {
  local k
  for ((k = 0; k < CLUSTER_CALLERS; k++)); do printf '0b7c3a52-1b8e-4f5e-9d56-c%011d\n' "$k"; done
}

stop_cluster() {
  local pid
  for pid in "${CLUSTER_PIDS[@]}"; do SERVICE_PID=$pid stop_service; done
  CLUSTER_PIDS=()
}

# A field of a process's /proc status in kB: pid_kb PID VmRSS.
pid_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

# The live heap of a running JVM in bytes, after the full collection GC.class_histogram makes; the
# histogram itself goes to $2.
live_heap() {
  "$JCMD" "$1" GC.class_histogram >"$2" 2>&1 || { log "   jcmd $1 GC.class_histogram failed: $(tail -n 1 "$2")"; echo 0; return; }
  awk '$1 == "Total" {print $3}' "$2"
}

cluster_waiters() {
  phase "cluster-waiters: seeding"
  stop_service
  JCMD="$(dirname "$(scripts/service-java.sh | cut -d' ' -f2-)")/jcmd"
  [[ -x $JCMD ]] || die "jcmd not found beside the service's java ($JCMD)"
  local per_caller=$(((CLUSTER_WAITERS + CLUSTER_CALLERS - 1) / CLUSTER_CALLERS))
  ((per_caller / CLUSTER_INSTANCES < 450)) \
    || log "   WARNING: each caller holds about $((per_caller / CLUSTER_INSTANCES)) waiters per instance, near or past LONG_POLLS_PER_CALLER (500): raise CLUSTER_CALLERS"
  # Running operations (a final one is answered at once), CLUSTER_CALLERS callers' worth, in the order
  # of their random ids, so that each instance holds some of every caller's.
  psql_db -c "INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status, status_detail, version)
    SELECT '0b7c3a52-1b8e-4f5e-9d56-c' || lpad(k::text, 11, '0'), gen_random_uuid()::text, t, t, 'running',
           'held by the cluster-waiters phase', 2
    FROM generate_series(0, $CLUSTER_CALLERS - 1) AS k, generate_series(1, $per_caller) AS n,
         (SELECT date_trunc('milliseconds', now()) AS t) AS now" >/dev/null
  psql_db -c "VACUUM ANALYZE operations"
  psql_db -At -F ' ' -c "SELECT right(owner_id, 11)::int, id FROM operations
    WHERE owner_id LIKE '0b7c3a52-1b8e-4f5e-9d56-c%' ORDER BY id LIMIT $CLUSTER_WAITERS" >"$WORK/cluster-ids"
  # Operations of their own for the instances' warm-up to wait on and PATCH, one a caller.
  psql_db -At -F ' ' -c "INSERT INTO operations (owner_id, id, created_date_time, last_action_date_time, status, status_detail, version)
    SELECT '0b7c3a52-1b8e-4f5e-9d56-c' || lpad(k::text, 11, '0'), gen_random_uuid()::text, t, t, 'running',
           'warming the cluster-waiters phase', 2
    FROM generate_series(0, $CLUSTER_CALLERS - 1) AS k,
         (SELECT date_trunc('milliseconds', now()) AS t) AS now
    RETURNING right(owner_id, 11)::int, id" >"$WORK/cluster-warm-ids"

  phase "cluster-waiters: starting $CLUSTER_INSTANCES instances"
  # Every limit at its default (production): the waiters belong to CLUSTER_CALLERS users.
  local -a ports=() targets=() before_rss=() before_heap=() held_rss=() held_heap=() waiters_on=()
  local k
  for ((k = 0; k < CLUSTER_INSTANCES; k++)); do
    PORT=$(python3 bench/report.py free-port)
    SERVICE_ENV="${SERVICE_ENV:-} SERVICE_HEAP=$CLUSTER_HEAP" SERVICE_LOG="$WORK/cluster-service-$k.log" start_service production
    CLUSTER_PIDS+=("$SERVICE_PID")
    ports+=("$PORT")
    targets+=("127.0.0.1:$PORT")
    waiters_on+=($(((CLUSTER_WAITERS - k + CLUSTER_INSTANCES - 1) / CLUSTER_INSTANCES)))
    log "   instance $k: port $PORT, pid $SERVICE_PID, ready in ${READY_MS} ms; max open files $(awk '/Max open files/ {print $4}' /proc/$SERVICE_PID/limits)"
  done
  SERVICE_PID=""
  # Each instance warmed up first, as every other phase is: cold, still compiling, with all its waiters
  # arriving at once, an instance answered thousands of their first reads 503, and the first wakes took
  # hundreds of milliseconds (bench/README.md, the cluster's waiters). On every instance at once: reads by
  # id as their owners, GETs held by Prefer: wait=1 and the PATCHes that wake them, on operations of their
  # own. Memory is measured after.
  if ((CLUSTER_INSTANCE_WARMUP > 0)); then
    phase "cluster-waiters: warming the instances for $CLUSTER_INSTANCE_WARMUP s"
    local -a warming=() warmed=()
    # Connections of each kind of the wake's warm-up, per instance: waits held, and PATCHes waking them.
    local -A warm_connections=([wait]=16 [patch]=2)
    local mode
    for ((k = 0; k < CLUSTER_INSTANCES; k++)); do
      BENCH_TOKENS="$WORK/cluster-tokens" BENCH_IDS="$WORK/cluster-ids" bounded $((CLUSTER_INSTANCE_WARMUP + RUN_SLACK)) \
        "wrk warming instance $k" wrk -t 1 -c 4 -d "${CLUSTER_INSTANCE_WARMUP}s" -s bench/lua/warm-owners.lua \
        "http://${targets[k]}/" >"$WORK/cluster-warm-$k-read.out" 2>&1 &
      warming+=($!) warmed+=("$WORK/cluster-warm-$k-read.out")
      for mode in wait patch; do
        BENCH_MODE=$mode BENCH_TOKENS="$WORK/cluster-tokens" BENCH_IDS="$WORK/cluster-warm-ids" \
          bounded $((CLUSTER_INSTANCE_WARMUP + RUN_SLACK)) "wrk warming instance $k ($mode)" \
          wrk -t 1 -c "${warm_connections[$mode]}" -d "${CLUSTER_INSTANCE_WARMUP}s" -s bench/lua/warm-waiters.lua \
          "http://${targets[k]}/" >"$WORK/cluster-warm-$k-$mode.out" 2>&1 &
        warming+=($!) warmed+=("$WORK/cluster-warm-$k-$mode.out")
      done
    done
    for k in "${!warming[@]}"; do
      wait "${warming[k]}" || die "warming the instances failed; see ${warmed[k]}"
      log "   $(basename "${warmed[k]}" .out): $(awk '/Requests\/sec/ {print $2 " requests/s"} /Non-2xx/ {print "; " $NF " not 2xx"}' "${warmed[k]}" | tr -d '\n')"
    done
  fi
  sleep 2
  for ((k = 0; k < CLUSTER_INSTANCES; k++)); do
    before_rss+=("$(pid_kb "${CLUSTER_PIDS[k]}" VmRSS)")
    before_heap+=("$(live_heap "${CLUSTER_PIDS[k]}" "$WORK/cluster-histogram-$k-before.txt")")
  done

  phase "cluster-waiters: holding $(thousands "$CLUSTER_WAITERS")"
  # As many client processes as the open-file limit asks for, each from its own source address.
  local per_client=$(( $(ulimit -n) - 1000 ))
  ((per_client > 25000)) && per_client=25000
  local clients=$(((CLUSTER_WAITERS + per_client - 1) / per_client))
  ((clients < CLUSTER_INSTANCES)) && clients=$CLUSTER_INSTANCES
  local rate first=0 count j
  rate=$(python3 -c "print($CLUSTER_PATCH_RATE / $clients)")
  rm -f "$WORK"/cluster-ready-* "$WORK/cluster-go" "$WORK"/cluster-samples-* "$WORK"/cluster-client-*.out
  CLUSTER_CLIENT_PIDS=()
  for ((j = 0; j < clients; j++)); do
    count=$(((CLUSTER_WAITERS - j + clients - 1) / clients))
    java -Xms"$CLUSTER_CLIENT_HEAP" -Xmx"$CLUSTER_CLIENT_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:MaxTenuringThreshold=1 \
      -Xss256k -cp "$JAR" bench/ClusterWaiters.java --targets "$(IFS=,; echo "${targets[*]}")" \
      --source "127.0.0.$((2 + j))" --tokens "$WORK/cluster-tokens" --ids "$WORK/cluster-ids" --first "$first" --count "$count" \
      --patch-rate "$rate" --warmup-seconds "$CLUSTER_WARMUP_SECONDS" --rounds "$CLUSTER_ROUNDS" --seconds "$CLUSTER_SECONDS" \
      --ready "$WORK/cluster-ready-$j" --go "$WORK/cluster-go" --samples "$WORK/cluster-samples-$j" \
      --arm-seconds "$CLUSTER_ARM_SECONDS" --connecting "$CLUSTER_CONNECTING" \
      >"$WORK/cluster-client-$j.out" 2>"$WORK/cluster-client-$j.err" &
    CLUSTER_CLIENT_PIDS+=($!)
    first=$((first + count))
  done
  local started=$SECONDS ready
  while :; do
    ready=0
    for ((j = 0; j < clients; j++)); do [[ -f $WORK/cluster-ready-$j ]] && ready=$((ready + 1)); done
    ((ready == clients)) && break
    for j in "${!CLUSTER_CLIENT_PIDS[@]}"; do
      kill -0 "${CLUSTER_CLIENT_PIDS[j]}" 2>/dev/null || [[ -f $WORK/cluster-ready-$j ]] \
        || die "cluster-waiters client $j exited before its waiters were held; see $WORK/cluster-client-$j.err"
    done
    ((SECONDS - started < CLUSTER_ARM_SECONDS + 60)) || die "the cluster's waiters were not all sent within $CLUSTER_ARM_SECONDS s"
    sleep 0.5
  done
  log "   $(thousands "$CLUSTER_WAITERS") waiters sent by $clients clients in $((SECONDS - started)) s (each: $(cat "$WORK"/cluster-ready-* | tr '\n' ' ')s)"
  # The last requests read and parked, then each instance's memory with them held.
  sleep 5
  for ((k = 0; k < CLUSTER_INSTANCES; k++)); do
    held_rss+=("$(pid_kb "${CLUSTER_PIDS[k]}" VmRSS)")
    held_heap+=("$(live_heap "${CLUSTER_PIDS[k]}" "$WORK/cluster-histogram-$k-held.txt")")
    log "   instance $k: RSS $((before_rss[k] / 1024)) -> $((held_rss[k] / 1024)) MiB, live heap $((before_heap[k] / 1048576)) -> $((held_heap[k] / 1048576)) MiB with $(thousands "${waiters_on[k]}") waiters"
  done
  phase "cluster-waiters: waking at ${CLUSTER_PATCH_RATE}/s"
  touch "$WORK/cluster-go"
  local status=0
  for j in "${!CLUSTER_CLIENT_PIDS[@]}"; do
    wait "${CLUSTER_CLIENT_PIDS[j]}" || { status=$?; log "   client $j exited with status $status; see $WORK/cluster-client-$j.err"; }
  done
  CLUSTER_CLIENT_PIDS=()
  local peaks=() line
  for ((k = 0; k < CLUSTER_INSTANCES; k++)); do
    peaks+=("$(pid_kb "${CLUSTER_PIDS[k]}" VmHWM)")
    kill -0 "${CLUSTER_PIDS[k]}" 2>/dev/null || log "   instance $k has exited; see $WORK/cluster-service-$k.log"
  done
  for j in $(seq 0 $((clients - 1))); do
    while read -r line; do [[ $line == '{"source"'* ]] && log "   $line"; done <"$WORK/cluster-client-$j.out"
  done
  python3 bench/report.py cluster --outs "$WORK"/cluster-client-*.out --samples "$WORK/cluster-samples" \
    --rate "$CLUSTER_PATCH_RATE" --rounds "$CLUSTER_ROUNDS" --waiters "$CLUSTER_WAITERS" \
    --warmup "$CLUSTER_WARMUP_SECONDS s" --histograms "$WORK/cluster-histogram" --instances "$CLUSTER_INSTANCES" \
    --waiters-on "${waiters_on[*]}" --before-rss "${before_rss[*]}" --held-rss "${held_rss[*]}" \
    --before-heap "${before_heap[*]}" --held-heap "${held_heap[*]}" --peaks "${peaks[*]}" \
    --phase-wake "$P_CW_WAKE" --phase-rss "$P_CW_RSS" --phase-rss-waiter "$P_CW_RSS_WAITER" \
    --phase-heap-waiter "$P_CW_HEAP_WAITER" >>"$RESULTS"
  stop_cluster
}

# The table, from target/bench/results.jsonl, to RESULTS_MD. $1 = when the run started, $2 = the load average then.
table() {
  local started_at=$1 load=$2
  export CLUSTER_DESC="$(thousands "$CLUSTER_WAITERS") GETs with Prefer: wait=60 and If-None-Match held on $CLUSTER_INSTANCES instances of their own (a heap of $CLUSTER_HEAP each, SERVICE_HEAP; every limit at its default; the waiters belong to $CLUSTER_CALLERS users), one connection each, straight to the instances (no load balancer), from client processes each bound to its own loopback address 127.0.0.2, .3, …; each answered waiter asks again at once. PATCHes at ${CLUSTER_PATCH_RATE}/s in all, each to a held waiter picked at random and sent through the next instance, so that every wake crosses PostgreSQL's LISTEN/NOTIFY: an unmeasured window of ${CLUSTER_WARMUP_SECONDS} s, then $CLUSTER_ROUNDS of ${CLUSTER_SECONDS} s, whose medians the table shows. Wake latency: from writing the PATCH to reading the waiter's answer. Memory: RSS and the live heap (after the full collection of jcmd GC.class_histogram) of each instance before the waiters were sent and with them held"
  export CLUSTER_WAITERS CLUSTER_INSTANCES
  export PHASES HOSTILE_DESC="an attacker with $(thousands "$HOSTILE_ROWS") operations of $(thousands "$HOSTILE_DETAIL")-character statusDetail runs $HOSTILE_FILTERS costly reads at a time (\$count and lists with a 2,035-character \$filter of 51 \`not contains(statusDetail,'zz%_%')\`, \$orderby=statusDetail with \$skip=99000 and with \$top=999, 62 OR'd \`contains\`) and holds $(thousands "$HOSTILE_WAITERS") long-polls (Prefer: wait=60), from $HOSTILE_RAMP_SECONDS s before the victim's measured run to its end; the victim (another user, $HOSTILE_VICTIM_ROWS operations) reads by id on $HOSTILE_C connections, each pausing $HOSTILE_DELAY_MS ms between an answer and its next read"
  local header="Numbers from one run on a shared machine with other work on it"
  if awk -v l="${load%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    header="$header: the load average was $load on $(nproc) cores when it started, so treat the absolute numbers as noisy and compare ratios within this run only."
  else
    header="$header (load average $load on $(nproc) cores at the start): compare ratios within this run only."
  fi
  local meta
  meta=$(python3 - "$started_at" "$C" "$T" "$REPEAT, LIST_REPEAT = $LIST_REPEAT" "$load" "$header" "$WAITERS" "$PATCH_RATE" \
    "$WARMUP_SECONDS" "$WARMUP_ROUND_SECONDS" "$WARMUP_MAX_ROUNDS" "$LIST_SMALL" "$LIST_LARGE" \
    "$("$PSQL" -X -w -At -d postgres -c 'SHOW server_version' | cut -d' ' -f1)" \
    "$(java -jar "$JAR" --version)" "$("$(scripts/service-java.sh | cut -d' ' -f2-)" -version 2>&1 | head -n 1)" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src pom.xml openapi.yaml bench 2>/dev/null || echo ', with uncommitted changes')" <<'PY'
import json, os, sys
(date, c, t, repeat, load, header, waiters, patch_rate, warm, warm_round, warm_max,
 small, large, pg, version, java, commit) = sys.argv[1:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
warmup = (f"auto: runs of {warm_round} s until the rate has risen by 5 % or less twice in a row, {warm_max} at most; long-polls: rounds "
          f"until the wake p50 and p99 fall by 20 % or less twice in a row (per phase, below)"
          if warm == "auto" else f"{warm} s per phase")
print(json.dumps({
    "date": date, "C": c, "T": t, "REPEAT": repeat, "load": load, "header": header,
    "cores": os.cpu_count(), "cpu": cpu, "memory": f"{int(mem) / 1024 / 1024:.0f} GiB",
    "waiters": f"{int(waiters):,}", "patch_rate": patch_rate, "warmup": warmup, "pg": pg, "version": version, "java": java, "commit": commit,
    "run_phases": os.environ["PHASES"], "hostile": os.environ["HOSTILE_DESC"],
    "cluster": {"waiters": f"{int(os.environ['CLUSTER_WAITERS']):,}", "instances": os.environ["CLUSTER_INSTANCES"],
                "desc": os.environ["CLUSTER_DESC"]},
    "phases": {
        "insert_limit": os.environ["P_INSERT"], "creates": os.environ["P_CREATES"],
        "select_limit": os.environ["P_SELECT"], "reads": os.environ["P_READS"],
        "floor_creates": os.environ["P_FLOOR_CREATES"], "floor_reads": os.environ["P_FLOOR_READS"],
        "list_small": os.environ["P_LIST_SMALL"], "list_large": os.environ["P_LIST_LARGE"],
        "list_page100": os.environ["P_PAGE100"], "longpoll": os.environ["P_WAKE"],
        "peak_rss": os.environ["P_PEAK"], "start": os.environ["P_START"],
        "victim_alone": os.environ["P_VICTIM_ALONE"], "victim_attacked": os.environ["P_VICTIM_ATTACKED"],
        "victim_after": os.environ["P_VICTIM_AFTER"],
        "attack_filters": os.environ["P_ATTACK_FILTERS"], "attack_polls": os.environ["P_ATTACK_POLLS"],
        "peak_rss_hostile": os.environ["P_PEAK_HOSTILE"],
        "cluster_wake": os.environ["P_CW_WAKE"], "cluster_rss": os.environ["P_CW_RSS"],
        "small": f"{int(small):,}", "large": f"{int(large):,}",
    },
}))
PY
)
  python3 bench/report.py table --results "$RESULTS" --memory "$WORK/memory.log" --meta "$meta" \
    --out "$RESULTS_MD"
  log "wrote $RESULTS_MD (raw: ${RESULTS#"$ROOT"/}, logs: ${WORK#"$ROOT"/}/)"
}

main "$@"

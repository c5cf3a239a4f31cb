#!/usr/bin/env bash
# bench/drill.sh - `make drill`: fault drills on the reference deployment (README.md, "Deployment";
# bench/README.md, "Fault drills"). INSTANCES instances behind HAProxy (deploy/haproxy.cfg as it is),
# on a PostgreSQL server of the drill's own: a fresh throwaway cluster (initdb, run as the postgres
# user) on a port of its own, which the drill stops, starts and slows as it likes, and removes at
# the end. Never the machine's own server. Run as root, that server sits in a network namespace of
# its own, behind a veth pair, so that the network drill can slow the link with `tc netem`, or,
# where the kernel has no netem (this sandbox's), with netfilter in the namespace: iptables'
# statistic match for the loss, and bench/netdelay.c on an NFQUEUE queue for the delay (compiled
# here with gcc; iptables and libnetfilter-queue-dev installed with apt-get when missing).
#
# Each drill runs under steady mixed load through HAProxy (bench/DrillLoad.java: creates, reads,
# lists, PATCHes, long-polls), then checks every acknowledged create and PATCH in the database:
#   rolling     SIGTERM each instance in turn, start it again, wait until HAProxy has it back.
#               Passes with 0 failed requests.
#   kill        SIGKILL one instance, then start it again. Passes when the only failures are
#               requests in flight on it when it died, and every long-poll that failed there and
#               waited again was woken by a later change.
#   db-restart  PostgreSQL stopped (fast shutdown) for DRILL_DB_DOWN_SECONDS, then started. Passes
#               when every failure is a 503 with Retry-After while it is down (to 5 s after), none
#               waits past DB_TIMEOUT_SECONDS + 2 s, and every instance serves fully, its LISTEN
#               connection included, within 5 s of the database answering.
#   network     the link to PostgreSQL slowed and lossy (DRILL_NETEM each way: tc netem, else
#               iptables statistic + NFQUEUE delay) for DRILL_NETWORK_SECONDS, after
#               DRILL_WARM_SECONDS of load; its SELECT 1 round trip measured without and with it
#               before the load. Passes with 0 failed requests and a p99 of the requests sent while
#               the link was slow within DRILL_P99_LIMIT_MS.
# Every drill also needs: nothing acknowledged lost, no long-poll missed a change of its operation,
# and the probe (DrillLoad probe) passing: each instance, asked directly, creates, reads, lists and
# wakes a waiter when another instance PATCHes. "time to full service" is from the last disruption
# (the last SIGTERM, the SIGKILL, PostgreSQL answering, the slowdown removed) to that probe passing.
#
# Environment (defaults in brackets):
#   DRILLS [rolling,kill,db-restart,network]   which drills, in that order
#   INSTANCES [3]            instances, 2 to 9
#   DRILL_PORT [a free port]             HAProxy's port
#   DRILL_INSTANCE_PORTS [free ports]    the instances' ports, comma-separated
#   DRILL_PG_PORT [a free port]          the drill's PostgreSQL
#   DRILL_WARM_SECONDS [5]   load before each fault     DRILL_AFTER_SECONDS [5]   load after recovery
#   DRILL_DB_DOWN_SECONDS [8]                how long PostgreSQL stays down
#   DRILL_NETEM ["delay 10ms loss 0.5%"]     netem on each direction: 20 ms round trip, ~1 % loss
#                            (without netem only the form "delay Nms[ loss P%]" can be emulated)
#   DRILL_NETWORK_SECONDS [20]   DRILL_P99_LIMIT_MS [1000]
#   DRILL_CREATE_RATE [20] DRILL_READ_RATE [20] DRILL_LIST_RATE [2] DRILL_PATCH_RATE [10]
#   DRILL_WAITERS [30] DRILL_WAITED_PATCH_RATE [6]    the load, per second: steady, well below what
#                            the instances can serve, so that a failure is the fault's
#   DRILL_HTTP_INSTANCES [1] each instance's event loops (HTTP_INSTANCES): three instances share the machine
#   DB_TIMEOUT_SECONDS [5]   the instances' own setting
#
# Writes bench/results/drill-latest.md (all four drills) or target/drill/latest.md (a subset); logs
# go to target/drill/. Exits 1 when a drill fails its rule.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf 'drill: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
source "$ROOT/bench/service.sh"     # find_pg_tool
source "$ROOT/scripts/cluster.sh"   # ensure_haproxy, start_haproxy, wait_ready

ALL_DRILLS="rolling,kill,db-restart,network"
DRILLS=${DRILLS:-$ALL_DRILLS}
INSTANCES=${INSTANCES:-3}
DRILL_WARM_SECONDS=${DRILL_WARM_SECONDS:-5}
DRILL_AFTER_SECONDS=${DRILL_AFTER_SECONDS:-5}
DRILL_DB_DOWN_SECONDS=${DRILL_DB_DOWN_SECONDS:-8}
DRILL_NETEM=${DRILL_NETEM:-delay 10ms loss 0.5%}
DRILL_NETWORK_SECONDS=${DRILL_NETWORK_SECONDS:-20}
DRILL_P99_LIMIT_MS=${DRILL_P99_LIMIT_MS:-1000}
DB_TIMEOUT_SECONDS=${DB_TIMEOUT_SECONDS:-5}
for n in INSTANCES DRILL_WARM_SECONDS DRILL_AFTER_SECONDS DRILL_DB_DOWN_SECONDS DRILL_NETWORK_SECONDS DRILL_P99_LIMIT_MS DB_TIMEOUT_SECONDS; do
  [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number, not '${!n}'"
done
((INSTANCES >= 2 && INSTANCES <= 9)) || die "INSTANCES must be 2 to 9"
for d in ${DRILLS//,/ }; do
  [[ ",$ALL_DRILLS," == *",$d,"* ]] || die "DRILLS: '$d' is none of $ALL_DRILLS"
done
if [[ $DRILLS == "$ALL_DRILLS" ]]; then RESULTS_MD=bench/results/drill-latest.md; else RESULTS_MD=target/drill/latest.md; fi

WORK="$ROOT/target/drill"
JAR="$ROOT/target/lro-service.jar"
ISSUER="https://login.microsoftonline.com/2f4a9838-26b7-47ee-be60-ccc1fdec5953/v2.0"
AUDIENCE="api://lro-drill"
USER_DRILL=0b7c3a52-1b8e-4f5e-9d56-00000000d111
DB=lro_drill
free_port() { python3 bench/report.py free-port; }
now_ms() { date +%s%3N; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# ------------------------------------------------------------- the drill's PostgreSQL --
PG_BIN=$(dirname "$(find_pg_tool initdb)") || die "PostgreSQL's server binaries are missing (apt-get install postgresql)"
PG_PORT=${DRILL_PG_PORT:-$(free_port)}
PG_DATA="$WORK/pgdata"
PG_SOCK="$WORK/pgsock"
PG_HOST=127.0.0.1
NETNS="" VETH_HOST="" VETH_NS=""
as_postgres() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
psql_drill() { "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres "$@"; }

# A veth pair into a namespace of the drill's own; PostgreSQL listens on the far end.
make_netns() {
  is_root || { NETNS_ERROR="not root: no network namespace"; return 1; }
  local net=$((($$ % 200) + 20))
  NETNS=lrodrill$$ VETH_HOST=ldh$$ VETH_NS=ldn$$
  if ! NETNS_ERROR=$({ ip netns add "$NETNS" && ip link add "$VETH_HOST" type veth peer name "$VETH_NS" \
      && ip link set "$VETH_NS" netns "$NETNS" && ip addr add "10.213.$net.1/30" dev "$VETH_HOST" \
      && ip link set "$VETH_HOST" up && ip netns exec "$NETNS" ip addr add "10.213.$net.2/30" dev "$VETH_NS" \
      && ip netns exec "$NETNS" ip link set "$VETH_NS" up && ip netns exec "$NETNS" ip link set lo up; } 2>&1); then
    remove_netns
    return 1
  fi
  PG_HOST=10.213.$net.2
}

remove_netns() {
  [[ -n $VETH_HOST ]] && ip link del "$VETH_HOST" 2>/dev/null || true
  [[ -n $NETNS ]] && ip netns del "$NETNS" 2>/dev/null || true
  NETNS="" VETH_HOST=""
}

start_pg() {
  pg_ctl_as_owner -D "$PG_DATA" -l "$WORK/postgres.log" -w -t 60 \
    -o "-c port=$PG_PORT -c listen_addresses='$PG_HOST' -c unix_socket_directories='$PG_SOCK' -c max_connections=200" \
    start >/dev/null || die "the drill's PostgreSQL did not start; see $WORK/postgres.log"
  local i
  for ((i = 0; i < 150; i++)); do
    "$PG_BIN/pg_isready" -q -U postgres -h "$PG_HOST" -p "$PG_PORT" -t 1 && return 0
    sleep 0.1
  done
  die "the drill's PostgreSQL does not answer on $PG_HOST:$PG_PORT; see $WORK/postgres.log"
}

stop_pg() { pg_ctl_as_owner -D "$PG_DATA" -w -t 60 -m "$1" stop >/dev/null; }

# pg_ctl as the cluster's owner, in the namespace when there is one: the server's sockets are born where it runs.
pg_ctl_as_owner() {
  if [[ -n $NETNS ]]; then
    (cd / && ip netns exec "$NETNS" runuser -u postgres -- "$PG_BIN/pg_ctl" "$@")
  else
    as_postgres "$PG_BIN/pg_ctl" "$@"
  fi
}

make_pg() {
  rm -rf "$PG_DATA" "$PG_SOCK"
  mkdir -p "$PG_DATA" "$PG_SOCK"
  chmod 700 "$PG_DATA"
  touch "$WORK/postgres.log"
  if is_root; then
    getent passwd postgres >/dev/null || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
    chown -R postgres: "$PG_DATA" "$PG_SOCK" "$WORK/postgres.log"
  fi
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >>"$WORK/postgres.log" 2>&1 \
    || die "initdb failed; see $WORK/postgres.log"
  # initdb trusts the loopback addresses only; the instances come over the veth pair.
  [[ $PG_HOST == 127.0.0.1 ]] || echo "host all all ${PG_HOST%.*}.0/24 trust" >>"$PG_DATA/pg_hba.conf"
  start_pg
  psql_drill -d postgres -c "CREATE DATABASE $DB" >/dev/null
}

# ------------------------------------------------------------------- the instances --
declare -a PIDS=() PORTS=()
start_instance() {
  local i=$1
  # The per-caller limits lifted as `make bench` lifts them: the drill's one user stands for many.
  env -i PATH="$PATH" HOME="$HOME" PGHOST="$PG_HOST" PGPORT="$PG_PORT" PGUSER=postgres PGDATABASE="$DB" \
    HTTP_PORT="${PORTS[i]}" AUTH_JWKS="$WORK/jwks.json" AUTH_ISSUER="$ISSUER" AUTH_AUDIENCE="$AUDIENCE" \
    DB_TIMEOUT_SECONDS="$DB_TIMEOUT_SECONDS" HTTP_INSTANCES="${DRILL_HTTP_INSTANCES:-1}" THROTTLE_RATE_PER_SECOND=1000000000 THROTTLE_BURST=1000000000 \
    DB_STATEMENTS_PER_CALLER=1000000000 DB_TIME_SHARE_PER_CALLER=0 LONG_POLLS_PER_CALLER=1000000 \
    SHUTDOWN_DRAIN_SECONDS="${SHUTDOWN_DRAIN_SECONDS:-3}" \
    "$ROOT/scripts/run-service.sh" "$JAR" >>"$WORK/lro$((i + 1)).log" 2>&1 &
  PIDS[i]=$!
}

wait_instance_ready() {
  wait_ready "http://127.0.0.1:${PORTS[$1]}/health/ready" 120 "${PIDS[$1]}" \
    || die "instance lro$(($1 + 1)) did not become ready; see $WORK/lro$(($1 + 1)).log"
}

stop_instance() { # stop_instance INDEX SIGNAL: and wait for it to exit
  local pid=${PIDS[$1]}
  kill "-$2" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

haproxy_cmd() {
  python3 - "$WORK/haproxy.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
out = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    out += chunk
print(out.decode(), end="")
PY
}

# Until HAProxy's checks have every instance UP (or SECONDS pass).
wait_all_up() {
  local deadline=$((SECONDS + $1)) up
  while ((SECONDS < deadline)); do
    up=$(haproxy_cmd "show stat" | awk -F, '$1 == "lro" && $2 ~ /^lro[0-9]$/ && $18 == "UP"' | wc -l)
    ((up == INSTANCES)) && return 0
    sleep 0.2
  done
  return 1
}

# ---------------------------------------------------------------------- the load --
LOAD_PID=""
start_load() { # start_load NAME: the load through HAProxy, until stop_load
  local out="$WORK/$1"
  rm -rf "$out"
  mkdir -p "$out"
  java -cp "$JAR:$WORK/classes" DrillLoad load --front "$FRONT" --token-file "$WORK/token" --out "$out" \
    --stop-file "$out/stop" --db-timeout-seconds "$DB_TIMEOUT_SECONDS" \
    --create-rate "${DRILL_CREATE_RATE:-20}" --read-rate "${DRILL_READ_RATE:-20}" --list-rate "${DRILL_LIST_RATE:-2}" \
    --patch-rate "${DRILL_PATCH_RATE:-10}" --waiters "${DRILL_WAITERS:-30}" \
    --waited-patch-rate "${DRILL_WAITED_PATCH_RATE:-6}" >>"$WORK/load.log" 2>&1 &
  LOAD_PID=$!
  local i
  for ((i = 0; i < 600; i++)); do
    [[ -f $out/started ]] && return 0
    kill -0 "$LOAD_PID" 2>/dev/null || die "the load did not start; see $WORK/load.log"
    sleep 0.1
  done
  die "the load did not start in 60 s; see $WORK/load.log"
}

stop_load() {
  touch "$WORK/$1/stop"
  wait "$LOAD_PID" || die "the load failed; see $WORK/load.log"
  LOAD_PID=""
}

# start_probe NAME: the probe of full service, started before the fault so that its JVM's start is
# not measured; probe SINCE_MS NAME: hands it the moment of the disruption and waits for its verdict,
# in $WORK/NAME/probe.json.
PROBE_PID=""
start_probe() {
  local ports
  ports=$(IFS=,; echo "${PORTS[*]}")
  rm -f "$WORK/$1/since"
  java -cp "$JAR:$WORK/classes" DrillLoad probe --front "$FRONT" --instances "$ports" --token-file "$WORK/token" \
    --since-file "$WORK/$1/since" --timeout-seconds 60 --out "$WORK/$1/probe.json" >>"$WORK/load.log" 2>&1 &
  PROBE_PID=$!
}

probe() {
  echo "$1" >"$WORK/$2/since.tmp"
  mv "$WORK/$2/since.tmp" "$WORK/$2/since"
  wait "$PROBE_PID" || true
  PROBE_PID=""
}

# The acknowledged writes of drill NAME that the database does not hold: per operation, its last
# acknowledged value, or a later one that was sent but never acknowledged.
lost() {
  psql_drill -d "$DB" -t -A <<SQL
CREATE TEMP TABLE acked (id text, detail text);
\copy acked FROM '$WORK/$1/ledger.csv' WITH (FORMAT csv)
SELECT count(*) FROM (SELECT DISTINCT id FROM acked) a
WHERE NOT EXISTS (SELECT 1 FROM operations o JOIN acked v ON v.id = o.id AND v.detail = o.status_detail
                  WHERE o.owner_id = '$USER_DRILL' AND o.id = a.id);
SQL
}

# record NAME [NAME=value...]: the drill's row, judged by bench/drill-report.py later
record() {
  local name=$1
  shift
  local n
  n=$(lost "$name")
  python3 - "$WORK/$name" "$name" "$n" "$@" >>"$WORK/rows.jsonl" <<'PY'
import json, os, sys
out, name, lost, *pairs = sys.argv[1:]
row = {"drill": name, "lost": int(lost)}
try:
    row["result"] = json.load(open(out + "/result.json"))
except FileNotFoundError:
    row["result"] = None
try:
    row["probe"] = json.load(open(out + "/probe.json"))
except (FileNotFoundError, json.JSONDecodeError):
    row["probe"] = {"fullServiceMs": -1, "last": "no probe"}
for pair in pairs:
    k, v = pair.split("=", 1)
    row[k] = v
if "slowedFromMs" in row and os.path.exists(out + "/latencies.csv"):
    # The requests sent while the link was slow: the network drill's p99 is theirs, not the warm-up's.
    took = sorted(int(t) for s, t in (line.split(",") for line in open(out + "/latencies.csv"))
                  if int(row["slowedFromMs"]) <= int(s) <= int(row["slowedToMs"]))
    row["slowedRequests"] = len(took)
    row["slowedP99Ms"] = took[max(0, -(-99 * len(took) // 100) - 1)] if took else 0
print(json.dumps(row))
PY
}

# ---------------------------------------------------------------------- the drills --
drill_rolling() {
  start_load rolling
  start_probe rolling
  sleep "$DRILL_WARM_SECONDS"
  local i last late=()
  for ((i = 0; i < INSTANCES; i++)); do
    log "rolling: SIGTERM lro$((i + 1)), then start it again"
    last=$(now_ms)
    stop_instance "$i" TERM
    start_instance "$i"
    wait_instance_ready "$i"
    wait_all_up 60 || { log "HAProxy did not take lro$((i + 1)) back in 60 s"; late+=("lro$((i + 1))"); }
  done
  probe "$last" rolling
  sleep "$DRILL_AFTER_SECONDS"
  stop_load rolling
  record rolling "notBackInHaproxy=${late[*]}"
}

drill_kill() {
  local victim=$((INSTANCES / 2)) at done_at
  start_load kill
  start_probe kill
  sleep "$DRILL_WARM_SECONDS"
  log "kill: SIGKILL lro$((victim + 1)), then start it again"
  at=$(now_ms)
  kill -KILL "${PIDS[victim]}"
  # The moment of death lies between the two readings: a request in flight then was sent before
  # the second and answered after the first.
  done_at=$(now_ms)
  wait "${PIDS[victim]}" 2>/dev/null || true
  start_instance "$victim"
  probe "$at" kill
  wait_all_up 30 || log "HAProxy did not take lro$((victim + 1)) back in 30 s"
  sleep "$DRILL_AFTER_SECONDS"
  stop_load kill
  record kill "killedAtMs=$at" "killedDoneMs=$done_at" "killed=lro$((victim + 1))"
}

drill_db_restart() {
  local down up
  start_load db-restart
  start_probe db-restart
  sleep "$DRILL_WARM_SECONDS"
  log "db-restart: PostgreSQL fast shutdown for $DRILL_DB_DOWN_SECONDS s, then start"
  down=$(now_ms)
  stop_pg fast
  sleep "$DRILL_DB_DOWN_SECONDS"
  start_pg
  up=$(now_ms)
  probe "$up" db-restart
  wait_all_up 30 || log "HAProxy did not have every instance back 30 s after PostgreSQL"
  sleep "$DRILL_AFTER_SECONDS"
  stop_load db-restart
  record db-restart "downAtMs=$down" "upAtMs=$up"
}

drill_network() {
  local before during from to
  mkdir -p "$WORK/network"
  if [[ -z $NETNS ]]; then
    record_not_run network "no network namespace: ${NETNS_ERROR:-}"
    return
  fi
  if [[ -z $IMPAIR ]]; then
    record_not_run network "$IMPAIR_ERROR"
    return
  fi
  # The link's round trip without and with the slowdown, measured before the load: what it adds.
  before=$(link_rtt)
  impair_on || { impair_off; record_not_run network "$IMPAIR_ERROR"; return; }
  during=$(link_rtt)
  impair_off
  log "network: SELECT 1 round trip $before, $during with $(impair_name)"
  # As in the other drills, the fault comes to a service already under load (warm code, warm pools).
  start_load network
  start_probe network
  sleep "$DRILL_WARM_SECONDS"
  impair_on || die "network: $IMPAIR_ERROR"
  from=$(now_ms)
  log "network: $(impair_name) for $DRILL_NETWORK_SECONDS s"
  sleep "$DRILL_NETWORK_SECONDS"
  to=$(now_ms)
  stop_load network
  impair_off
  probe "$(now_ms)" network
  record network "mechanism=$(impair_name)" "rttBefore=$before" "rttDuring=$during" "effect=$IMPAIR_EFFECT" \
    "slowedFromMs=$from" "slowedToMs=$to"
}

# ------------------------------------------------- the network drill's slow, lossy link --
# tc netem on both ends of the veth pair where the kernel has it. Where it has not
# (CONFIG_NET_SCH_NETEM unset, as in this sandbox: "Error: Specified qdisc kind is unknown."), the
# same delay and loss from netfilter, in the namespace, on the veth's traffic both ways: iptables'
# statistic match drops packets at random, and bench/netdelay.c, bound to an NFQUEUE queue, holds
# each packet DELAY ms before accepting it. The queue rules are in the mangle table and the drops
# in the filter table, which comes later: a packet PostgreSQL sends is dropped after its sender
# counted it sent, a real loss that TCP must notice and send again, not a local send error.
IMPAIR="" IMPAIR_ERROR="" NETEM_ERROR="" DELAY_MS="" LOSS_PCT="" NETDELAY_PID="" IMPAIR_ON=""
choose_impairment() {
  # shellcheck disable=SC2086  # DRILL_NETEM is netem's own argument list
  if NETEM_ERROR=$(tc qdisc add dev "$VETH_HOST" root netem $DRILL_NETEM 2>&1); then
    tc qdisc del dev "$VETH_HOST" root
    IMPAIR=netem
    return 0
  fi
  NETEM_ERROR=${NETEM_ERROR//$'\n'/ }
  if [[ ! $DRILL_NETEM =~ ^delay\ ([0-9]+(\.[0-9]+)?)ms(\ loss\ ([0-9]+(\.[0-9]+)?)%)?$ ]]; then
    IMPAIR_ERROR="tc netem refused ($NETEM_ERROR), and without it the drill emulates only DRILL_NETEM='delay Nms loss P%', not '$DRILL_NETEM'"
    return 0
  fi
  DELAY_MS=${BASH_REMATCH[1]} LOSS_PCT=${BASH_REMATCH[4]:-0}
  log "no tc netem here ($NETEM_ERROR): the network drill uses iptables statistic + NFQUEUE delay (bench/netdelay.c)"
  if ! command -v iptables >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1 \
      || [[ ! -f /usr/include/libnetfilter_queue/libnetfilter_queue.h ]]; then
    log "installing iptables, gcc and libnetfilter-queue-dev with apt-get"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y iptables gcc libc6-dev libnetfilter-queue-dev; } >&2 \
      || { IMPAIR_ERROR="tc netem refused ($NETEM_ERROR), and apt-get could not install iptables, gcc, libnetfilter-queue-dev"; return 0; }
  fi
  gcc -O2 -Wall -o "$WORK/netdelay" bench/netdelay.c -lnetfilter_queue -lnfnetlink >&2 \
    || { IMPAIR_ERROR="tc netem refused ($NETEM_ERROR), and bench/netdelay.c does not compile"; return 0; }
  IMPAIR=netfilter
}

impair_name() {
  if [[ $IMPAIR == netem ]]; then echo "netem $DRILL_NETEM each way"
  else echo "iptables statistic + NFQUEUE delay (no netem in this kernel): ${DELAY_MS} ms and ${LOSS_PCT} % loss each way"; fi
}

in_ns() { ip netns exec "$NETNS" "$@"; }

impair_on() {
  local error i
  IMPAIR_ON=1
  if [[ $IMPAIR == netem ]]; then
    # shellcheck disable=SC2086
    error=$({ tc qdisc add dev "$VETH_HOST" root netem $DRILL_NETEM && in_ns tc qdisc add dev "$VETH_NS" root netem $DRILL_NETEM; } 2>&1) \
      || { IMPAIR_ERROR="tc qdisc add ... netem $DRILL_NETEM: $error"; return 1; }
    return 0
  fi
  rm -f "$WORK/netdelay.out"
  # Not through in_ns: a function in the background is a subshell, and $! would be its pid, not the delayer's.
  ip netns exec "$NETNS" "$WORK/netdelay" 1 "$DELAY_MS" >"$WORK/netdelay.out" 2>>"$WORK/netdelay.log" &
  NETDELAY_PID=$!
  for ((i = 0; i < 50; i++)); do
    grep -qx ready "$WORK/netdelay.out" 2>/dev/null && break
    sleep 0.1
  done
  grep -qx ready "$WORK/netdelay.out" || { IMPAIR_ERROR="bench/netdelay.c did not bind to its queue; see $WORK/netdelay.log"; return 1; }
  local p
  p=$(awk -v l="$LOSS_PCT" 'BEGIN { printf "%.6f", l / 100 }')
  error=$({ in_ns iptables -w -t mangle -A INPUT -i "$VETH_NS" -j NFQUEUE --queue-num 1 \
    && in_ns iptables -w -t mangle -A OUTPUT -o "$VETH_NS" -j NFQUEUE --queue-num 1 \
    && in_ns iptables -w -t filter -A INPUT -i "$VETH_NS" -m statistic --mode random --probability "$p" -j DROP \
    && in_ns iptables -w -t filter -A OUTPUT -o "$VETH_NS" -m statistic --mode random --probability "$p" -j DROP; } 2>&1) \
    || { IMPAIR_ERROR="iptables in the namespace refused: $error"; return 1; }
}

# impair_off: removes the slowdown, and sets IMPAIR_EFFECT to what the kernel counted (netfilter
# only): packets dropped of those sent each way. The rules go first, then the delayer, which accepts
# what it still holds. Not in a subshell: it ends the delayer, a child of this shell.
IMPAIR_EFFECT=""
impair_off() {
  [[ -n $IMPAIR_ON ]] || return 0
  IMPAIR_ON=""
  if [[ $IMPAIR == netem ]]; then
    tc qdisc del dev "$VETH_HOST" root 2>/dev/null || true
    in_ns tc qdisc del dev "$VETH_NS" root 2>/dev/null || true
    return 0
  fi
  local to_pg from_pg
  to_pg=$(nf_counts INPUT) from_pg=$(nf_counts OUTPUT)
  in_ns iptables -w -t mangle -F 2>/dev/null || true
  in_ns iptables -w -t filter -F 2>/dev/null || true
  if [[ -n $NETDELAY_PID ]]; then
    kill -TERM "$NETDELAY_PID" 2>/dev/null || true
    wait "$NETDELAY_PID" 2>/dev/null || true
    NETDELAY_PID=""
  fi
  IMPAIR_EFFECT="dropped $to_pg to PostgreSQL, $from_pg from it"
}

nf_counts() { # nf_counts CHAIN: "D of N packets (P %)", from the rules' own counters
  local queued dropped
  queued=$(in_ns iptables -w -t mangle -L "$1" -v -x -n | awk '$3 == "NFQUEUE" { print $1 }')
  dropped=$(in_ns iptables -w -t filter -L "$1" -v -x -n | awk '$3 == "DROP" { print $1 }')
  awk -v d="${dropped:-0}" -v n="${queued:-0}" 'BEGIN { printf "%d of %d packets (%.2f %%)", d, n, n ? 100 * d / n : 0 }'
}

# The median (and least) of 40 SELECT 1 round trips on one connection over the link: the delay the
# instances' statements meet.
link_rtt() {
  local i
  { echo '\timing on'; for ((i = 0; i < 40; i++)); do echo 'SELECT 1;'; done; } \
    | psql_drill -d postgres -t -A 2>/dev/null | awk '/^Time:/ { print $2 }' | sort -n \
    | awk '{ t[NR] = $1 } END { if (NR) printf "%.2f ms (least %.2f ms)", t[int((NR + 1) / 2)], t[1]; else print "not measured" }'
}

record_not_run() {
  python3 -c 'import json, sys; print(json.dumps({"drill": sys.argv[1], "notRun": sys.argv[2]}))' "$1" "$2" >>"$WORK/rows.jsonl"
}

# ------------------------------------------------------------------------ the run --
cleanup() {
  local status=$? i
  # A second Ctrl-C must not cut the cleanup short: the namespace, its rules and the delayer would stay.
  trap - EXIT
  trap '' INT TERM
  [[ -n $LOAD_PID ]] && { kill "$LOAD_PID" 2>/dev/null || true; wait "$LOAD_PID" 2>/dev/null || true; }
  [[ -n $PROBE_PID ]] && { kill "$PROBE_PID" 2>/dev/null || true; wait "$PROBE_PID" 2>/dev/null || true; }
  for ((i = 0; i < ${#PIDS[@]}; i++)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for ((i = 0; i < ${#PIDS[@]}; i++)); do wait "${PIDS[i]}" 2>/dev/null || true; done
  [[ -n ${HAPROXY_PID:-} ]] && { kill "$HAPROXY_PID" 2>/dev/null || true; wait "$HAPROXY_PID" 2>/dev/null || true; }
  if [[ -f $PG_DATA/postmaster.pid ]]; then stop_pg immediate 2>/dev/null || true; fi
  rm -rf "$PG_DATA" "$PG_SOCK"
  impair_off >/dev/null 2>&1 || true
  remove_netns
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK" bench/results
rm -f "$WORK"/*.log "$WORK/rows.jsonl"
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load=$(cut -d' ' -f1-3 /proc/loadavg)
ensure_haproxy || die "HAProxy is needed"
command -v curl >/dev/null 2>&1 || die "curl is needed"
make -s package >&2
scripts/aot-cache.sh >&2 || log "no AOT cache; the instances start without it"
rm -rf "$WORK/classes"
javac -nowarn -d "$WORK/classes" -cp "$JAR" bench/DrillLoad.java 2>&1 | grep -v '^warning\|GenIgnore\|VertxGen\|JsonGen\|DataObject\|^[0-9]* warnings' >&2 || true
[[ -f $WORK/classes/DrillLoad.class ]] || die "bench/DrillLoad.java does not compile"
java bench/BenchTokens.java "$WORK/jwks.json" "$ISSUER" "$AUDIENCE" "$USER_DRILL" >"$WORK/token"

if make_netns; then
  log "PostgreSQL in network namespace $NETNS at $PG_HOST:$PG_PORT"
  [[ ",$DRILLS," == *,network,* ]] && choose_impairment
else
  log "no network namespace (${NETNS_ERROR:-}); PostgreSQL on 127.0.0.1:$PG_PORT, and the network drill cannot run"
fi
make_pg
FRONT=${DRILL_PORT:-$(free_port)}
if [[ -n ${DRILL_INSTANCE_PORTS:-} ]]; then
  IFS=, read -r -a PORTS <<<"$DRILL_INSTANCE_PORTS"
  ((${#PORTS[@]} == INSTANCES)) || die "DRILL_INSTANCE_PORTS names ${#PORTS[@]} ports for $INSTANCES instances"
else
  for ((i = 0; i < INSTANCES; i++)); do PORTS[i]=$(free_port); done
fi
# The first instance migrates the fresh database; the others then start beside it.
start_instance 0
wait_instance_ready 0
for ((i = 1; i < INSTANCES; i++)); do start_instance "$i"; done
for ((i = 1; i < INSTANCES; i++)); do wait_instance_ready "$i"; done
servers=()
for p in "${PORTS[@]}"; do servers+=("127.0.0.1:$p"); done
start_haproxy "127.0.0.1:$FRONT" "${servers[@]}" -- LRO_SERVED_BY=1 LRO_STATS_SOCKET="$WORK/haproxy.sock" >>"$WORK/haproxy.log" 2>&1
wait_ready "http://127.0.0.1:$FRONT/health/ready" 10 "$HAPROXY_PID" || die "HAProxy does not serve on $FRONT; see $WORK/haproxy.log"
wait_all_up 30 || die "HAProxy does not have every instance up"
log "$INSTANCES instances (ports ${PORTS[*]}) behind HAProxy on $FRONT; PostgreSQL $PG_HOST:$PG_PORT"

for d in ${DRILLS//,/ }; do
  log "drill $d"
  "drill_${d//-/_}"
done

python3 bench/drill-report.py "$WORK/rows.jsonl" "$RESULTS_MD" \
  --started "$started_at" --load "$load" --cores "$(nproc)" --instances "$INSTANCES" \
  --commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" --db-timeout-seconds "$DB_TIMEOUT_SECONDS" \
  --p99-limit-ms "$DRILL_P99_LIMIT_MS"

#!/usr/bin/env bash
# scripts/cluster.sh - `make cluster`: the reference deployment on this machine (README.md,
# "Deployment"). INSTANCES instances of target/lro-service.jar, each run as production runs it
# (scripts/run-service.sh), behind HAProxy with deploy/haproxy.cfg as it is, on one PostgreSQL
# (scripts/dev-postgres.sh makes sure one answers). Clients use one port, PORT; HAProxy checks each
# instance's /health/ready. Ctrl-C (or SIGTERM) stops the instances gracefully and then HAProxy.
#
# Environment (defaults in brackets):
#   INSTANCES [3]                 instances, 1 to 9 (deploy/haproxy.cfg names up to nine)
#   PORT [8080]                   HAProxy's port, where clients connect
#   INSTANCE_PORT_BASE [PORT+1]   the instances listen on INSTANCE_PORT_BASE, +1, ...
#   LRO_LOG [none]                where HAProxy logs each request, e.g. stdout
#   PG*, DATABASE_URL, AUTH_*, LOG_FORMAT [text], ...   the service's own settings (README.md),
#                                 the same for every instance
# Sourced by bench/drill.sh for ensure_haproxy, start_haproxy and wait_ready.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

cluster_log() { printf 'cluster: %s\n' "$*" >&2; }

# HAProxy from Debian's package, installed when missing (as scripts/dev-postgres.sh installs PostgreSQL).
ensure_haproxy() {
  command -v haproxy >/dev/null 2>&1 && return 0
  if [[ $(id -u) -ne 0 ]]; then
    cluster_log "HAProxy is not installed; run: sudo apt-get install -y haproxy"
    return 1
  fi
  cluster_log "HAProxy is not installed; installing it with apt-get"
  apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y haproxy >&2
}

# start_haproxy BIND SERVER... [-- NAME=value...]: HAProxy in the foreground of a background job,
# on deploy/haproxy.cfg, with the instances' addresses and any more of the cfg's variables given
# after --. Sets HAPROXY_PID.
start_haproxy() {
  local bind=$1 i=0
  shift
  local -a env=(LRO_BIND="$bind")
  while (($#)) && [[ $1 != -- ]]; do
    env+=("LRO_SERVER_$((++i))=$1")
    shift
  done
  [[ ${1:-} == -- ]] && shift
  env+=("$@")
  env "${env[@]}" haproxy -c -q -f "$ROOT/deploy/haproxy.cfg" || { cluster_log "deploy/haproxy.cfg does not load"; return 1; }
  env "${env[@]}" haproxy -db -f "$ROOT/deploy/haproxy.cfg" &
  HAPROXY_PID=$!
}

# wait_ready URL SECONDS [PID]: until URL answers 200, or SECONDS pass, or PID exits.
wait_ready() {
  local url=$1 deadline=$((SECONDS + $2)) pid=${3:-}
  while ((SECONDS < deadline)); do
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && return 1
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url") == 200 ]] && return 0
    sleep 0.2
  done
  return 1
}

cluster_main() {
  local instances=${INSTANCES:-3} port=${PORT:-8080}
  local base=${INSTANCE_PORT_BASE:-$((port + 1))}
  [[ $instances =~ ^[1-9]$ ]] || { cluster_log "INSTANCES must be 1 to 9, not '$instances'"; exit 2; }
  [[ $port =~ ^[0-9]+$ && $base =~ ^[0-9]+$ ]] || { cluster_log "PORT and INSTANCE_PORT_BASE must be numbers"; exit 2; }
  cd "$ROOT"
  ensure_haproxy
  command -v curl >/dev/null 2>&1 || { cluster_log "curl is needed to wait for the instances"; exit 1; }

  local -a pids=() servers=()
  stop_all() {
    trap - INT TERM EXIT
    cluster_log "stopping the instances (each finishes its requests), then HAProxy"
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [[ -n ${HAPROXY_PID:-} ]] && { kill -TERM "$HAPROXY_PID" 2>/dev/null || true; wait "$HAPROXY_PID" 2>/dev/null || true; }
    cluster_log "stopped"
  }
  start_instance() {
    local p=$((base + $1 - 1))
    # Each instance's lines carry its name; the JVM is the background job itself (run-service.sh
    # execs it). The prefixer ignores Ctrl-C, as background jobs do, to print the instance's last lines.
    # Serving 3 s more once stopping: deploy/haproxy.cfg marks it down after two failed checks 1 s apart.
    HTTP_PORT=$p LOG_FORMAT=${LOG_FORMAT:-text} SHUTDOWN_DRAIN_SECONDS=${SHUTDOWN_DRAIN_SECONDS:-3} \
      scripts/run-service.sh target/lro-service.jar \
      > >(trap '' INT; exec sed -u "s/^/lro$1 | /") 2>&1 &
    pids+=($!)
    servers+=("127.0.0.1:$p")
  }
  wait_instance() {
    wait_ready "http://127.0.0.1:$((base + $1 - 1))/health/ready" 120 "${pids[$1 - 1]}" \
      || { cluster_log "instance lro$1 (port $((base + $1 - 1))) did not become ready"; exit 1; }
  }
  trap 'stop_all; exit 130' INT TERM
  trap stop_all EXIT

  local i
  # The first instance alone, then the others: it migrates the database and, in development mode,
  # makes the signing key that they all trust (two making it at once collide on its file).
  start_instance 1
  wait_instance 1
  for ((i = 2; i <= instances; i++)); do start_instance "$i"; done
  for ((i = 2; i <= instances; i++)); do wait_instance "$i"; done
  local -a options=()
  [[ -n ${LRO_LOG:-} ]] && options+=("LRO_LOG=$LRO_LOG")
  start_haproxy ":$port" "${servers[@]}" -- "${options[@]}"
  wait_ready "http://127.0.0.1:$port/health/ready" 10 "$HAPROXY_PID" || { cluster_log "HAProxy does not serve on $port"; exit 1; }
  cluster_log "serving http://localhost:$port/beta/me/authentication/operations through HAProxy," \
    "$instances instance(s) on ports $base-$((base + instances - 1)); Ctrl-C stops them all"
  # Serves until Ctrl-C, or until HAProxy stops; an instance that fails is left out by HAProxy's checks.
  wait "$HAPROXY_PID" || true
  HAPROXY_PID=""
  cluster_log "HAProxy stopped"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  cluster_main "$@"
fi

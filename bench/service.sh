# bench/service.sh - sourced by bench/run.sh (make bench) and bench/soak.sh (make soak): the
# service started as production runs it, and the PostgreSQL tools. The sourcing script defines
# log and die, and sets ROOT, WORK, JAR, PORT, BENCH_DB, ISSUER and AUDIENCE.

find_pg_tool() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1)
  [[ -n $found ]] && { echo "$found"; return; }
  command -v "$1"
}

SERVICE_PID=""

# Starts the service as production runs it (scripts/run-service.sh: Java 25, jvm.options, the AOT
# cache), default configuration, JSON logs, tokens
# checked against a JWKS file. Sets SERVICE_PID and READY_MS (process start to /health/ready 200).
# Its output goes to SERVICE_LOG (default $WORK/service.log).
start_service() {
  local since
  since=$(date +%s%N)
  # Every other setting of the service (README's configuration table) at its default, whatever
  # the caller's environment holds; but the per-caller throttle, whose default (1,000 requests/s)
  # the bench's single user exceeds on purpose, the per-caller share of list and count
  # statements in flight (2) and its share of the bytes of list pages, which its 32 connections
  # listing as one user exceed, and its cap on long-polls (500), which the long-poll phase's 5,000
  # waiters exceed: it stands for many users.
  # Each check still runs on every request. With $1 = production, these limits too are at their
  # defaults: the hostile phase measures what they protect.
  local -a per_caller=(THROTTLE_RATE_PER_SECOND=1000000000 THROTTLE_BURST=1000000000
    DB_STATEMENTS_PER_CALLER=1000000000 DB_TIME_SHARE_PER_CALLER=0 LONG_POLLS_PER_CALLER=1000000
    PAGE_BYTES_PER_CALLER=0)
  [[ ${1:-} == production ]] && per_caller=()
  # SERVICE_ENV: NAME=value pairs added last, to measure another setting of a limit.
  local -a extra
  read -r -a extra <<<"${SERVICE_ENV:-}"
  per_caller+=("${extra[@]}")
  env -i PATH="$PATH" HOME="$HOME" PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" \
    ${PGPASSWORD:+PGPASSWORD="$PGPASSWORD"} HTTP_PORT="$PORT" PGDATABASE="$BENCH_DB" \
    AUTH_JWKS="$WORK/jwks.json" AUTH_ISSUER="$ISSUER" AUTH_AUDIENCE="$AUDIENCE" "${per_caller[@]}" \
    "$ROOT/scripts/run-service.sh" "$JAR" >>"${SERVICE_LOG:-$WORK/service.log}" 2>&1 &
  SERVICE_PID=$!
  READY_MS=$(python3 bench/report.py ready --port "$PORT" --since-ns "$since" --pid "$SERVICE_PID") \
    || die "the service did not become ready; see ${SERVICE_LOG:-$WORK/service.log}"
}

stop_service() {
  [[ -n $SERVICE_PID ]] || return 0
  if kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$SERVICE_PID" 2>/dev/null && ((waited < 300)); do sleep 0.1; ((waited += 1)); done
    kill -0 "$SERVICE_PID" 2>/dev/null && { log "the service did not stop in 30 s; killing it"; kill -KILL "$SERVICE_PID"; }
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  SERVICE_PID=""
}

# A field of the service's /proc status in kB, e.g. vm_kb VmRSS.
vm_kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$SERVICE_PID/status"; }

#!/usr/bin/env bash
# test-dev-postgres.sh - check that scripts/dev-postgres.sh can bring up its
# throwaway cluster on a free port, create the database, run the server as
# "postgres" (never root) and reuse the cluster on a second call. Run by
# `make test` on CI (Debian 12, root, the packaged 15/main cluster on 5432,
# which this test never starts, stops or reconfigures).
#
# Usage: scripts/test-dev-postgres.sh
#
# Where the cluster goes:
#   - dev-postgres.sh honours DEV_PG_DIR: in a scratch directory (mktemp -d).
#   - otherwise: the fixed target/dev-pgdata, target/dev-pgsock and
#     target/dev-postgres.log. Then the test skips (exit 0) when
#     target/dev-pgdata already exists, so a developer's own throwaway
#     cluster is never touched, and cleanup removes only what it created.
#
# Output: progress lines prefixed "test-dev-postgres:", then one final line
#   "test-dev-postgres: 1 passed, 0 failed" (exit 0) or
#   "test-dev-postgres: 0 passed, 1 failed" (exit 1), or a "skipped" line
#   (exit 0) when there is nothing to test here.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly DEV_PG="$REPO_ROOT/scripts/dev-postgres.sh"
readonly DB_NAME=lro_devpg_check
readonly REUSE_LIMIT=5          # seconds the second call may take
readonly DEFAULT_PORT=5432      # the installed cluster that must stay up

say() { echo "test-dev-postgres: $*"; }
fail() { say "FAIL: $*"; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# ------------------------------------------------------------- helpers --

# Newest /usr/lib/postgresql/<ver>/bin that has $1, or $1 from PATH.
pg_tool() {
  local f found=""
  command -v "$1" 2>/dev/null && return 0
  for f in /usr/lib/postgresql/*/bin/"$1"; do
    [[ -x $f ]] && found+="$f"$'\n'
  done
  [[ -n $found ]] || return 1
  printf '%s' "$found" | sort -V | tail -n 1
}

have_server_binaries() {
  local f
  for f in /usr/lib/postgresql/*/bin/initdb; do
    [[ -x $f ]] && return 0
  done
  return 1
}

free_port() {
  local port
  if command -v python3 >/dev/null 2>&1 &&
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null) &&
    [[ $port =~ ^[0-9]+$ ]]; then
    echo "$port"
    return 0
  fi
  # Fallback: a random high port nothing accepts connections on.
  local i
  for ((i = 0; i < 50; i++)); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# The environment dev-postgres.sh and our checks see: only our PG* settings
# (DATABASE_URL would win over them, PGUSER/PGPASSWORD would change the role).
clean_env=(env -u DATABASE_URL -u PGUSER -u PGPASSWORD -u PGSERVICE
  -u PGSERVICEFILE -u PGPASSFILE -u PGOPTIONS -u PGSSLMODE -u PGHOSTADDR)

answers() { # port
  "${clean_env[@]}" "$PG_ISREADY" -q -h 127.0.0.1 -p "$1" -t 2 >/dev/null 2>&1
}

as_owner() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Postmaster pid from the data directory, if a server with a live pid runs there.
postmaster_pid() {
  local pid
  [[ -r $PGDATA_DIR/postmaster.pid ]] || return 1
  pid=$(head -n 1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Runs dev-postgres.sh against our port; its output goes to $RUN_OUT and,
# indented, to ours. Returns its exit status.
run_dev_postgres() {
  local rc=0 extra=()
  [[ -n $SCRATCH_PG_DIR ]] && extra=("DEV_PG_DIR=$SCRATCH_PG_DIR")
  "${clean_env[@]}" DEV_PG_SKIP_INSTALLED_CLUSTER=1 PGHOST=127.0.0.1 \
    PGPORT="$PORT" PGDATABASE="$DB_NAME" "${extra[@]}" \
    "$DEV_PG" >"$RUN_OUT" 2>&1 </dev/null || rc=$?
  sed 's/^/    /' "$RUN_OUT"
  return "$rc"
}

# ------------------------------------------------------------- cleanup --

STARTED=0 # 1 once dev-postgres.sh may have created something
PASSED=0
SCRATCH=""
SCRATCH_PG_DIR=""
TARGET_EXISTED=1 SOCK_EXISTED=1 LOG_SIZE=""

stop_cluster() {
  local pid bin version
  pid=$(postmaster_pid) || return 0
  version=$(cat "$PGDATA_DIR/PG_VERSION" 2>/dev/null || true)
  bin="/usr/lib/postgresql/$version/bin"
  [[ -n $version && -x $bin/pg_ctl ]] || bin=$(dirname "$(pg_tool pg_ctl)")
  say "stopping the test cluster (pid $pid)"
  as_owner "$bin/pg_ctl" -D "$PGDATA_DIR" -w -t 30 stop -m fast >/dev/null 2>&1 ||
    as_owner "$bin/pg_ctl" -D "$PGDATA_DIR" -w -t 30 stop -m immediate >/dev/null 2>&1 ||
    true
  if kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$PGDATA_DIR"; then
    say "pg_ctl stop failed; killing postmaster $pid"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
}

cleanup() {
  ((STARTED)) || return 0
  stop_cluster
  rm -rf -- "$PGDATA_DIR"
  ((SOCK_EXISTED)) || rm -rf -- "$SOCK_DIR"
  if [[ -z $LOG_SIZE ]]; then
    rm -f -- "$LOG_FILE"
  elif [[ -f $LOG_FILE ]]; then
    truncate -s "$LOG_SIZE" -- "$LOG_FILE" # drop only the lines we appended
  fi
  ((TARGET_EXISTED)) || rmdir -- "$REPO_ROOT/target" 2>/dev/null || true

  # Something left behind is a failure too.
  local left=()
  [[ -e $PGDATA_DIR ]] && left+=("$PGDATA_DIR")
  ((SOCK_EXISTED)) || { [[ -e $SOCK_DIR ]] && left+=("$SOCK_DIR"); }
  [[ -z $LOG_SIZE && -e $LOG_FILE ]] && left+=("$LOG_FILE")
  answers "$PORT" && left+=("a server on 127.0.0.1:$PORT")
  if ((${#left[@]})); then
    say "FAIL: cleanup left behind: ${left[*]}"
    PASSED=0
  else
    say "cleaned up"
  fi
}

on_exit() {
  trap - EXIT INT TERM
  set +e
  cleanup
  [[ -n $SCRATCH ]] && rm -rf -- "$SCRATCH"
  if ((PASSED)); then
    say "1 passed, 0 failed"
    exit 0
  fi
  say "0 passed, 1 failed"
  exit 1
}

# ---------------------------------------------------------------- main --

if ! have_server_binaries; then
  say "skipped (no PostgreSQL server binaries)"
  exit 0
fi
[[ -x $DEV_PG ]] || { say "FAIL: $DEV_PG is missing or not executable"; say "0 passed, 1 failed"; exit 1; }
PG_ISREADY=$(pg_tool pg_isready) || { say "skipped (pg_isready not found)"; exit 0; }
PSQL=$(pg_tool psql) || { say "skipped (psql not found)"; exit 0; }

# dev-postgres.sh honours DEV_PG_DIR? Then everything goes to a scratch dir.
if grep -q 'DEV_PG_DIR' "$DEV_PG"; then
  PG_BASE=""
else
  PG_BASE="$REPO_ROOT/target"
  if [[ -e $PG_BASE/dev-pgdata || -L $PG_BASE/dev-pgdata ]]; then
    say "skipped (target/dev-pgdata already exists - a developer's throwaway cluster; dev-postgres.sh has no DEV_PG_DIR to put the test cluster elsewhere)"
    exit 0
  fi
fi

trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/test-dev-postgres.XXXXXX")
RUN_OUT="$SCRATCH/dev-postgres.out"
if [[ -z $PG_BASE ]]; then
  chmod 755 "$SCRATCH" # the postgres user must reach the cluster inside
  SCRATCH_PG_DIR="$SCRATCH/pg"
  PG_BASE=$SCRATCH_PG_DIR
fi
readonly PGDATA_DIR="$PG_BASE/dev-pgdata"
readonly SOCK_DIR="$PG_BASE/dev-pgsock"
readonly LOG_FILE="$PG_BASE/dev-postgres.log"
[[ -d $PG_BASE ]] || TARGET_EXISTED=0
[[ -e $SOCK_DIR ]] || SOCK_EXISTED=0
[[ -f $LOG_FILE ]] && LOG_SIZE=$(stat -c %s -- "$LOG_FILE")
[[ -n $SCRATCH_PG_DIR ]] && TARGET_EXISTED=1 # the scratch dir goes as a whole

PORT=$(free_port) || fail "no free TCP port found"
answers "$PORT" && fail "127.0.0.1:$PORT already answers; cannot test there"
DEFAULT_UP=0
answers "$DEFAULT_PORT" && DEFAULT_UP=1
say "cluster in ${PGDATA_DIR#"$REPO_ROOT"/}, port $PORT, database $DB_NAME"

# --- first call: creates and starts the throwaway cluster
STARTED=1
say "run 1: scripts/dev-postgres.sh"
run_dev_postgres || fail "dev-postgres.sh exited with status $? (run 1)"
[[ -f $PGDATA_DIR/PG_VERSION ]] || fail "no cluster was created in $PGDATA_DIR"

answers "$PORT" || fail "pg_isready does not answer on 127.0.0.1:$PORT"
say "ok: pg_isready answers on 127.0.0.1:$PORT"

exists=$("${clean_env[@]}" "$PSQL" -X -w -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
  -Atc "select 1 from pg_database where datname='$DB_NAME'") ||
  fail "psql cannot connect to 127.0.0.1:$PORT as postgres"
[[ $exists == 1 ]] || fail "database $DB_NAME does not exist"
say "ok: database $DB_NAME exists"

pid=$(postmaster_pid) || fail "no running postmaster for $PGDATA_DIR"
pid_port=$(sed -n 4p "$PGDATA_DIR/postmaster.pid")
[[ $pid_port == "$PORT" ]] || fail "postmaster $pid listens on port '$pid_port', not $PORT"
owner=$(ps -o user= -p "$pid" | tr -d ' ')
want=postgres
is_root || want=$(id -un)
[[ $owner != root ]] || fail "postmaster $pid runs as root"
[[ $owner == "$want" ]] || fail "postmaster $pid runs as '$owner', expected '$want'"
say "ok: postmaster $pid runs as $owner"

# --- second call: must find the running server and leave it alone
say "run 2: scripts/dev-postgres.sh (reuse)"
t0=$(date +%s%N)
run_dev_postgres || fail "dev-postgres.sh exited with status $? (run 2)"
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
((elapsed_ms <= REUSE_LIMIT * 1000)) ||
  fail "run 2 took ${elapsed_ms}ms (limit ${REUSE_LIMIT}s)"
pid2=$(postmaster_pid) || fail "no running postmaster after run 2"
[[ $pid2 == "$pid" ]] || fail "run 2 restarted the server (pid $pid -> $pid2)"
! grep -q 'creating throwaway cluster' "$RUN_OUT" || fail "run 2 ran initdb again"
grep -q "database \"$DB_NAME\" exists" "$RUN_OUT" || fail "run 2 did not find database $DB_NAME"
answers "$PORT" || fail "pg_isready does not answer on 127.0.0.1:$PORT after run 2"
say "ok: run 2 took ${elapsed_ms}ms and reused postmaster $pid"

if ((DEFAULT_UP)); then
  answers "$DEFAULT_PORT" || fail "127.0.0.1:$DEFAULT_PORT answered before the test but not now"
  say "ok: 127.0.0.1:$DEFAULT_PORT still answers"
fi

PASSED=1

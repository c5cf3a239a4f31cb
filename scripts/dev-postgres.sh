#!/usr/bin/env bash
# dev-postgres.sh - make sure a PostgreSQL server answers for the service and
# that its database exists. Called by `make run` and by CI (Debian 12).
#
# Usage: scripts/dev-postgres.sh [--no-create-db]
#
# Connection settings (the same variables the service reads):
#   DATABASE_URL  postgresql://user:pass@host:port/db - when set, it wins over
#                 the PG* variables (missing parts fall back to them)
#   PGHOST (127.0.0.1)  PGPORT (5432)  PGUSER (postgres)  PGDATABASE (lro)
#   PGPASSWORD    optional
#
# What it does, first match wins:
#   1. the server already answers (pg_isready)            -> step 5
#   2. a Debian cluster (pg_lsclusters, <ver>/main) listens on that local port
#                                                         -> start it
#   3. server binaries exist (/usr/lib/postgresql/*/bin)  -> throwaway cluster
#      in target/dev-pgdata (trust auth, 127.0.0.1 + $PGPORT only,
#      socket in target/dev-pgsock, log in target/dev-postgres.log)
#   4. nothing installed -> apt-get install postgresql (root only), retry 2-3
#   5. CREATE DATABASE "<db>" unless it exists (skipped with --no-create-db)
#
# Overrides:
#   DEV_PG_SKIP_INSTALLED_CLUSTER=1  never start the Debian cluster (step 2);
#                 useful to test the throwaway cluster on another port.
#   DEV_PG_DIR=/abs/path  where the throwaway cluster, its socket and log go
#                 (default: target/ of the repo); must be absolute.
#
# Stop the throwaway cluster with (as root, prefix `runuser -u postgres --`):
#   /usr/lib/postgresql/<ver>/bin/pg_ctl -D target/dev-pgdata stop
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly PGDATA_DIR="${DEV_PG_DIR:-$REPO_ROOT/target}/dev-pgdata"
readonly SOCK_DIR="${DEV_PG_DIR:-$REPO_ROOT/target}/dev-pgsock"
readonly LOG_FILE="${DEV_PG_DIR:-$REPO_ROOT/target}/dev-postgres.log"
readonly READY_TIMEOUT=15

log() { echo "dev-postgres: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
}

# ---------------------------------------------------------------- settings --

# Percent-decoding for URL parts (e.g. a password containing %40 for '@').
url_decode() {
  local s=$1
  [[ $s == *%* ]] || { printf '%s' "$s"; return; }
  printf '%b' "${s//%/\\x}"
}

# Sets DB_HOST/DB_PORT/DB_USER/DB_NAME (and PGPASSWORD) from DATABASE_URL,
# falling back to the PG* variables, then to the defaults.
load_settings() {
  DB_HOST=${PGHOST:-127.0.0.1}
  DB_PORT=${PGPORT:-5432}
  DB_USER=${PGUSER:-postgres}
  DB_NAME=${PGDATABASE:-lro}

  if [[ -n ${DATABASE_URL:-} ]]; then
    parse_database_url "$DATABASE_URL"
  fi
  [[ $DB_PORT =~ ^[0-9]+$ ]] || die "port '$DB_PORT' is not a number"
}

parse_database_url() {
  local url=$1 rest authority userinfo="" hostport
  [[ $url =~ ^postgres(ql)?:// ]] \
    || die "DATABASE_URL must look like postgresql://user:pass@host:port/db"
  rest=${url#*://}
  rest=${rest%%\?*}                       # query (sslmode=...) is not ours

  authority=${rest%%/*}
  if [[ $rest == */* && -n ${rest#*/} ]]; then
    DB_NAME=$(url_decode "${rest#*/}")
  fi
  if [[ $authority == *@* ]]; then
    userinfo=${authority%@*}
    hostport=${authority##*@}
  else
    hostport=$authority
  fi

  if [[ -n $userinfo ]]; then
    [[ -n ${userinfo%%:*} ]] && DB_USER=$(url_decode "${userinfo%%:*}")
    if [[ $userinfo == *:* ]]; then
      PGPASSWORD=$(url_decode "${userinfo#*:}")
      export PGPASSWORD
    fi
  fi

  if [[ $hostport == \[* ]]; then         # IPv6 literal: [::1]:5432
    DB_HOST=${hostport#[}
    DB_HOST=${DB_HOST%%]*}
    [[ $hostport == *]:* ]] && DB_PORT=${hostport##*]:}
  elif [[ -n $hostport ]]; then
    [[ -n ${hostport%%:*} ]] && DB_HOST=${hostport%%:*}
    [[ $hostport == *:* && -n ${hostport#*:} ]] && DB_PORT=${hostport#*:}
  fi
  return 0
}

is_local_host() {
  case $DB_HOST in 127.0.0.1 | localhost | ::1) return 0 ;; esac
  return 1
}

# ---------------------------------------------------------------- probing --

# Highest version under /usr/lib/postgresql that ships binary $1, e.g. "15".
newest_version_with() {
  local f
  for f in /usr/lib/postgresql/*/bin/"$1"; do
    [[ -x $f ]] || continue
    f=${f#/usr/lib/postgresql/}
    echo "${f%%/*}"
  done | sort -V | tail -n 1
}

newest_server_version() { newest_version_with initdb; }

# Client tools may only exist under /usr/lib/postgresql/<ver>/bin (no
# postgresql-client-common wrapper), so look there as well.
find_pg_tool() {
  local name=$1 version
  if command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
    return
  fi
  version=$(newest_version_with "$name")
  [[ -n $version ]] && echo "/usr/lib/postgresql/$version/bin/$name"
}

server_ready() {
  local pg_isready
  pg_isready=$(find_pg_tool pg_isready) || return 1
  "$pg_isready" -q -h "$DB_HOST" -p "$DB_PORT" -t 2 >/dev/null 2>&1
}

wait_ready() {
  local i
  for ((i = 0; i < READY_TIMEOUT; i++)); do
    server_ready && return 0
    sleep 1
  done
  return 1
}

# ------------------------------------------------ step 2: Debian cluster --

# Prints "<version> <status>" of the Debian "main" cluster configured for
# $DB_PORT. A cluster on another port would not help, so it is ignored.
find_debian_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  pg_lsclusters -h 2>/dev/null | awk -v port="$DB_PORT" '
    $2 == "main" && $3 == port { print $1, $4 }' | sort -V | tail -n 1 | grep .
}

start_debian_cluster() {
  local cluster version status
  [[ ${DEV_PG_SKIP_INSTALLED_CLUSTER:-0} == 1 ]] && return 1
  cluster=$(find_debian_cluster) || return 1
  read -r version status <<<"$cluster"
  local cmd=(pg_ctlcluster --skip-systemctl-redirect "$version" main start)

  if [[ $status == online* ]]; then
    # Already running but not answering: starting again will not fix it.
    log "cluster $version/main is running but does not answer on $DB_HOST:$DB_PORT"
    wait_ready && return 0
    die "check listen_addresses/pg_hba in /etc/postgresql/$version/main"
  fi

  log "starting Debian cluster $version/main on port $DB_PORT"
  if ! "${cmd[@]}" >&2; then
    is_root && die "'${cmd[*]}' failed; see /var/log/postgresql/postgresql-$version-main.log"
    die "could not start the cluster as $(id -un); run: sudo ${cmd[*]}"
  fi
  wait_ready || die "cluster $version/main started but $DB_HOST:$DB_PORT does not answer after ${READY_TIMEOUT}s"
}

# --------------------------------------------- step 3: throwaway cluster --

# PostgreSQL refuses to run as root, so as root the throwaway cluster belongs
# to the "postgres" system user; otherwise to whoever runs the script.
as_cluster_owner() {
  if ! is_root; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- "$@")     # cd: postgres can't read /root
  else
    # shellcheck disable=SC2016  # $0/$@ are expanded by the inner sh
    (cd / && su postgres -s /bin/sh -c '"$0" "$@"' -- "$@")
  fi
}

ensure_postgres_user() {
  getent passwd postgres >/dev/null && return 0
  log "creating system user postgres"
  useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
    --shell /usr/sbin/nologin postgres
}

prepare_throwaway_dirs() {
  mkdir -p "$PGDATA_DIR" "$SOCK_DIR"
  chmod 700 "$PGDATA_DIR"              # postgres refuses a group/world-readable data dir
  touch "$LOG_FILE"
  if is_root; then
    ensure_postgres_user
    chown -R postgres: "$PGDATA_DIR" "$SOCK_DIR"
    chown postgres: "$LOG_FILE"
    as_cluster_owner test -w "$PGDATA_DIR" \
      || die "user postgres cannot reach $PGDATA_DIR (a parent directory is not searchable)"
  fi
  # Unix socket paths are limited to ~107 bytes; fail clearly instead of in the log.
  local sock="$SOCK_DIR/.s.PGSQL.$DB_PORT"
  ((${#sock} < 108)) || die "socket path too long ($sock); move the repo to a shorter path"
}

# The server binaries must match the data directory's version when reusing it.
throwaway_bin_dir() {
  local version
  if [[ -f $PGDATA_DIR/PG_VERSION ]]; then
    version=$(<"$PGDATA_DIR/PG_VERSION")
    [[ -x /usr/lib/postgresql/$version/bin/postgres ]] \
      || die "$PGDATA_DIR is a PostgreSQL $version cluster but those binaries are missing; delete it"
  else
    version=$(newest_server_version)
  fi
  echo "/usr/lib/postgresql/$version/bin"
}

start_throwaway_cluster() {
  [[ -n $(newest_server_version) || -f $PGDATA_DIR/PG_VERSION ]] || return 1
  local bin listen="127.0.0.1"
  bin=$(throwaway_bin_dir)
  [[ $DB_HOST == ::1 ]] && listen="127.0.0.1,::1"

  prepare_throwaway_dirs
  if [[ ! -f $PGDATA_DIR/PG_VERSION ]]; then
    log "creating throwaway cluster in ${PGDATA_DIR#"$REPO_ROOT"/} ($bin)"
    as_cluster_owner "$bin/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust \
      -E UTF8 >>"$LOG_FILE" 2>&1 || die "initdb failed; see $LOG_FILE"
  fi

  # Running from an earlier call with other settings (e.g. another port):
  # restart it so it listens where we are asked to.
  if as_cluster_owner "$bin/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    log "throwaway cluster runs but not on $DB_HOST:$DB_PORT; restarting it"
    as_cluster_owner "$bin/pg_ctl" -D "$PGDATA_DIR" -w -m fast stop >&2
  fi

  # Settings go on the command line (not postgresql.conf) so a reused cluster
  # follows the current PGPORT and repo location.
  log "starting throwaway cluster on $listen:$DB_PORT (log: ${LOG_FILE#"$REPO_ROOT"/})"
  as_cluster_owner "$bin/pg_ctl" -D "$PGDATA_DIR" -l "$LOG_FILE" -w -t 60 \
    -o "-c port=$DB_PORT -c listen_addresses='$listen' -c unix_socket_directories='$SOCK_DIR'" \
    start >/dev/null || die "pg_ctl start failed; see $LOG_FILE"
  wait_ready || die "throwaway cluster started but $DB_HOST:$DB_PORT does not answer; see $LOG_FILE"
  ensure_throwaway_role
  log "stop it with: ${SUDO_HINT:-}$bin/pg_ctl -D ${PGDATA_DIR#"$REPO_ROOT"/} stop"
}

# initdb only creates "postgres"; give a different $PGUSER a login so step 5
# and the service can connect. Superuser because this cluster is disposable
# and migrations may need CREATE EXTENSION.
ensure_throwaway_role() {
  [[ $DB_USER == postgres ]] && return 0
  psql_as postgres -v role="$DB_USER" <<'SQL' >/dev/null \
    || die "could not create role $DB_USER in the throwaway cluster"
SELECT format('CREATE ROLE %I LOGIN SUPERUSER', :'role')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SQL
}

# ------------------------------------------------------ step 4: install --

install_postgresql() {
  if ! is_root; then
    die "PostgreSQL is not installed; run: sudo apt-get install -y postgresql"
  fi
  log "PostgreSQL is not installed; installing it with apt-get"
  apt-get update >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2 \
    || die "apt-get install -y postgresql failed"
}

# ------------------------------------------------------ step 5: database --

# psql against the "postgres" database; -w never prompts (CI has no tty),
# -X ignores ~/.psqlrc, SQL comes from stdin so :'var' quoting works.
psql_as() {
  local user=$1 psql
  shift
  psql=$(find_pg_tool psql) || die "psql not found; install postgresql-client"
  "$psql" -X -w -q -t -A -v ON_ERROR_STOP=1 \
    -h "$DB_HOST" -p "$DB_PORT" -U "$user" -d postgres "$@"
}

ensure_database() {
  local exists
  exists=$(psql_as "$DB_USER" -v db="$DB_NAME" \
    <<<"SELECT 1 FROM pg_database WHERE datname = :'db';") \
    || die "cannot connect as $DB_USER to $DB_HOST:$DB_PORT (password/pg_hba?)"
  if [[ $exists == 1 ]]; then
    log "database \"$DB_NAME\" exists"
    return 0
  fi
  log "creating database \"$DB_NAME\""
  psql_as "$DB_USER" -v db="$DB_NAME" <<<'CREATE DATABASE :"db";' \
    || die "CREATE DATABASE \"$DB_NAME\" failed"
}

# ------------------------------------------------------------------ main --

ensure_server() {
  if server_ready; then
    log "server answers on $DB_HOST:$DB_PORT"
    return 0
  fi
  is_local_host || die "$DB_HOST:$DB_PORT does not answer and is not local; cannot start it from here"

  local attempt
  for attempt in first after-install; do
    start_debian_cluster && return 0
    start_throwaway_cluster && return 0
    [[ $attempt == first ]] && install_postgresql
  done
  die "PostgreSQL was installed but no server binaries were found"
}

main() {
  local create_db=1
  while (($#)); do
    case $1 in
      --no-create-db) create_db=0 ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown argument: $1 (usage: scripts/dev-postgres.sh [--no-create-db])" ;;
    esac
    shift
  done

  load_settings
  is_root && SUDO_HINT="runuser -u postgres -- "
  ensure_server
  if ((create_db)); then
    ensure_database
  fi
  log "ready: postgresql://$DB_USER@$DB_HOST:$DB_PORT/$DB_NAME"
}

main "$@"

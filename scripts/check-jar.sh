#!/usr/bin/env bash
# Shows that `make package` makes one runnable jar: it answers --version and --help on its own,
# with no other file on the classpath, and `java -jar` on it serves, against a fresh database, until
# a SIGTERM stops it with exit status 0. Then the same as production runs it (scripts/run-service.sh:
# Java 25, jvm.options and the AOT cache that scripts/aot-cache.sh makes), with no complaint from
# the JVM about its options or its cache. Run by `make test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Builds the jar only when a source is newer than it: make test built it already, and the suite
# runs on target/classes meanwhile.
make -s build >/dev/null
jar=target/lro-service.jar
fail() { echo "check-jar: FAILED: $*" >&2; exit 1; }

version="$(java -jar "$jar" --version)"
[[ "$version" == "lro-service "* && "$version" != *development* ]] || fail "--version said '$version'"
java -jar "$jar" --help | grep -q "AUTH_JWKS" || fail "--help lists no configuration"

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
database="lro_jar_check_$$"
port="$(python3 bench/report.py free-port)"
log="$(mktemp)"
psql -q -d postgres -c "CREATE DATABASE $database" >/dev/null
pid=""
cleanup() {
  [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true
  rm -f "$log" "$log.key"
}
trap cleanup EXIT
# Serves with "$@" until ready, runs $check_ready if set, then stops it with SIGTERM, which must
# exit 0; sets ready_ms.
serve() {
  PGDATABASE="$database" HTTP_PORT="$port" AUTH_DEV_KEY_FILE="$log.key" "$@" >"$log" 2>&1 &
  pid=$!
  local started
  started=$(date +%s%N)
  # -m: with metrics on, Vert.x 5.0.7 leaves a connection accepted in the moment between binding the
  # port and creating the server's metrics unanswered; a probe must not wait on it for ever.
  until curl -fs -m 2 "http://127.0.0.1:$port/health/ready" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$* exited before it was ready"; }
    (( $(date +%s%N) - started < 60000000000 )) || { cat "$log" >&2; fail "$* not ready within 60 s"; }
    sleep 0.1
  done
  ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  [[ -z ${check_ready:-} ]] || $check_ready
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  pid=""
  (( status == 0 )) || { cat "$log" >&2; fail "$* exited $status after SIGTERM"; }
}

serve java -jar "$jar"
echo "check-jar: $jar runs on its own: $version; ready in ${ready_ms} ms; SIGTERM exits 0"

if ! scripts/service-java.sh >/dev/null 2>&1; then
  echo "check-jar: NOT CHECKED: the production launch (scripts/run-service.sh) needs Java 25, and none is here" >&2
  exit 0
fi
scripts/aot-cache.sh
cache_mapped() {
  grep -q "target/lro-service.aot" "/proc/$pid/maps" || { cat "$log" >&2; fail "the JVM did not map the AOT cache"; }
}
check_ready=cache_mapped serve scripts/run-service.sh "$jar"
# The JVM starts without a cache it cannot use, or with an option it ignores, saying so only here.
! grep -E '^\[[0-9.]+s\]\[(error|warning)\]|^(OpenJDK|Java HotSpot).*(warning|Warning)' "$log" >&2 \
  || fail "the JVM complained running as production does (above)"
echo "check-jar: scripts/run-service.sh runs it on $(scripts/service-java.sh) with jvm.options and the AOT cache; ready in ${ready_ms} ms"

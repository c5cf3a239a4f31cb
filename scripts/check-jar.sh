#!/usr/bin/env bash
# Shows that `make package` makes one runnable jar: it answers --version and --help on its own,
# with no other file on the classpath, and `java -jar` on it serves, against a fresh database, until
# a SIGTERM stops it with exit status 0. Then the same as production runs it (scripts/run-service.sh:
# Java 25, jvm.options and the AOT cache that scripts/aot-cache.sh makes), with no complaint from
# the JVM about its options or its cache, and with tokens checked against a JWKS: the cache is made
# with AUTH_JWKS, AUTH_ISSUER and AUTH_AUDIENCE set, as in production, and the service then refuses
# a development token. Then on a Java older than 25, which runs it without the cache, saying so in
# one line. Run by `make test`.
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
  rm -f "$log" "$log.key" "$log.jwks"
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

choice=$(scripts/service-java.sh)
release=${choice%% *} service_java=${choice#* }
if ((release < 25)); then
  echo "check-jar: NOT CHECKED: the production launch with its AOT cache needs Java 25, and none is here" >&2
else
  # Production's token settings in the environment: the training run must not take them for its own.
  issuer="https://login.microsoftonline.com/2f4a9838-26b7-47ee-be60-ccc1fdec5953/v2.0"
  audience="api://lro-check-jar"
  jwks_token=$(java bench/BenchTokens.java "$log.jwks" "$issuer" "$audience" 6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0)
  dev_token=$(env -u AUTH_JWKS -u AUTH_ISSUER -u AUTH_AUDIENCE AUTH_DEV_KEY_FILE="$log.key" java -cp "$jar" com.contoso.lro.auth.DevToken)
  export AUTH_JWKS="$log.jwks" AUTH_ISSUER="$issuer" AUTH_AUDIENCE="$audience"
  rm -f target/lro-service.aot
  scripts/aot-cache.sh
  [[ -f target/lro-service.aot ]] || fail "scripts/aot-cache.sh made no cache with AUTH_JWKS, AUTH_ISSUER and AUTH_AUDIENCE set"
  as_production() {
    grep -q "target/lro-service.aot" "/proc/$pid/maps" || { cat "$log" >&2; fail "the JVM did not map the AOT cache"; }
    local url="http://127.0.0.1:$port/beta/me/authentication/operations"
    [[ $(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $jwks_token" "$url") == 200 ]] \
      || fail "a token signed by the key of AUTH_JWKS was refused"
    [[ $(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $dev_token" "$url") == 401 ]] \
      || fail "a development token was not refused: the service did not check tokens against AUTH_JWKS"
  }
  check_ready=as_production serve scripts/run-service.sh "$jar"
  # The JVM starts without a cache it cannot use, or with an option it ignores, saying so only here.
  ! grep -E '^\[[0-9.]+s\]\[(error|warning)\]|^(OpenJDK|Java HotSpot).*(warning|Warning)' "$log" >&2 \
    || fail "the JVM complained running as production does (above)"
  echo "check-jar: scripts/run-service.sh runs it on $service_java with jvm.options and the AOT cache, made with AUTH_JWKS set; ready in ${ready_ms} ms"
  unset AUTH_JWKS AUTH_ISSUER AUTH_AUDIENCE
fi

# A Java older than 25, given as SERVICE_JAVA: the newest of them under /usr/lib/jvm or on the PATH.
older=""
for candidate in $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV) $(command -v java || true); do
  choice=$(SERVICE_JAVA=$candidate scripts/service-java.sh 2>/dev/null) || continue
  release=${choice%% *}
  ((release < 25)) && { older=$candidate; break; }
done
if [[ -z $older ]]; then
  echo "check-jar: NOT CHECKED: make run on a Java older than 25, and none is here" >&2
  exit 0
fi
without_cache() {
  [[ $(readlink -f "/proc/$pid/exe") == "$(readlink -f "$older")" ]] || fail "SERVICE_JAVA=$older was not the JVM run"
  ! grep -q "lro-service.aot" "/proc/$pid/maps" || fail "Java $release mapped the AOT cache"
}
SERVICE_JAVA=$older check_ready=without_cache serve scripts/run-service.sh "$jar"
[[ $(grep -c "^run-service:" "$log") == 1 ]] && grep -q "^run-service: Java $release has no AOT cache" "$log" \
  || { cat "$log" >&2; fail "on Java $release, scripts/run-service.sh did not say in one line that it starts without the AOT cache"; }
echo "check-jar: on Java $release ($older), scripts/run-service.sh runs it without the AOT cache and says so; ready in ${ready_ms} ms"

#!/usr/bin/env bash
# Makes target/lro-service.aot, the jar's AOT cache (JEP 483, 514, 515), which scripts/run-service.sh
# hands the JVM. A training run of the jar, on the Java and with the jvm.options that production
# uses, records what starting and serving do: it starts against a scratch database, creates, reads
# and lists one operation, and stops on SIGTERM, when the JVM writes the cache. Later starts map the
# ~7,000 classes it loaded, already loaded and linked, and begin with its method profiles.
#
# The training run is the service in development mode, on a scratch key, port and database, whatever
# the environment says of the service: the production settings (AUTH_JWKS, AUTH_ISSUER, TLS_*, …)
# would refuse its development token or its plain HTTP, and training only needs the code paths to
# run. Nothing of it outlives the run but the cache: classes loaded and linked, method profiles.
#
# Needs the PostgreSQL server that the PG* variables name (make run and make bench start it first).
# Does nothing when the cache is newer than the jar and jvm.options, or when the service's Java is
# older than 25, which has no AOT cache (scripts/run-service.sh says so when it starts).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar=target/lro-service.jar
cache=target/lro-service.aot
[[ -f $jar ]] || { echo "aot-cache: $jar is missing: run make package" >&2; exit 1; }
# A cache records the JVM's options too: one trained under other settings is silently not used.
[[ $cache -nt $jar && $cache -nt jvm.options ]] && exit 0
choice=$(scripts/service-java.sh)
release=${choice%% *} java=${choice#* }
((release >= 25)) || exit 0

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
unset DATABASE_URL
database="lro_aot_training_$$"
port="$(python3 bench/report.py free-port)"
scratch="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
psql -q -d postgres -c "CREATE DATABASE $database" >/dev/null

training=(env -i PATH="$PATH" HOME="$HOME" PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER"
  ${PGPASSWORD:+PGPASSWORD="$PGPASSWORD"} PGDATABASE="$database" HTTP_PORT="$port" AUTH_DEV_KEY_FILE="$scratch/key.pem")
rm -f "$cache"
"${training[@]}" "$java" @jvm.options -XX:AOTCacheOutput="$cache" -jar "$jar" >"$scratch/log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  curl -fs -m 2 "http://127.0.0.1:$port/health/ready" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$scratch/log" >&2; echo "aot-cache: the training run exited" >&2; exit 1; }
  sleep 0.1
done
token="$("${training[@]}" "$java" -cp "$jar" com.contoso.lro.auth.DevToken)"
base="http://127.0.0.1:$port/beta/me/authentication/operations"
location="$(curl -fs -m 10 -o /dev/null -w '%header{location}' -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"status":"running"}' "$base")"
curl -fs -m 10 -o /dev/null -H "Authorization: Bearer $token" "$location"
curl -fs -m 10 -o /dev/null -H "Authorization: Bearer $token" "$base?\$top=5"
kill -TERM "$pid"
wait "$pid" || true
pid=""
[[ -f $cache ]] || { cat "$scratch/log" >&2; echo "aot-cache: the JVM wrote no cache" >&2; exit 1; }
echo "aot-cache: $cache ($(du -m "$cache" | cut -f1) MiB)" >&2

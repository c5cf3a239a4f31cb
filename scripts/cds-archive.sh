#!/usr/bin/env bash
# Makes target/lro-service.jsa, the application class-data sharing (AppCDS) archive that jvm.options
# names. A training run of the jar records the ~7,000 classes that starting and serving load: it
# starts against a scratch database, creates, reads and lists one operation, and stops on SIGTERM,
# when the JVM writes the archive. Later starts map those classes from the archive instead of
# loading, verifying and linking them again.
#
# Needs the PostgreSQL server that the PG* variables name (make run and make bench start it first).
# Does nothing when the archive is newer than the jar. A JVM given an archive that does not match its
# jar warns and starts without it, so a stale archive costs time, never correctness.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar=target/lro-service.jar
archive=target/lro-service.jsa
[[ -f $jar ]] || { echo "cds-archive: $jar is missing: run make package" >&2; exit 1; }
[[ $archive -nt $jar ]] && exit 0

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
unset DATABASE_URL
database="lro_cds_training_$$"
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

export PGDATABASE="$database" HTTP_PORT="$port" AUTH_DEV_KEY_FILE="$scratch/key.pem"
rm -f "$archive"
# -Xshare:auto: the run must not fail where the JDK cannot write an archive; it just makes none.
java -XX:ArchiveClassesAtExit="$archive" -Xshare:auto -jar "$jar" >"$scratch/log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  curl -fs -m 2 "http://127.0.0.1:$port/health/ready" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$scratch/log" >&2; echo "cds-archive: the training run exited" >&2; exit 1; }
  sleep 0.1
done
token="$(java -cp "$jar" com.contoso.lro.auth.DevToken)"
base="http://127.0.0.1:$port/beta/me/authentication/operations"
location="$(curl -fs -m 10 -o /dev/null -w '%header{location}' -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"status":"running"}' "$base")"
curl -fs -m 10 -o /dev/null -H "Authorization: Bearer $token" "$location"
curl -fs -m 10 -o /dev/null -H "Authorization: Bearer $token" "$base?\$top=5"
kill -TERM "$pid"
wait "$pid" || true
pid=""
[[ -f $archive ]] || { cat "$scratch/log" >&2; echo "cds-archive: the JVM wrote no archive" >&2; exit 1; }
echo "cds-archive: $archive ($(du -m "$archive" | cut -f1) MiB)" >&2

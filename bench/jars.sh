# Sourced by compare-jars.sh and ab-jars.sh, with $work set: the database server (PG*, never
# DATABASE_URL), a bench user's token (BENCH_TOKEN) and the JWKS that trusts it in $work, the service's
# CPU per request, and serve_jar, which serves a jar as make bench does on a fresh database of its own.
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
unset DATABASE_URL PGDATABASE
mkdir -p "$work"
issuer="https://login.microsoftonline.com/2f4a9838-26b7-47ee-be60-ccc1fdec5953/v2.0"
audience="api://lro-bench"
java bench/BenchTokens.java "$work/jwks.json" "$issuer" "$audience" 6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0 >"$work/tokens"
export BENCH_TOKEN
BENCH_TOKEN=$(head -1 "$work/tokens")
ticks=$(getconf CLK_TCK)

# A process's CPU so far, in ticks (user + system): cpu PID
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# µs of CPU per request since BEFORE, over SECONDS at RATE requests/s: per_request PID BEFORE RATE SECONDS
per_request() { awk -v a="$2" -v b="$(cpu "$1")" -v r="$3" -v t="$4" -v hz="$ticks" 'BEGIN {printf "%.1f", (b - a) * 1e6 / hz / (r * t)}'; }

# serve_jar JAR DB PORT LOG: DB made afresh, JAR served on it at PORT and ready; its pid in $served.
serve_jar() {
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)" -c "CREATE DATABASE $2" 2>/dev/null
  # Commits that do not wait on the disk: the jars' CPU is what is compared, and this machine's fsync
  # times moved creates/s, and with it the CPU per create, by a third from one run of a jar to the next.
  psql -X -q -d postgres -c "ALTER DATABASE $2 SET synchronous_commit = off"
  # As make bench runs it (scripts/run-service.sh: with an AOT cache only where one was made for that
  # jar), and the per-caller throttle raised, as the one bench user stands for many.
  PGDATABASE=$2 HTTP_PORT=$3 AUTH_JWKS="$work/jwks.json" AUTH_ISSUER="$issuer" AUTH_AUDIENCE="$audience" \
    THROTTLE_RATE_PER_SECOND=1000000000 THROTTLE_BURST=1000000000 \
    scripts/run-service.sh "$1" >"$4" 2>&1 &
  served=$!
  until curl -fs -m 1 -o /dev/null "http://127.0.0.1:$3/health/ready"; do
    kill -0 "$served" 2>/dev/null || { cat "$4" >&2; exit 1; }
    sleep 0.05
  done
}

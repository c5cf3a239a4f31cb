#!/usr/bin/env bash
# Runs the service as production does:   scripts/run-service.sh [JAR]
# JAR (default target/lro-service.jar, relative to the repository's root) on the Java that
# scripts/service-java.sh picks, with the JVM settings of jvm.options and, on Java 25 or later, the
# jar's AOT cache (the same path with .aot, made by scripts/aot-cache.sh) when it is newer than the
# jar and jvm.options. On an older Java it says, in one line, that it starts without the cache. The
# service's configuration comes from the environment (README.md). The JVM replaces this script: its
# pid is the service's.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-target/lro-service.jar}
cache=${jar%.jar}.aot
choice=$(scripts/service-java.sh)
release=${choice%% *} java=${choice#* }
options=(@jvm.options)
if ((release < 25)); then
  echo "run-service: Java $release has no AOT cache (Java 25 or later has), so the service starts without it, more slowly: $java" >&2
# Only a cache made from this jar under these settings: the JVM refuses one made from another jar
# with a warning, logs errors for one that is missing, and does not use one trained with other
# options, silently.
elif [[ $cache -nt $jar && $cache -nt jvm.options ]]; then
  options+=("-XX:AOTCache=$cache")
fi
exec "$java" "${options[@]}" -jar "$jar"

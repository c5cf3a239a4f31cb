#!/usr/bin/env bash
# Runs the service as production does:   scripts/run-service.sh [JAR]
# JAR (default target/lro-service.jar, relative to the repository's root) on the Java that
# scripts/service-java.sh picks, with the JVM settings of jvm.options and, on Java 25 or later, the
# jar's AOT cache (the same path with .aot, made by scripts/aot-cache.sh) when it is newer than the
# jar and jvm.options. On an older Java it says, in one line, that it starts without the cache. The
# service's configuration comes from the environment (README.md); SERVICE_HEAP is the JVM's. The JVM replaces this script: its
# pid is the service's.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-target/lro-service.jar}
cache=${jar%.jar}.aot
choice=$(scripts/service-java.sh)
release=${choice%% *} java=${choice#* }
options=(@jvm.options)
# SERVICE_HEAP (e.g. 256m) in place of jvm.options' 128 MB heap, for an instance that holds many
# long-polls: about 8 KB of heap each (bench/README.md, the cluster's waiters). The last -Xmx wins.
if [[ -n ${SERVICE_HEAP:-} ]]; then
  [[ $SERVICE_HEAP =~ ^[0-9]+[mMgG]$ ]] || { echo "run-service: SERVICE_HEAP must be a size such as 256m, not '$SERVICE_HEAP'" >&2; exit 2; }
  options+=("-Xms$SERVICE_HEAP" "-Xmx$SERVICE_HEAP")
fi
if ((release < 25)); then
  echo "run-service: Java $release has no AOT cache (Java 25 or later has), so the service starts without it, more slowly: $java" >&2
# Only a cache made from this jar under these settings: the JVM refuses one made from another jar
# with a warning, logs errors for one that is missing, and does not use one trained with other
# options, silently.
elif [[ $cache -nt $jar && $cache -nt jvm.options ]]; then
  options+=("-XX:AOTCache=$cache")
fi
exec "$java" "${options[@]}" -jar "$jar"

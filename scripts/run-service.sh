#!/usr/bin/env bash
# Runs the service as production does:   scripts/run-service.sh [JAR]
# JAR (default target/lro-service.jar, relative to the repository's root) on Java 25 or later
# (scripts/service-java.sh), with the JVM settings of jvm.options and the jar's AOT cache (the
# same path with .aot, made by scripts/aot-cache.sh) when it is newer than the jar and
# jvm.options. The service's configuration comes from the environment (README.md). The JVM
# replaces this script: its pid is the service's.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-target/lro-service.jar}
cache=${jar%.jar}.aot
java=$(scripts/service-java.sh)
options=(@jvm.options)
# Only a cache made from this jar under these settings: the JVM refuses one made from another jar
# with a warning, logs errors for one that is missing, and does not use one trained with other
# options, silently.
[[ $cache -nt $jar && $cache -nt jvm.options ]] && options+=("-XX:AOTCache=$cache")
exec "$java" "${options[@]}" -jar "$jar"

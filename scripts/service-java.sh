#!/usr/bin/env bash
# Prints the java that runs the service, after its feature release: "25 /usr/lib/jvm/…/bin/java".
# SERVICE_JAVA, when set, names it. Otherwise the first Java 25 or later, whose AOT cache (JEP 483,
# 514, 515) starts the service faster, in $JAVA_HOME, on the PATH, then under /usr/lib/jvm (newest
# first); failing that, the first Java 17 or later there, which runs the jar (it targets 17) without
# the cache: scripts/run-service.sh says so when it starts.
set -euo pipefail

feature() { # the feature release of a java binary: 17, 21, 25, ...; 0 when it does not say
  local release="" home
  # The JDK's own `release` file says it without starting a JVM, which took half a second of the
  # service's start on a busy machine; `java -version` when there is none.
  home=$(dirname "$(dirname "$(readlink -f "$1")")")
  [[ -f $home/release ]] && release=$(sed -nE 's/^JAVA_VERSION="(1\.)?([0-9]+).*/\2/p' "$home/release")
  [[ -n $release ]] || release=$("$1" -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p')
  echo "${release:-0}"
}

if [[ -n ${SERVICE_JAVA:-} ]]; then
  [[ -x $SERVICE_JAVA ]] && release=$(feature "$SERVICE_JAVA") && ((release >= 17)) \
    && { echo "$release $SERVICE_JAVA"; exit 0; }
  echo "service-java: SERVICE_JAVA=$SERVICE_JAVA is not a Java 17 or later" >&2
  exit 1
fi

candidates=()
[[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME/bin/java")
command -v java >/dev/null && candidates+=("$(command -v java)")
mapfile -t -O "${#candidates[@]}" candidates < <(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV)
found=""
for java in "${candidates[@]}"; do
  [[ -x $java ]] || continue
  release=$(feature "$java")
  ((release >= 25)) && { echo "$release $java"; exit 0; }
  ((release >= 17)) && [[ -z $found ]] && found="$release $java"
done
[[ -n $found ]] && { echo "$found"; exit 0; }
echo "service-java: the service runs on Java 17 or later (25 or later for its AOT cache), and none was" \
  "found (JAVA_HOME, PATH, /usr/lib/jvm): install one, e.g. Debian's openjdk-17-jre-headless or Temurin 25" >&2
exit 1

#!/usr/bin/env bash
# Prints the java that runs the service: Java 25 or later, for its AOT cache (JEP 483, 514, 515),
# which jvm.options' settings assume. Tries $JAVA_HOME, then the java on the PATH, then the JDKs
# under /usr/lib/jvm. Building and testing need only Java 17 (the jar targets 17).
set -euo pipefail

feature() { # the feature release of a java binary: 17, 21, 25, ...; 0 when it does not say
  local release
  release=$("$1" -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p')
  echo "${release:-0}"
}

candidates=()
[[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME/bin/java")
command -v java >/dev/null && candidates+=("$(command -v java)")
mapfile -t -O "${#candidates[@]}" candidates < <(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV)
for java in "${candidates[@]}"; do
  [[ -x $java ]] && (($(feature "$java") >= 25)) && { echo "$java"; exit 0; }
done
echo "service-java: the service runs on Java 25 or later, and none was found (JAVA_HOME, PATH," \
  "/usr/lib/jvm): install one, e.g. Debian's openjdk-25-jre-headless or Temurin 25" >&2
exit 1

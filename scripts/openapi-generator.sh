#!/usr/bin/env bash
# Runs openapi-generator-cli with the arguments given, at the version the Maven build generates
# with (pom.xml's openapi-generator.version), fetched once from Maven Central into target/tools:
# what the scripts check and what the build generates then come from the same generator.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's:.*<openapi-generator.version>\(.*\)</openapi-generator.version>.*:\1:p' "$root/pom.xml")"
jar="$root/target/tools/openapi-generator-cli-$version.jar"
if [ ! -f "$jar" ]; then
  mvn -B -q dependency:copy -Dartifact="org.openapitools:openapi-generator-cli:$version" \
    -DoutputDirectory="$root/target/tools" >/dev/null
fi
exec java -jar "$jar" "$@"

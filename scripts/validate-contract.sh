#!/usr/bin/env bash
# Runs `openapi-generator validate` (with recommendations) on openapi.yaml, with the generator
# version the build uses, fetched from Maven Central into target/. Run by `make test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's:.*<openapi-generator.version>\(.*\)</openapi-generator.version>.*:\1:p' "$root/pom.xml")"
jar="$root/target/tools/openapi-generator-cli-$version.jar"
if [ ! -f "$jar" ]; then
  mvn -B -q dependency:copy -Dartifact="org.openapitools:openapi-generator-cli:$version" \
    -DoutputDirectory="$root/target/tools" >/dev/null
fi
out="$(java -jar "$jar" validate --recommend -i "$root/openapi.yaml" 2>&1)" || { echo "$out" >&2; exit 1; }
echo "$out" | tail -1
grep -q "No validation issues detected" <<<"$out"

#!/usr/bin/env bash
# Shows that `make package` makes one runnable jar: it answers --version and --help on its own,
# with no other file on the classpath. Run by `make test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests package >/dev/null
jar=target/lro-service.jar
version="$(java -jar "$jar" --version)"
[[ "$version" == "lro-service "* && "$version" != *development* ]] || { echo "check-jar: FAILED: --version said '$version'" >&2; exit 1; }
java -jar "$jar" --help | grep -q "AUTH_JWKS" || { echo "check-jar: FAILED: --help lists no configuration" >&2; exit 1; }
echo "check-jar: $jar runs on its own: $version"

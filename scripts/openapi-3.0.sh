#!/usr/bin/env bash
# The Maven build's step that writes the OpenAPI 3.0 rendition of openapi.yaml (scripts/openapi-3.0.mjs)
# to the path given, e.g. target/classes/openapi-3.0.yaml. It first installs the Node tools from
# package-lock.json when they are missing or older than it, as `make` does, so that a plain
# `mvn package` works on a fresh clone where Node.js and npm are installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[[ $# == 1 ]] || { echo "usage: scripts/openapi-3.0.sh OUT.yaml" >&2; exit 2; }
command -v node >/dev/null || { echo "openapi-3.0: the build needs Node.js and npm, to make the OpenAPI 3.0 rendition (README.md)" >&2; exit 1; }
if [[ ! node_modules/.package-lock.json -nt package-lock.json ]]; then
  npm ci --no-audit --no-fund --ignore-scripts >&2
fi
exec node scripts/openapi-3.0.mjs openapi.yaml "$1"

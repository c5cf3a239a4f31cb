#!/usr/bin/env bash
# Checks the OpenAPI 3.0 rendition of openapi.yaml, made here by the same step the Maven build runs
# (scripts/openapi-3.0.sh) into target/openapi-3.0/, with tools that read OpenAPI 3.0:
#   - oas-validator (swagger2openapi's oas-validate), which reads 3.0 only: it refuses openapi.yaml
#     itself, which is checked too, so that a validator that let 3.1 pass cannot go unnoticed;
#   - swagger-cli validate, against OpenAPI 3.0's JSON Schema, which refuses any field 3.0 lacks
#     (oas-validator lets info.summary pass);
#   - openapi-typescript-codegen, a generator other than openapi-generator, generates a TypeScript
#     client from it, which strict tsc type-checks with clients/typescript-3.0/usage.ts.
# Run by `make lint`, which installs the Node tools.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin=node_modules/.bin
rendition=target/openapi-3.0/openapi-3.0.yaml
client=target/generated-clients/typescript-3.0
# From scratch each time: a file left by an older contract must not pass in its place.
rm -rf target/openapi-3.0 "$client"
scripts/openapi-3.0.sh "$rendition"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! "$bin/oas-validate" "$rendition" >"$log" 2>&1; then
  cat "$log" >&2
  echo "openapi-3.0: oas-validator refused $rendition" >&2
  exit 1
fi
if "$bin/oas-validate" openapi.yaml >"$log" 2>&1 || ! grep -q "Must be an OpenAPI 3.0.x document" "$log"; then
  cat "$log" >&2
  echo "openapi-3.0: oas-validator did not refuse openapi.yaml (3.1): it no longer reads 3.0 only" >&2
  exit 1
fi
"$bin/swagger-cli" validate "$rendition" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }

# By its own path: Redocly's CLI installs a command named openapi too, and which one node_modules/.bin
# links depends on the order npm installs them.
node node_modules/openapi-typescript-codegen/bin/index.js --input "$rendition" --output "$client" --client fetch --name LroClient --useOptions --useUnionTypes \
  >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
"$bin/tsc" -p clients/typescript-3.0/tsconfig.json
echo "openapi-3.0: $rendition (OpenAPI $(sed -n 's/^openapi: //p' "$rendition")) passes oas-validator $(node -p 'require("oas-validator/package.json").version') and swagger-cli $(node -p 'require("@apidevtools/swagger-cli/package.json").version'), and the client that openapi-typescript-codegen $(node -p 'require("openapi-typescript-codegen/package.json").version') generates from it (into $client) type-checks with clients/typescript-3.0/usage.ts (tsc, strict)"

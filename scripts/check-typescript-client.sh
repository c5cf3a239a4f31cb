#!/usr/bin/env bash
# Generates the TypeScript client (typescript-fetch) from openapi.yaml into
# target/generated-clients/typescript, with the generator the build uses, and type-checks it with
# clients/typescript/usage.ts under strict tsc: the types partners get compile and can be used.
# Nothing here runs the client. Run by `make lint`, which installs tsc.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/generated-clients/typescript"
# From scratch each time: a file left by an older contract must not compile in its place.
rm -rf "$out"
log="$("$root/scripts/openapi-generator.sh" generate -g typescript-fetch -i "$root/openapi.yaml" -o "$out" \
  --global-property apiDocs=false,modelDocs=false 2>&1)" || { echo "$log" >&2; exit 1; }
"$root/node_modules/.bin/tsc" -p "$root/clients/typescript/tsconfig.json"
echo "typescript client: generated into ${out#"$root"/} and type-checked with clients/typescript/usage.ts (tsc $("$root/node_modules/.bin/tsc" -v | cut -d' ' -f2), strict)"

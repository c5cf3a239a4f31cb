#!/usr/bin/env bash
# Runs `openapi-generator validate` (with recommendations) on openapi.yaml, with the generator
# version the build uses. Run by `make lint`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$("$root/scripts/openapi-generator.sh" validate --recommend -i "$root/openapi.yaml" 2>&1)" || { echo "$out" >&2; exit 1; }
echo "$out" | tail -1
grep -q "No validation issues detected" <<<"$out"

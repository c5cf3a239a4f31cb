#!/usr/bin/env bash
# Shows that the router bindings are generated from openapi.yaml and enforced by the compiler:
# in a scratch copy of the project, an operation added to the contract must break compilation
# until a handler implements it. Run by `make test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

tar -C "$root" --exclude=./target --exclude=./.git --exclude=./.dev --exclude=./node_modules -cf - . | tar -C "$scratch" -xf -
# Two probes: one under another tag, one with none. Each must land in OperationsApi.
cat > "$scratch/probe.yaml" <<'YAML'
  /user/authentication/bindingProbe:
    get:
      tags: [elsewhere]
      operationId: bindingProbe
      x-permissions: {delegated: [UserAuthenticationMethod.Read], application: []}
      responses:
        '204':
          description: Only here to show that a new operation needs a handler.
  /user/authentication/untaggedProbe:
    get:
      operationId: untaggedProbe
      x-permissions: {delegated: [UserAuthenticationMethod.Read], application: []}
      responses:
        '204':
          description: Only here to show that a new operation needs a handler.
YAML
sed -i '/^paths:$/r '"$scratch/probe.yaml" "$scratch/openapi.yaml"

if (cd "$scratch" && mvn -B -q compile >"$scratch/build.log" 2>&1); then
  echo "check-binding: FAILED: a contract operation without a handler still compiled" >&2
  exit 1
fi
if ! grep -Eq "does not override abstract method (bindingProbe|untaggedProbe)" "$scratch/build.log"; then
  echo "check-binding: FAILED: the build broke, but not for the missing handler:" >&2
  grep -E 'ERROR' "$scratch/build.log" | head -20 >&2
  exit 1
fi
bindings="$scratch/target/generated-sources/openapi-router/src/main/java/com/contoso/lro/contract/api/OperationsApi.java"
for probe in bindingProbe untaggedProbe; do
  grep -q "void $probe(RoutingContext" "$bindings" || {
    echo "check-binding: FAILED: $probe is not in OperationsApi" >&2
    exit 1
  }
done
echo "check-binding: operations added to openapi.yaml, tagged otherwise or not at all, break compilation until OperationsHandler implements them"

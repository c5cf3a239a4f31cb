#!/usr/bin/env bash
# Shows that the router bindings are generated from openapi.yaml and enforced by the compiler:
# in a scratch copy of the project, an operation added to the contract must break compilation
# until a handler implements its call (x-lro-call), and one that names no call never compiles. Run by `make test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

tar -C "$root" --exclude=./target --exclude=./.git --exclude=./.dev --exclude=./node_modules -cf - . | tar -C "$scratch" -xf -
# Two probes, under another tag or none, so that each must land in OperationsApi: one names a call
# that no handler implements, one names no call (x-lro-call) at all.
cat > "$scratch/probe.yaml" <<'YAML'
  /user/authentication/bindingProbe:
    get:
      tags: [elsewhere]
      operationId: bindingProbe
      x-lro-call: probe
      x-permissions: {delegated: [UserAuthenticationMethod.Read], application: []}
      responses:
        '204':
          description: Only here to show that a new call needs a handler.
  /user/authentication/untaggedProbe:
    get:
      operationId: untaggedProbe
      x-permissions: {delegated: [UserAuthenticationMethod.Read], application: []}
      responses:
        '204':
          description: Only here to show that an operation must name its call.
YAML
sed -i '/^paths:$/r '"$scratch/probe.yaml" "$scratch/openapi.yaml"

if (cd "$scratch" && mvn -B -q compile >"$scratch/build.log" 2>&1); then
  echo "check-binding: FAILED: a contract operation without a handler still compiled" >&2
  exit 1
fi
if ! grep -Eq "does not override abstract method (probe|openapi_yaml_names_no_x_lro_call_for_untaggedProbe)\(" "$scratch/build.log"; then
  echo "check-binding: FAILED: the build broke, but not for the missing handler:" >&2
  grep -E 'ERROR' "$scratch/build.log" | head -20 >&2
  exit 1
fi
bindings="$scratch/target/generated-sources/openapi-router/src/main/java/com/contoso/lro/contract/api/OperationsApi.java"
for call in probe openapi_yaml_names_no_x_lro_call_for_untaggedProbe; do
  grep -q "void $call(RoutingContext" "$bindings" || {
    echo "check-binding: FAILED: $call is not in OperationsApi" >&2
    exit 1
  }
done
echo "check-binding: operations added to openapi.yaml, tagged otherwise or not at all, with a new call or none, break compilation until OperationsHandler implements their call"

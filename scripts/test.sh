#!/usr/bin/env bash
# make test, after dev-postgres.sh: the JUnit suite, and beside it the three script checks
# (check-binding.sh, test-dev-postgres.sh, check-jar.sh). They have nothing in common but the
# PostgreSQL server, where each uses databases of its own, and they wait on it and on their
# processes much of the time: side by side they take little more than the suite alone. The
# project is built once (`package` without its tests: the classes, the test classes and the jar);
# the suite then runs on those classes (surefire:test) while check-jar.sh runs the jar.
# Each check's output is printed in one piece when it ends; exits non-zero when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
MVN_TEST=${MVN_TEST:-mvn -B --no-transfer-progress}

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
checks=()
beside() { # name command...: runs the command in the background, its output to $logs/name
  local name=$1
  shift
  checks+=("$name")
  ("$@" >"$logs/$name" 2>&1; echo $? >"$logs/$name.status") &
}
report() { # name: prints a check's output once it has ended; fails when the check did
  local name=$1
  echo "---- $name"
  cat "$logs/$name"
  [[ $(cat "$logs/$name.status" 2>/dev/null) == 0 ]]
}

beside check-binding scripts/check-binding.sh
beside test-dev-postgres scripts/test-dev-postgres.sh
status=0
if $MVN_TEST -DskipTests package; then
  beside check-jar scripts/check-jar.sh
  $MVN_TEST surefire:test || status=1
else
  status=1
fi
wait
for name in "${checks[@]}"; do
  report "$name" || { echo "make test: $name failed" >&2; status=1; }
done
exit "$status"

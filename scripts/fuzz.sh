#!/usr/bin/env bash
# make fuzz: runs each Jazzer fuzz target (src/test/java/com/contoso/lro/fuzz) in fuzzing mode for
# FUZZ_SECONDS (default 600) each, one JVM per target, as libFuzzer allows one target per process.
# FUZZ_TARGETS picks some, e.g. FUZZ_TARGETS='QueryOptionsFuzzTest#filter PageTokensFuzzTest#read'.
# A crash is written by Jazzer into src/test/resources/com/contoso/lro/fuzz/<Class>Inputs/<method>/
# (crash-<sha1>), where `make test` replays it from then on; the corpus that libFuzzer grows stays
# in .cifuzz-corpus/ (not committed). Exits non-zero when any target found something.
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-600}
FUZZ_TARGETS=${FUZZ_TARGETS:-"OperationBodyFuzzTest#create OperationBodyFuzzTest#update QueryOptionsFuzzTest#filter QueryOptionsFuzzTest#orderby PageTokensFuzzTest#read TokenVerifierFuzzTest#verify"}
# A bounded heap keeps the JVM under libFuzzer's RSS limit (2 GB), which would otherwise report it.
FUZZ_JVM_ARGS=${FUZZ_JVM_ARGS:--Xmx1g}
MVN=${MVN:-mvn -B -q}
MVN_TEST=${MVN_TEST:-mvn -B --no-transfer-progress}

scripts/dev-postgres.sh --no-create-db
$MVN -DskipTests test-compile || exit 1

found=()
for target in $FUZZ_TARGETS; do
  echo "== fuzzing $target for ${FUZZ_SECONDS}s"
  # Jazzer reads its settings from JAZZER_* variables in the forked test JVM.
  if ! JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${FUZZ_SECONDS}s" \
      $MVN_TEST surefire:test -Dtest="com.contoso.lro.fuzz.$target" -DargLine="$FUZZ_JVM_ARGS" -Djazzer.hooks=true; then
    found+=("$target")
  fi
done

git status --short -- src/test/resources/com/contoso/lro/fuzz
if [ ${#found[@]} -gt 0 ]; then
  echo "make fuzz: findings (or failures) in: ${found[*]}; new crash inputs are listed above"
  exit 1
fi
echo "make fuzz: no findings in $FUZZ_TARGETS (${FUZZ_SECONDS}s each)"

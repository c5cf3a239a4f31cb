#!/usr/bin/env bash
# bench/check-deadlines.sh - a self-check of make bench's deadlines, without PostgreSQL or the
# service: bench/LongPollBench.java against a server that accepts connections and never answers
# must fail within its deadline, naming what it waited for, rather than hang. Prints what it saw
# and exits 1 when a check fails.
#
#   bench/check-deadlines.sh        (needs target/lro-service.jar: make build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR="$ROOT/target/lro-service.jar"
WORK="$ROOT/target/bench/check-deadlines"
[[ -f $JAR ]] || { echo "check-deadlines: no $JAR; run make build" >&2; exit 1; }
mkdir -p "$WORK"
echo "not a token" >"$WORK/token"

# The silent server: accepts, reads whatever comes, answers nothing. It prints its port.
python3 -u - >"$WORK/silent.port" <<'PY' &
import socket, threading
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(512)
print(server.getsockname()[1])
def drain(connection):
    while connection.recv(65536):
        pass
while True:
    connection, _ = server.accept()
    threading.Thread(target=drain, args=(connection,), daemon=True).start()
PY
SILENT_PID=$!
trap 'kill "$SILENT_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [[ -s $WORK/silent.port ]] && break; sleep 0.1; done
port=$(<"$WORK/silent.port")
[[ -n $port ]] || { echo "check-deadlines: the silent server did not start" >&2; exit 1; }

failed=0
# The creates: --deadline 10, each sent again once after --request-timeout 3; the outer timeout
# (60 s) only catches a client that ignores its own deadline.
started=$SECONDS
status=0
timeout --kill-after=5 60 java -cp "$JAR" bench/LongPollBench.java --port "$port" --token-file "$WORK/token" \
  --waiters 20 --concurrency 4 --deadline 10 --request-timeout 3 >"$WORK/longpoll.out" 2>"$WORK/longpoll.err" || status=$?
took=$((SECONDS - started))
message=$(grep -m 1 "creates" "$WORK/longpoll.err" || true)
echo "LongPollBench against a silent server: exit $status after $took s: ${message:-(no message naming the creates)}"
if ((status == 0 || status == 124 || status == 137)); then
  echo "check-deadlines: FAILED: LongPollBench did not fail by its own deadline (exit $status)"
  failed=1
elif [[ -z $message ]]; then
  echo "check-deadlines: FAILED: its message does not name the creates; standard error:"
  cat "$WORK/longpoll.err"
  failed=1
fi
((failed == 0)) && echo "check-deadlines: passed"
exit "$failed"

#!/usr/bin/env python3
"""The table of `make drill` (bench/drill.sh): judges each drill's row by its rule, writes the
markdown, prints it, and exits 1 when a drill failed. The rules are those of bench/drill.sh's header."""
import argparse
import json
import sys

FULL_SERVICE_LIMIT_MS = 5000


def network_p99(row):
    """The p99 of the requests sent while the link was slow (rows before it had the whole load's)."""
    return row.get("slowedP99Ms", row["result"]["p99Ms"])


def judge(row, args):
    """(problems, notes): why the drill fails (empty when it passes), and what the table should say."""
    r = row["result"]
    if r is None:
        return ["the load wrote no result"], []
    problems, notes = [], []
    failures = r["failures"]
    total = sum(failures.values())
    log = r["failureLog"]
    if row["lost"]:
        problems.append(f"{row['lost']} acknowledged write(s) not in the database")
    if r["missedWakes"]:
        problems.append(f"{r['missedWakes']} long-poll(s) missed a change of their operation")
    probe = row["probe"]
    if probe.get("fullServiceMs", -1) < 0:
        problems.append(f"the instances did not all serve fully within 60 s ({probe.get('last', '')})")
    drill = row["drill"]
    if row.get("notBackInHaproxy"):
        problems.append(f"HAProxy did not have {row['notBackInHaproxy']} back within 60 s of its restart")
    if drill in ("rolling", "network") and total:
        problems.append(f"{total} failed request(s)")
    if drill == "network" and network_p99(row) > args.p99_limit_ms:
        problems.append(f"p99 {network_p99(row)} ms over {args.p99_limit_ms} ms while the link was slow")
    if drill == "kill":
        killed, at, done = row["killed"], int(row["killedAtMs"]), int(row.get("killedDoneMs", row["killedAtMs"]))
        in_flight = sum(1 for f in log if f["servedBy"] == killed and f["sentAtMs"] <= done and at <= f["answeredAtMs"])
        # A POST that the killed instance held is not sent again (it may have been stored), and HAProxy
        # then closes the client's connection rather than answer: no instance named, but sent before
        # the kill and cut within 5 s of it.
        cut = sum(1 for f in log if f["servedBy"] is None and " failed: " in f["kind"]
                  and f["sentAtMs"] <= done and at <= f["answeredAtMs"] <= at + 5000)
        other = total - in_flight - cut
        notes.append(f"{in_flight} answered by {killed} and {cut} cut without an answer, all in flight when it died")
        if other:
            problems.append(f"{other} failure(s) other than requests in flight on {killed}")
        rewaits, woken = r["rewaitsAfterFailure"], r["rewaitsWoken"]
        notes.append(f"{woken} of {rewaits} long-poll(s) that failed there and waited again woken by a later change")
        # HAProxy sends a GET that the killed instance held again by itself (retry-on empty-response),
        # so the client may see no failure at all: the missed-wake rule covers those replayed waits.
        if woken < rewaits:
            problems.append(f"{rewaits - woken} long-poll(s) that waited again were not woken")
    if drill == "db-restart":
        down, up = int(row["downAtMs"]), int(row["upAtMs"])
        allowed = sum(1 for f in log if f["kind"].endswith("503 with Retry-After")
                      and down <= f["answeredAtMs"] <= up + FULL_SERVICE_LIMIT_MS)
        notes.append(f"PostgreSQL down {(up - down) / 1000:.1f} s")
        if total - allowed:
            problems.append(f"{total - allowed} failure(s) other than 503 with Retry-After while PostgreSQL was down")
        if probe.get("fullServiceMs", -1) > FULL_SERVICE_LIMIT_MS:
            problems.append(f"full service {probe['fullServiceMs']} ms after PostgreSQL answered, over 5 s")
    if drill == "network":
        notes.append(row.get("mechanism", ""))
        notes.append(f"SELECT 1 round trip through the link, measured before the load: {row.get('rttBefore', '?')}, "
                     f"{row.get('rttDuring', '?')} slowed")
        if row.get("effect"):
            notes.append(row["effect"])
    return problems, notes


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rows")
    p.add_argument("out")
    p.add_argument("--started", required=True)
    p.add_argument("--load", required=True)
    p.add_argument("--cores", required=True)
    p.add_argument("--instances", required=True)
    p.add_argument("--commit", required=True)
    p.add_argument("--db-timeout-seconds", type=int, required=True)
    p.add_argument("--p99-limit-ms", type=int, required=True)
    args = p.parse_args()
    rows = [json.loads(line) for line in open(args.rows) if line.strip()]
    lines = [
        f"# make drill: results of {args.started}",
        "",
        f"- machine: {args.cores} cores, load average at start {args.load}; commit {args.commit}",
        f"- {args.instances} instances behind HAProxy (deploy/haproxy.cfg), the drill's own PostgreSQL; "
        f"DB_TIMEOUT_SECONDS={args.db_timeout_seconds}",
        "",
        "| drill | requests | failures by kind | acknowledged creates / PATCHes, checked in the database | lost "
        "| time to full service | p99 | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    failed = False
    details = []
    for row in rows:
        if "notRun" in row:
            lines.append(f"| {row['drill']} | – | – | – | – | – | – | **not run here**: {row['notRun']} |")
            continue
        problems, notes = judge(row, args)
        failed |= bool(problems)
        r = row["result"] or {}
        kinds = "; ".join(f"{n:,} × {k}" for k, n in sorted(r.get("failures", {}).items(), key=lambda kv: -kv[1]))
        probe_ms = row["probe"].get("fullServiceMs", -1)
        verdict = "**fails**: " + "; ".join(problems) if problems else "passes"
        p99 = f"{r.get('p99Ms', 0):,} ms"
        if "slowedP99Ms" in row:
            p99 = f"{row['slowedP99Ms']:,} ms while slow ({row['slowedRequests']:,} requests); {p99} all"
        if notes:
            verdict += " (" + "; ".join(notes) + ")"
        lines.append(
            f"| {row['drill']} | {r.get('requests', 0):,} | {kinds or 'none'} "
            f"| {r.get('ackedCreates', 0):,} / {r.get('ackedPatches', 0):,} ({r.get('operationsChecked', 0):,} operations) "
            f"| {row['lost']} | {f'{probe_ms / 1000:.1f} s' if probe_ms >= 0 else 'never'} "
            f"| {p99} | {verdict} |")
        if r:
            details.append(f"- {row['drill']}: {r['wakes']:,} long-polls woken, {r['timedOutWaits']:,} answered 304 "
                           f"at the end of their wait, {r['missedWakes']} missed a change; p50 {r['p50Ms']} ms, "
                           f"max {r['maxMs']:,} ms; requests by kind {json.dumps(r['requestsByKind'])}")
    lines += [
        "",
        "Rules (bench/drill.sh): nothing acknowledged lost (per operation, the database holds its last "
        "acknowledged value, or a later one whose answer never came), no long-poll misses a change, every "
        "instance serves fully again (probe: each one creates, reads, lists and wakes a waiter on a PATCH "
        "through another instance); rolling and network: 0 failed requests; kill: only requests in flight "
        "on the killed instance fail, and long-polls that failed there are woken once they wait again; "
        "db-restart: only 503 with Retry-After while PostgreSQL is down (to 5 s after), no request past "
        "DB_TIMEOUT_SECONDS + 2 s, full service within 5 s of PostgreSQL answering; network: p99 of the "
        f"requests sent while the link was slow within {args.p99_limit_ms} ms.",
        "",
    ] + details
    text = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    print(text, end="")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

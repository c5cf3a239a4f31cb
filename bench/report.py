#!/usr/bin/env python3
"""The small tools bench/run.sh needs beyond bash: a free port, the wait for /health/ready, the
pages behind $skiptoken, reading pgbench's and wrk's results, and the final table.

Standard library only (python3 >= 3.8, no pip packages). Every result is one JSON object per line
in a results file; the table is made from that file alone.
"""
import argparse
import glob
import json
import math
import os
import socket
import statistics
import sys
import time
import urllib.error
import urllib.request


def free_port(_args):
    # The kernel picks a free port; the service binds it a moment later. Nothing else on this
    # machine binds ports at random in that moment, so the race is accepted.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def ready(args):
    """Polls /health/ready every 10 ms; prints the milliseconds since --since-ns (when the process
    was started) at the first 200. Fails when the process dies or --timeout passes."""
    url = f"http://127.0.0.1:{args.port}/health/ready"
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if args.pid and not os.path.exists(f"/proc/{args.pid}"):
            sys.exit(f"bench: the service (pid {args.pid}) exited before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    print(round((time.time_ns() - args.since_ns) / 1e6, 1))
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.01)
    sys.exit(f"bench: {url} did not answer 200 within {args.timeout} s")


def follow(args):
    """Follows @odata.nextLink --pages times from --url; prints the last link reached."""
    url = args.url
    for page in range(args.pages):
        request = urllib.request.Request(url, headers={"Authorization": "Bearer " + args.token})
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = json.load(answer)
        url = body.get("@odata.nextLink")
        if not url:
            sys.exit(f"bench: page {page + 1} has no @odata.nextLink")
    print(url)


def percentile(sorted_values, p):
    """Nearest rank, as wrk's percentiles are."""
    if not sorted_values:
        return None
    rank = math.ceil(p / 100 * len(sorted_values))
    return sorted_values[max(0, min(len(sorted_values) - 1, rank - 1))]


def pgbench(args):
    """One pgbench run as JSON: transactions per second as pgbench reports them (without the
    initial connection time), latency percentiles from its per-transaction log, and errors:
    failed transactions plus aborted clients."""
    out = open(args.stdout).read()
    err = open(args.stderr).read()
    tps = None
    failed = 0
    for line in out.splitlines():
        if line.startswith("tps = ") and "without initial connection time" in line:
            tps = float(line.split()[2])
        if line.startswith("number of failed transactions:"):
            failed = int(line.split(":")[1].split()[0])
    aborted = sum(1 for line in err.splitlines() if " aborted in command " in line)
    latencies = []
    for log in glob.glob(args.logs + "*"):
        with open(log) as f:
            for line in f:
                fields = line.split()
                # client_id transaction_no time script_no time_epoch time_us: time is the latency in us
                if len(fields) >= 3 and fields[2].isdigit():
                    latencies.append(int(fields[2]))
        os.remove(log)
    latencies.sort()
    if tps is None:
        sys.exit(f"bench: pgbench printed no tps; stderr:\n{err}")
    print(json.dumps({
        "rate": tps,
        "requests": len(latencies),
        "p50_ms": percentile(latencies, 50) / 1000 if latencies else None,
        "p99_ms": percentile(latencies, 99) / 1000 if latencies else None,
        "errors": failed + aborted,
    }))


def wrk(args):
    """One wrk run as JSON, from the WRKJSON line of bench/lua/report.lua."""
    for line in open(args.stdout):
        if line.startswith("WRKJSON "):
            r = json.loads(line[len("WRKJSON "):])
            print(json.dumps({
                "rate": r["requests"] / (r["duration_us"] / 1e6),
                "requests": r["requests"],
                "p50_ms": r["p50_us"] / 1000,
                "p99_ms": r["p99_us"] / 1000,
                "errors": r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"],
                "error_detail": {k: r[k] for k in ("non2xx", "connect", "read", "write", "timeout")},
                "statuses": r.get("statuses", {}),
            }))
            return
    sys.exit(f"bench: no WRKJSON line in {args.stdout}")


def cpu(args):
    """Where one measured run's CPU went, from its two cpu_ticks snapshots (bench/run.sh): µs of CPU
    per request of the server, of PostgreSQL and of the load generator, their total, the machine's
    idle share and the share the host stole; null when the run was too short for a window. A
    process in the second snapshot only counts from zero; one gone by then is not counted (its last
    ticks are unknown).
    Requests are the run's average rate times the window."""
    text = open(args.ticks).read()
    if "--" not in text or args.rate <= 0:
        print("null")
        return

    def snapshot(block):
        time, machine, ticks = None, None, {}
        for fields in (line.split() for line in block.splitlines() if line.strip()):
            if fields[0] == "time":
                time = float(fields[1])
            elif fields[0] == "machine":
                # Steal, the third figure, is absent from snapshots taken before it was recorded.
                machine = (int(fields[1]), int(fields[2]), int(fields[3]) if len(fields) > 3 else None)
            else:
                ticks[(fields[0], fields[1])] = int(fields[2])
        return time, machine, ticks

    (t0, m0, before), (t1, m1, after) = (snapshot(block) for block in text.split("--"))
    per_request = 1e6 / os.sysconf("SC_CLK_TCK") / (args.rate * (t1 - t0))

    def of(group):
        keys = [key for key in after if key[0] == group]
        if not keys:
            return None
        return sum(after[key] - before.get(key, 0) for key in keys) * per_request

    parts = {"server_us": of("server"), "postgres_us": of("postgres"), "load_us": of("load")}
    print(json.dumps({
        **parts,
        "total_us": sum(v for v in parts.values() if v is not None),
        "idle_percent": 100 * (m1[0] - m0[0]) / (m1[1] - m0[1]) if m1[1] > m0[1] else None,
        "steal_percent": 100 * (m1[2] - m0[2]) / (m1[1] - m0[1])
        if m1[1] > m0[1] and m0[2] is not None and m1[2] is not None else None,
    }))


def rate(args):
    print(json.loads(args.json)["rate"])


def rose(args):
    """Exit 0 when the throughput rose by more than --percent from --before to --after."""
    sys.exit(0 if args.after > args.before * (1 + args.percent / 100) else 1)


# ---------------------------------------------------------------- profile --

def frame_method(frame):
    """'a.b.C$D.m(int, String) line: 12' -> 'a.b.C$D.m'."""
    return frame.split("(", 1)[0].strip()


def frame_package(frame):
    """The Java package of a frame: 'a.b.C$D.m(...) line: 12' -> 'a.b'; a class outside any package is its own."""
    cls = frame_method(frame).rsplit(".", 1)[0]
    return cls.rsplit(".", 1)[0] if "." in cls else cls


def execution_samples(jfr, path, depth):
    """The jdk.ExecutionSample events of one recording, each (thread, [frames, top first]), from
    `jfr print`'s text (its --json of a 20 s recording is tens of megabytes)."""
    import subprocess
    text = subprocess.run([jfr, "print", "--events", "jdk.ExecutionSample", "--stack-depth", str(depth), path],
                          check=True, capture_output=True, text=True).stdout
    samples, thread, frames, in_stack = [], None, None, False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("jdk.ExecutionSample"):
            thread, frames, in_stack = None, [], False
        elif stripped.startswith("sampledThread = "):
            thread = stripped.split("=", 1)[1].strip().split('" (')[0].strip('"')
        elif stripped.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and stripped == "]":
            in_stack = False
        elif in_stack and stripped and stripped != "...":
            frames.append(stripped)
        elif stripped == "}" and frames is not None:
            samples.append((thread or "?", frames))
            frames = None
    return samples


def profile(args):
    """PROFILE=1: one phase's JFR recordings summed into a Markdown page of where its server's
    samples were: self (the top frame) by package and by method, total (anywhere on the stack) by
    package, and by thread."""
    from collections import Counter
    samples = [s for path in args.recordings for s in execution_samples(args.jfr, path, args.depth)]
    n = len(samples)
    self_package, self_method, total_package, threads = Counter(), Counter(), Counter(), Counter()
    # A sample in java.util or java.lang says little: it is also counted for the first frame below
    # it outside the JDK, the code that called into it.
    caller_package = Counter()
    jdk = ("java.", "javax.", "jdk.", "sun.", "com.sun.")
    for thread, frames in samples:
        if not frames:
            continue
        self_package[frame_package(frames[0])] += 1
        self_method[frame_method(frames[0])] += 1
        caller_package[next((frame_package(f) for f in frames if not f.startswith(jdk)), "(the JDK alone)")] += 1
        for package in {frame_package(f) for f in frames}:
            total_package[package] += 1
        # Thread pools by name: "vert.x-eventloop-thread-1" and "-0" are one line.
        threads[thread.rstrip("0123456789").rstrip("-#")] += 1

    def rows(counter, top):
        return [f"| `{k}` | {v:,} | {100 * v / n:.1f} % |" for k, v in counter.most_common(top)] if n else []

    lines = [
        f"# Profile: {args.phase}",
        "",
        f"{n:,} execution samples (JFR `jdk.ExecutionSample`, bench/profile.jfc: every 10 ms of a "
        f"running Java thread) of the server under load, from {len(args.recordings)} recording(s), one per "
        "measured run (`make bench PROFILE=1`; see bench/README.md). Self: the sample's top frame; total: "
        f"a frame of the package anywhere in the sample's stack (the first {args.depth} frames). "
        "Samples of threads in native code (epoll, socket writes) are not execution samples: the shares are "
        "of the Java code's time.",
        "",
        f"## Self time by package (top {args.top})",
        "",
        "| package | samples | share |",
        "|---|---|---|",
        *rows(self_package, args.top),
        "",
        f"## Self time by package, the JDK's counted for its caller (top {args.top})",
        "",
        "| package | samples | share |",
        "|---|---|---|",
        *rows(caller_package, args.top),
        "",
        f"## Total time by package (top {args.top})",
        "",
        "| package | samples | share |",
        "|---|---|---|",
        *rows(total_package, args.top),
        "",
        f"## Self time by method (top {args.top})",
        "",
        "| method | samples | share |",
        "|---|---|---|",
        *rows(self_method, args.top),
        "",
        "## By thread",
        "",
        "| thread (pool) | samples | share |",
        "|---|---|---|",
        *rows(threads, 10),
        "",
    ]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))


# ------------------------------------------------------------------ table --

def fmt(value, digits=1):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def spread(values):
    if len(values) < 2:
        return "—"
    low, high = min(values), max(values)
    mid = statistics.median(values)
    return f"{low:,.0f}–{high:,.0f} (±{(high - low) / 2 / mid * 100:.0f} %)" if mid else "—"


def spread_ms(values):
    # A window with no wake has no p99: it is left out of the spread (its errors say why).
    values = [v for v in values if v is not None]
    return f"p99 {min(values):,.1f}–{max(values):,.1f} ms" if len(values) > 1 else "—"


def spread_of(runs):
    """A phase's spread over its runs: of requests/s and of p99; a long-poll round runs at a set
    PATCH rate, so of its p99 only."""
    p99 = spread_ms([x["p99_ms"] for x in runs])
    if runs[0].get("kind") == "longpoll":
        return p99
    rate = spread([x["rate"] for x in runs])
    return rate if len(runs) < 2 else f"{rate}; {p99}"


def memory_lines(path):
    """The largest VmRSS seen in each phase, in the order the phases ran."""
    largest = {}
    for line in open(path) if path and os.path.exists(path) else []:
        fields = line.rstrip("\n").split("\t")
        if len(fields) == 4 and fields[2].isdigit():
            largest[fields[1]] = max(largest.get(fields[1], 0), int(fields[2]))
    if not largest:
        return ["(no samples)"]
    return ["| phase | largest VmRSS |", "|---|---|"] + [
        f"| {phase} | {kb / 1024:,.0f} MiB |" for phase, kb in largest.items()]


def histogram(path):
    """GC.class_histogram's bytes by class name."""
    by_class = {}
    for line in open(path) if os.path.exists(path) else []:
        fields = line.split()
        if len(fields) >= 4 and fields[0].endswith(":") and fields[2].isdigit():
            by_class[fields[3]] = by_class.get(fields[3], 0) + int(fields[2])
    return by_class


def cluster(args):
    """The cluster-waiters phase's results, as result lines: the measured windows' wake latencies
    merged over the client processes (bench/ClusterWaiters.java), its errors, the instances' memory
    and the heap per held waiter by class (from GC.class_histogram before and with the waiters held)."""
    windows, summaries = {}, []
    for path in args.outs:
        for line in open(path):
            if not line.startswith('{"source"'):
                continue
            row = json.loads(line)
            if row.get("summary"):
                summaries.append(row)
            else:
                w = windows.setdefault(row["window"], {"patches": 0, "seconds": 0, "patchFailed": 0, "noneToPatch": 0})
                w["patches"] += row["patches"]
                w["patchFailed"] += row["patchFailed"]
                w["noneToPatch"] += row["noneToPatch"]
                w["seconds"] = max(w["seconds"], row["seconds"])
    errors = {}
    for summary in summaries:
        for kind, n in summary["errors"].items():
            errors[kind] = errors.get(kind, 0) + n
    clients = len(args.outs)
    if len(summaries) < clients:
        errors["clientWithoutResults"] = clients - len(summaries)
    timeouts = sum(s.get("timeouts", 0) for s in summaries)
    ran_out_patched = sum(s.get("ranOutBeforeTheirPatch", 0) for s in summaries)
    patched_before_read = sum(s.get("patchedBeforeTheirRead", 0) for s in summaries)
    arm = max((s["armSeconds"] for s in summaries), default=None)
    first = True
    for index in range(1, args.rounds + 1):
        w = windows.get(index)
        wakes = []
        for path in glob.glob(f"{args.samples}-*-{index}.txt"):
            wakes += [int(x) / 1000 for x in open(path).read().split()]
        wakes.sort()
        # A PATCH not sent for want of a held waiter is the client's shortfall, shown in the rate, not an error.
        failed = (w or {}).get("patchFailed", 0)
        row = {"phase": args.phase_wake, "kind": "longpoll", "warmup": args.warmup,
               "rate": None if not w else w["patches"] / w["seconds"], "requests": (w or {}).get("patches", 0),
               "p50_ms": percentile(wakes, 50), "p99_ms": percentile(wakes, 99),
               "max_ms": wakes[-1] if wakes else None, "woken": len(wakes), "rate_asked": args.rate,
               "errors": failed + (sum(errors.values()) if first else 0) + (0 if w else 1),
               "detail": {"errors": errors, "timeouts": timeouts, "ranOutBeforeTheirPatch": ran_out_patched,
                          "patchedBeforeTheirRead": patched_before_read, "armSeconds": arm, "clients": clients}}
        first = False
        print(json.dumps(row))

    def ints(text):
        return [int(x) if x else 0 for x in text.split()]
    on, rss0, rss1, heap0, heap1, peaks = map(ints, (args.waiters_on, args.before_rss, args.held_rss,
                                                     args.before_heap, args.held_heap, args.peaks))
    print(json.dumps({"phase": args.phase_rss, "kind": "process", "value": max(peaks) / 1024, "unit": "MiB",
                      "instances": [{"waiters": on[k], "rss_before_kb": rss0[k], "rss_held_kb": rss1[k],
                                     "heap_before": heap0[k], "heap_held": heap1[k], "hwm_kb": peaks[k]}
                                    for k in range(args.instances)]}))
    print(json.dumps({"phase": args.phase_rss_waiter, "kind": "process", "unit": "KiB",
                      "value": statistics.median((rss1[k] - rss0[k]) / on[k] for k in range(args.instances))}))
    print(json.dumps({"phase": args.phase_heap_waiter, "kind": "process", "unit": "KiB",
                      "value": statistics.median((heap1[k] - heap0[k]) / 1024 / on[k] for k in range(args.instances))}))
    # What the heap per waiter is made of: each class's growth, summed over the instances, per waiter.
    growth = {}
    for k in range(args.instances):
        before, held = histogram(f"{args.histograms}-{k}-before.txt"), histogram(f"{args.histograms}-{k}-held.txt")
        for name in set(before) | set(held):
            growth[name] = growth.get(name, 0) + held.get(name, 0) - before.get(name, 0)
    total = sum(on)
    top = sorted(growth.items(), key=lambda item: -item[1])[:args.top]
    print(json.dumps({"phase": "heap per held waiter, by class", "kind": "cluster-heap",
                      "classes": [[name, round(b / total, 1)] for name, b in top],
                      "total": round(sum(growth.values()) / total, 1)}))


def table(args):
    rows = [json.loads(line) for line in open(args.results) if line.strip()]
    meta = json.loads(args.meta)
    by_phase = {}
    for row in rows:
        by_phase.setdefault(row["phase"], []).append(row)

    def median_of(phase, key):
        values = [r[key] for r in by_phase.get(phase, []) if r.get(key) is not None]
        return statistics.median(values) if values else None

    lines = []
    header = ["phase", "requests/s", "p50 ms", "p99 ms", "errors", "ratio to pgbench", "spread of requests/s; of p99 (long-polls: of p99)", "warm-up"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---" for _ in header) + "|")
    order = []
    for row in rows:
        if row["phase"] not in order and row.get("kind") not in ("process", "cluster-heap"):
            order.append(row["phase"])
    for phase in order:
        runs = by_phase[phase]
        first = runs[0]
        r = median_of(phase, "rate")
        ratio = "—"
        if first.get("limit"):
            limit = median_of(first["limit"], "rate")
            if limit and r is not None:
                ratio = f"{r / limit:.2f} × {first['limit']}"
        lines.append("| " + " | ".join([
            phase + (f" ({len(runs)} runs, medians)" if len(runs) > 1 else ""),
            fmt(r, 0),
            fmt(median_of(phase, "p50_ms"), 2),
            fmt(median_of(phase, "p99_ms"), 2),
            fmt(sum(x.get("errors", 0) for x in runs)),
            ratio,
            spread_of(runs),
            first.get("warmup", "—"),
        ]) + " |")

    # Where the CPU went: the medians of each phase's measured runs.
    cpu_lines = ["| phase | server | PostgreSQL | load generator | total | machine idle | stolen by the host |",
                 "|---|---|---|---|---|---|---|"]
    for phase in order:
        runs = [r["cpu"] for r in by_phase[phase] if r.get("cpu")]
        if not runs:
            continue

        def cpu_median(key):
            values = [r[key] for r in runs if r.get(key) is not None]
            return statistics.median(values) if values else None

        cpu_lines.append("| " + " | ".join([
            phase,
            *("—" if v is None else f"{v:.1f} µs" for v in map(cpu_median, ("server_us", "postgres_us", "load_us", "total_us"))),
            "—" if cpu_median("idle_percent") is None else f"{cpu_median('idle_percent'):.0f} %",
            "—" if cpu_median("steal_percent") is None else f"{cpu_median('steal_percent'):.1f} %",
        ]) + " |")

    process = [r for r in rows if r.get("kind") == "process"]
    proc_lines = ["| measure | value | spread |", "|---|---|---|"]
    seen = []
    for r in process:
        if r["phase"] in seen:
            continue
        seen.append(r["phase"])
        values = [x["value"] for x in process if x["phase"] == r["phase"]]
        unit = r["unit"]
        shown = statistics.median(values)
        proc_lines.append(f"| {r['phase']}{' (median of %d)' % len(values) if len(values) > 1 else ''}"
                          f" | {fmt(float(shown), 1)} {unit} | "
                          f"{'%s–%s %s' % (fmt(float(min(values)), 1), fmt(float(max(values)), 1), unit) if len(values) > 1 else '—'} |")

    # The yardsticks, each computed from this run's own figures: the median over the measured runs,
    # with its spread. A ratio of two phases is taken run by run (the service's creates and reads
    # alternate with the floor's, so each pair ran seconds apart), then its median. The table
    # reports; make bench does not fail on a missed yardstick.
    checks = []

    def check(text, values, goal, holds, digits=2, unit="", spread_note=None, of="runs"):
        """values: one per run (or round, or start); holds(median) -> bool, or None for a figure
        shown for reading the others."""
        values = [v for v in values if v is not None]
        if not values:
            checks.append(f"| {text} | — | — | {goal} | not measured |")
            return
        mid = statistics.median(values)
        if spread_note is not None:
            spread_text = spread_note
        elif len(values) > 1:
            spread_text = f"{min(values):,.{digits}f}–{max(values):,.{digits}f}{unit} ({len(values)} {of})"
        else:
            spread_text = "— (1 run)"
        verdict = "—" if holds is None else "✔" if holds(mid) else "✘"
        checks.append(f"| {text} | {mid:,.{digits}f}{unit} | {spread_text} | {goal} | {verdict} |")

    def runs_of(phase):
        return by_phase.get(phase, [])

    def server_us(row):
        return (row.get("cpu") or {}).get("server_us")

    def per_run(phase, value):
        return [value(r) for r in runs_of(phase)]

    def paired(a, b, value_a, value_b=None):
        """a's value ÷ b's, run i with run i (as many pairs as the phase with fewer runs has)."""
        value_b = value_b or value_a
        out = []
        for ra, rb in zip(runs_of(a), runs_of(b)):
            x, y = value_a(ra), value_b(rb)
            out.append(None if x is None or not y else x / y)
        return out

    def rate_of(row):
        return row.get("rate")

    def key(name):
        return lambda row: row.get(name)

    names = meta["phases"]
    at_most = lambda goal: (lambda v: v <= goal)
    at_least = lambda goal: (lambda v: v >= goal)
    within = lambda share: (lambda v: abs(v - 1) <= share)

    checks.append("| **the service against its floor** (issue 19) | | | | |")
    check("server CPU per read ÷ the floor's per read", paired(names["reads"], names["floor_reads"], server_us),
          "≤ 1.4", at_most(1.4))
    check("reads/s ÷ the floor's reads/s", paired(names["reads"], names["floor_reads"], rate_of), "≥ 0.8", at_least(0.8))
    check("server CPU per create ÷ the floor's per create", paired(names["creates"], names["floor_creates"], server_us),
          "≤ 1.5", at_most(1.5))
    check(f"server CPU per list page of 100 (page 1, {names['large']} operations) ÷ the service's per read",
          paired(names["list_large"], names["reads"], server_us), "≤ 4", at_most(4))
    check(f"list page 100 ÷ page 1 at {names['large']}, p50", paired(names["list_page100"], names["list_large"], key("p50_ms")),
          "within 20 %", within(0.2))
    check(f"list page 100 ÷ page 1 at {names['large']}, p99", paired(names["list_page100"], names["list_large"], key("p99_ms")),
          "within 20 %", within(0.2))
    # For reading the above: the figures the ratios are made of.
    for phase in (names["reads"], names["floor_reads"], names["creates"], names["floor_creates"], names["list_large"]):
        check(f"… server CPU per request, {phase} (for reading the above)", per_run(phase, server_us), "—",
              None, digits=1, unit=" µs")

    checks.append("| **the earlier performance issue's** | | | | |")
    check("creates/s ÷ pgbench inserts/s", paired(names["creates"], names["insert_limit"], rate_of), "≥ 0.7", at_least(0.7))
    check("reads/s ÷ pgbench selects/s (out of reach while wrk and PostgreSQL share the cores: issue 6)",
          paired(names["reads"], names["select_limit"], rate_of), "≥ 0.7", at_least(0.7))
    # Not yardsticks: what the same requests and SQL reach on the bare HTTP server and client.
    check("floor creates/s ÷ pgbench inserts/s (bare Vert.x, for comparison)",
          paired(names["floor_creates"], names["insert_limit"], rate_of), "—", None)
    check("floor reads/s ÷ pgbench selects/s (bare Vert.x, for comparison)",
          paired(names["floor_reads"], names["select_limit"], rate_of), "—", None)
    check(f"list p99 at {names['large']} ÷ p99 at {names['small']}",
          paired(names["list_large"], names["list_small"], key("p99_ms")), "≤ 1.5", at_most(1.5))
    check(f"wake p99 with {meta['waiters']} waiters", per_run(names["longpoll"], key("p99_ms")), "≤ 50 ms",
          at_most(50), digits=1, unit=" ms", of="rounds")
    peak = [x["value"] for x in process if x["phase"] == names["peak_rss"]]
    check("peak RSS (VmHWM)", peak[-1:], "≤ 300 MiB", at_most(300), digits=0, unit=" MiB",
          spread_note="one high-water mark over the run" if peak else None)
    starts = [x["value"] for x in process if x["phase"] == names["start"]]
    check("start to ready, migrated database", starts, "≤ 1,500 ms", at_most(1500), digits=0, unit=" ms", of="starts")

    def statuses(counts):
        return ", ".join(f"{k}: {v:,}" for k, v in sorted(counts.items())) or "—"

    def check_text(text, value, goal, holds):
        """A yardstick of the hostile phase, which runs once: its value as text."""
        if value is None:
            checks.append(f"| {text} | — | — | {goal} | not measured |")
        else:
            checks.append(f"| {text} | {value} | — (1 run) | {goal} | {'✔' if holds else '✘'} |")

    # The cluster-waiters phase (bench/ClusterWaiters.java): its wakes at the PATCH rate asked, the
    # instances' peak RSS, and every error of the run.
    cw = by_phase.get(names.get("cluster_wake", ""), [])
    cluster_lines = []
    if cw:
        checks.append("| **the cluster's waiters** (issue 18) | | | | |")
        p99, rate = median_of(names["cluster_wake"], "p99_ms"), median_of(names["cluster_wake"], "rate")
        asked = cw[0].get("rate_asked", 0)
        check_text(f"wake p99 with {meta['cluster']['waiters']} waiters on {meta['cluster']['instances']} instances, "
              f"PATCHes at {rate or 0:,.0f}/s of {asked:,.0f}/s asked (ms)", None if p99 is None else f"{p99:.1f}",
              "≤ 50, at ≥ 95 % of the rate", p99 is not None and p99 <= 50 and rate is not None and rate >= 0.95 * asked)
        rss = [x["value"] for x in process if x["phase"] == names["cluster_rss"]]
        check_text("RSS per instance with the cluster's waiters (largest VmHWM, MiB)", f"{max(rss):.0f}" if rss else None,
              "≤ 400", bool(rss) and max(rss) <= 400)
        errors = sum(r.get("errors", 0) for r in cw)
        detail = cw[0].get("detail", {})
        shown = f"{errors:,}" + (f" ({statuses(detail['errors'])})" if detail.get("errors") else "")
        check_text("errors in the cluster-waiters phase", shown, "0", errors == 0)
        for r in process:
            if r["phase"] == names["cluster_rss"]:
                cluster_lines += ["| instance | waiters | RSS before | RSS held | peak RSS (VmHWM) | live heap before | live heap held |",
                                  "|---|---|---|---|---|---|---|"]
                for k, i in enumerate(r.get("instances", [])):
                    cluster_lines.append(f"| {k} | {i['waiters']:,} | {i['rss_before_kb'] / 1024:,.0f} MiB | {i['rss_held_kb'] / 1024:,.0f} MiB | "
                                         f"{i['hwm_kb'] / 1024:,.0f} MiB | {i['heap_before'] / 1048576:,.1f} MiB | {i['heap_held'] / 1048576:,.1f} MiB |")
                cluster_lines.append("")
        if detail:
            cluster_lines.append(f"Waiters sent in {detail.get('armSeconds') or 0:,.1f} s by {detail.get('clients')} client processes; "
                                 f"{detail.get('timeouts', 0):,} waits ran out unchanged (304 after 60 s) and were asked again; "
                                 f"{detail.get('ranOutBeforeTheirPatch', 0):,} of them had been PATCHed, the change not yet "
                                 "committed, and the next wait answered it (timed from the PATCH); "
                                 f"{detail.get('patchedBeforeTheirRead', 0):,} PATCHed waiters' GETs were read by the service "
                                 "only after the change committed, and answered at once.")
            cluster_lines.append("")
        for r in rows:
            if r.get("kind") == "cluster-heap":
                cluster_lines += [f"Heap per held waiter, by class (growth of the live heap from before the waiters to "
                                  f"with them held, GC.class_histogram, summed over the instances ÷ waiters; "
                                  f"in all {r['total']:,.0f} bytes):", "",
                                  "| class | bytes per waiter |", "|---|---|"]
                cluster_lines += [f"| `{name}` | {b:,.0f} |" for name, b in r["classes"]]
                cluster_lines.append("")

    checks.append("| **the hostile phase** (issue 15) | | | | |")
    # The hostile phase: a victim's reads alone and under an attacker's load (bench/HostileLoad.java).
    alone = by_phase.get(names.get("victim_alone", ""), [])
    attacked = by_phase.get(names.get("victim_attacked", ""), [])
    attackers = [r for name in ("attack_filters", "attack_polls") for r in by_phase.get(names.get(name, ""), [])]
    p99_alone, p99_attacked = median_of(names.get("victim_alone", ""), "p99_ms"), median_of(names.get("victim_attacked", ""), "p99_ms")
    # wrk leaves a read not answered within its timeout out of its latencies (and counts it as a
    # timeout): any such read, or socket error, fails the check, and past 1 % of the reads the p99
    # is beyond that timeout, whatever wrk's own p99 says.
    unanswered = sum(sum(v for k, v in r.get("error_detail", {}).items() if k != "non2xx") for r in attacked)
    answered = sum(r.get("requests", 0) for r in attacked)
    if p99_alone and p99_attacked is not None:
        v = p99_attacked / p99_alone
        shown = f"{v:.2f} ({p99_attacked:,.1f} ms ÷ {p99_alone:,.1f} ms)"
        if unanswered and unanswered >= 0.01 * (answered + unanswered):
            beyond = 1000 * max(r.get("wrk_timeout_s", 10) for r in attacked)
            shown = f"> {beyond / p99_alone:,.0f} (> {beyond:,} ms ÷ {p99_alone:,.1f} ms)"
        if unanswered:
            shown += f"; {unanswered:,} of {answered + unanswered:,} reads unanswered within wrk's timeout or failed"
        check_text("victim's read p99 under hostile load ÷ alone", shown, "≤ 2", v <= 2 and not unanswered)
    elif attacked:
        check_text("victim's read p99 under hostile load ÷ alone",
              f"no read answered ({statuses({k: v for k, v in attacked[0].get('error_detail', {}).items() if v})})", "≤ 2", False)
    else:
        check_text("victim's read p99 under hostile load ÷ alone", None, "≤ 2", False)

    def count_500(runs):
        return sum(int(r.get("statuses", {}).get("500", 0)) for r in runs)

    after = by_phase.get(names.get("victim_after", ""), [])
    if attacked and attackers:
        victim_500, attacker_500 = count_500(attacked + after), count_500(attackers)
        check_text("answers of 500 in the hostile phase (victim; attacker)",
              f"{victim_500 + attacker_500:,} ({victim_500:,}; {attacker_500:,})", "0", victim_500 + attacker_500 == 0)
    else:
        check_text("answers of 500 in the hostile phase (victim; attacker)", None, "0", False)
    if attacked:
        non2xx = sum(r.get("error_detail", {}).get("non2xx", 0) for r in attacked)
        checks.append(f"| victim's reads answered other than 2xx under hostile load (for reading the above) | {non2xx:,} | — | — | — |")
    p99_after = median_of(names.get("victim_after", ""), "p99_ms")
    if p99_alone and p99_after is not None:
        checks.append(f"| victim's read p99 once the attack stopped ÷ alone (for reading the above) | "
                      f"{p99_after / p99_alone:,.2f} ({p99_after:,.1f} ms ÷ {p99_alone:,.1f} ms) | — | — | — |")
    peak_hostile = [x["value"] for x in process if x["phase"] == names.get("peak_rss_hostile")]
    if peak_hostile:
        checks.append(f"| peak RSS with the hostile phase (MiB; for reading the above) | {max(peak_hostile):.0f} | — | — | — |")

    hostile_lines = []
    if alone or attacked or attackers:
        hostile_lines = [
            "## Hostile load",
            "",
            f"The victim alone, then while {meta.get('hostile', 'an attacker runs')}, then once the attack has stopped. "
            "Every answer by status (for the attacker, \"timeout\": none within 30 s, \"failed\": no "
            "connection or a connection closed). The attacker's 400, 429 and 503 are the service bounding it; "
            "a 500 is a failure; after an answer other than 2xx the attacker waits Retry-After (or 1 s), "
            "as the per-caller throttle that would bound a faster client is raised here.",
            "",
            "| who | answers | by status | not answered |",
            "|---|---|---|---|",
        ]
        for name in ("victim_alone", "victim_attacked", "attack_filters", "attack_polls", "victim_after"):
            for r in by_phase.get(names.get(name, ""), []):
                if r.get("kind") == "hostile":
                    counts = {k: v for k, v in r.get("statuses", {}).items() if k not in ("timeout", "failed")}
                    missing = {k: v for k, v in r.get("statuses", {}).items() if k in ("timeout", "failed")}
                    extra = r.get("heldAtEnd", r.get("pendingAtEnd"))
                    held = f"{extra:,} still {'held' if 'heldAtEnd' in r else 'in flight'} at the end" if extra is not None else ""
                    who = r["phase"]
                    if "armSeconds" in r:
                        who += (f" (all sent in {r['armSeconds']:,.1f} s)" if r["armSeconds"] is not None
                                else " (not all sent by the end)")
                    hostile_lines.append(f"| {who} | {r.get('requests', 0):,} | {statuses(counts)} | "
                                         f"{'; '.join(x for x in (statuses(missing) if missing else '', held) if x) or '—'} |")
                    if r.get("byRead"):
                        for read, by in r["byRead"].items():
                            hostile_lines.append(f"| … of which {read} | {sum(v for k, v in by.items() if k not in ('timeout', 'failed')):,} | {statuses(by)} | |")
                else:
                    missing = {k: v for k, v in r.get("error_detail", {}).items() if k != "non2xx" and v}
                    hostile_lines.append(f"| {r['phase']} | {r.get('requests', 0):,} | {statuses(r.get('statuses', {}))} | "
                                         f"{statuses(missing) if missing else '—'} |")
        hostile_lines.append("")

    title = f"# make bench: results of {meta['date']}"
    text = "\n".join([
        title,
        "",
        meta["header"],
        "",
        f"- machine: {meta['cores']} cores ({meta['cpu']}), {meta['memory']}; load average at start {meta['load']}",
        f"- C = {meta['C']} connections/clients, T = {meta['T']} s per measured run, REPEAT = {meta['REPEAT']}, "
        f"warm-up: {meta['warmup']}",
        f"- service: `scripts/run-service.sh` ({meta['version']}, commit {meta['commit']}; {meta['java']}, `jvm.options`, "
        f"the AOT cache), "
        f"default configuration but the per-caller throttle (raised: one bench user stands for many), JSON logs, "
        f"AUTH_JWKS (a file), PostgreSQL {meta['pg']} on the same machine",
        f"- long-poll: {meta['waiters']} waiters, Prefer: wait=60, PATCHes paced at {meta['patch_rate']}/s "
        f"with at most C in flight",
        *([f"- hostile load: {meta['hostile']}"] if meta.get("hostile") else []),
        *([f"- phases run: {meta['run_phases']}"] if meta.get("run_phases", "all") != "all" else []),
        "",
        "## Throughput and latency",
        "",
        "Requests/s and latencies are the medians over the measured runs; p50/p99 are wrk's (closed loop: "
        "C connections each waiting for its answer) or from pgbench's per-transaction log. Errors are "
        "answers other than 2xx plus socket errors (wrk), or failed transactions plus aborted clients "
        "(pgbench). For the long-poll row, requests/s is the PATCH rate and p50/p99 are the wake latency "
        "(PATCH sent to waiter answered). Ratios compare phases of this one run only.",
        "",
        *lines,
        "",
        *hostile_lines,
        *(["## The cluster's waiters", "", f"{meta['cluster']['desc']}", "", *cluster_lines] if cluster_lines else []),
        "## Where the CPU goes",
        "",
        "µs of CPU (user and system, any core) per request, over the middle of each measured run "
        "(from a second after it starts to a second before it ends), medians of the runs: the server "
        "under load (the service, or the floor), PostgreSQL's processes on this machine, the load "
        "generator (wrk or pgbench), and their total; and the share of the machine's CPU time left "
        "idle, and the share the host took from this machine's virtual cores (steal: on a machine "
        "that has it, a core stops now and then for about 100 ms, which sets the p99 of short runs; "
        "bench/README.md). The cores are shared by all three, so with little idle a phase's "
        "requests/s is about "
        "the cores' busy time divided by its total: a ratio of 0.7 to a pgbench limit needs a total "
        "at most that limit's ÷ 0.7.",
        "",
        *cpu_lines,
        "",
        "## The process",
        "",
        *proc_lines,
        "",
        "Largest VmRSS sampled (every 0.5 s) while each phase ran:",
        "",
        *memory_lines(args.memory),
        "",
        "## Against the yardsticks",
        "",
        "Each computed from this run: the median over its measured runs (a ratio of two phases: "
        "run by run, then the median), with the spread of those runs. ✔: the median meets the "
        "yardstick; ✘: it does not. make bench reports and does not fail on a ✘.",
        "",
        "| measure | median | spread | yardstick | holds |",
        "|---|---|---|---|---|",
        *checks,
        "",
    ])
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("free-port").set_defaults(run=free_port)
    p = sub.add_parser("ready")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--since-ns", type=int, required=True)
    p.add_argument("--pid", type=int)
    p.add_argument("--timeout", type=float, default=120)
    p.set_defaults(run=ready)
    p = sub.add_parser("follow")
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--pages", type=int, required=True)
    p.set_defaults(run=follow)
    p = sub.add_parser("pgbench")
    p.add_argument("--stdout", required=True)
    p.add_argument("--stderr", required=True)
    p.add_argument("--logs", required=True)
    p.set_defaults(run=pgbench)
    p = sub.add_parser("wrk")
    p.add_argument("--stdout", required=True)
    p.set_defaults(run=wrk)
    p = sub.add_parser("cpu")
    p.add_argument("--ticks", required=True)
    p.add_argument("--rate", type=float, required=True)
    p.set_defaults(run=cpu)
    p = sub.add_parser("rate")
    p.add_argument("json")
    p.set_defaults(run=rate)
    p = sub.add_parser("rose")
    p.add_argument("--before", type=float, required=True)
    p.add_argument("--after", type=float, required=True)
    p.add_argument("--percent", type=float, default=5)
    p.set_defaults(run=rose)
    p = sub.add_parser("profile")
    p.add_argument("--jfr", required=True)
    p.add_argument("--phase", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--depth", type=int, default=64)
    p.add_argument("recordings", nargs="+")
    p.set_defaults(run=profile)
    p = sub.add_parser("cluster")
    p.add_argument("--outs", nargs="+", required=True)
    for name in ("samples", "warmup", "histograms", "waiters-on", "before-rss", "held-rss", "before-heap", "held-heap",
                 "peaks", "phase-wake", "phase-rss", "phase-rss-waiter", "phase-heap-waiter"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--rate", type=float, required=True)
    p.add_argument("--rounds", type=int, required=True)
    p.add_argument("--waiters", type=int, required=True)
    p.add_argument("--instances", type=int, required=True)
    p.add_argument("--top", type=int, default=20)
    p.set_defaults(run=cluster)
    p = sub.add_parser("table")
    p.add_argument("--results", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--memory")
    p.add_argument("--out")
    p.set_defaults(run=table)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()

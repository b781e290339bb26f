#!/usr/bin/env python3
"""Summarises a bench/streams.sh results folder as markdown: medians of the interleaved rounds.

    python3 bench/streams/summary.py bench/results/streams-<time> "<the command>"

"Added" values are a target's minus the stub's (direct) in the same round, then the median over the rounds.
"""
import glob
import json
import os
import re
import statistics
import sys

folder, command = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "bench/streams.sh"
PROMPT_TOKENS = 12  # StubChunks.PromptTokens
runs = {}
for path in glob.glob(os.path.join(folder, "n*-r*-*.json")):
    n, rnd, target = re.match(r"n(\d+)-r(\d+)-(\w+)\.json", os.path.basename(path)).groups()
    runs[(int(n), int(rnd), target)] = json.load(open(path))


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=2, sign=False):
    return "-" if value is None else f"{value:{'+' if sign else ''}.{digits}f}"


def pct(run, name, p):
    return run[name].get(p) if run and run.get(name) else None


def added(n, target, name, p):
    """Median over rounds of target minus direct in the same round."""
    rounds = sorted({r for (m, r, _) in runs if m == n})
    diffs = []
    for r in rounds:
        run, base = runs.get((n, r, target)), runs.get((n, r, "direct"))
        if pct(run, name, p) is not None and pct(base, name, p) is not None:
            diffs.append(pct(run, name, p) - pct(base, name, p))
    return median(diffs)


def summarise_gateway(n, gateway, runs_of):
    """A gateway build against YARP alone in the same rounds (RSS, CPU), and its metering."""
    diffs, ratios = [], []
    for r in sorted({k[1] for k in runs if k[0] == n}):
        y, g = runs.get((n, r, "yarp")), runs.get((n, r, gateway))
        if y and g and y.get("rss_kb_per_stream") is not None and g.get("rss_kb_per_stream") is not None:
            diffs.append(g["rss_kb_per_stream"] - y["rss_kb_per_stream"])
        if y and g and y["completed"] and g["completed"]:
            # CPU a completed stream (the same chunks either way), over YARP's in the same round.
            ratios.append((g["cpu_seconds"] / g["completed"]) / (y["cpu_seconds"] / y["completed"]))
    if diffs:
        print(f"\nRSS per open stream, {gateway} minus YARP alone (median of rounds): {fmt(median(diffs), 1, True)} KB "
              f"(rounds: {', '.join(fmt(d, 1, True) for d in diffs)}).")
    if ratios:
        print(f"CPU a stream, {gateway} / YARP alone (median of rounds): {fmt(median(ratios))}x "
              f"(rounds: {', '.join(fmt(x) for x in ratios)}).")
    gw = [r for r in runs_of if "metering" in r]
    if gw:
        streams = sum(r["completed"] + r["warmup_completed"] for r in gw)
        sent = sum(r["sent"] + r["warmup_completed"] for r in gw)
        m = {k: sum(r["metering"][k] for r in gw) for k in gw[0]["metering"]}
        want_in = PROMPT_TOKENS * streams
        want_out = sum(r["completed"] * r["chunks"] + r["warmup_completed"] * r["warmup_chunks"] for r in gw)
        ok = m["events"] == streams and m["input_tokens"] == want_in and m["output_tokens"] == want_out \
            and m["estimated"] == 0 and m["interrupted"] == 0
        print(f"Metering ({gateway} runs, warm-up streams included): {m['events']:,} usage events for {streams:,} completed streams; "
              f"input tokens {m['input_tokens']:,} (stub: {want_in:,}), output tokens {m['output_tokens']:,} (stub: {want_out:,}); "
              f"{m['estimated']} estimated, {m['interrupted']} interrupted: "
              f"{'every completed stream metered exactly, from the upstream usage' if ok else 'NOT exact'}.")
        if sent != streams:
            errors = [e for r in gw for e in r["errors"]]
            print(f"{sent - streams:,} of {sent:,} streams sent to {gateway} did not complete (a worker stops at its first "
                  f"failed stream): {'; '.join(e.rstrip('.') for e in errors)}.")


print(f"`{command}`\n")
machine = open(os.path.join(folder, "machine.txt")).read().split("\n") if os.path.exists(os.path.join(folder, "machine.txt")) else []
for n in sorted({k[0] for k in runs}):
    targets = [t for t in ("direct", "nginx", "yarp", "before", "gateway") if any(k[0] == n and k[2] == t for k in runs)]
    of = lambda t: [v for k, v in sorted(runs.items()) if k[0] == n and k[2] == t]
    first = of(targets[0])[0]
    print(f"### {n:,} streams ({first['chunks']} chunks every {first['interval_ms']:g} ms, {first['passes']} streams a worker; "
          f"{len(of(targets[0]))} rounds)\n")
    print("| target | TTFB p50 / p99 (ms) | added TTFB p50 / p99 (ms) | added TTFB p99, new connection (ms) "
          "| gap past interval p99 (ms) | added gap p99 (ms) | RSS per open stream (KB) | CPU per stream-second (ms) "
          "| machine busy | streams failed |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for t in targets:
        rs = of(t)
        ttfb = f"{fmt(median(pct(r, 'ttfb_warm_ms', 'p50') for r in rs))} / {fmt(median(pct(r, 'ttfb_warm_ms', 'p99') for r in rs))}"
        add = "" if t == "direct" else \
            f"{fmt(added(n, t, 'ttfb_warm_ms', 'p50'), sign=True)} / {fmt(added(n, t, 'ttfb_warm_ms', 'p99'), sign=True)}"
        cold = "" if t == "direct" else fmt(added(n, t, "ttfb_cold_ms", "p99"), sign=True)
        gap = fmt(median(pct(r, "gap_excess_ms", "p99") for r in rs))
        add_gap = "" if t == "direct" else fmt(added(n, t, "gap_excess_ms", "p99"), sign=True)
        rss = fmt(median(r.get("rss_kb_per_stream") for r in rs), 1)
        # Per stream-second as the stub paces it (chunks x interval), whatever the target stretched the streams to.
        cpu = fmt(median(1000 * r["cpu_seconds"] / (r["completed"] * r["chunks"] * r["interval_ms"] / 1000)
                         for r in rs if r["completed"]), 3)
        busy = f"{median(r['machine_busy_pct'] for r in rs):.0f} %"
        failed = sum(r["failed"] for r in rs)
        print(f"| {t} | {ttfb} | {add} | {cold} | {gap} | {add_gap} | {rss} | {cpu} | {busy} | {failed} of {sum(r['sent'] for r in rs)} |")
    for gateway in ("before", "gateway"):
        summarise_gateway(n, gateway, of(gateway))
    print()
if machine:
    print("Machine load (1/5/15-min loadavg): " + "; ".join(l for l in machine if l) + ".")

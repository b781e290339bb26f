#!/usr/bin/env python3
"""Parses the raw wrk outputs of bench/run.sh and writes docs/PERFORMANCE.md.

  report.py check <wrk output>            exit 1 (and say why) if the run had non-2xx/3xx answers or none at all
  report.py summary <wrk output>          one line: p50, p99, req/s, errors
  report.py write <results dir> <out.md>  medians over rounds, derived figures, PASS/FAIL against the targets
  report.py compare <out.md> [dir...]     (re)writes the "PostgreSQL against SQLite" section of out.md from a
                                          run.sh results dir of each provider and a bench/writer.sh results dir
                                          (default: the newest of each in bench/results)

A results dir holds r<round>-<target>-c<connections>.txt (wrk --latency output), optional
r<round>-<target>-c<connections>.cpu (key=value: the CPU ticks of the .NET host under test -- gateway or
YARP -- and ticks per second, the machine's busy %, the % busy with processes other than
wrk/nginx/YARP/gateway, wrk's CPU seconds) and meta.env (key=value lines written by run.sh).
Targets: direct, nginx, yarp (a reference, not a target of the issue), gateway.

`write` regenerates the measured sections and keeps the hand-written ones: "PostgreSQL against SQLite" (placed after
the targets) and everything from "What dominated the profile" to the end of the file.
"""
import os
import re
import statistics
import sys

TARGETS = ("direct", "nginx", "yarp", "gateway")  # the order of the runs in every round
LABELS = {
    "direct": "(a) stub directly",
    "nginx": "(b) nginx reverse proxy (upstream keep-alive)",
    "yarp": "(d) YARP alone (pass-through, no gateway logic)",
    "gateway": "(c) Frontier Gateway (key, limits, metering)",
}
# Targets of the issue, for the 2-core machine.
ADDED_P50_MAX_MS = 0.5
ADDED_P99_MAX_MS = 2.0
RATIO_MIN = 0.6
RSS_MAX_MB = 300.0
STARTUP_MAX_S = 5.0
NOISY_PCT = 10.0  # a run with more of the machine busy with other processes than this is flagged

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(m.group(1)) * UNITS_MS[m.group(2)]


def parse_wrk(path: str) -> dict:
    text = open(path, encoding="utf-8", errors="replace").read()
    out = {"file": path, "non2xx": 0, "socket_errors": {}, "requests": None}
    for pct, key in (("50", "p50"), ("75", "p75"), ("90", "p90"), ("99", "p99")):
        m = re.search(rf"^\s+{pct}%\s+(\S+)\s*$", text, re.M)
        out[key] = to_ms(m.group(1)) if m else None
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    out["rps"] = float(m.group(1)) if m else None
    m = re.search(r"^\s+(\d+) requests in ([\d.]+\w+)", text, re.M)
    if m:
        out["requests"] = int(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        out["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups())))
    cpu = path[:-4] + ".cpu" if path.endswith(".txt") else None
    if cpu and os.path.exists(cpu):
        stat = dict(line.split("=", 1) for line in open(cpu).read().split() if "=" in line)
        ticks = stat.get("proc_ticks", stat.get("gateway_ticks"))  # gateway_ticks: results of older run.sh
        if ticks is not None and "hz" in stat:
            out["cpu_s"] = int(ticks) / int(stat["hz"])
        if "db_ticks" in stat and "hz" in stat:
            out["db_cpu_s"] = int(stat["db_ticks"]) / int(stat["hz"])
        for key in ("busy_pct", "other_pct", "wrk_cpu_s"):
            if key in stat:
                out[key] = float(stat[key])
    return out


def problems(run: dict) -> list:
    p = []
    if not run["requests"] or run["rps"] is None or run["p50"] is None:
        p.append("no completed requests (or unparsable output)")
    if run["non2xx"]:
        p.append(f"{run['non2xx']} non-2xx/3xx responses")
    return p


def fmt_ms(v):
    return "n/a" if v is None else (f"{v * 1000:.0f} µs" if abs(v) < 1 else f"{v:.2f} ms")


def fmt_rps(v):
    return "n/a" if v is None else f"{v:,.0f}"


def fmt_pct(v):
    return "n/a" if v is None else f"{v:.0f}%"


def verdict(ok):
    return "n/a" if ok is None else ("**PASS**" if ok else "**FAIL**")


def sub(a, b):
    return None if a is None or b is None else a - b


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def read_meta(results: str) -> dict:
    meta = {}
    path = os.path.join(results, "meta.env")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    return meta


def fnum(meta, key):
    try:
        return float(meta[key])
    except (KeyError, ValueError):
        return None


def ratio_of(a, b):
    return None if not a or not b else a / b


def fmt_ratio(v):
    return "n/a" if v is None else f"{v:.2f}×"


def cpu_per_request_us(runs_of_target, key="cpu_s"):
    """Median over rounds of the host's (or, key="db_cpu_s", PostgreSQL's) CPU time per completed request, in µs."""
    return med([r[key] * 1e6 / r["requests"] for r in runs_of_target if r.get(key) and r.get("requests")])


def provider_of(meta) -> str:
    """The gateway's Data:Provider in a run (runs from before the switch were all SQLite)."""
    return meta.get("provider") or "Sqlite"


def database_of(meta) -> str:
    return "PostgreSQL" if provider_of(meta) == "Postgres" else "SQLite"


PROFILE_HEADING = "## What dominated the profile"
PROVIDERS_HEADING = "## PostgreSQL against SQLite"
HOW_TO_COMPARE = [
    "PostgreSQL against SQLite (the section of that name): the three runs, then the section from the newest of each "
    "in `bench/results/`:",
    "",
    "```sh",
    "bench/run.sh                                  # SQLite: this report",
    "PROVIDER=Postgres bench/run.sh                # PostgreSQL: its own report stays in bench/results/<UTC time>/",
    "bench/writer.sh                               # the usage writer's sustained rows/s, both providers interleaved",
    "python3 bench/report.py compare docs/PERFORMANCE.md",
    "```",
]


def read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def kept_section(path: str, heading: str, to_end: bool = False) -> str:
    """
    The text under `heading` in an existing report, up to the next `## ` heading (or, to_end, to the end of the
    file: the sections after it are kept too); "" when there is none.
    """
    text = read_text(path)
    start = text.find(heading + "\n")
    if start < 0:
        return ""
    body = text[start + len(heading) + 1:]
    end = -1 if to_end else body.find("\n## ")
    return (body if end < 0 else body[:end]).strip()


def write(results: str, out_path: str) -> int:
    meta = read_meta(results)
    runs = {}  # (target, conns) -> [run per round]
    for name in sorted(os.listdir(results)):
        m = re.fullmatch(r"r(\d+)-(direct|nginx|yarp|gateway)-c(\d+)\.txt", name)
        if m:
            runs.setdefault((m.group(2), int(m.group(3))), []).append(
                dict(parse_wrk(os.path.join(results, name)), round=int(m.group(1))))
    bad = [(k, r["round"], p) for k, rs in runs.items() for r in rs for p in problems(r)]

    def stat(target, conns, key):
        return med(r.get(key) for r in runs.get((target, conns), []))

    d50, d99 = stat("direct", 1, "p50"), stat("direct", 1, "p99")
    g50, g99 = stat("gateway", 1, "p50"), stat("gateway", 1, "p99")
    n64, g64, y64 = stat("nginx", 64, "rps"), stat("gateway", 64, "rps"), stat("yarp", 64, "rps")
    added50, added99 = sub(g50, d50), sub(g99, d99)
    ratio = g64 / n64 if g64 and n64 else None
    rss = fnum(meta, "rss_hwm_mb")
    startup = fnum(meta, "startup_ready_s")

    L = []
    db = database_of(meta)
    L.append("# Performance" if db == "SQLite" else f"# Performance, gateway on {db}")
    L.append("")
    L.append("Measured by `bench/run.sh` (not part of `dotnet test`): loopback only, a fast stub upstream (nginx "
             "`return 200` with a fixed chat.completion and `usage`), and `wrk` against (a) the stub directly, "
             "(b) nginx as a plain reverse proxy with upstream keep-alive and (c) the gateway "
             f"(`ASPNETCORE_ENVIRONMENT={meta.get('gateway_environment', 'Production')}`) with a real customer "
             f"key, a group with rate and usage limits, and metering on, storing its data in **{db}**"
             + (" (a local server on loopback, default durability; see *Machine*)" if db != "SQLite" else "")
             + ". As a reference, not a target, (d) is "
             "ASP.NET Core + YARP alone (`bench/yarp-baseline`: a pass-through proxy with no gateway logic, same "
             "runtime and GC), to show how much of the gateway's distance to nginx is the framework itself. "
             "The targets are interleaved in "
             f"each round; every figure below is the **median over {meta.get('rounds', '?')} rounds** of "
             f"{meta.get('duration', '?')} each.")
    L.append("")
    L.append("## Result against the targets" + ("" if db == "SQLite" else f" (gateway on {db})"))
    L.append("")
    L.append("| metric | target | measured | |")
    L.append("| --- | --- | --- | --- |")
    L.append(f"| added latency p50 at c=1 (gateway − direct) | ≤ {ADDED_P50_MAX_MS} ms | {fmt_ms(added50)} | "
             f"{verdict(None if added50 is None else added50 <= ADDED_P50_MAX_MS)} |")
    L.append(f"| added latency p99 at c=1 (gateway − direct) | ≤ {ADDED_P99_MAX_MS} ms | {fmt_ms(added99)} | "
             f"{verdict(None if added99 is None else added99 <= ADDED_P99_MAX_MS)} |")
    L.append(f"| requests/s at c=64, gateway ÷ nginx | ≥ {RATIO_MIN}× | "
             f"{'n/a' if ratio is None else f'{ratio:.2f}× ({fmt_rps(g64)} ÷ {fmt_rps(n64)})'} | "
             f"{verdict(None if ratio is None else ratio >= RATIO_MIN)} |")
    seeded = f"{meta.get('seed_keys', '?')} keys, {meta.get('seed_groups', '?')} groups"
    L.append(f"| gateway peak RSS (VmHWM) with {seeded}, after the load | ≤ {RSS_MAX_MB:.0f} MB | "
             f"{'n/a' if rss is None else f'{rss:.0f} MB'} | {verdict(None if rss is None else rss <= RSS_MAX_MB)} |")
    L.append(f"| start-up with {seeded} (spawn → first 200 from `/v1/chat/completions`) | ≤ {STARTUP_MAX_S:.0f} s | "
             f"{'n/a' if startup is None else f'{startup:.2f} s'} | "
             f"{verdict(None if startup is None else startup <= STARTUP_MAX_S)} |")
    L.append("")
    if bad:
        L.append("**Errors during the load — these figures are not valid:**")
        L.append("")
        for (target, conns), rnd, p in bad:
            L.append(f"- round {rnd}, {target} at c={conns}: {p}")
        L.append("")
    noisy = [(t, c, r["round"], r["other_pct"]) for (t, c), rs in runs.items() for r in rs
             if r.get("other_pct") is not None and r["other_pct"] > NOISY_PCT]
    if noisy:
        L.append(f"**Disturbed runs:** {len(noisy)} of {sum(len(rs) for rs in runs.values())} runs had more than "
                 f"{NOISY_PCT:.0f}% of the machine busy with other processes (see \"other CPU\" under *Every round*); "
                 "their latency tails and throughput are not trustworthy. Re-run on an idle machine.")
        L.append("")
    providers = kept_section(out_path, PROVIDERS_HEADING)
    if providers:
        L.extend([PROVIDERS_HEADING, "", providers, ""])
    L.append("## Command")
    L.append("")
    L.append("```sh")
    L.append(meta.get("command", "bench/run.sh"))
    L.append("```")
    L.append("")
    L.append("Knobs (environment): `DURATION` (each wrk run, default 10s), `ROUNDS` (default 3), `WARMUP` (warm-up "
             "of the YARP baseline and the gateway at c=64 before round 1, default 20s), `SEED_GROUPS`/`SEED_KEYS` "
             "(default 10000/100000), `NGINX_WORKERS` (default auto), `GATEWAY=0` (stub and nginx only, no YARP "
             "baseline either), `GATEWAY_ENV` (extra environment for the gateway and the YARP baseline, e.g. "
             "`DOTNET_gcServer=0`), `QUIET_WAIT`/`QUIET_BUSY`/`QUIET_BUDGET` (how long to wait for an "
             "idle machine before the timed start, the load and each run), `PORT_BASE` (default 18080: the gateway, "
             "then the stub, nginx and the YARP baseline on the next three ports, PostgreSQL on the fifth), "
             "`PROVIDER` (`Sqlite`, the default, or `Postgres`: the gateway on a throw-away PostgreSQL 15 that the "
             "script starts and stops), `REPORT` (this file on SQLite; on PostgreSQL the run's results folder). "
             "Raw wrk outputs are kept in `bench/results/<UTC time>/` (git-ignored).")
    L.append("")
    L.extend(HOW_TO_COMPARE)
    L.append("")
    L.append("## Machine")
    L.append("")
    for label, key in (("date (UTC)", "date"), ("CPU", "cpu_model"), ("cores (nproc)", "nproc"),
                       ("memory", "mem_total"), ("kernel", "kernel"), ("OS", "os"), (".NET runtime", "dotnet_runtime"),
                       ("nginx", "nginx_version"), ("wrk", "wrk_version"), ("gateway source", "git"),
                       ("gateway ASPNETCORE_ENVIRONMENT (timed start and load)", "gateway_environment"),
                       ("GC", "gc"), ("GC of the YARP baseline", "yarp_gc"),
                       ("gateway database (Data:Provider)", "provider"), ("PostgreSQL", "postgres"),
                       ("bench groups the calls spread over, a key each (`TENANTS`)", "tenants"),
                       ("load average (1, 5, 15 min) at the start", "loadavg_start"),
                       ("load average at the end of the load", "loadavg_end"),
                       ("CPU busy (all processes) just before the timed start", "cpu_busy_before_start"),
                       ("CPU busy (all processes) just before the load", "cpu_busy_before_load"),
                       ("extra gateway environment", "gateway_env")):
        if meta.get(key):
            L.append(f"- {label}: {meta[key]}")
    L.append("- everything on one machine over loopback: wrk, nginx (stub and proxy, "
             f"`worker_processes {meta.get('nginx_workers', 'auto')}`), the YARP baseline and the gateway share "
             "the cores.")
    L.append("")
    L.append("## Medians per target")
    L.append("")
    labels = dict(LABELS, gateway=f"{LABELS['gateway'][:-1]}, {db})")
    L.append("| target | p50 c=1 | p99 c=1 | req/s c=1 | p50 c=64 | p99 c=64 | req/s c=64 |")
    L.append("| --- | --- | --- | --- | --- | --- | --- |")
    for t in TARGETS:
        if not runs.get((t, 1)) and not runs.get((t, 64)):
            L.append(f"| {labels[t]} | not run | | | | | |")
            continue
        L.append(f"| {labels[t]} | {fmt_ms(stat(t, 1, 'p50'))} | {fmt_ms(stat(t, 1, 'p99'))} | "
                 f"{fmt_rps(stat(t, 1, 'rps'))} | {fmt_ms(stat(t, 64, 'p50'))} | {fmt_ms(stat(t, 64, 'p99'))} | "
                 f"{fmt_rps(stat(t, 64, 'rps'))} |")
    L.append("")
    L.append("Derived (from the medians above; added latency is a difference of percentiles, not a percentile of "
             "differences):")
    L.append("")
    L.append(f"- added latency at c=1: p50 {fmt_ms(added50)}, p99 {fmt_ms(added99)} (gateway − direct); "
             f"nginx adds p50 {fmt_ms(sub(stat('nginx', 1, 'p50'), d50))}, p99 {fmt_ms(sub(stat('nginx', 1, 'p99'), d99))}; "
             f"YARP alone adds p50 {fmt_ms(sub(stat('yarp', 1, 'p50'), d50))}, "
             f"p99 {fmt_ms(sub(stat('yarp', 1, 'p99'), d99))}.")
    d64 = stat("direct", 64, "rps")
    L.append(f"- requests/s at c=64: gateway ÷ nginx = {fmt_ratio(ratio)}; "
             f"gateway ÷ direct = {fmt_ratio(ratio_of(g64, d64))}; "
             f"nginx ÷ direct = {fmt_ratio(ratio_of(n64, d64))}.")
    L.append(f"- requests/s at c=64 against the reference: YARP alone ÷ nginx = {fmt_ratio(ratio_of(y64, n64))} "
             "(what the framework alone reaches); "
             f"gateway ÷ YARP alone = {fmt_ratio(ratio_of(g64, y64))} (the cost of the gateway's own work).")
    for t, name in (("gateway", "gateway"), ("yarp", "YARP alone")):
        c64, c1 = cpu_per_request_us(runs.get((t, 64), [])), cpu_per_request_us(runs.get((t, 1), []))
        if c64 is not None or c1 is not None:
            L.append(f"- {name} CPU time per request (user + system, /proc/<pid>/stat, median over rounds): "
                     f"{'n/a' if c64 is None else f'{c64:.0f} µs'} at c=64, "
                     f"{'n/a' if c1 is None else f'{c1:.0f} µs'} at c=1.")
    db64 = cpu_per_request_us(runs.get(("gateway", 64), []), "db_cpu_s")
    if db64 is not None:
        L.append(f"- PostgreSQL's CPU time per gateway request (the server and its backends, /proc, median over "
                 f"rounds): {db64:.0f} µs at c=64.")
    L.append("")
    L.append("## Memory and start-up")
    L.append("")
    L.append(f"Data set: {seeded} inserted by `bench/seed.py` straight into the {db} database (trees of a root and "
             "4 children, alternately INDEPENDENT and CASCADING, one model slug per group with three limits; keys "
             "spread over all groups), plus the bench endpoint and "
             + ("its group and key" if meta.get("tenants", "1") == "1" else f"{meta['tenants']} bench groups, a key each,")
             + " created through the management API.")
    L.append("")
    for label, key, unit in (("start-up, spawn → first HTTP answer of any status", "startup_first_http_s", "s"),
                             ("start-up, spawn → first 200 from `/v1/chat/completions` (snapshot loaded)",
                              "startup_ready_s", "s"),
                             ("RSS once ready, before the load (VmRSS)", "rss_ready_mb", "MB"),
                             ("RSS after the load (VmRSS)", "rss_after_mb", "MB"),
                             ("peak RSS (VmHWM) after the load", "rss_hwm_mb", "MB"),
                             ("for reference, peak RSS (VmHWM) of the YARP baseline after the load (no data set)",
                              "yarp_rss_hwm_mb", "MB"),
                             ("usage events written (metering) / requests wrk counted through the gateway "
                              "(warm-up included; wrk does not count calls in flight when a run ends)", "metering", ""),
                             ("gateway log", "gateway_log", "")):
        if meta.get(key):
            v = meta[key]
            L.append(f"- {label}: {v}{(' ' + unit) if unit else ''}")
    L.append("")
    L.append("## Every round")
    L.append("")
    L.append("\"other CPU\" is the share of the machine busy with anything but wrk, nginx, the YARP baseline, the "
             "gateway (and its PostgreSQL) during the "
             "run (from /proc/stat minus those processes); more than a few percent means the run was disturbed.")
    L.append("")
    L.append("| round | target | c | p50 | p99 | req/s | requests | non-2xx | socket errors | other CPU |")
    L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for (t, c), rs in sorted(runs.items(), key=lambda kv: (TARGETS.index(kv[0][0]), kv[0][1])):
        for r in sorted(rs, key=lambda r: r["round"]):
            se = ", ".join(f"{k} {v}" for k, v in r["socket_errors"].items() if v) or "0"
            L.append(f"| {r['round']} | {t} | {c} | {fmt_ms(r['p50'])} | {fmt_ms(r['p99'])} | {fmt_rps(r['rps'])} | "
                     f"{r['requests'] or 0:,} | {r['non2xx']} | {se} | "
                     f"{fmt_pct(r.get('other_pct'))} |")
    L.append("")
    L.append(PROFILE_HEADING)
    L.append("")
    # The profile is written by hand: a section already in the report is kept as it is, with every section after it.
    kept = kept_section(out_path, PROFILE_HEADING, to_end=True)
    if kept:
        L.append(kept)
    else:
        L.append("_To be filled in by the engineer who profiles the gateway under this load: e.g. `KEEP_TMP=1 "
                 "bench/run.sh`, start nginx and the gateway again from the kept folder (the bench key is in "
                 "`bench-key`), run `wrk -t2 -c64` and meanwhile `dotnet-trace collect-linux -p <pid> --profile "
                 "cpu-sampling --duration 00:00:00:10` and `dotnet-counters collect -p <pid> --counters System.Runtime`._")
    L.append("")
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(L))
    print(f"report.py: wrote {out_path}")
    for (target, conns), rnd, p in bad:
        print(f"report.py: round {rnd}, {target} c={conns}: {p}", file=sys.stderr)
    return 1 if bad else 0


def load_runs(results: str) -> dict:
    """(target, conns) -> [parsed wrk run per round] of a run.sh results dir."""
    runs = {}
    for name in sorted(os.listdir(results)):
        m = re.fullmatch(r"r(\d+)-(direct|nginx|yarp|gateway)-c(\d+)\.txt", name)
        if m:
            runs.setdefault((m.group(2), int(m.group(3))), []).append(
                dict(parse_wrk(os.path.join(results, name)), round=int(m.group(1))))
    return runs


def newest_results(dirs: list) -> dict:
    """The newest run.sh results dir with gateway runs per provider, and the newest bench/writer.sh dir."""
    found = {}
    for d in sorted(dirs):  # named by UTC time: the last one of a kind wins
        if os.path.exists(os.path.join(d, "writer.env")):
            found["writer"] = d
        elif any(n.startswith("r1-gateway-c64") for n in os.listdir(d)):
            found[provider_of(read_meta(d))] = d
    return found


def compare(out_path: str, dirs: list) -> int:
    if not dirs:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
        dirs = [os.path.join(root, d) for d in os.listdir(root)] if os.path.isdir(root) else []
    found = newest_results([d for d in dirs if os.path.isdir(d)])
    missing = [k for k in ("Sqlite", "Postgres", "writer") if k not in found]
    if missing:
        print(f"report.py: no results for {', '.join(missing)} (run.sh with PROVIDER=Sqlite and Postgres, "
              "and writer.sh)", file=sys.stderr)
        return 2
    metas = {p: read_meta(found[p]) for p in ("Sqlite", "Postgres")}
    runs = {p: load_runs(found[p]) for p in ("Sqlite", "Postgres")}
    with open(os.path.join(found["writer"], "writer.env"), encoding="utf-8") as f:
        writer = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)

    def stat(p, target, conns, key):
        return med(r.get(key) for r in runs[p].get((target, conns), []))

    def row(label, sq, pg, fmt, ratio=True):
        r = fmt_ratio(ratio_of(pg, sq)) if ratio else ""
        return f"| {label} | {fmt(sq)} | {fmt(pg)} | {r} |"

    def cpu(p):
        return cpu_per_request_us(runs[p].get(("gateway", 64), []))

    def db_cpu(p):
        return cpu_per_request_us(runs[p].get(("gateway", 64), []), "db_cpu_s")

    def us(v):
        return "n/a" if v is None else f"{v:.0f} µs"

    def g_n(p):
        return ratio_of(stat(p, "gateway", 64, "rps"), stat(p, "nginx", 64, "rps"))

    w_sq, w_pg = fnum(writer, "sqlite_rows_per_s"), fnum(writer, "postgres_rows_per_s")
    L = [PROVIDERS_HEADING, ""]
    L.append("The same bench on both of `Data:Provider`'s databases: SQLite (the default: a file on the same disk, "
             "WAL, `synchronous` at its default FULL) and PostgreSQL 15 from Debian's package on loopback, with its "
             "default durability (fsync and synchronous_commit on), on the same machine. The load runs are two "
             "`bench/run.sh` runs one after the other; nginx's req/s in each is the yardstick of how busy the "
             "machine was. The usage writer is measured by `bench/writer.sh`: both providers in one run, rounds "
             "interleaved.")
    L.append("")
    L.append("| metric | SQLite | PostgreSQL | PostgreSQL ÷ SQLite |")
    L.append("| --- | --- | --- | --- |")
    L.append(row("gateway req/s at c=64 (median over rounds)", stat("Sqlite", "gateway", 64, "rps"),
                 stat("Postgres", "gateway", 64, "rps"), fmt_rps))
    L.append(row("nginx req/s at c=64 in the same run (the yardstick)", stat("Sqlite", "nginx", 64, "rps"),
                 stat("Postgres", "nginx", 64, "rps"), fmt_rps))
    L.append(row("gateway ÷ nginx at c=64", g_n("Sqlite"), g_n("Postgres"), fmt_ratio))
    L.append(row("gateway p99 at c=1", stat("Sqlite", "gateway", 1, "p99"), stat("Postgres", "gateway", 1, "p99"),
                 fmt_ms))
    L.append(row("gateway CPU per request at c=64", cpu("Sqlite"), cpu("Postgres"), us))
    L.append(row("PostgreSQL's CPU per request at c=64", None, db_cpu("Postgres"), us, ratio=False))
    L.append(row(f"usage writer, sustained rows/s (median of {writer.get('rounds', '?')} rounds of "
                 f"{int(fnum(writer, 'events') or 0):,} events, batches of {writer.get('batch', '?')})",
                 w_sq, w_pg, fmt_rps))
    L.append("")
    L.append("Per round, usage writer rows/s: SQLite " + ", ".join(
        fmt_rps(float(v)) for v in writer.get("sqlite_rounds", "").split()) + "; PostgreSQL " + ", ".join(
        fmt_rps(float(v)) for v in writer.get("postgres_rounds", "").split()) + ".")
    L.append("")
    L.append("Runs:")
    L.append("")
    for p in ("Sqlite", "Postgres"):
        m = metas[p]
        L.append(f"- {database_of(m)}: `{m.get('command', '?')}` on {m.get('date', '?')} UTC, gateway source "
                 f"{m.get('git', '?')}" + (f"; {m['postgres']}" if m.get("postgres") else "")
                 + f" ({os.path.basename(found[p].rstrip('/'))})")
    L.append(f"- usage writer: `{writer.get('command', '?')}` on {writer.get('date', '?')} UTC, gateway source "
             f"{writer.get('git', '?')}; {writer.get('postgres', '')}; load average {writer.get('loadavg_start', '?')} "
             f"at the start, {writer.get('loadavg_end', '?')} at the end")
    L.append("")

    text = read_text(out_path)
    sources = {metas["Sqlite"].get("git"), metas["Postgres"].get("git"), writer.get("git")}
    if len(sources) > 1:
        L.append("**The three runs are of different gateway sources** (above): re-run them on one commit.")
        L.append("")
    section = "\n".join(L) + "\n"
    start = text.find(PROVIDERS_HEADING + "\n")
    if start >= 0:  # in place
        end = text.find("\n## ", start + len(PROVIDERS_HEADING))
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    else:  # after the results against the targets, where `write` keeps it
        at = text.find("\n## Command\n")
        text = text + "\n" + section if at < 0 else text[:at + 1] + section + text[at + 1:]
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"report.py: wrote the \"{PROVIDERS_HEADING[3:]}\" section of {out_path} from "
          + ", ".join(os.path.basename(found[k].rstrip("/")) for k in ("Sqlite", "Postgres", "writer")))
    return 0


def main(argv) -> int:
    if len(argv) >= 2 and argv[0] in ("check", "summary"):
        run = parse_wrk(argv[1])
        if argv[0] == "summary":
            se = sum(run["socket_errors"].values())
            print(f"p50 {fmt_ms(run['p50'])}  p99 {fmt_ms(run['p99'])}  {fmt_rps(run['rps'])} req/s  "
                  f"non-2xx {run['non2xx']}  socket errors {se}")
            return 0
        p = problems(run)
        for line in p:
            print(f"{argv[1]}: {line}", file=sys.stderr)
        return 1 if p else 0
    if len(argv) == 3 and argv[0] == "write":
        return write(argv[1], argv[2])
    if len(argv) >= 2 and argv[0] == "compare":
        return compare(argv[1], argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Summarises `perf report --no-children --sort dso,symbol -n --stdio` of one gateway under wrk (bench/ab.sh PERF=1).

    perf_summary.py <report.txt> <calls> <sampling Hz> [<out prefix>]

Prints CPU microseconds per call by assembly (a .NET method's [Assembly], else the native library, else the kernel),
then the top methods and the gateway's own; all comparable between the two builds of one A/B run.
"""
import collections, re, sys

report, calls, hz = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
line_re = re.compile(r"^\s+[\d.]+%\s+(\d+)\s+(.+?)\s+\[(.)\]\s+(.*?)\s*$")
by_group, by_symbol, own = collections.Counter(), collections.Counter(), collections.Counter()
for line in open(report, errors="replace"):
    m = line_re.match(line)
    if not m:
        continue
    samples, dso, kind, symbol = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    symbol = re.sub(r"\s+-\s+-\s*$", "", symbol)
    if kind == "k":
        group = "[kernel]"
    elif dso.startswith("[JIT]") or "memfd" in dso:
        assembly = re.search(r"\[([\w.]+)\] ", symbol)
        group = assembly.group(1) if assembly else "[JIT stubs]"
    else:
        group = dso
    by_group[group] += samples
    by_symbol[symbol[:160]] += samples
    if group.startswith("FrontierGateway"):
        own[re.sub(r"^.*?\] ", "", symbol)[:160]] += samples

us = lambda samples: samples / hz * 1e6 / calls
total = sum(by_group.values())
print(f"{calls} calls, {total} samples at {hz:.0f} Hz: {us(total):.1f} µs of CPU per call")
print("\nµs per call by assembly or library")
for group, samples in by_group.most_common(25):
    print(f"{us(samples):8.2f}  {group}")
print("\nµs per call by method (top 40)")
for symbol, samples in by_symbol.most_common(40):
    print(f"{us(samples):8.2f}  {symbol}")
print("\nµs per call by method of the gateway's own assemblies (top 30)")
for symbol, samples in own.most_common(30):
    print(f"{us(samples):8.2f}  {symbol}")

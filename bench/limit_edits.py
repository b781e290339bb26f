#!/usr/bin/env python3
"""A limit edit every second through the management API, and how long each takes to be enforced (bench/million.sh).

Each edit PATCHes the group's models to one slug with a REQUEST/MINUTE rate limit of a new threshold (BASE + n),
then calls the inference API with one of the group's keys, on a kept-alive connection, until an answer's
x-ratelimit-limit-requests header shows that threshold: the time from the PATCH's 200 to that answer is the edit's
time to enforcement (the first call after the 200 showing it means at most one call's time). Runs for --seconds,
then prints key=value lines: the edits made, those whose PATCH got no answer within 10 s, the PATCH's own time and
the time to enforcement (median, max).

Usage: python3 bench/limit_edits.py --port 18480 --workspace-key K --group grp_... --slug seed/model-02 \
           --key prefix.secret [--seconds 20] [--base 1000000]
"""
import argparse
import http.client
import json
import statistics
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workspace-key", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--slug", required=True)
    ap.add_argument("--key", required=True, help="a customer key of the group")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--base", type=int, default=1_000_000, help="the first threshold (each edit adds one)")
    ap.add_argument("--token-limit", type=int, default=1_000_000_000_000, help="a TOKEN/MINUTE limit kept on the slug")
    args = ap.parse_args()

    manage = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
    call = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
    chat = json.dumps({"model": args.slug, "messages": [{"role": "user", "content": "hi"}]})
    patch_ms, enforce_ms, polls = [], [], []
    timeouts = 0
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < args.seconds:
        tick = started + n  # one edit a second, on the second
        if tick > time.monotonic():
            time.sleep(tick - time.monotonic())
        threshold = args.base + n
        body = json.dumps({"models": [{"slug": args.slug,
                                       "rate_limits": [{"type": "REQUEST", "unit": "MINUTE", "threshold": threshold},
                                                       {"type": "TOKEN", "unit": "MINUTE", "threshold": args.token_limit}],
                                       "usage_limits": []}]})
        sent = time.perf_counter()
        try:
            manage.request("PATCH", f"/v1/gateway/groups/{args.group}", body,
                           {"Authorization": f"Api-Key {args.workspace_key}", "Content-Type": "application/json"})
            answer = manage.getresponse()
            answer.read()
        except TimeoutError:
            # Counted, and the next edit on a new connection: a run with stuck edits still reports the rest.
            timeouts += 1
            manage.close()
            n += 1
            continue
        ok = time.perf_counter()
        if answer.status != 200:
            print(f"limit_edits.py: PATCH answered {answer.status}", file=sys.stderr)
            return 1
        patch_ms.append((ok - sent) * 1000)
        for attempt in range(1, 10_001):
            call.request("POST", "/v1/chat/completions", chat,
                         {"Authorization": f"Bearer {args.key}", "Content-Type": "application/json"})
            reply = call.getresponse()
            reply.read()
            if reply.getheader("x-ratelimit-limit-requests") == str(threshold):
                enforce_ms.append((time.perf_counter() - ok) * 1000)
                polls.append(attempt)
                break
        else:
            print(f"limit_edits.py: threshold {threshold} not enforced after 10,000 calls", file=sys.stderr)
            return 1
        n += 1

    def line(name, values):
        print(f"{name}_median_ms={statistics.median(values):.2f}")
        print(f"{name}_max_ms={max(values):.2f}")

    print(f"edits={n}")
    print(f"patch_timeouts={timeouts}")
    if patch_ms:
        line("patch", patch_ms)
        line("enforce", enforce_ms)
        print(f"enforce_calls_max={max(polls)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

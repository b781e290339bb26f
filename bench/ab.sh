#!/usr/bin/env bash
# A/B of two builds of the gateway on the inference path (not part of `dotnet test`). Loopback only, bounded.
#
#   bench/ab.sh HEAD abfd603            # A = HEAD, B = abfd603: ~6 minutes with the defaults
#   ROUNDS=3 DURATION=5s bench/ab.sh HEAD HEAD~3
#
# Both builds are published (Release) from clean worktrees of the two commits, set up with one bench endpoint
# (an OPENAI_COMPATIBLE target: nginx `return 200` with a chat.completion and usage), a group with rate and usage
# limits and a key, restarted in Production, warmed up, then measured in interleaved rounds (A B, then B A, ...):
# `wrk -t2 -c64` (req/s) and `wrk -t1 -c1 --latency` (p50, p99). Prints each run, then the medians and A/B.
# Also prints each build's CPU time per call at c=64 (user + system, from /proc), steadier than req/s on a shared machine.
# Knobs: ROUNDS=6 DURATION=10s WARMUP=15s PORT_BASE=18180 KEEP_TMP=0; PUBLISHED_A=<folder> (or _B) measures a build
# published before (`dotnet publish src/Portal -c Release -o <folder>`) instead of publishing the ref again.
# ENV_A / ENV_B: extra VAR=value settings of one side's host; with REDIS=1 a throw-away redis-server (no persistence)
# listens on 127.0.0.1:PORT_BASE+6, e.g. the Redis admission store against the in-memory one, in one build:
#   REDIS=1 ENV_A="Limits__Store=Redis Redis__Configuration=127.0.0.1:18186" bench/ab.sh HEAD HEAD
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
REF_A=${1:?usage: bench/ab.sh <ref A> <ref B>}
REF_B=${2:?usage: bench/ab.sh <ref A> <ref B>}
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-15s}
PORT_BASE=${PORT_BASE:-18180}
KEEP_TMP=${KEEP_TMP:-0}
STUB_PORT=$((PORT_BASE + 1))
WS_KEY=fgwdevbootstrap0.dev-only-secret-change-me-0123456789abcdef
# The development key-encryption key (appsettings.Development.json), which a published host does not find.
KEK=ZGV2LW9ubHkta2V5LWVuY3J5cHRpb24ta2V5LTAwMDE=
declare -A PORT=([A]=$((PORT_BASE + 4)) [B]=$((PORT_BASE + 5)))
declare -A REF=([A]=$REF_A [B]=$REF_B)
declare -A PID=() KEY=()
declare -A ENVS=([A]=${ENV_A:-} [B]=${ENV_B:-})
REDIS=${REDIS:-0}
REDIS_PID=""

log() { printf '[ab %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
TMP=$(mktemp -d /tmp/fgw-ab.XXXXXX)
NGINX_PID=""
cleanup() {
    local rc=$? p
    trap - EXIT
    for p in "${PID[@]}" $NGINX_PID $REDIS_PID; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for side in A B; do git -C "$ROOT" worktree remove --force "$TMP/src-$side" 2>/dev/null || true; done
    if [[ $KEEP_TMP == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
command -v wrk >/dev/null && command -v nginx >/dev/null || die "needs wrk and nginx (apt-get install wrk nginx-light)"

wait_http() { # url status seconds [curl args]
    local url=$1 want=$2 deadline=$((SECONDS + $3)); shift 3
    while ((SECONDS < deadline)); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" || true) == "$want" ]] && return 0
        sleep 0.2
    done
    return 1
}
mgmt() { curl -sf -X "$1" "http://127.0.0.1:$PORT_NOW$2" -H "Authorization: Api-Key $WS_KEY" -H 'Content-Type: application/json' -d "$3"; }
json_get() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

mkdir -p "$TMP/nginx"
sed -e "s#@PREFIX@#$TMP/nginx#g" -e "s#@WORKERS@#1#g" -e "s#@STUB_PORT@#$STUB_PORT#g" \
    -e "s#@PROXY_PORT@#$((PORT_BASE + 2))#g" "$HERE/nginx.conf.template" >"$TMP/nginx/nginx.conf"
nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
NGINX_PID=$!
if [[ $REDIS == 1 ]]; then
    command -v redis-server >/dev/null || die "REDIS=1 needs redis-server (apt-get install redis-server)"
    redis-server --bind 127.0.0.1 --port $((PORT_BASE + 6)) --save '' --appendonly no >"$TMP/redis.log" 2>&1 &
    REDIS_PID=$!
fi

start() { # side environment
    local side=$1 env_name=$2
    (cd "$TMP/gw-$side" && exec env ASPNETCORE_ENVIRONMENT="$env_name" ASPNETCORE_URLS="http://127.0.0.1:${PORT[$side]}" \
        Data__Folder="$TMP/data-$side" Logging__LogLevel__Default=Warning Management__BootstrapApiKey="$WS_KEY" \
        DataProtection__KeyEncryptionKeys__development="$KEK" ${ENVS[$side]} \
        dotnet FrontierGateway.Portal.dll) >>"$TMP/gw-$side.log" 2>&1 &
    PID[$side]=$!
    # Any build answers an unauthenticated /v1 call with 401 once it serves.
    wait_http "http://127.0.0.1:${PORT[$side]}/v1/models" 401 120 \
        || { tail -n 30 "$TMP/gw-$side.log" >&2; die "build $side did not start"; }
}

for side in A B; do
    published=PUBLISHED_$side
    if [[ -n ${!published:-} ]]; then
        log "using $side = ${!published} (published before)"
        ln -s "$(cd "${!published}" && pwd)" "$TMP/gw-$side"
    else
        log "publishing $side = ${REF[$side]} ($(git -C "$ROOT" rev-parse --short "${REF[$side]}"))"
        git -C "$ROOT" worktree add -q --detach "$TMP/src-$side" "${REF[$side]}"
        dotnet publish "$TMP/src-$side/src/Portal" -c Release -o "$TMP/gw-$side" -nologo -v quiet >"$TMP/publish-$side.log" 2>&1 \
            || { tail -n 30 "$TMP/publish-$side.log" >&2; die "publish of $side failed"; }
    fi
    start "$side" Development
    PORT_NOW=${PORT[$side]}
    mgmt POST /v1/gateway/endpoints '{"slug":"bench/stub","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:'"$STUB_PORT"'/v1","target_model":"stub"}]}' >/dev/null
    group=$(mgmt POST /v1/gateway/groups '{"metadata":{"external_entity_id":"bench"},"models":[{"slug":"bench/stub",
        "rate_limits":[{"type":"REQUEST","unit":"SECOND","threshold":1000000000},{"type":"TOKEN","unit":"MINUTE","threshold":1000000000000}],
        "usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":1000000000000}]}],
        "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":null}}' | json_get id)
    KEY[$side]=$(mgmt POST "/v1/gateway/groups/$group/api_keys" '{}' | json_get api_key)
    kill -TERM "${PID[$side]}"; wait "${PID[$side]}" 2>/dev/null || true
    start "$side" Production
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system, in clock ticks
run() { # side conns duration -> wrk output file (and the gateway's CPU ticks during the run in <file>.cpu)
    local side=$1 conns=$2 out="$TMP/$1-c$2-$4.txt" threads=2 before
    ((conns > 1)) || threads=1
    before=$(cpu_ticks "${PID[$side]}")
    BENCH_KEY=${KEY[$side]} wrk -t$threads -c"$conns" -d"$3" --timeout 10s --latency -s "$HERE/chat.lua" \
        "http://127.0.0.1:${PORT[$side]}" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed on $side"; }
    echo $(($(cpu_ticks "${PID[$side]}") - before)) >"$out.cpu"
    grep -q 'Non-2xx' "$out" && { cat "$out" >&2; die "build $side answered errors"; }
    echo "$out"
}
log "warm-up: $WARMUP at c=64 each"
run A 64 "$WARMUP" warm >/dev/null
run B 64 "$WARMUP" warm >/dev/null

: >"$TMP/results.tsv"
for ((r = 1; r <= ROUNDS; r++)); do
    order="A B"; ((r % 2)) || order="B A"
    for side in $order; do
        c64=$(run "$side" 64 "$DURATION" "r$r")
        c1=$(run "$side" 1 "$DURATION" "r$r")
        python3 - "$side" "$r" "$c64" "$c1" >>"$TMP/results.tsv" <<'PY'
import os, re, sys
side, rnd, c64, c1 = sys.argv[1:]
def ms(v, unit): return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
text64 = open(c64).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text64).group(1))
calls = int(re.search(r"(\d+) requests in", text64).group(1))
cpu_us = int(open(c64 + ".cpu").read()) * 1e6 / os.sysconf("SC_CLK_TCK") / calls
text = open(c1).read()
lat = {p: ms(*re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.M).groups()) for p in ("50", "99")}
print(f"{side}\t{rnd}\t{rps:.0f}\t{lat['50']:.3f}\t{lat['99']:.3f}\t{cpu_us:.1f}")
PY
        log "round $r $side: $(tail -n 1 "$TMP/results.tsv" | cut -f3-)  (req/s c=64, p50 ms, p99 ms c=1, CPU µs/call c=64)"
    done
done

python3 - "$TMP/results.tsv" "$REF_A" "$REF_B" <<'PY'
import statistics as st, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
col = lambda side, i: [float(r[i]) for r in rows if r[0] == side]
print(f"\nA = {sys.argv[2]}, B = {sys.argv[3]}; medians of {len(col('A', 2))} interleaved rounds")
print("| metric | A | B | A/B or A-B |\n| --- | --- | --- | --- |")
a, b = st.median(col("A", 2)), st.median(col("B", 2))
print(f"| req/s at c=64 | {a:.0f} | {b:.0f} | {a / b:.3f}x |")
for name, i in (("p50 at c=1", 3), ("p99 at c=1", 4)):
    a, b = st.median(col("A", i)), st.median(col("B", i))
    print(f"| {name} (ms) | {a:.3f} | {b:.3f} | {a - b:+.3f} ms |")
a, b = st.median(col("A", 5)), st.median(col("B", 5))
print(f"| CPU per call at c=64 (µs) | {a:.1f} | {b:.1f} | {a / b:.3f}x |")
pairs = {r[1]: {} for r in rows}
for r in rows: pairs[r[1]][r[0]] = float(r[2])
print("req/s ratio A/B per round:", " ".join(f"{p['A'] / p['B']:.3f}" for p in pairs.values() if len(p) == 2))
PY

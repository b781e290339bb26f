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
# Also prints each build's CPU time per call at c=64 (user + system, from /proc), steadier than req/s on a shared machine,
# and with REDIS=1 the redis-server's CPU per call too (it shares the cores with the hosts here).
# Knobs: ROUNDS=6 DURATION=10s WARMUP=15s PORT_BASE=18180 KEEP_TMP=0; PUBLISHED_A=<folder> (or _B) measures a build
# published before (`dotnet publish src/Portal -c Release -o <folder>`) instead of publishing the ref again.
# ENV_A / ENV_B: extra VAR=value settings of one side's host; with REDIS=1 a throw-away redis-server (no persistence)
# listens on 127.0.0.1:PORT_BASE+6, e.g. the Redis admission store against the in-memory one, in one build:
#   REDIS=1 ENV_A="Limits__Store=Redis Redis__Configuration=127.0.0.1:18186" bench/ab.sh HEAD HEAD
# TENANTS_A=100 (or _B): that side's calls spread over 100 groups, a key each, in turn (as many customers' calls do;
# with either above 1, both sides' wrk takes each call's key from a file, so that both pay for the same Lua); 1 by default.
# PG=1: both sides store their data in a throw-away PostgreSQL (bench/postgres.sh) on PORT_BASE+7, a database each.
# HOSTS_A=2 (or HOSTS_B): that side runs two hosts on one database behind an nginx balancer (round robin, keep-alive)
# on the side's port; needs PG=1, and REDIS=1 with the Redis settings in its ENV_ for shared limits and changes, e.g.
# two hosts against one, both on PostgreSQL and the Redis store:
#   R="Limits__Store=Redis Redis__Configuration=127.0.0.1:18186"
#   PG=1 REDIS=1 HOSTS_A=2 ENV_A="$R" ENV_B="$R" bench/ab.sh HEAD HEAD
# PERF=1: the hosts write perf maps (DOTNET_PerfMapEnabled=1), and after the rounds each side is sampled with
# `perf record` during one more c=64 run; CPU per call by assembly and the top methods (bench/perf_summary.py) go to
# profile-A.txt / profile-B.txt in PERF_OUT (default bench/results/profile-<time>), e.g. ROUNDS=0 PERF=1 bench/ab.sh HEAD d2de498.
# A side may be YARP alone instead of a build: `baseline:plain` (bench/yarp-baseline, the pass-through of bench/run.sh)
# or `baseline:floor` (the same with the least per-call work a gateway must do: bench/yarp-baseline/Floor.cs), e.g.
#   bench/ab.sh baseline:floor baseline:plain   # the floor's cost over YARP alone
#   bench/ab.sh HEAD baseline:plain             # the gateway's, in a run of its own
# ALLOC=1: after the rounds each side is traced (dotnet-trace, the runtime's sampled allocation events) during one more
# c=64 run; bytes a call by type and by method (bench/alloc-summary) go to alloc-A.txt / alloc-B.txt in PERF_OUT.
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
LOG_TAG=ab
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh" # WS_KEY, KEK, wait_http, bench_tenant, log, die
declare -A PORT=([A]=$((PORT_BASE + 4)) [B]=$((PORT_BASE + 5)))
declare -A REF=([A]=$REF_A [B]=$REF_B)
declare -A PIDS=() KEY=()
BASELINE_KEY=fgwbenchfloor000.floor-secret-0123456789abcdef # the floor's one key (YARP alone ignores it)
baseline() { [[ ${REF[$1]} == baseline:* ]]; } # side
declare -A ENVS=([A]=${ENV_A:-} [B]=${ENV_B:-})
declare -A HOSTS=([A]=${HOSTS_A:-1} [B]=${HOSTS_B:-1})
REDIS=${REDIS:-0}
PG=${PG:-0}
BALANCER_PIDS=""
PERF=${PERF:-0}
PERF_OUT=${PERF_OUT:-$HERE/results/profile-$(date -u +%Y%m%dT%H%M%S)}
PERF_ENV=""
# Every method jitted (no ReadyToRun code) and mapped once (no W^X double mapping), so that perf names every one.
[[ $PERF == 1 ]] && PERF_ENV="DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0"
REDIS_PID=""

TMP=$(mktemp -d /tmp/fgw-ab.XXXXXX)
NGINX_PID=""
cleanup() {
    local rc=$? p
    trap - EXIT
    for p in ${PIDS[@]} $NGINX_PID $BALANCER_PIDS $REDIS_PID; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ((PG == 0)) || pg_stop
    for side in A B; do git -C "$ROOT" worktree remove --force "$TMP/src-$side" 2>/dev/null || true; done
    end_cleanup "$rc"
}
trap cleanup EXIT
need_load_tools

start_nginx "$HERE/nginx.conf.template" 1 "$STUB_PORT" "$((PORT_BASE + 2))"
if [[ $REDIS == 1 ]]; then
    command -v redis-server >/dev/null || die "REDIS=1 needs redis-server (apt-get install redis-server)"
    redis-server --bind 127.0.0.1 --port $((PORT_BASE + 6)) --save '' --appendonly no >"$TMP/redis.log" 2>&1 &
    REDIS_PID=$!
fi

# A side's hosts: one on the side's port, or two on ports of their own behind the side's balancer.
host_port() { # side index
    local offset=10
    [[ $1 == A ]] || offset=12
    if ((${HOSTS[$1]} == 1)); then echo "${PORT[$1]}"; else echo $((PORT_BASE + offset + $2)); fi
}
start_baseline() { # side: YARP alone (baseline:plain) or the floor (baseline:floor) on the side's port
    local side=$1 floor=()
    [[ ${REF[$side]} == baseline:plain ]] || floor=(--floor true --key "$BASELINE_KEY")
    (cd "$TMP/yarp" && exec env ASPNETCORE_ENVIRONMENT=Production $PERF_ENV ${ENVS[$side]} dotnet yarp-baseline.dll \
        --port "${PORT[$side]}" --upstream "http://127.0.0.1:$STUB_PORT/" "${floor[@]}") >>"$TMP/gw-$side-0.log" 2>&1 &
    PIDS[$side]="$! "
    wait_http "http://127.0.0.1:${PORT[$side]}/v1/chat/completions" 200 60 -X POST -H "Authorization: Bearer $BASELINE_KEY" \
        -H 'Content-Type: application/json' -d '{"model":"bench/stub","messages":[{"role":"user","content":"hi"}]}' \
        || { tail -n 30 "$TMP/gw-$side-0.log" >&2; die "$side (${REF[$side]}) did not start"; }
}
start() { # side environment [host count]
    local side=$1 env_name=$2 count=${3:-${HOSTS[$1]}} i port database=()
    ((PG == 0)) || database=(Data__Provider=Postgres "ConnectionStrings__Frontier=$PG_CONN_BASE;Database=frontier_${side,,}")
    PIDS[$side]=""
    for ((i = 0; i < count; i++)); do
        port=$(host_port "$side" "$i")
        (cd "$TMP/gw-$side" && exec env ASPNETCORE_ENVIRONMENT="$env_name" ASPNETCORE_URLS="http://127.0.0.1:$port" \
            Data__Folder="$TMP/data-$side-$i" Logging__LogLevel__Default=Warning Management__BootstrapApiKey="$WS_KEY" \
            DataProtection__KeyEncryptionKeys__development="$KEK" "${database[@]}" $PERF_ENV ${ENVS[$side]} \
            dotnet FrontierGateway.Portal.dll) >>"$TMP/gw-$side-$i.log" 2>&1 &
        PIDS[$side]+="$! "
    done
    for ((i = 0; i < count; i++)); do
        # Any build answers an unauthenticated /v1 call with 401 once it serves.
        wait_http "http://127.0.0.1:$(host_port "$side" "$i")/v1/models" 401 120 \
            || { tail -n 30 "$TMP/gw-$side-$i.log" >&2; die "build $side (host $i) did not start"; }
    done
}
stop() { # side
    local p
    for p in ${PIDS[$1]}; do kill -TERM "$p"; done
    for p in ${PIDS[$1]}; do wait "$p" 2>/dev/null || true; done
}

if [[ $PG == 1 ]]; then
    # shellcheck source=bench/postgres.sh
    . "$HERE/postgres.sh"
    pg_start "$TMP/postgres" $((PORT_BASE + 7))
    PG_CONN_BASE="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
    for side in A B; do pg_psql -q -c "CREATE DATABASE frontier_${side,,}" >/dev/null; done
fi
for side in A B; do
    ((${HOSTS[$side]} == 1)) && continue
    ((${HOSTS[$side]} == 2 && PG == 1)) || die "HOSTS_$side=${HOSTS[$side]}: two hosts at most, on PG=1"
    mkdir -p "$TMP/balancer-$side"
    cat >"$TMP/balancer-$side/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $TMP/balancer-$side/nginx.pid;
error_log $TMP/balancer-$side/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $TMP/balancer-$side/body;
    proxy_temp_path $TMP/balancer-$side/proxy;
    keepalive_requests 1000000;
    upstream gateway {
        server 127.0.0.1:$(host_port "$side" 0);
        server 127.0.0.1:$(host_port "$side" 1);
        keepalive 128;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:${PORT[$side]} backlog=4096;
        location / {
            proxy_pass http://gateway;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
        }
    }
}
CONF
    nginx -p "$TMP/balancer-$side" -c "$TMP/balancer-$side/nginx.conf" -e "$TMP/balancer-$side/error.log" &
    BALANCER_PIDS+="$! "
done

for side in A B; do
    if baseline "$side"; then
        tenants=TENANTS_$side
        [[ ${REF[$side]} == baseline:plain || ${REF[$side]} == baseline:floor ]] || die "${REF[$side]}: baseline:plain or baseline:floor"
        ((${HOSTS[$side]} == 1 && ${!tenants:-1} == 1)) || die "$side (${REF[$side]}): one host and one key"
        if [[ ! -d $TMP/yarp ]]; then
            log "publishing bench/yarp-baseline (Release)"
            dotnet publish "$HERE/yarp-baseline" -c Release -o "$TMP/yarp" -nologo -v quiet >"$TMP/publish-yarp.log" 2>&1 \
                || { tail -n 30 "$TMP/publish-yarp.log" >&2; die "publish of bench/yarp-baseline failed"; }
        fi
        printf '%s\n' "$BASELINE_KEY" >"$TMP/keys-$side"
        KEY[$side]=$BASELINE_KEY
        start_baseline "$side"
        continue
    fi
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
    # Set up through one host in Development (the bootstrap workspace key), then restarted as the side runs.
    start "$side" Development 1
    tenants=TENANTS_$side
    bench_tenants "$(host_port "$side" 0)" "http://127.0.0.1:$STUB_PORT/v1" "${!tenants:-1}" "$TMP/keys-$side" \
        || die "setting up $side's tenants failed"
    KEY[$side]=$(head -n 1 "$TMP/keys-$side")
    stop "$side"
    start "$side" Production
done

cpu_ticks() { # side [field]: user + system (or field 15: system alone) of a side's hosts, in clock ticks
    local p total=0
    for p in ${PIDS[$1]}; do total=$((total + $(awk -v f="${2:-0}" '{print f ? $f : $14 + $15}' "/proc/$p/stat"))); done
    echo "$total"
}
run() { # side conns duration -> wrk output file (and the gateway's CPU ticks during the run in <file>.cpu)
    local side=$1 conns=$2 out="$TMP/$1-c$2-$4.txt" threads=2 before
    ((conns > 1)) || threads=1
    before=$(cpu_ticks "$side") sys_before=$(cpu_ticks "$side" 15)
    [[ -z $REDIS_PID ]] || redis_before=$(awk '{print $14 + $15}' "/proc/$REDIS_PID/stat")
    [[ -z $REDIS_PID ]] || redis-cli -p $((PORT_BASE + 6)) config resetstat >/dev/null
    keys_file=""
    ((${TENANTS_A:-1} == 1 && ${TENANTS_B:-1} == 1)) || keys_file=$TMP/keys-$side
    BENCH_KEY=${KEY[$side]} BENCH_KEYS_FILE=$keys_file wrk -t$threads -c"$conns" -d"$3" --timeout 10s --latency -s "$HERE/chat.lua" \
        "http://127.0.0.1:${PORT[$side]}" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed on $side"; }
    echo $(($(cpu_ticks "$side") - before)) >"$out.cpu"
    echo $(($(cpu_ticks "$side" 15) - sys_before)) >"$out.sys-cpu"
    [[ -z $REDIS_PID ]] || echo $(($(awk '{print $14 + $15}' "/proc/$REDIS_PID/stat") - redis_before)) >"$out.redis-cpu"
    [[ -z $REDIS_PID ]] || redis-cli -p $((PORT_BASE + 6)) info commandstats >"$out.redis-stats"
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
sys_us = int(open(c64 + ".sys-cpu").read()) * 1e6 / os.sysconf("SC_CLK_TCK") / calls
text = open(c1).read()
lat = {p: ms(*re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.M).groups()) for p in ("50", "99")}
redis = c64 + ".redis-cpu"
redis_us = int(open(redis).read()) * 1e6 / os.sysconf("SC_CLK_TCK") / calls if os.path.exists(redis) else 0
print(f"{side}\t{rnd}\t{rps:.0f}\t{lat['50']:.3f}\t{lat['99']:.3f}\t{cpu_us:.1f}\t{redis_us:.1f}\t{sys_us:.1f}")
PY
        log "round $r $side: $(tail -n 1 "$TMP/results.tsv" | cut -f3-)  (req/s c=64, p50 ms, p99 ms c=1, CPU µs/call c=64, redis-server's, the host's in the kernel)"
    done
done

if [[ $PERF == 1 ]]; then
    command -v perf >/dev/null || die "PERF=1 needs perf (apt-get install linux-perf)"
    mkdir -p "$PERF_OUT"
    for side in A B; do
        perf record -F 999 -o "$TMP/perf-$side.data" -p "$(echo ${PIDS[$side]} | tr ' ' ',')" -- sleep "${DURATION%s}" 2>"$TMP/perf-$side.log" &
        perf_pid=$!
        out=$(run "$side" 64 "$DURATION" perf)
        wait "$perf_pid" || true
        calls=$(grep -oE '[0-9]+ requests in' "$out" | cut -d' ' -f1)
        perf report -i "$TMP/perf-$side.data" --no-children --sort dso,symbol -n --stdio 2>/dev/null >"$TMP/perf-$side.txt" || true
        python3 "$HERE/perf_summary.py" "$TMP/perf-$side.txt" "$calls" 999 >"$PERF_OUT/profile-$side.txt"
        log "profile of $side (${REF[$side]}): $PERF_OUT/profile-$side.txt"
    done
fi
if [[ ${ALLOC:-0} == 1 ]]; then
    command -v dotnet-trace >/dev/null || die "ALLOC=1 needs dotnet-trace (dotnet tool install -g dotnet-trace)"
    ((${HOSTS[A]} == 1 && ${HOSTS[B]} == 1)) || die "ALLOC=1 traces one host a side"
    mkdir -p "$PERF_OUT"
    dotnet build "$HERE/alloc-summary" -c Release -nologo -v quiet >"$TMP/alloc-build.log" 2>&1 \
        || { tail -n 30 "$TMP/alloc-build.log" >&2; die "bench/alloc-summary did not build"; }
    for side in A B; do
        # The trace outlasts the run by a second each side, so that it holds every call of the run and no other.
        dotnet-trace collect -p "${PIDS[$side]// /}" --providers Microsoft-Windows-DotNETRuntime:0x1:5 \
            --duration "00:00:$(printf '%02d' $((${DURATION%s} + 3)))" -o "$TMP/alloc-$side.nettrace" </dev/null \
            >"$TMP/alloc-$side.log" 2>&1 &
        trace_pid=$!
        sleep 1
        out=$(run "$side" 64 "$DURATION" alloc)
        wait "$trace_pid" || { cat "$TMP/alloc-$side.log" >&2; die "dotnet-trace failed on $side"; }
        calls=$(grep -oE '[0-9]+ requests in' "$out" | cut -d' ' -f1)
        dotnet "$HERE/alloc-summary/bin/Release/net10.0/alloc-summary.dll" "$TMP/alloc-$side.nettrace" "$calls" \
            >"$PERF_OUT/alloc-$side.txt"
        log "allocations of $side (${REF[$side]}): $(head -n 1 "$PERF_OUT/alloc-$side.txt"); $PERF_OUT/alloc-$side.txt"
    done
fi
((ROUNDS > 0)) || exit 0

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
a, b = st.median(col("A", 7)), st.median(col("B", 7))
print(f"| of it in the kernel (µs) | {a:.1f} | {b:.1f} | {a - b:+.1f} µs |")
a, b = st.median(col("A", 6)), st.median(col("B", 6))
if a or b:
    print(f"| redis-server's CPU per call at c=64 (µs) | {a:.1f} | {b:.1f} | {a - b:+.1f} µs |")
pairs = {r[1]: {} for r in rows}
for r in rows: pairs[r[1]][r[0]] = float(r[2])
print("req/s ratio A/B per round:", " ".join(f"{p['A'] / p['B']:.3f}" for p in pairs.values() if len(p) == 2))
PY

# With REDIS=1: Redis's commands per call in each side's last round (INFO commandstats, reset before each run): how
# many of each command a call costs and the microseconds Redis spent in each (a script's own time includes its commands').
[[ -z $REDIS_PID ]] || python3 - "$TMP" "$ROUNDS" <<'PY'
import os, re, sys
tmp, rnd = sys.argv[1], sys.argv[2]
for side in ("A", "B"):
    for conns in (64, 1):
        out = f"{tmp}/{side}-c{conns}-r{rnd}.txt"
        if not os.path.exists(out + ".redis-stats"):
            continue
        calls = int(re.search(r"(\d+) requests in", open(out).read()).group(1))
        stats = re.findall(r"^cmdstat_(\w+):calls=(\d+),usec=(\d+)", open(out + ".redis-stats").read(), re.M)
        rows = [(name, int(n) / calls, int(us) / calls) for name, n, us in stats if int(n) >= calls / 100]
        if not rows:
            continue
        print(f"\nRedis commands per call, side {side}, c={conns}, round {rnd} ({calls} calls):")
        print("| command | calls per call | µs per call | µs per command |\n| --- | --- | --- | --- |")
        for name, n, us in sorted(rows, key=lambda r: -r[2]):
            print(f"| {name} | {n:.2f} | {us:.2f} | {us / n:.2f} |")
PY

#!/usr/bin/env bash
# The streams benchmark of issue 16 (not part of `dotnet test`): many long SSE streams at once. Loopback only, bounded.
#
#   flock /tmp/bench.lock bench/streams.sh                   # ~15 minutes: publish, 3 rounds at 100, 1,000, 5,000 streams
#   ROUNDS=1 STREAMS="10" CHUNKS=50 bench/streams.sh         # a quick end-to-end check
#   PUBLISHED=/tmp/gw INTERVAL_MS_5000=100 bench/streams.sh  # a gateway published before; slower chunks at N=5000 only
#
# Targets, interleaved in every round (the order rotates from round to round), all in front of one stub:
#   direct   the stub (bench/streams `stub`): an SSE chat completion, one chunk every INTERVAL_MS, CHUNKS chunks,
#            usage in the last event when asked for (the gateway asks), then [DONE]      127.0.0.1:PORT_BASE+1
#   nginx    nginx as a plain reverse proxy, proxy_buffering off, upstream keep-alive     127.0.0.1:PORT_BASE+2
#   yarp     ASP.NET Core + YARP alone (bench/yarp-baseline)                              127.0.0.1:PORT_BASE+3
#   gateway  the published Portal host in Production: a customer key, a group with (high) REQUEST and TOKEN limits,
#            metering on                                                                   127.0.0.1:PORT_BASE
# Each run (bench/streams `load`): 64 warm-up streams on connections of their own, then N workers started evenly
# over RAMP_S, each running PASSES streams one after the other (the first on a new connection, the next on the kept
# one), reading chunk by chunk and timestamping every event. YARP and the gateway are started afresh for each run,
# so that their RSS before it is the idle one; RSS is sampled while all N streams are open, CPU time over the run.
# After each gateway run the host is stopped (flushing its usage events) and its SQLite file checked: one PROVIDER
# event per stream, and the stub's tokens. Raw JSON per run and the summary (bench/streams/summary.py) go to
# bench/results/streams-<UTC time>/ (git-ignored). Every process started here is stopped on exit.
#
# Knobs (environment): ROUNDS=3 STREAMS="100 1000 5000" CHUNKS=200 INTERVAL_MS=20 PASSES=2 RAMP_S=2
#   WARMUP_S=0: the warm-up's rounds of 64 short streams go on until WARMUP_S seconds have passed (at least one round),
#   so that YARP alone and the gateway run tiered-up code, as a host that has served for a while does
#   CHUNKS_<N> / INTERVAL_MS_<N> (one N only, e.g. INTERVAL_MS_5000=100) TARGETS="direct nginx yarp gateway"
#   NGINX_WORKERS=auto PUBLISHED=<a `dotnet publish src/Portal` folder> PORT_BASE=18280 KEEP_TMP=0
#   BEFORE=<another published gateway, e.g. main's>: target `before`, run as `gateway` is (its port, its SQLite file),
#   so that one run compares two builds: TARGETS="yarp before gateway" BEFORE=/tmp/gw-main bench/streams.sh
#   PERF=1 PERF_S=4: the .NET targets write perf maps and jit every method (no ReadyToRun, no W^X double mapping, as
#   bench/ab.sh PERF=1; and no tiers), and `perf record` samples each of their runs for PERF_S seconds from RAMP_S + 1 s on (all N
#   streams open); bench/perf_summary.py turns it into CPU µs by assembly and the top methods, per chunk the stub paced
#   in that window ("per call" in its words): perf-n<N>-r<round>-<target>.txt. Jitting everything costs CPU of its
#   own: take the CPU columns from a run without PERF.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
LOG_TAG=streams
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh" # WS_KEY, KEK, wait_http, bench_tenant, log, die

ROUNDS=${ROUNDS:-3}
STREAMS=${STREAMS:-100 1000 5000}
CHUNKS=${CHUNKS:-200}
INTERVAL_MS=${INTERVAL_MS:-20}
PASSES=${PASSES:-2}
RAMP_S=${RAMP_S:-2}
WARMUP_S=${WARMUP_S:-0}
[[ $WARMUP_S =~ ^[0-9]+$ ]] || die "WARMUP_S must be a whole number of seconds"
TARGETS=${TARGETS:-direct nginx yarp gateway}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
PUBLISHED=${PUBLISHED:-}
BEFORE=${BEFORE:-}
PORT_BASE=${PORT_BASE:-18280}
KEEP_TMP=${KEEP_TMP:-0}
PERF=${PERF:-0}
PERF_S=${PERF_S:-4}
PERF_ENV=""
# Fully optimised at once (no tiers): a run is too short for the tiers of every method jitted afresh to settle.
[[ $PERF == 1 ]] && PERF_ENV="DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0 DOTNET_TieredCompilation=0"
# NET_ENV="A=1 B=2": more environment for both .NET targets (YARP alone and the gateway), e.g. a runtime setting.
PERF_ENV="$PERF_ENV ${NET_ENV:-}"
[[ $PERF == 0 ]] || command -v perf >/dev/null || die "PERF=1 needs perf (apt-get install linux-perf)"
GW_PORT=$PORT_BASE
STUB_PORT=$((PORT_BASE + 1))
PROXY_PORT=$((PORT_BASE + 2))
YARP_PORT=$((PORT_BASE + 3))
RESULTS=$HERE/results/streams-$(date -u +%Y%m%dT%H%M%S)

command -v nginx >/dev/null || die "needs nginx (apt-get install nginx-light)"
command -v dotnet >/dev/null && command -v python3 >/dev/null && command -v curl >/dev/null || die "needs dotnet, python3 and curl"
need_free_ports $GW_PORT $STUB_PORT $PROXY_PORT $YARP_PORT
# Two sockets a stream in each proxy, one in the stub and one in the load: raise the open-file limit for all of them.
ulimit -Hn 1048576 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"

TMP=$(mktemp -d /tmp/fgw-streams.XXXXXX)
STUB_PID="" NGINX_PID="" YARP_PID="" GW_PID=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$GW_PID" 30
    stop_pid "$YARP_PID"
    stop_pid "$NGINX_PID"
    stop_pid "$STUB_PID"
    end_cleanup "$rc"
}
trap_cleanup

# ---------------------------------------------------------------- builds
mkdir -p "$RESULTS"
publish() { # project folder name
    dotnet publish "$1" -c Release -o "$TMP/$2" -nologo -v quiet >"$RESULTS/publish-$2.log" 2>&1 \
        || { tail -n 30 "$RESULTS/publish-$2.log" >&2; die "dotnet publish of $1 failed"; }
}
log "publishing bench/streams and bench/yarp-baseline"
publish "$HERE/streams" streams
publish "$HERE/yarp-baseline" yarp
if [[ -n $PUBLISHED ]]; then
    [[ -f $PUBLISHED/FrontierGateway.Portal.dll ]] || die "PUBLISHED=$PUBLISHED holds no FrontierGateway.Portal.dll"
    cp -a "$PUBLISHED" "$TMP/gw"
else
    log "publishing src/Portal (Release)"
    publish "$ROOT/src/Portal" gw
fi
if [[ -n $BEFORE ]]; then
    [[ -f $BEFORE/FrontierGateway.Portal.dll ]] || die "BEFORE=$BEFORE holds no FrontierGateway.Portal.dll"
    cp -a "$BEFORE" "$TMP/gw-before"
fi
[[ -n $BEFORE || " $TARGETS " != *" before "* ]] || die "the target before needs BEFORE=<a published gateway>"
STREAMS_DLL=$TMP/streams/streams.dll

# ---------------------------------------------------------------- processes
dotnet "$STREAMS_DLL" stub --port "$STUB_PORT" --chunks "$CHUNKS" --interval-ms "$INTERVAL_MS" >>"$RESULTS/stub.log" 2>&1 &
STUB_PID=$!
wait_http "http://127.0.0.1:$STUB_PORT/v1/chat/completions" 200 30 -X POST -d '{"max_tokens":1}' || die "the stub did not start"

start_nginx "$HERE/streams/nginx.conf.template" "$NGINX_WORKERS" "$STUB_PORT" "$PROXY_PORT"
wait_http "http://127.0.0.1:$PROXY_PORT/v1/chat/completions" 200 30 -X POST -d '{"max_tokens":1}' || die "nginx did not start"

start_gateway() { # environment [published folder]
    (cd "${2:-$TMP/gw}" && exec env $PERF_ENV ASPNETCORE_ENVIRONMENT="$1" ASPNETCORE_URLS="http://127.0.0.1:$GW_PORT" \
        Data__Folder="$TMP/data" Logging__LogLevel__Default=Warning Management__BootstrapApiKey="$WS_KEY" \
        DataProtection__KeyEncryptionKeys__development="$KEK" dotnet FrontierGateway.Portal.dll) >>"$RESULTS/gateway.log" 2>&1 &
    GW_PID=$!
    # Any build answers an unauthenticated /v1 call with 401 once it serves.
    wait_http "http://127.0.0.1:$GW_PORT/v1/models" 401 120 || { tail -n 30 "$RESULTS/gateway.log" >&2; die "the gateway did not start"; }
}
start_yarp() {
    (cd "$TMP/yarp" && exec env $PERF_ENV dotnet yarp-baseline.dll --port "$YARP_PORT" --upstream "http://127.0.0.1:$STUB_PORT/") >>"$RESULTS/yarp.log" 2>&1 &
    YARP_PID=$!
    wait_http "http://127.0.0.1:$YARP_PORT/v1/chat/completions" 200 60 -X POST -d '{"max_tokens":1}' || die "YARP alone did not start"
}
log "gateway first start (Development: migrations, then the bench endpoint, group and key)"
start_gateway Development
BENCH_KEY=$(bench_tenant "$GW_PORT" "http://127.0.0.1:$STUB_PORT/v1") || die "the bench tenant could not be set up"
stop_pid "$GW_PID" 30
GW_PID=""

# The gateway's usage events so far: count, input tokens, output tokens, estimated, interrupted.
events() {
    python3 -c 'import sqlite3, sys; print(*sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone())' "$TMP/data/frontier.db" \
        "SELECT COUNT(*), COALESCE(SUM(InputTokens), 0), COALESCE(SUM(OutputTokens), 0), COALESCE(SUM(Estimated), 0),
         COALESCE(SUM(Interrupted), 0) FROM UsageEvents"
}

# ---------------------------------------------------------------- load
url_of() {
    case $1 in
        direct) echo "http://127.0.0.1:$STUB_PORT" ;;
        nginx) echo "http://127.0.0.1:$PROXY_PORT" ;;
        yarp) echo "http://127.0.0.1:$YARP_PORT" ;;
        gateway | before) echo "http://127.0.0.1:$GW_PORT" ;;
    esac
}
pids_of() { # the processes whose memory and CPU a run measures, comma-separated
    case $1 in
        direct) echo "$STUB_PID" ;;
        nginx) echo "$NGINX_PID" $(pgrep -P "$NGINX_PID") | tr ' ' ',' ;;
        yarp) echo "$YARP_PID" ;;
        gateway | before) echo "$GW_PID" ;;
    esac
}
run() { # target streams round
    local target=$1 n=$2 out="$RESULTS/n$2-r$3-$1.json" chunks_var="CHUNKS_$2" interval_var="INTERVAL_MS_$2" before after
    local chunks=${!chunks_var:-$CHUNKS} interval=${!interval_var:-$INTERVAL_MS}
    case $target in
        yarp) start_yarp ;;
        gateway) start_gateway Production; before=$(events) ;;
        before) start_gateway Production "$TMP/gw-before"; before=$(events) ;;
    esac
    log "$target: $n streams x $PASSES passes, $chunks chunks every $interval ms (round $3)"
    local perf_pid=""
    if [[ $PERF == 1 && $target != direct && $target != nginx ]]; then
        (sleep $((WARMUP_S + RAMP_S + 1)) && exec perf record -F 499 -o "$TMP/perf.data" -p "$(pids_of "$target")" -- sleep "$PERF_S") \
            >"$TMP/perf.log" 2>&1 &
        perf_pid=$!
    fi
    dotnet "$STREAMS_DLL" load --url "$(url_of "$target")" --key "$BENCH_KEY" --streams "$n" --passes "$PASSES" \
        --chunks "$chunks" --interval-ms "$interval" --ramp-s "$RAMP_S" --warmup-s "$WARMUP_S" --pids "$(pids_of "$target")" --out "$out" \
        2> >(tee -a "$RESULTS/load.log" >&2) || die "the load against $target failed"
    if [[ -n $perf_pid ]]; then
        wait "$perf_pid" || true
        perf report -i "$TMP/perf.data" --no-children --sort dso,symbol -n --stdio 2>/dev/null >"$TMP/perf.txt" || true
        python3 "$HERE/perf_summary.py" "$TMP/perf.txt" $((n * PERF_S * 1000 / interval)) 499 >"$RESULTS/perf-n$n-r$3-$target.txt"
    fi
    case $target in
        yarp) stop_pid "$YARP_PID"; YARP_PID="" ;;
        gateway | before)
            stop_pid "$GW_PID" 30
            GW_PID=""
            after=$(events)
            # What this run added to the usage events (its warm-up's streams included).
            python3 - "$out" "$before" "$after" <<'PY'
import json, sys
path, before, after = sys.argv[1], [int(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
run = json.load(open(path))
run["metering"] = dict(zip(["events", "input_tokens", "output_tokens", "estimated", "interrupted"],
                           [a - b for a, b in zip(after, before)]))
json.dump(run, open(path, "w"), indent=2)
PY
            ;;
    esac
}

echo "$(date -u +%FT%TZ) loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >"$RESULTS/machine.txt"
read -ra targets <<<"$TARGETS"
for n in $STREAMS; do
    for ((round = 1; round <= ROUNDS; round++)); do
        for ((i = 0; i < ${#targets[@]}; i++)); do
            run "${targets[(i + round - 1) % ${#targets[@]}]}" "$n" "$round"
        done
    done
done
echo "$(date -u +%FT%TZ) loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"

COMMAND="ROUNDS=$ROUNDS STREAMS=\"$STREAMS\" CHUNKS=$CHUNKS INTERVAL_MS=$INTERVAL_MS PASSES=$PASSES RAMP_S=$RAMP_S"
for n in $STREAMS; do
    for var in CHUNKS_$n INTERVAL_MS_$n; do [[ -z ${!var:-} ]] || COMMAND+=" $var=${!var}"; done
done
python3 "$HERE/streams/summary.py" "$RESULTS" "$COMMAND bench/streams.sh" | tee "$RESULTS/summary.md"
log "raw results in $RESULTS"

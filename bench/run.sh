#!/usr/bin/env bash
# Load harness for the inference path (not part of `dotnet test`). Loopback only, bounded runs.
#
#   bench/run.sh                      # ~7 minutes: publish, seed 100k keys / 10k groups, 3 rounds of 10 s
#   DURATION=5s ROUNDS=1 bench/run.sh # a quick end-to-end check
#   GATEWAY=0 bench/run.sh            # stub and nginx only (no build, no YARP baseline)
#   PROVIDER=Postgres bench/run.sh    # the gateway on PostgreSQL instead of SQLite (report in bench/results/<time>/)
#
# Targets, interleaved in every round (in this order), each with `wrk -t1 -c1` and `wrk -t2 -c64`:
#   (a) direct   a fast stub upstream (nginx `return 200` chat.completion)    127.0.0.1:18081
#   (b) nginx    nginx as a plain reverse proxy to (a), upstream keep-alive   127.0.0.1:18082
#   (d) yarp     a reference, not a target: ASP.NET Core + YARP as a plain
#                pass-through proxy to (a), no gateway logic
#                (bench/yarp-baseline, published here)                        127.0.0.1:18083
#   (c) gateway  the published Portal host (ASPNETCORE_ENVIRONMENT=Production), a real customer key,
#                a group with rate and usage limits, metering on, proxying to (a)   127.0.0.1:18080
# The gateway's first start (migrations, then the bench endpoint, group and key through the management API
# with the bootstrap key) runs in Development, where that key is seeded; the timed second start and all the
# load run in Production, as users run it. Both .NET hosts get WARMUP of load at c=64 before round 1.
# Then writes docs/PERFORMANCE.md (bench/report.py) from the medians; raw wrk outputs stay in
# bench/results/<UTC time>/ (git-ignored). Every process started here is stopped on exit.
#
# PROVIDER=Postgres: the gateway stores its data in a throw-away PostgreSQL 15 (Debian's package, installed when
# missing) started here as the postgres user in a folder under the temp folder, on 127.0.0.1:PORT_BASE+4, with
# PostgreSQL's default durability (fsync and synchronous_commit on: what users run), and stopped on exit
# (bench/postgres.sh). The report then goes to bench/results/<UTC time>/PERFORMANCE.md unless REPORT is set, so that
# docs/PERFORMANCE.md keeps the SQLite run; `bench/report.py compare docs/PERFORMANCE.md` puts the newest SQLite
# run, PostgreSQL run and bench/writer.sh run side by side in its "PostgreSQL against SQLite" section.
#
# Knobs (environment): DURATION=10s ROUNDS=3 WARMUP=20s SEED_GROUPS=10000 SEED_KEYS=100000
#   NGINX_WORKERS=auto GATEWAY=1 REPORT=docs/PERFORMANCE.md KEEP_TMP=0 STARTUP_TIMEOUT=60
#   QUIET_WAIT=120 QUIET_BUSY=15 QUIET_BUDGET=120 GATEWAY_ENV="DOTNET_gcServer=0 ..." PUBLISHED=<publish dir>
#   PORT_BASE=18080 (gateway on PORT_BASE, stub +1, nginx proxy +2, YARP +3, PostgreSQL +4) PROVIDER=Sqlite
# PERF=1: both .NET hosts write perf maps and jit every method (as bench/ab.sh PERF=1), and after the rounds each is
#   sampled with `perf record` during one more c=64 run: CPU per call by assembly and the top methods
#   (bench/perf_summary.py) in profile-yarp.txt and profile-gateway.txt beside the raw outputs. Jitting everything
#   changes the figures, so the report then goes to the results folder, not docs/PERFORMANCE.md. E.g.
#   PERF=1 ROUNDS=1 SEED_KEYS=1000 SEED_GROUPS=100 bench/run.sh
# TENANTS=100: the gateway's calls spread over 100 bench groups, a key each, in turn (as many customers' calls do; one
#   group by default). Every target's wrk then takes each call's key from a file, so that all pay for the same Lua.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20s}
SEED_GROUPS=${SEED_GROUPS:-10000}
SEED_KEYS=${SEED_KEYS:-100000}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
GATEWAY=${GATEWAY:-1}
PROVIDER=${PROVIDER:-Sqlite}         # the gateway's Data:Provider: Sqlite or Postgres
REPORT=${REPORT:-}                  # default: docs/PERFORMANCE.md on SQLite, the results folder on PostgreSQL
KEEP_TMP=${KEEP_TMP:-0}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-60}
QUIET_WAIT=${QUIET_WAIT:-120}       # wait up to this many seconds for an idle machine before the load
QUIET_BUSY=${QUIET_BUSY:-15}        # "idle" = at most this % of all CPUs busy over a 2 s sample
QUIET_BUDGET=${QUIET_BUDGET:-120}   # seconds the load phase may spend waiting, in all, for an idle machine between runs
PUBLISHED=${PUBLISHED:-}            # an existing `dotnet publish` folder of src/Portal to use instead of publishing
GATEWAY_ENV=${GATEWAY_ENV:-}        # extra VAR=value pairs for the gateway (and the YARP baseline), e.g. "DOTNET_gcServer=0"
PERF=${PERF:-0}
TENANTS=${TENANTS:-1}
[[ $TENANTS =~ ^[1-9][0-9]*$ ]] || { echo "TENANTS must be a whole number of groups, not '$TENANTS'" >&2; exit 2; }
[[ $PERF == 0 ]] || GATEWAY_ENV="DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0 $GATEWAY_ENV"
PORT_BASE=${PORT_BASE:-18080}       # the loopback ports: PORT_BASE .. PORT_BASE+3 (+4 for PostgreSQL)
[[ $PROVIDER == Sqlite || $PROVIDER == Postgres ]] || { echo "PROVIDER must be Sqlite or Postgres, not '$PROVIDER'" >&2; exit 2; }

GW_PORT=$PORT_BASE
STUB_PORT=$((PORT_BASE + 1))
PROXY_PORT=$((PORT_BASE + 2))
YARP_PORT=$((PORT_BASE + 3))
POSTGRES_PORT=$((PORT_BASE + 4))
GW_LOAD_ENV=Production # ASPNETCORE_ENVIRONMENT of the timed start and the load (the first start is Development)
LOG_TAG=bench
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh" # WS_KEY, KEK, stop_pid, log, die, need_pkg, cpu_busy_pct
CHAT_BODY='{"model":"bench/stub","messages":[{"role":"user","content":"hi"}]}'

COMMAND="DURATION=$DURATION ROUNDS=$ROUNDS WARMUP=$WARMUP SEED_GROUPS=$SEED_GROUPS SEED_KEYS=$SEED_KEYS NGINX_WORKERS=$NGINX_WORKERS bench/run.sh"
[[ $GATEWAY == 1 ]] || COMMAND="GATEWAY=$GATEWAY $COMMAND"
[[ -z $GATEWAY_ENV ]] || COMMAND="GATEWAY_ENV=\"$GATEWAY_ENV\" $COMMAND"
[[ -z $PUBLISHED ]] || COMMAND="PUBLISHED=$PUBLISHED $COMMAND"
[[ $PORT_BASE == 18080 ]] || COMMAND="PORT_BASE=$PORT_BASE $COMMAND"
[[ $PROVIDER == Sqlite ]] || COMMAND="PROVIDER=$PROVIDER $COMMAND"
[[ $TENANTS == 1 ]] || COMMAND="TENANTS=$TENANTS $COMMAND"

# shellcheck source=bench/postgres.sh
. "$HERE/postgres.sh"

# ---------------------------------------------------------------- processes and clean-up
TMP=$(mktemp -d /tmp/fgw-bench.XXXXXX)
NGINX_PID=""
GW_PID=""
YARP_PID=""


cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$GW_PID"
    stop_pid "$YARP_PID"
    stop_pid "$NGINX_PID"
    pg_stop
    end_cleanup "$rc"
}
trap_cleanup

# ---------------------------------------------------------------- tools
need_load_tools
[[ $PERF == 0 ]] || command -v perf >/dev/null || die "PERF=1 needs perf (apt-get install linux-perf)"
command -v python3 >/dev/null || die "python3 is required"
[[ $GATEWAY != 1 ]] || command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is required"

PG=0 # the gateway on PostgreSQL (no gateway, no database)
[[ $PROVIDER == Postgres && $GATEWAY == 1 ]] && PG=1
need_free_ports $GW_PORT $STUB_PORT $PROXY_PORT $YARP_PORT $( ((PG)) && echo "$POSTGRES_PORT")

RESULTS="$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"
META="$RESULTS/meta.env"
[[ -n $REPORT || $PERF == 0 ]] || REPORT=$RESULTS/PERFORMANCE.md
[[ -n $REPORT ]] || { if ((PG)); then REPORT=$RESULTS/PERFORMANCE.md; else REPORT=$ROOT/docs/PERFORMANCE.md; fi; }
meta() { printf '%s=%s\n' "$1" "$2" >>"$META"; }

meta command "$COMMAND"
meta date "$(date -u '+%Y-%m-%d %H:%M')"
meta duration "$DURATION"
meta rounds "$ROUNDS"
meta provider "$PROVIDER"
meta nproc "$(nproc)"
meta cpu_model "$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
meta mem_total "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
meta kernel "$(uname -r)"
meta os "$(. /etc/os-release && echo "$PRETTY_NAME")"
meta nginx_version "$(nginx -v 2>&1 | sed 's/^nginx version: //')"
meta wrk_version "$(wrk -v 2>&1 | head -1 | awk '{print $2}')"
meta nginx_workers "$NGINX_WORKERS"
meta seed_groups "$SEED_GROUPS"
meta seed_keys "$SEED_KEYS"
meta tenants "$TENANTS"
meta loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- nginx: stub (a) and proxy (b)
start_nginx "$HERE/nginx.conf.template" "$NGINX_WORKERS" "$STUB_PORT" "$PROXY_PORT"

wait_http() { # url expected-status timeout-seconds [curl args...]
    local url=$1 want=$2 timeout=$3; shift 3
    local deadline=$((SECONDS + timeout)) code
    while ((SECONDS < deadline)); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" || true)
        [[ $code == "$want" ]] && return 0
        sleep 0.1
    done
    return 1
}
wait_http "http://127.0.0.1:$STUB_PORT/v1/chat/completions" 200 10 -X POST -d "$CHAT_BODY" || die "the stub did not answer"
wait_http "http://127.0.0.1:$PROXY_PORT/v1/chat/completions" 200 10 -X POST -d "$CHAT_BODY" || die "nginx did not answer"
log "stub on :$STUB_PORT and nginx proxy on :$PROXY_PORT (nginx master pid $NGINX_PID)"

# ---------------------------------------------------------------- helpers and gateway (c)
wait_quiet() { # meta-key: waits (bounded) until other work on the machine has calmed down; records what it saw
    local deadline=$((SECONDS + QUIET_WAIT)) busy
    busy=$(cpu_busy_pct)
    while ((busy > QUIET_BUSY && SECONDS < deadline)); do
        log "machine busy (${busy}% of CPU); waiting up to ${QUIET_WAIT}s for <= ${QUIET_BUSY}%"
        sleep 5
        busy=$(cpu_busy_pct)
    done
    ((busy <= QUIET_BUSY)) || log "WARNING: still ${busy}% busy; measuring anyway (see the report)"
    meta "$1" "${busy}%"
}

BENCH_KEY=none
mgmt() { # method path [json]: the management API with the workspace key; prints the body, fails on non-2xx
    local out code
    out=$(curl -s -w '\n%{http_code}' -X "$1" "http://127.0.0.1:$GW_PORT$2" \
        -H "Authorization: Api-Key $WS_KEY" -H 'Content-Type: application/json' ${3:+-d "$3"})
    code=${out##*$'\n'}
    out=${out%$'\n'*}
    [[ $code == 2* ]] || die "$1 $2 answered $code: $out"
    printf '%s' "$out"
}
json_get() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

start_gateway() { # environment (Development or Production): starts the published gateway in the background
    local env_name=$1 bootstrap=() database=()
    # The bootstrap workspace key is only seeded in Development; afterwards the bench key lives in the database.
    [[ $env_name != Development ]] || bootstrap=(Management__BootstrapApiKey="$WS_KEY")
    ((PG == 0)) || database=(Data__Provider=Postgres ConnectionStrings__Frontier="$PG_CONN")
    printf -- '--- start, ASPNETCORE_ENVIRONMENT=%s\n' "$env_name" >>"$RESULTS/gateway.log"
    (
        cd "$TMP/gw"
        exec env ASPNETCORE_ENVIRONMENT="$env_name" ASPNETCORE_URLS="http://127.0.0.1:$GW_PORT" \
            Data__Folder="$TMP/data" Logging__LogLevel__Default=Warning DataProtection__KeyEncryptionKeys__development="$KEK" \
            "${bootstrap[@]}" "${database[@]}" $GATEWAY_ENV \
            dotnet "$TMP/gw/FrontierGateway.Portal.dll"
    ) >>"$RESULTS/gateway.log" 2>&1 &
    GW_PID=$!
}
gateway_died() { log "gateway log (tail):"; tail -n 40 "$RESULTS/gateway.log" >&2 || true; die "$1"; }
gateway_alive() { # dies, with the gateway's exit status (128 + n: killed by signal n), when it has gone
    kill -0 "$GW_PID" 2>/dev/null && return 0
    local rc=0
    wait "$GW_PID" || rc=$?
    GW_PID=""
    gateway_died "the gateway exited on its own (status $rc)"
}
proc_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
runtime_gc() { # runtimeconfig.json: "workstation GC; concurrent True" (what the host will run with)
    python3 -c 'import json,sys; o=json.load(open(sys.argv[1]))["runtimeOptions"].get("configProperties",{}); print("server" if o.get("System.GC.Server") else "workstation", "GC; concurrent", o.get("System.GC.Concurrent", True))' "$1" 2>/dev/null || echo '?'
}

# (d) YARP alone: the reference pass-through proxy (bench/yarp-baseline), same runtime and GC as the gateway.
publish_yarp() {
    log "publishing bench/yarp-baseline (Release) to $TMP/yarp"
    dotnet publish "$HERE/yarp-baseline" -c Release -o "$TMP/yarp" -nologo -v quiet >"$RESULTS/publish-yarp.log" 2>&1 \
        || { tail -n 30 "$RESULTS/publish-yarp.log" >&2; die "dotnet publish of bench/yarp-baseline failed (log: $RESULTS/publish-yarp.log)"; }
    meta yarp_gc "$(runtime_gc "$TMP/yarp/yarp-baseline.runtimeconfig.json")"
}
start_yarp() {
    (
        cd "$TMP/yarp"
        exec env ASPNETCORE_ENVIRONMENT="$GW_LOAD_ENV" $GATEWAY_ENV \
            dotnet "$TMP/yarp/yarp-baseline.dll" --port "$YARP_PORT" --upstream "http://127.0.0.1:$STUB_PORT/"
    ) >>"$RESULTS/yarp.log" 2>&1 &
    YARP_PID=$!
    wait_http "http://127.0.0.1:$YARP_PORT/v1/chat/completions" 200 "$STARTUP_TIMEOUT" -X POST -d "$CHAT_BODY" \
        || { tail -n 40 "$RESULTS/yarp.log" >&2 || true; die "the YARP baseline did not answer within ${STARTUP_TIMEOUT}s"; }
    log "YARP baseline on :$YARP_PORT (pid $YARP_PID)"
}
yarp_alive() {
    kill -0 "$YARP_PID" 2>/dev/null && return 0
    local rc=0
    wait "$YARP_PID" || rc=$?
    YARP_PID=""
    tail -n 40 "$RESULTS/yarp.log" >&2 || true
    die "the YARP baseline exited on its own (status $rc)"
}

if [[ $GATEWAY == 1 ]]; then
    if [[ -n $PUBLISHED ]]; then
        [[ -f $PUBLISHED/FrontierGateway.Portal.dll ]] || die "PUBLISHED=$PUBLISHED holds no FrontierGateway.Portal.dll"
        log "using the published gateway in $PUBLISHED"
        cp -a "$PUBLISHED" "$TMP/gw"
    else
        log "publishing src/Portal (Release) to $TMP/gw"
        dotnet publish "$ROOT/src/Portal" -c Release -o "$TMP/gw" -nologo -v quiet >"$RESULTS/publish.log" 2>&1 \
            || { tail -n 30 "$RESULTS/publish.log" >&2; die "dotnet publish failed (log: $RESULTS/publish.log)"; }
    fi
    meta git "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n $(git -C "$ROOT" status --porcelain -- src 2>/dev/null) ]] && echo ' + uncommitted changes in src/')"
    meta dotnet_runtime "$(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {v = $2} END {print "ASP.NET Core " v}')"
    meta gc "$(runtime_gc "$TMP/gw/FrontierGateway.Portal.runtimeconfig.json")"
    meta gateway_environment "$GW_LOAD_ENV"
    publish_yarp
    if ((PG)); then
        pg_start "$TMP/postgres" "$POSTGRES_PORT"
        meta postgres "PostgreSQL $(pg_setting server_version) on 127.0.0.1, default durability: fsync $(pg_setting fsync), synchronous_commit $(pg_setting synchronous_commit), full_page_writes $(pg_setting full_page_writes), shared_buffers $(pg_setting shared_buffers)"
    fi

    # 1. First start: migrate, then the bench endpoint, group and key through the management API.
    log "first start (migrations; Development, for the bootstrap workspace key)"
    start_gateway Development
    wait_http "http://127.0.0.1:$GW_PORT/v1/gateway/endpoints" 200 "$STARTUP_TIMEOUT" -H "Authorization: Api-Key $WS_KEY" \
        || gateway_died "the gateway did not answer GET /v1/gateway/endpoints within ${STARTUP_TIMEOUT}s"
    # The bench endpoint, and TENANTS groups with rate and usage limits and a key each (bench/lib.sh).
    bench_tenants "$GW_PORT" "http://127.0.0.1:$STUB_PORT/v1" "$TENANTS" "$TMP/bench-keys" \
        || gateway_died "setting up the bench endpoint, groups and keys failed"
    BENCH_KEY=$(head -n 1 "$TMP/bench-keys")
    printf '%s\n' "$BENCH_KEY" >"$TMP/bench-key" # for profiling by hand with KEEP_TMP=1
    log "$TENANTS bench group(s), the first key's prefix ${BENCH_KEY%%.*}"
    stop_pid "$GW_PID" 30
    GW_PID=""

    # 2. The data set for memory and start-up.
    log "seeding $SEED_GROUPS groups and $SEED_KEYS keys"
    if ((PG)); then
        python3 "$HERE/seed.py" --postgres "host=127.0.0.1 port=$POSTGRES_PORT user=postgres dbname=frontier" \
            --groups "$SEED_GROUPS" --keys "$SEED_KEYS" >"$TMP/seeded-key"
        pg_psql -c 'VACUUM ANALYZE' # as autovacuum would soon after a bulk load, before the timed start
    else
        python3 "$HERE/seed.py" "$TMP/data/frontier.db" --groups "$SEED_GROUPS" --keys "$SEED_KEYS" >"$TMP/seeded-key"
    fi

    # 3. Second start, timed: spawn -> first HTTP answer, and -> first 200 from the inference API.
    wait_quiet cpu_busy_before_start
    log "second start (timed; $GW_LOAD_ENV)"
    t0=$(date +%s%N)
    start_gateway "$GW_LOAD_ENV"
    first_any="" ready=""
    while [[ -z $ready ]]; do
        gateway_alive
        (( ($(date +%s%N) - t0) / 1000000000 < STARTUP_TIMEOUT )) || gateway_died "not ready within ${STARTUP_TIMEOUT}s"
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "http://127.0.0.1:$GW_PORT/v1/chat/completions" \
            -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' -d "$CHAT_BODY" || true)
        now=$(date +%s%N)
        [[ -z $first_any && $code != 000 ]] && first_any=$now
        if [[ $code == 200 ]]; then ready=$now; else sleep 0.02; fi
    done
    meta startup_first_http_s "$(awk -v a="$first_any" -v b="$t0" 'BEGIN {printf "%.2f", (a - b) / 1e9}')"
    meta startup_ready_s "$(awk -v a="$ready" -v b="$t0" 'BEGIN {printf "%.2f", (a - b) / 1e9}')"
    meta rss_ready_mb "$(awk -v k="$(proc_kb "$GW_PID" VmRSS)" 'BEGIN {printf "%.0f", k / 1024}')"
    log "gateway ready in $(( (ready - t0) / 1000000 )) ms (pid $GW_PID)"

    # The seeded data is live too: one seeded key must be known (its slug has no endpoint: 404, not 401).
    seeded_key=$(head -1 "$TMP/seeded-key")
    code=$(curl -s -o "$RESULTS/seeded-key-answer.json" -w '%{http_code}' -X POST "http://127.0.0.1:$GW_PORT/v1/chat/completions" \
        -H "Authorization: Bearer $seeded_key" -H 'Content-Type: application/json' -d "$CHAT_BODY")
    [[ $code != 401 ]] || log "WARNING: a seeded key was refused with 401 (is the seeded data loaded?)"

    # 4. The reference (d), started after the timed start so that it does not disturb it.
    start_yarp
fi
export BENCH_KEY
BENCH_KEYS_FILE=""
((TENANTS == 1)) || BENCH_KEYS_FILE=$TMP/bench-keys
export BENCH_KEYS_FILE

# ---------------------------------------------------------------- load
url_of() {
    case $1 in
        direct) echo "http://127.0.0.1:$STUB_PORT" ;;
        nginx) echo "http://127.0.0.1:$PROXY_PORT" ;;
        yarp) echo "http://127.0.0.1:$YARP_PORT" ;;
        gateway) echo "http://127.0.0.1:$GW_PORT" ;;
    esac
}
sample_error() { # capture one gateway answer, headers and body, for the report
    curl -s -i -X POST "http://127.0.0.1:$GW_PORT/v1/chat/completions" -H "Authorization: Bearer $BENCH_KEY" \
        -H 'Content-Type: application/json' -d "$CHAT_BODY" >"$RESULTS/gateway-sample-answer.txt" 2>&1 || true
    log "a sample gateway answer ($RESULTS/gateway-sample-answer.txt):"
    head -c 2000 "$RESULTS/gateway-sample-answer.txt" >&2
    echo >&2
}
stat_ticks() { # "<busy> <total>" jiffies of all CPUs since boot
    awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat
}
pg_pids() { # the PostgreSQL server and its backends, when the gateway runs on it
    ((PG)) && [[ -f $PG_DIR/data/postmaster.pid ]] || return 0
    local pm
    pm=$(head -1 "$PG_DIR/data/postmaster.pid")
    echo "$pm" $(pgrep -P "$pm" || true)
}
pids_ticks() { # pid...: the CPU jiffies they have used so far, summed
    local sum=0 pid t
    for pid in "$@"; do
        t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        sum=$((sum + t))
    done
    echo "$sum"
}
our_ticks() { # CPU jiffies used so far by the processes under test: the gateway, YARP, nginx, PostgreSQL
    pids_ticks $GW_PID $YARP_PID $NGINX_PID $(pgrep -P "$NGINX_PID" || true) $(pg_pids)
}
quiet_before_run() { # bounded by QUIET_BUDGET seconds over the whole load phase
    local busy
    busy=$(cpu_busy_pct 1)
    while ((busy > QUIET_BUSY && QUIET_BUDGET > 0)); do
        log "machine busy (${busy}% of CPU) before the next run; waiting (budget left ${QUIET_BUDGET}s)"
        sleep 4
        QUIET_BUDGET=$((QUIET_BUDGET - 5))
        busy=$(cpu_busy_pct 1)
    done
}
TARGET_PID=""
target_pid() { # target: sets TARGET_PID to the .NET host under test (gateway, yarp), dies if it has gone; "" for nginx
    TARGET_PID=""
    case $1 in
        gateway) gateway_alive; TARGET_PID=$GW_PID ;;
        yarp) yarp_alive; TARGET_PID=$YARP_PID ;;
    esac
}
run_wrk() { # out target connections duration
    local out=$1 target=$2 conns=$3 duration=$4 threads=1 g0=0 g1=0 d0=0 d1=0 s0 s1 o0 o1 wrk_cpu
    local stat=${out%.txt}.cpu
    ((conns > 1)) && threads=2
    # The CPU of the .NET host under test (gateway or YARP), for the CPU time per request.
    target_pid "$target"
    [[ -z $TARGET_PID ]] || g0=$(cpu_ticks "$TARGET_PID")
    # On PostgreSQL part of the gateway's work is the server's: its CPU is counted apart.
    [[ $target != gateway ]] || d0=$(pids_ticks $(pg_pids))
    s0=$(stat_ticks) o0=$(our_ticks)
    { TIMEFORMAT='%3U %3S'; time wrk -t"$threads" -c"$conns" -d"$duration" --timeout 10s --latency \
        -s "$HERE/chat.lua" "$(url_of "$target")" >"$out" 2>&1; } 2>"$stat.time" \
        || { cat "$out" >&2; die "wrk failed against $target"; }
    s1=$(stat_ticks) o1=$(our_ticks)
    target_pid "$target"
    [[ -z $TARGET_PID ]] || g1=$(cpu_ticks "$TARGET_PID")
    [[ $target != gateway ]] || d1=$(pids_ticks $(pg_pids))
    wrk_cpu=$(awk '{print $1 + $2}' "$stat.time")
    # Everything busy on the machine that was not wrk, nginx, YARP, the gateway or its PostgreSQL (builds, tests...): a noisy run.
    awk -v s0="$s0" -v s1="$s1" -v o0="$o0" -v o1="$o1" -v w="$wrk_cpu" -v g="$((g1 - g0))" -v d="$((d1 - d0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {
        split(s0, a, " "); split(s1, b, " "); busy = b[1] - a[1]; total = b[2] - a[2]; if (total <= 0) total = 1;
        other = busy - (o1 - o0) - w * hz; if (other < 0) other = 0;
        printf "proc_ticks=%d\nhz=%d\nbusy_pct=%.0f\nother_pct=%.0f\nwrk_cpu_s=%.2f\n", g, hz, 100 * busy / total, 100 * other / total, w
        if (d > 0) printf "db_ticks=%d\n", d
    }' >"$stat"
    rm -f "$stat.time"
    log "$(printf '%-7s c=%-2s %s' "$target" "$conns" "$(python3 "$HERE/report.py" summary "$out")")"
    if ! python3 "$HERE/report.py" check "$out"; then
        [[ $target == gateway ]] && sample_error
        die "$target answered errors under load (raw output: $out)"
    fi
}

TARGETS=(direct nginx)
[[ $GATEWAY == 1 ]] && TARGETS+=(yarp gateway)
wait_quiet cpu_busy_before_load
if [[ $GATEWAY == 1 ]]; then
    # Both .NET hosts get the same warm-up (JIT tiering, connection pools) before round 1.
    for target in yarp gateway; do
        log "$target warm-up ($WARMUP at c=64)"
        run_wrk "$RESULTS/warmup-$target-c64.txt" "$target" 64 "$WARMUP"
    done
fi
for ((round = 1; round <= ROUNDS; round++)); do
    for target in "${TARGETS[@]}"; do
        for conns in 1 64; do
            quiet_before_run
            run_wrk "$RESULTS/r$round-$target-c$conns.txt" "$target" "$conns" "$DURATION"
        done
    done
done

if [[ $GATEWAY == 1 && $PERF == 1 ]]; then
    for target in yarp gateway; do
        target_pid "$target"
        perf record -F 999 -o "$TMP/perf-$target.data" -p "$TARGET_PID" -- sleep "${DURATION%s}" 2>"$TMP/perf-$target.log" &
        perf_pid=$!
        perf stat -e context-switches,cpu-migrations,page-faults,raw_syscalls:sys_enter -x, -o "$TMP/stat-$target.csv" \
            -p "$TARGET_PID" -- sleep "${DURATION%s}" 2>/dev/null &
        stat_pid=$!
        run_wrk "$RESULTS/perf-$target-c64.txt" "$target" 64 "$DURATION"
        wait "$perf_pid" "$stat_pid" || true
        calls=$(awk '/requests in/ {print $1}' "$RESULTS/perf-$target-c64.txt")
        # Events per call: context switches, migrations, page faults, system calls (perf stat over the same run).
        awk -F, -v n="$calls" '$1 ~ /^[0-9]+$/ {printf "%.2f %s per call\n", $1 / n, $3}' "$TMP/stat-$target.csv" \
            >"$RESULTS/events-$target.txt"
        log "$target: $(paste -sd ';' "$RESULTS/events-$target.txt")"
        perf report -i "$TMP/perf-$target.data" --no-children --sort dso,symbol -n --stdio 2>/dev/null >"$TMP/perf-$target.txt" || true
        python3 "$HERE/perf_summary.py" "$TMP/perf-$target.txt" "$calls" 999 >"$RESULTS/profile-$target.txt"
        log "$target profile: $(head -1 "$RESULTS/profile-$target.txt") ($RESULTS/profile-$target.txt)"
    done
fi

# ---------------------------------------------------------------- memory, metering, report
if [[ $GATEWAY == 1 ]]; then
    gateway_alive
    meta loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
    meta rss_after_mb "$(awk -v k="$(proc_kb "$GW_PID" VmRSS)" 'BEGIN {printf "%.0f", k / 1024}')"
    meta rss_hwm_mb "$(awk -v k="$(proc_kb "$GW_PID" VmHWM)" 'BEGIN {printf "%.0f", k / 1024}')"
    yarp_alive
    meta yarp_rss_hwm_mb "$(awk -v k="$(proc_kb "$YARP_PID" VmHWM)" 'BEGIN {printf "%.0f", k / 1024}')"
    stop_pid "$YARP_PID"
    YARP_PID=""
    stop_pid "$GW_PID" 30
    GW_PID=""
    # Metering on: every admitted call should have left one usage event (written in batches; flushed on stop).
    if ((PG)); then
        events=$(pg_psql -tA -c 'SELECT COUNT(*) FROM "UsageEvents"' 2>/dev/null || echo '?')
    else
        events=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM UsageEvents").fetchone()[0])' \
            "$TMP/data/frontier.db" 2>/dev/null || echo '?')
    fi
    counted=$(cat "$RESULTS"/*gateway-c*.txt | awk '/requests in/ {n += $1} END {print n + 0}')
    meta metering "$events events / $counted requests"
    meta gateway_log "$(grep -c '^fail:' "$RESULTS/gateway.log" || true) 'fail:' entries, $(grep -c 'Unexpected end of request content' "$RESULTS/gateway.log" || true) of them 'Unexpected end of request content' (gateway.log)"
    [[ -z $GATEWAY_ENV ]] || meta gateway_env "$GATEWAY_ENV"
    log "usage events: $events; requests counted by wrk: $counted"
fi

python3 "$HERE/report.py" write "$RESULTS" "$REPORT"
log "raw outputs in $RESULTS"

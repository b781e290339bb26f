#!/usr/bin/env bash
# A million keys (issue 16): start-up, memory and limit changes under load (not part of `dotnet test`). Loopback only.
#
#   flock /tmp/bench.lock bench/million.sh        # ~15 minutes: 1,000,000 keys over 100,000 groups, 3 rounds of 20 s
#   SEED_KEYS=10000 SEED_GROUPS=1000 DURATION=5s ROUNDS=1 WARMUP=3s bench/million.sh   # a quick end-to-end check
#   PUBLISHED=<folder> bench/million.sh           # a build published before (`dotnet publish src/Portal -c Release`)
#
# 1. Publishes src/Portal and bench/snapshot-memory (Release); starts nginx as the stub upstream (`return 200`,
#    bench/nginx.conf.template); starts the gateway once in Development on a fresh SQLite file (migrations, and one
#    endpoint per seeded slug, seed/model-NN, through the management API with the bootstrap key); stops it.
# 2. Seeds SEED_KEYS keys over SEED_GROUPS groups (bench/seed.py; trees of 1 + 4, three limits a group).
# 3. Snapshot memory: bench/snapshot-memory loads the keys, then the groups, through the real SnapshotLoader and
#    weighs each with GC.GetTotalMemory(true): managed bytes per key and per group.
# 4. Start-up: the host in Production; the time from spawning it to the first 200 of a chat completion with a seeded
#    key (of group seed-000000), and to /readyz's snapshot check saying Healthy (the whole snapshot read: until then
#    the host reads a called key on its first call); VmHWM (peak RSS) and VmRSS then.
# 5. Changes under load: the called group (seed-000000) gets limits no call reaches; WARMUP of load; then ROUNDS
#    rounds, each of three interleaved `wrk -t2 -c64 --latency` runs of DURATION with bench/chat.lua and its key
#    (their order rotating): "none" (no edits), "other" (bench/limit_edits.py changes the limits of another tree's
#    root, seed-000010, every second) and "called" (the same on the called group). p99 and req/s per run; the
#    medians; each edits run's p99 against the median "none"; the PATCH's time and the time from its 200 to the
#    first call that shows the new threshold in x-ratelimit-limit-requests. VmHWM and VmRSS after the load.
# Writes bench/results/<UTC time>-million/million.env and prints it. Every process started here is stopped on exit.
#
# Knobs (environment): SEED_KEYS=1000000 SEED_GROUPS=100000 DURATION=20s ROUNDS=3 WARMUP=20s PORT_BASE=18480
#   STARTUP_TIMEOUT=120 KEEP_TMP=0 PUBLISHED=<folder>
#   GATEWAY_ENV="VAR=value ..." adds settings to the host (its whole reads are logged, with times, in gateway.log).
#   MEMORY=0 skips step 3 (bench/snapshot-memory is built from this work tree's src/, whatever PUBLISHED is).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
LOG_TAG=million
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh" # WS_KEY, KEK, log, die, stop_pid, wait_http, proc_mb, wrk_*, median

SEED_KEYS=${SEED_KEYS:-1000000}
SEED_GROUPS=${SEED_GROUPS:-100000}
DURATION=${DURATION:-20s}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20s}
PORT_BASE=${PORT_BASE:-18480}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-120}
KEEP_TMP=${KEEP_TMP:-0}
PUBLISHED=${PUBLISHED:-}
MEMORY=${MEMORY:-1}
GATEWAY_ENV=${GATEWAY_ENV:-} # extra VAR=value settings of the host, e.g. Gateway__ResyncSeconds=3600
GW_PORT=$PORT_BASE
STUB_PORT=$((PORT_BASE + 1))
SLUGS=20 # bench/seed.py's default: seed/model-00 .. seed/model-19

TMP=$(mktemp -d /tmp/fgw-million.XXXXXX)
RESULTS="$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)-million"
mkdir -p "$RESULTS"
OUT=$RESULTS/million.env
meta() { printf '%s=%s\n' "$1" "$2" >>"$OUT"; }
NGINX_PID=""
GW_PID=""
EDITS_PID=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$EDITS_PID" 5
    stop_pid "$GW_PID" 30
    stop_pid "$NGINX_PID" 5
    end_cleanup "$rc"
}
trap_cleanup

need_load_tools
need_free_ports $GW_PORT $STUB_PORT $((PORT_BASE + 2))

meta command "SEED_KEYS=$SEED_KEYS SEED_GROUPS=$SEED_GROUPS DURATION=$DURATION ROUNDS=$ROUNDS WARMUP=$WARMUP${GATEWAY_ENV:+ GATEWAY_ENV=\"$GATEWAY_ENV\"} bench/million.sh"
meta date "$(date -u '+%Y-%m-%d %H:%M')"
meta git "$(git -C "$ROOT" rev-parse --short HEAD)$( [[ -n $(git -C "$ROOT" status --porcelain -- src) ]] && echo ' + uncommitted changes in src/')"
meta machine "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
meta loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- 1. builds, stub, first start
if [[ -n $PUBLISHED ]]; then
    cp -a "$PUBLISHED" "$TMP/gw"
    meta published "$PUBLISHED"
else
    log "publishing src/Portal (Release)"
    dotnet publish "$ROOT/src/Portal" -c Release -o "$TMP/gw" -nologo -v quiet >"$RESULTS/publish.log" 2>&1 \
        || { tail -n 30 "$RESULTS/publish.log" >&2; die "dotnet publish failed"; }
fi
if [[ $MEMORY == 1 ]]; then
    log "building bench/snapshot-memory (Release)"
    dotnet build "$HERE/snapshot-memory" -c Release -o "$TMP/memory" -nologo -v quiet >"$RESULTS/memory-build.log" 2>&1 \
        || { tail -n 30 "$RESULTS/memory-build.log" >&2; die "building bench/snapshot-memory failed"; }
fi

start_nginx "$HERE/nginx.conf.template" 1 "$STUB_PORT" "$((PORT_BASE + 2))"
wait_http "http://127.0.0.1:$STUB_PORT/v1/chat/completions" 200 10 -X POST -d '{}' || die "the stub did not answer"

start_gateway() { # environment
    local bootstrap=()
    [[ $1 != Development ]] || bootstrap=(Management__BootstrapApiKey="$WS_KEY")
    (cd "$TMP/gw" && exec env ASPNETCORE_ENVIRONMENT="$1" ASPNETCORE_URLS="http://127.0.0.1:$GW_PORT" \
        Data__Folder="$TMP/data" Logging__LogLevel__Default=Warning DataProtection__KeyEncryptionKeys__development="$KEK" \
        Logging__LogLevel__FrontierGateway.Gateway.Snapshot=Information Logging__Console__TimestampFormat='HH:mm:ss ' \
        "${bootstrap[@]}" $GATEWAY_ENV dotnet FrontierGateway.Portal.dll) >>"$RESULTS/gateway.log" 2>&1 &
    GW_PID=$!
}
mgmt() { # method path [json]: prints the body; dies on an answer other than 2xx
    local out code
    out=$(curl -s -w '\n%{http_code}' -X "$1" "http://127.0.0.1:$GW_PORT$2" \
        -H "Authorization: Api-Key $WS_KEY" -H 'Content-Type: application/json' ${3:+-d "$3"})
    code=${out##*$'\n'}
    [[ $code == 2* ]] || die "$1 $2 answered $code: ${out%$'\n'*}"
    printf '%s' "${out%$'\n'*}"
}

log "first start (Development: migrations, endpoints)"
start_gateway Development
wait_http "http://127.0.0.1:$GW_PORT/v1/gateway/endpoints" 200 "$STARTUP_TIMEOUT" -H "Authorization: Api-Key $WS_KEY" \
    || { tail -n 30 "$RESULTS/gateway.log" >&2; die "the gateway did not start"; }
for ((s = 0; s < SLUGS; s++)); do
    mgmt POST /v1/gateway/endpoints "$(printf '{"slug":"seed/model-%02d","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:%s/v1","target_model":"stub"}]}' "$s" "$STUB_PORT")" >/dev/null
done
stop_pid "$GW_PID" 30
GW_PID=""

# ---------------------------------------------------------------- 2. seed, 3. snapshot memory
log "seeding $SEED_KEYS keys over $SEED_GROUPS groups"
t0=$(date +%s%N)
python3 "$HERE/seed.py" "$TMP/data/frontier.db" --groups "$SEED_GROUPS" --keys "$SEED_KEYS" --print-keys 11 >"$TMP/keys"
meta seed_s "$(awk -v a="$(date +%s%N)" -v b="$t0" 'BEGIN {printf "%.1f", (a - b) / 1e9}')"
meta db_mb "$(du -m "$TMP/data/frontier.db" | cut -f1)"
CALLED_KEY=$(sed -n 1p "$TMP/keys")  # group seed-000000: a root, slug seed/model-00
EDITED_KEY=$(sed -n 11p "$TMP/keys") # group seed-000010: the root of another (INDEPENDENT) tree, slug seed/model-02

if [[ $MEMORY == 1 ]]; then
    log "weighing the snapshot (bench/snapshot-memory)"
    dotnet "$TMP/memory/snapshot-memory.dll" --data "$TMP/data" --out "$OUT" >&2
fi

# ---------------------------------------------------------------- 4. start-up
meta cpu_busy_before_start "$(cpu_busy_pct)%"
log "timed start (Production)"
t0=$(date +%s%N)
start_gateway Production
while :; do
    kill -0 "$GW_PID" 2>/dev/null || { tail -n 30 "$RESULTS/gateway.log" >&2; die "the gateway exited"; }
    (( ($(date +%s%N) - t0) / 1000000000 < STARTUP_TIMEOUT )) || die "no 200 within ${STARTUP_TIMEOUT}s"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "http://127.0.0.1:$GW_PORT/v1/chat/completions" \
        -H "Authorization: Bearer $CALLED_KEY" -H 'Content-Type: application/json' \
        -d '{"model":"seed/model-00","messages":[{"role":"user","content":"hi"}]}' || true)
    [[ $code == 200 ]] && break
    sleep 0.02
done
meta startup_first_200_s "$(awk -v a="$(date +%s%N)" -v b="$t0" 'BEGIN {printf "%.2f", (a - b) / 1e9}')"
# The host listens once its first whole read outlasts Gateway:StartupWaitSeconds, reading a called key on its first
# call until then; /readyz's snapshot check says Healthy once the whole snapshot is in.
until curl -s --max-time 5 "http://127.0.0.1:$GW_PORT/readyz" | grep -q '"snapshot":{"status":"Healthy"'; do
    (( ($(date +%s%N) - t0) / 1000000000 < STARTUP_TIMEOUT )) || die "no whole snapshot within ${STARTUP_TIMEOUT}s"
    sleep 0.05
done
meta startup_whole_snapshot_s "$(awk -v a="$(date +%s%N)" -v b="$t0" 'BEGIN {printf "%.2f", (a - b) / 1e9}')"
meta rss_peak_startup_mb "$(proc_mb "$GW_PID" VmHWM)"
meta rss_startup_mb "$(proc_mb "$GW_PID" VmRSS)"

# ---------------------------------------------------------------- 5. changes under load
group_id() { mgmt GET "/v1/gateway/groups?external_entity_id=$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])'; }
CALLED_GROUP=$(group_id seed-000000)
EDITED_GROUP=$(group_id seed-000010)
limits() { # slug threshold: a models body with REQUEST/MINUTE and TOKEN/MINUTE limits
    printf '{"models":[{"slug":"%s","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":%s},{"type":"TOKEN","unit":"MINUTE","threshold":1000000000000}],"usage_limits":[]}]}' "$1" "$2"
}
mgmt PATCH "/v1/gateway/groups/$CALLED_GROUP" "$(limits seed/model-00 1000000000)" >/dev/null
export BENCH_KEY=$CALLED_KEY BENCH_MODEL=seed/model-00
log "warm-up ($WARMUP at c=64)"
wrk -t2 -c64 -d "$WARMUP" -s "$HERE/chat.lua" "http://127.0.0.1:$GW_PORT" >"$RESULTS/warmup.txt"

run() { # round kind
    local out=$RESULTS/wrk-$2-$1.txt edits=$RESULTS/edits-$2-$1.env seconds=${DURATION%s}
    meta "busy_before_$2_$1" "$(cpu_busy_pct 1)%"
    case $2 in
        other) python3 "$HERE/limit_edits.py" --port "$GW_PORT" --workspace-key "$WS_KEY" --group "$EDITED_GROUP" \
                   --slug seed/model-02 --key "$EDITED_KEY" --seconds "$((seconds - 1))" >"$edits" & EDITS_PID=$! ;;
        called) python3 "$HERE/limit_edits.py" --port "$GW_PORT" --workspace-key "$WS_KEY" --group "$CALLED_GROUP" \
                    --slug seed/model-00 --key "$CALLED_KEY" --seconds "$((seconds - 1))" --base 1000000000 >"$edits" & EDITS_PID=$! ;;
    esac
    wrk -t2 -c64 -d "$DURATION" --latency -s "$HERE/chat.lua" "http://127.0.0.1:$GW_PORT" >"$out"
    if [[ -n $EDITS_PID ]]; then
        wait "$EDITS_PID" || die "bench/limit_edits.py failed (round $1, $2)"
        EDITS_PID=""
    fi
    meta "p99_ms_$2_$1" "$(wrk_p99_ms "$out")"
    meta "rps_$2_$1" "$(wrk_rps "$out")"
    meta "non2xx_$2_$1" "$(wrk_non2xx "$out")"
    log "round $1 $2: p99 $(wrk_p99_ms "$out") ms, $(wrk_rps "$out") req/s, non-2xx $(wrk_non2xx "$out")"
}
KINDS=(none other called)
for ((r = 1; r <= ROUNDS; r++)); do
    for ((i = 0; i < 3; i++)); do run "$r" "${KINDS[(i + r - 1) % 3]}"; done
done
meta rss_peak_after_load_mb "$(proc_mb "$GW_PID" VmHWM)"
meta rss_after_load_mb "$(proc_mb "$GW_PID" VmRSS)"
meta loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"

# ROUNDS=0: start-up and memory only, no load figures to sum up.
if ((ROUNDS > 0)); then
    values() { grep "^$1_" "$OUT" | cut -d= -f2 | tr -d '%'; }
    for kind in none other called; do
        meta "p99_ms_$kind" "$(median $(values "p99_ms_$kind"))"
        meta "rps_$kind" "$(median $(values "rps_$kind"))"
    done
    for kind in other called; do
        meta "p99_ratio_$kind" "$(awk -v a="$(median $(values "p99_ms_$kind"))" -v b="$(median $(values p99_ms_none))" 'BEGIN {printf "%.2f", a / b}')"
        cat "$RESULTS"/edits-$kind-*.env >"$TMP/edits-$kind"
        for what in patch_median_ms patch_max_ms enforce_median_ms enforce_max_ms; do
            meta "${kind}_$what" "$(median $(grep "^$what=" "$TMP/edits-$kind" | cut -d= -f2))"
        done
        meta "${kind}_enforce_worst_ms" "$(grep '^enforce_max_ms=' "$TMP/edits-$kind" | cut -d= -f2 | sort -g | tail -1)"
        meta "${kind}_edits" "$(awk -F= '$1 == "edits" {s += $2} END {print s + 0}' "$TMP/edits-$kind")"
        meta "${kind}_patch_timeouts" "$(awk -F= '$1 == "patch_timeouts" {s += $2} END {print s + 0}' "$TMP/edits-$kind")"
    done
fi
log "results in $OUT"
cat "$OUT"

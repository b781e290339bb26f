# Shared by the bench scripts (sourced, not run): what a published gateway needs to start outside the repository,
# the bench tenant every script sets up through the management API, and logging, tools, /proc readings and wrk
# output. Log lines are prefixed with the caller's LOG_TAG, set before sourcing.
#
#   . bench/lib.sh
#   wait_http http://127.0.0.1:18180/v1/models 401 120
#   key=$(bench_tenant 18180 http://127.0.0.1:18181/v1)

# The development bootstrap workspace key (appsettings.Development.json), set explicitly because a published host
# runs outside the repository and so does not find that file; it is seeded only in Development.
WS_KEY=fgwdevbootstrap0.dev-only-secret-change-me-0123456789abcdef
# The development key-encryption key of the key ring, which a published host does not find either.
KEK=ZGV2LW9ubHkta2V5LWVuY3J5cHRpb24ta2V5LTAwMDE=

wait_http() { # url status seconds [curl args]
    local url=$1 want=$2 deadline=$((SECONDS + $3)); shift 3
    while ((SECONDS < deadline)); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" || true) == "$want" ]] && return 0
        sleep 0.2
    done
    return 1
}
json_get() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
mgmt_at() { # port method path body: a management call with the bootstrap workspace key
    curl -sf -X "$2" "http://127.0.0.1:$1$3" -H "Authorization: Api-Key $WS_KEY" -H 'Content-Type: application/json' -d "$4"
}

# The bench tenant, on a host started in Development: an endpoint bench/stub with one OPENAI_COMPATIBLE target,
# a group with rate and usage limits too high to refuse anything (so that admission and settling still run), and
# a customer key under it, printed.
bench_tenant() { # port upstream_base_url
    local port=$1 group
    mgmt_at "$port" POST /v1/gateway/endpoints \
        '{"slug":"bench/stub","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"'"$2"'","target_model":"stub"}]}' >/dev/null || return 1
    group=$(mgmt_at "$port" POST /v1/gateway/groups '{"metadata":{"external_entity_id":"bench"},"models":[{"slug":"bench/stub",
        "rate_limits":[{"type":"REQUEST","unit":"SECOND","threshold":1000000000},{"type":"TOKEN","unit":"MINUTE","threshold":1000000000000}],
        "usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":1000000000000}]}],
        "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":null}}' | json_get id) || return 1
    mgmt_at "$port" POST "/v1/gateway/groups/$group/api_keys" '{}' | json_get api_key
}

# N tenants as bench_tenant makes one (the endpoint once, then N groups of the same limits with a key each), so that
# the calls spread over N groups as many customers' calls do; their keys, one a line, go to <keys file>.
bench_tenants() { # port upstream_base_url n keys_file
    local port=$1 n=$3 file=$4 i group
    bench_tenant "$port" "$2" >"$file" || return 1
    for ((i = 1; i < n; i++)); do
        group=$(mgmt_at "$port" POST /v1/gateway/groups '{"metadata":{"external_entity_id":"bench-'"$i"'"},"models":[{"slug":"bench/stub",
            "rate_limits":[{"type":"REQUEST","unit":"SECOND","threshold":1000000000},{"type":"TOKEN","unit":"MINUTE","threshold":1000000000000}],
            "usage_limits":[{"type":"TOKEN","unit":"DAY","threshold":1000000000000}]}],
            "hierarchy":{"limit_enforcement":"INDEPENDENT","parent_group_id":null}}' | json_get id) || return 1
        mgmt_at "$port" POST "/v1/gateway/groups/$group/api_keys" '{}' | json_get api_key >>"$file" || return 1
    done
}

stop_pid() { # pid [seconds]: TERM, wait, then KILL
    local pid=$1 wait_s=${2:-15} i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < wait_s * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    log "pid $pid did not stop in ${wait_s}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Logging (prefix: the caller's LOG_TAG), tools, /proc readings and wrk output, for every script.
log() { printf '[%s %s] %s\n' "${LOG_TAG:-bench}" "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need_pkg() { # command package...: installs the first package that installs (apt-get) when the command is missing
    local cmd=$1 p
    shift
    command -v "$cmd" >/dev/null && return 0
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    log "installing $* (apt-get)"
    $sudo apt-get update -qq
    for p in "$@"; do
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$p" >/dev/null && return 0
    done
    die "could not install $cmd"
}

proc_mb() { # pid field (VmRSS, VmHWM, ...): that line of /proc/<pid>/status in MiB
    awk -v k="$2:" '$1 == k {printf "%.0f", $2 / 1024}' "/proc/$1/status"
}

cpu_busy_pct() { # [seconds]: % of all CPUs busy (any process) over a sample (default 2 s)
    local a b
    a=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat)
    sleep "${1:-2}"
    b=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN {split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2];
        printf "%.0f", (busy + idle > 0 ? 100 * busy / (busy + idle) : 0)}'
}

wrk_p99_ms() { # wrk --latency output file: the 99th percentile in ms
    awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        printf "%.2f", (u == "us" ? v / 1000 : (u == "s" ? v * 1000 : v))}' "$1"
}
wrk_rps() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
wrk_non2xx() { awk '/Non-2xx or 3xx responses:/ {n = $NF} END {print n + 0}' "$1"; }

median() { # numbers...: their median
    printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "?"; else if (NR % 2) print v[(NR + 1) / 2];
        else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

need_free_ports() { # port...: dies naming the first one something already listens on
    local port
    for port in "$@"; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "127.0.0.1:$port is already in use"; fi
    done
}

# Starts nginx (the stub and the plain proxy of bench/nginx.conf.template, or another template with the same
# placeholders) in $TMP/nginx; sets NGINX_PID.
start_nginx() { # template workers stub_port proxy_port
    mkdir -p "$TMP/nginx"
    sed -e "s#@PREFIX@#$TMP/nginx#g" -e "s#@WORKERS@#$2#g" -e "s#@STUB_PORT@#$3#g" -e "s#@PROXY_PORT@#$4#g" \
        "$1" >"$TMP/nginx/nginx.conf"
    nginx -t -q -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" || die "nginx: bad configuration"
    nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
    NGINX_PID=$!
}

# The caller's cleanup function runs on exit, on Ctrl-C and on TERM; it ends with end_cleanup.
trap_cleanup() {
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
end_cleanup() { # rc: removes $TMP (unless KEEP_TMP=1) and exits with rc
    if [[ ${KEEP_TMP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$1"
}

need_load_tools() { # wrk, nginx and curl, installed when missing
    need_pkg wrk wrk
    need_pkg nginx nginx-light nginx
    need_pkg curl curl
}

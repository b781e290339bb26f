# Helpers of bench/million.sh, sourced (not run): logging, processes, HTTP waits, /proc readings.
# Written to be shared: a later bench script can source it instead of copying these from run.sh and ab.sh.
# Expects LOG_TAG (the prefix of log lines) to be set by the caller.

log() { printf '[%s %s] %s\n' "${LOG_TAG:-bench}" "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need_pkg() { # command package...: installs the first package that installs (apt-get) when the command is missing
    local cmd=$1 p
    shift
    command -v "$cmd" >/dev/null && return 0
    log "installing $* (apt-get)"
    apt-get update -qq
    for p in "$@"; do
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null && return 0
    done
    die "could not install $cmd"
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

wait_http() { # url expected-status timeout-seconds [curl args...]
    local url=$1 want=$2 deadline=$((SECONDS + $3))
    shift 3
    while ((SECONDS < deadline)); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" || true) == "$want" ]] && return 0
        sleep 0.1
    done
    return 1
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

json_get() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

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

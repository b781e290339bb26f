# Shared by the bench scripts (sourced, not run): what a published gateway needs to start outside the repository,
# and the bench tenant every script sets up through the management API.
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

# Stops a process: TERM, waits, then KILL (uses the caller's log function).
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

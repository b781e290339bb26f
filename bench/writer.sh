#!/usr/bin/env bash
# The usage writer's sustained rows/s on PostgreSQL against SQLite, in one run (not part of `dotnet test`).
#
#   bench/writer.sh                     # 200,000 events a run, 3 rounds, both providers interleaved (~2-4 minutes)
#   EVENTS=20000 ROUNDS=1 bench/writer.sh   # a quick check
#
# Builds bench/writer-bench (Release), starts a throw-away PostgreSQL 15 (bench/postgres.sh: Debian's package, the
# postgres user, a folder under the temp folder, 127.0.0.1:PORT_BASE+4, default durability), and runs the bench:
# PreparedInsert.InsertAsync in batches of Gateway:UsageBatchSize, one transaction each, as UsageRecorder writes,
# on a fresh migrated database per run (a SQLite file in a temp folder; a PostgreSQL database), rounds alternating
# the providers' order. Prints every run, the medians and PostgreSQL ÷ SQLite; keeps them in
# bench/results/<UTC time>-writer/writer.env for `bench/report.py compare docs/PERFORMANCE.md`.
#
# Knobs (environment): EVENTS=200000 ROUNDS=3 BATCH=<Gateway:UsageBatchSize default> PORT_BASE=18080 KEEP_TMP=0
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
EVENTS=${EVENTS:-200000}
ROUNDS=${ROUNDS:-3}
BATCH=${BATCH:-}
PORT_BASE=${PORT_BASE:-18080}
KEEP_TMP=${KEEP_TMP:-0}

log() { printf '[writer %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=bench/postgres.sh
. "$HERE/postgres.sh"

TMP=$(mktemp -d /tmp/fgw-writer.XXXXXX)
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    pg_stop
    if [[ $KEEP_TMP == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is required"
RESULTS="$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)-writer"
mkdir -p "$RESULTS"
OUT="$RESULTS/writer.env"

log "building bench/writer-bench (Release)"
dotnet publish "$HERE/writer-bench" -c Release -o "$TMP/bench" -nologo -v quiet >"$RESULTS/publish.log" 2>&1 \
    || { tail -n 30 "$RESULTS/publish.log" >&2; die "dotnet publish of bench/writer-bench failed"; }
pg_start "$TMP/postgres" "$((PORT_BASE + 4))"

command="EVENTS=$EVENTS ROUNDS=$ROUNDS${BATCH:+ BATCH=$BATCH} bench/writer.sh"
{
    echo "command=$command"
    echo "date=$(date -u '+%Y-%m-%d %H:%M')"
    echo "git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n $(git -C "$ROOT" status --porcelain -- src 2>/dev/null) ]] && echo ' + uncommitted changes in src/')"
    echo "nproc=$(nproc)"
    echo "postgres=PostgreSQL $(pg_setting server_version) on 127.0.0.1, default durability: fsync $(pg_setting fsync), synchronous_commit $(pg_setting synchronous_commit), full_page_writes $(pg_setting full_page_writes)"
    echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT"

# The SQLite files go to the temp folder too (the bench's own subfolders of TMPDIR).
TMPDIR=$TMP dotnet "$TMP/bench/writer-bench.dll" --events "$EVENTS" --rounds "$ROUNDS" ${BATCH:+--batch "$BATCH"} \
    --postgres "Host=127.0.0.1;Port=$PG_PORT;Username=postgres" --out "$OUT" | tee "$RESULTS/writer.txt"
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT"
log "results in $RESULTS"

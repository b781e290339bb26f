#!/usr/bin/env bash
# One key's calls on PostgreSQL (not part of `dotnet test`): the request log's key filter and the events API's
# api_key_prefix page, by time alone against by the key's group too (LoggedCalls and EventQueryService with
# KeyQueries.GroupOfAsync), on 1,000,000 usage events over 1,000 groups in a throw-away PostgreSQL 15 (bench/postgres.sh).
# The SQLite side is bench/request-log-key.py. Prints each query's median execution time over 7 runs
# (EXPLAIN ANALYZE) and the top of its plan. About a minute.
#
#   bench/request-log-key-pg.sh          # PORT=18999
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=request-log-key-pg
. "$HERE/lib.sh"
. "$HERE/postgres.sh"
TMP=$(mktemp -d /tmp/fgw-request-log-key-pg.XXXXXX)
trap 'pg_stop; rm -rf "$TMP"' EXIT
pg_install
pg_start "$TMP" "${PORT:-18999}"

log "seeding 1,000,000 events"
pg_psql -q <<'SQL'
CREATE TABLE "UsageEvents" ("IdempotencyKey" text PRIMARY KEY, "Timestamp" timestamptz NOT NULL, "GroupId" text NOT NULL,
    "ApiKeyPrefix" text NOT NULL, "Status" int NULL, "RequestId" text, "InputTokens" bigint, "OutputTokens" bigint);
INSERT INTO "UsageEvents"
SELECT lpad(i::text, 26, '0'), timestamptz '2026-12-01' + (i * interval '259 milliseconds'), 'grp_' || lpad(g::text, 4, '0'),
       'key' || lpad(g::text, 4, '0') || lpad((i % 10)::text, 2, '0') || '0000000', 200, 'r', 1, 2
FROM (SELECT i, (hashint4(i) & 1023) % 1000 AS g FROM generate_series(1, 1000000) i) s;
-- a rarely used key: 10 calls in a group of ~1,000
INSERT INTO "UsageEvents" SELECT 'R' || lpad(j::text, 25, '0'), timestamptz '2026-12-01' + j * interval '1 hour', 'grp_0007',
       'rarekey000000000', 200, 'r', 1, 2 FROM generate_series(0, 9) j;
CREATE INDEX "IX_UsageEvents_Timestamp" ON "UsageEvents" ("Timestamp");
CREATE INDEX "IX_UsageEvents_GroupId_Timestamp" ON "UsageEvents" ("GroupId", "Timestamp");
ANALYZE "UsageEvents";
SQL

run() { # name sql
    local times=() i
    for i in 1 2 3 4 5 6 7; do
        times+=("$(pg_psql -qAt -c "EXPLAIN (ANALYZE, FORMAT JSON) $2" | json_exec_time)")
    done
    printf '%-45s median %8.2f ms | %s\n' "$1" "$(median "${times[@]}")" "$(pg_psql -qAt -c "EXPLAIN $2" | head -2 | tr -s ' \n' ' ' | cut -c1-110)"
}
json_exec_time() { python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])'; }

window="\"Timestamp\" >= '2026-12-01' AND \"Timestamp\" < '2026-12-05'"
for key in rarekey000000000 key0007030000000; do
    run "events API, $key, by time" "SELECT * FROM \"UsageEvents\" WHERE \"ApiKeyPrefix\" = '$key' AND $window ORDER BY \"Timestamp\", \"IdempotencyKey\" LIMIT 101"
    run "events API, $key, by group" "SELECT * FROM \"UsageEvents\" WHERE \"ApiKeyPrefix\" = '$key' AND \"GroupId\" = 'grp_0007' AND $window ORDER BY \"Timestamp\", \"IdempotencyKey\" LIMIT 101"
    run "request log, $key, by time" "SELECT * FROM \"UsageEvents\" WHERE \"Status\" IS NOT NULL AND \"ApiKeyPrefix\" = '$key' ORDER BY \"Timestamp\" DESC, \"IdempotencyKey\" DESC LIMIT 51"
    run "request log, $key, by group" "SELECT * FROM \"UsageEvents\" WHERE \"Status\" IS NOT NULL AND \"GroupId\" = 'grp_0007' AND \"ApiKeyPrefix\" = '$key' ORDER BY \"Timestamp\" DESC, \"IdempotencyKey\" DESC LIMIT 51"
done

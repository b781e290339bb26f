# A throw-away PostgreSQL 15 (Debian's package) for the bench scripts; sourced by bench/run.sh and bench/writer.sh.
# The caller defines log and die, calls pg_start once and pg_stop in its clean-up.
#
#   pg_start <folder> <port>   initdb into <folder>/data and start on 127.0.0.1:<port>; creates the database
#                              "frontier"; sets PG_DIR, PG_PORT and PG_CONN (a Npgsql connection string to it)
#   pg_stop                    stop the server (fast shutdown); the caller removes the folder
#   pg_psql [psql args...]     psql as the superuser against "frontier" (-X, stops at the first error)
#   pg_setting <name>          a server setting (SHOW), e.g. fsync
#
# PostgreSQL's default durability settings (fsync, synchronous_commit, full_page_writes all on): the bench compares
# what users run, unlike the test fixture (tests/Unit/Infrastructure/PostgresServer.cs), which turns them off.

PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=""
PG_PORT=""
PG_CONN=""

pg_install() { # as bench/run.sh's need_pkg does: Debian's package when the binaries are missing
    [[ -x $PG_BIN/pg_ctl ]] && return 0
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    log "installing postgresql-15 (apt-get)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 >/dev/null || die "could not install postgresql-15"
    [[ -x $PG_BIN/pg_ctl ]] || die "postgresql-15 is installed but $PG_BIN/pg_ctl is missing"
}

pg_as_owner() { # PostgreSQL refuses to run as root: as root, its tools run as the postgres user
    if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() { # folder port
    pg_install
    command -v psql >/dev/null || die "psql is missing (postgresql-client-15)"
    PG_DIR=$1 PG_PORT=$2
    [[ -n $PG_DIR && -n $PG_PORT ]] || die "pg_start needs a folder and a port"
    if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then die "127.0.0.1:$PG_PORT (PostgreSQL) is already in use"; fi
    mkdir -p "$PG_DIR"
    if [[ $(id -u) == 0 ]]; then
        chown postgres:postgres "$PG_DIR"
        # mktemp makes the caller's folder 0700 (root): postgres must be able to pass through it to its own.
        chmod o+x "$(dirname "$PG_DIR")"
    fi
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    pg_as_owner "$PG_BIN/pg_ctl" start -w -t 60 -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
        -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR" >/dev/null \
        || { tail -n 30 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
    psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -c 'CREATE DATABASE frontier' \
        || die "could not create the database frontier"
    PG_CONN="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=frontier"
    log "PostgreSQL $(pg_setting server_version) on 127.0.0.1:$PG_PORT ($PG_DIR; fsync $(pg_setting fsync), synchronous_commit $(pg_setting synchronous_commit))"
}

pg_stop() {
    [[ -n $PG_DIR && -f $PG_DIR/data/postmaster.pid ]] || return 0
    pg_as_owner "$PG_BIN/pg_ctl" stop -m fast -w -t 60 -D "$PG_DIR/data" >/dev/null 2>&1 \
        || log "PostgreSQL in $PG_DIR did not stop cleanly"
}

pg_psql() {
    psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d frontier -v ON_ERROR_STOP=1 "$@"
}

pg_setting() {
    pg_psql -tA -c "SHOW $1"
}

# pg.sh — sourced after lib.sh by the tests that need a PostgreSQL server:
# a real PostgreSQL 15 from Debian's packages (postgresql-15, installed by
# setup.sh --test), in a cluster made for the test inside $TMP, listening on
# a free loopback port, stopped when the test ends, whatever the reason.
#
#   pg_start          initdb + start; exports PG_URL (the database "vigil"),
#                     PG_PORT, PG_DATA, PG_BIN
#   pg_new_db NAME [CREATEDB-OPTION...]
#                     creates database NAME, prints its URL
#   pg_psql URL SQL   runs SQL with psql (stops at the first error), prints
#                     the rows unaligned, without headers
#   pg_wait URL SQL WANT
#                     waits (30 s at most, else fails) until SQL prints WANT
#   pg_stop / pg_restart
#                     stop the server at once (-m immediate: like a crash,
#                     no shutdown checkpoint) / start it again on the same
#                     data and port
#
# The tests run as root and initdb refuses root: the cluster belongs to the
# user postgres (created by the package), reached through runuser; $TMP is
# made traversable (not readable) for it.  fsync=off: a test cluster never
# outlives the test, and a crash of the server (pg_stop) still recovers
# from its WAL, which is all the tests rely on.  Without PostgreSQL the test
# is skipped, and in CI that is a failure (lib.sh skip()).

PG_BIN=${VIGIL_PG_BIN:-/usr/lib/postgresql/15/bin}

# pg_as CMD...: CMD as the owner of the cluster.
pg_as() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# pg_free_port: a TCP port nobody listens on at 127.0.0.1 now.
pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
    [ -x "$PG_BIN/initdb" ] || skip "PostgreSQL 15 is not installed ($PG_BIN/initdb: run ./setup.sh --test)"
    need_cmd psql
    need_cmd python3
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || skip "no user postgres to own the test cluster (the postgresql-15 package makes it)"
        chmod 711 "$TMP"
    fi
    PG_DIR=$TMP/pg
    PG_DATA=$PG_DIR/data
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
    pg_as "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U vigil -E UTF8 --locale=C -N >"$PG_DIR/initdb.log" 2>&1 ||
        { cat "$PG_DIR/initdb.log" >&2; fail "initdb failed"; }
    # Stop it whatever happens from here on; a watcher also stops it if
    # this shell is killed outright (SIGKILL runs no trap).
    at_exit pg_cleanup
    local tries
    for tries in 1 2 3; do
        PG_PORT=$(pg_free_port)
        pg_server_start && break
        [ "$tries" = 3 ] && { cat "$PG_DIR/log" >&2; fail "PostgreSQL did not start"; }
    done
    # (Started from a subshell so that it is no job of the test's: a plain
    # `wait` in a test must not wait for it.)
    local shell=$$
    (
        (
            exec >/dev/null 2>&1 </dev/null
            while kill -0 "$shell"; do sleep 1; done
            pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop
            rm -rf "$PG_DIR"
        ) &
        echo $! >"$PG_DIR/watcher.pid"
    )
    PG_WATCHER=$(cat "$PG_DIR/watcher.pid")
    pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U vigil vigil || fail "createdb vigil"
    PG_URL=postgresql://vigil@127.0.0.1:$PG_PORT/vigil
    export PG_URL PG_PORT PG_DATA PG_BIN
}

# pg_server_start: pg_ctl start on $PG_PORT, waiting (bounded) until it
# accepts connections.
pg_server_start() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/log" -w -t 30 \
        -o "-k $PG_DIR -p $PG_PORT -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
        start >/dev/null
}

pg_stop() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null
}

pg_restart() {
    pg_server_start || { cat "$PG_DIR/log" >&2; fail "PostgreSQL did not start again"; }
}

pg_cleanup() {
    [ -n "${PG_WATCHER:-}" ] && kill "$PG_WATCHER" 2>/dev/null
    [ -f "$PG_DATA/postmaster.pid" ] && pg_stop
    return 0
}

pg_new_db() {
    local name=$1
    shift
    pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U vigil "$@" "$name" || fail "createdb $name"
    echo "postgresql://vigil@127.0.0.1:$PG_PORT/$name"
}

pg_psql() {
    psql "$1" -X -q -At -v ON_ERROR_STOP=1 -c "$2"
}

pg_wait() {
    local i
    for ((i = 0; i < 300; i++)); do
        [ "$(pg_psql "$1" "$2")" = "$3" ] && return 0
        sleep 0.1
    done
    fail "waited 30 s for '$2' to give $3"
}

# pg_fallback.sh — sourced by the inventory tests only while the shared
# PostgreSQL harness tests/e2e/pg.sh is not in the tree: pg_start as
# docs of the store say (a PostgreSQL 15 of Debian's packages, initdb into
# $TMP as the user postgres since the tests run as root, a free loopback
# port), exporting PG_URL; the server is stopped (-m immediate) when the
# test ends.  Once pg.sh is in the tree the tests source it instead and this
# file can go.
pg_start() {
    local bin=/usr/lib/postgresql/15/bin port
    [ -x "$bin/initdb" ] || skip "PostgreSQL 15 is not installed ($bin/initdb: run ./setup.sh --test)"
    local as=()
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || skip "no user postgres to own the test cluster"
        chmod 711 "$TMP"
        as=(runuser -u postgres --)
    fi
    mkdir "$TMP/pg"
    [ "$(id -u)" = 0 ] && chown postgres "$TMP/pg"
    "${as[@]}" "$bin/initdb" -D "$TMP/pg/data" -A trust -U vigil -E UTF8 --locale=C >"$TMP/pg/initdb.log" 2>&1 ||
        { cat "$TMP/pg/initdb.log" >&2; fail "initdb failed"; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # The stop command is fixed now (as is a local); it may fail (nothing
    # started yet) without failing the test.
    PG_FALLBACK_STOP=$(printf '%q ' "${as[@]}" "$bin/pg_ctl" -D "$TMP/pg/data" -m immediate stop)
    trap 'eval "$PG_FALLBACK_STOP" >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
    "${as[@]}" "$bin/pg_ctl" -D "$TMP/pg/data" -l "$TMP/pg/log" -w -t 30 \
        -o "-k $TMP/pg -p $port -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
        { cat "$TMP/pg/log" >&2; fail "PostgreSQL did not start"; }
    "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U vigil vigil || fail "createdb vigil"
    PG_URL=postgresql://vigil@127.0.0.1:$port/vigil
    export PG_URL
}

# feeds/lib.sh — sourced (after lib.sh) by the `vigil db update` tests:
# start_feed_server NAME ROOT [server.py options...] starts the
# loopback server of tests/e2e/feeds/server.py on ROOT, logging to
# $TMP/NAME.log, and sets NAME_URL (its base URL, with a final /) and
# NAME_PID.  Every server started is stopped when the test exits.
FEED_SERVERS=""
trap 'for p in $FEED_SERVERS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
export no_proxy='*' NO_PROXY='*'

start_feed_server() {
    local name=$1 root=$2 scheme=http
    shift 2
    case " $* " in *" --tls "*) scheme=https ;; esac
    python3 "$VIGIL_SRC/tests/e2e/feeds/server.py" "$root" "$TMP/$name.port" "$TMP/$name.log" "$@" &
    local pid=$!
    FEED_SERVERS="$FEED_SERVERS $pid"
    for _ in $(seq 100); do [ -s "$TMP/$name.port" ] && break; sleep 0.1; done
    [ -s "$TMP/$name.port" ] || fail "the test server $name did not start"
    : >>"$TMP/$name.log"
    printf -v "${name}_URL" '%s://127.0.0.1:%s/' "$scheme" "$(cat "$TMP/$name.port")"
    printf -v "${name}_PID" '%s' "$pid"
}

# registry_lib.sh — sourced by the registry_*.sh tests after lib.sh: a real
# OCI registry (Debian's docker-registry, distribution 2.8) on a loopback
# port, with TLS from a CA made here with openssl and htpasswd (bcrypt)
# basic auth; storage, config and access log in $TMP/registry.  Stopped by
# the test's exit trap.
#   REG         127.0.0.1:PORT
#   REG_CERTS   directory with ca.crt (for vigil --registry-ca, skopeo --cert-dir)
#   REG_USER, REG_CREDS   the user and USER:PASSWORD
#   REG_DATA    the registry's filesystem storage
#   registry_push SRC REPO:TAG [--all]   skopeo copy SRC to the registry
#   registry_blob_gets   how many GETs of /v2/.../blobs/ the registry served
# With REG_TOKEN_REALM set (registry_token.sh), the registry takes bearer
# tokens from that realm, signed by the key of $TMP/registry/token.crt,
# instead of htpasswd.

need_cmd docker-registry
need_cmd htpasswd
need_cmd skopeo
need_cmd openssl
need_cmd python3

registry_start() {
    local dir="$TMP/registry" port
    mkdir -p "$dir/certs" "$dir/data"
    REG_CERTS="$dir/certs"
    REG_DATA="$dir/data"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=vigil test CA" \
        -keyout "$dir/ca.key" -out "$REG_CERTS/ca.crt" 2>/dev/null || fail "openssl: test CA"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null || fail "openssl: server key"
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$REG_CERTS/ca.crt" -CAkey "$dir/ca.key" -CAserial "$dir/ca.srl" -CAcreateserial \
        -days 2 -extfile "$dir/ext" -out "$dir/server.crt" 2>/dev/null || fail "openssl: server certificate"
    REG_USER=vigil
    REG_CREDS="$REG_USER:s3cret-$$"
    htpasswd -Bbc "$dir/htpasswd" "$REG_USER" "${REG_CREDS#*:}" 2>/dev/null || fail "htpasswd"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    REG="127.0.0.1:$port"
    cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $REG_DATA
http:
  addr: $REG
  tls:
    certificate: $dir/server.crt
    key: $dir/server.key
EOF
    if [ -n "${REG_TOKEN_REALM:-}" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vigil test token issuer" \
            -keyout "$dir/token.key" -out "$dir/token.crt" 2>/dev/null || fail "openssl: token key"
        printf 'auth:\n  token:\n    realm: %s\n    service: vigil-test-registry\n    issuer: vigil-test-issuer\n    rootcertbundle: %s\n' \
            "$REG_TOKEN_REALM" "$dir/token.crt" >>"$dir/config.yml"
    else
        printf 'auth:\n  htpasswd:\n    realm: vigil-test\n    path: %s\n' "$dir/htpasswd" >>"$dir/config.yml"
    fi
    REG_LOG="$dir/access.log"
    docker-registry serve "$dir/config.yml" >"$REG_LOG" 2>&1 &
    REG_PID=$!
    at_exit "kill $REG_PID 2>/dev/null; wait $REG_PID 2>/dev/null"
    local i
    for i in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$REG_PID" 2>/dev/null || { cat "$REG_LOG" >&2; fail "docker-registry did not start"; }
        sleep 0.1
    done
    fail "docker-registry does not listen on $REG after 10 s"
}

registry_push() {
    local src=$1 dest=$2
    shift 2
    skopeo copy -q "$@" --dest-cert-dir "$REG_CERTS" --dest-creds "$REG_CREDS" "$src" "docker://$REG/$dest" \
        >"$TMP/skopeo.out" 2>&1 || { cat "$TMP/skopeo.out" >&2; fail "skopeo copy $src to $REG/$dest"; }
}

# Access log lines look like: ... "GET /v2/vigil/alpine/blobs/sha256:... HTTP/1.1" 200 ...
registry_blob_gets() {
    grep -c '"GET /v2/[^ ]*/blobs/sha256:[0-9a-f]* HTTP/[0-9.]*" 200' "$REG_LOG" || true
}

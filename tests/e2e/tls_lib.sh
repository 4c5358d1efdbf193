# tls_lib.sh — sourced after lib.sh by the tests that need real TLS
# servers on loopback (collect_tls.sh, policy_packs.sh).  Everything is
# made here by openssl's own tools and lives in $TMP/tls; every server is
# stopped by at_exit.
#
#   tls_pki            a root CA, an intermediate CA and the leaf
#                      certificates (openssl req, ca; fixed dates around
#                      $SOURCE_DATE_EPOCH), an OCSP response for nginx's
#                      leaf (openssl ocsp)
#   tls_servers        starts, each on a free loopback port:
#     TLS_STRONG       openssl s_server -www: TLS 1.3 only, groups x25519
#                      and secp384r1, an EC P-256 leaf sent without its
#                      intermediate, valid 365 days
#     TLS_WEAK         openssl s_server -www at @SECLEVEL=0: TLS 1.0 to 1.2,
#                      the suites AES128-SHA (CBC-SHA1), ADH-AES128-SHA
#                      (anonymous) and NULL-SHA, a self-signed RSA-1024
#                      certificate for wrong.example expiring 10 days after
#                      $SOURCE_DATE_EPOCH
#     TLS_EC12         openssl s_server -www at @SECLEVEL=0: TLS 1.1 and 1.2, the
#                      EC P-256 leaf
#     TLS_NGINX        Debian's nginx, as this user: TLS 1.2 and 1.3, RSA-2048
#                      leaf with its intermediate, HSTS, a stapled OCSP
#                      response (ssl_stapling_file)
#     TLS_SILENT       a socket that accepts TCP connections and never answers
#     TLS_CLOSED       a free port nobody listens on
# The variables hold 127.0.0.1:PORT.  $TLS/root.pem is the trust anchor,
# $TLS/root+inter.pem the anchor and the intermediate.

TLS=$TMP/tls
DAY=86400

# tls_date OFFSET_DAYS: $SOURCE_DATE_EPOCH plus OFFSET_DAYS, as openssl ca
# -startdate/-enddate read it.
tls_date() { date -u -d "@$((SOURCE_DATE_EPOCH + $1 * DAY))" +%Y%m%d%H%M%SZ; }

# tls_free_port: a TCP port of 127.0.0.1 nobody listens on now.
tls_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# tls_wait_port PORT: waits (at most 10 s) until 127.0.0.1:PORT accepts.
tls_wait_port() {
    local i
    for i in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    fail "nothing listens on 127.0.0.1:$1 after 10 s"
}

# tls_ca NAME: the openssl ca configuration of the CA in $TLS/NAME.
tls_ca_config() {
    mkdir -p "$TLS/$1"
    : >"$TLS/$1/index.txt"
    echo 1000 >"$TLS/$1/serial"
    cat >"$TLS/$1/ca.cnf" <<EOF
[ca]
default_ca = this
[this]
dir = $TLS/$1
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
organizationName = optional
[ca_ext]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid, issuer
EOF
}

# tls_sign CA CSR OUT EXT FROM_DAYS TO_DAYS [-selfsign -keyfile KEY]
tls_sign() {
    local ca=$1 csr=$2 out=$3 ext=$4 from=$5 to=$6
    shift 6
    openssl ca -batch -notext -config "$TLS/$ca/ca.cnf" -extensions "$ext" -in "$csr" -out "$out" \
        -startdate "$(tls_date "$from")" -enddate "$(tls_date "$to")" "$@" 2>"$TLS/ca.err" ||
        { cat "$TLS/ca.err" >&2; fail "openssl ca $out"; }
}

# tls_csr NAME KEYOPTS SUBJECT [SAN]: $TLS/NAME.key and $TLS/NAME.csr.
tls_csr() {
    local name=$1 keyopts=$2 subject=$3 san=${4:-}
    # shellcheck disable=SC2086
    openssl genpkey $keyopts -out "$TLS/$name.key" 2>/dev/null || fail "openssl genpkey $keyopts"
    openssl req -new -key "$TLS/$name.key" -subj "$subject" ${san:+-addext "subjectAltName=$san"} \
        -out "$TLS/$name.csr" || fail "openssl req $name"
}

tls_pki() {
    mkdir -p "$TLS"
    tls_ca_config root
    tls_ca_config inter
    tls_ca_config self
    tls_csr root "-algorithm EC -pkeyopt ec_paramgen_curve:P-384" "/O=vigil test/CN=vigil test root"
    tls_sign root "$TLS/root.csr" "$TLS/root.pem" ca_ext -400 3000 -selfsign -keyfile "$TLS/root.key"
    tls_csr inter "-algorithm EC -pkeyopt ec_paramgen_curve:P-256" "/O=vigil test/CN=vigil test intermediate"
    tls_sign root "$TLS/inter.csr" "$TLS/inter.pem" ca_ext -300 2000 -keyfile "$TLS/root.key" -cert "$TLS/root.pem"
    tls_csr strong "-algorithm EC -pkeyopt ec_paramgen_curve:P-256" "/CN=localhost" "DNS:localhost,IP:127.0.0.1"
    tls_sign inter "$TLS/strong.csr" "$TLS/strong.pem" leaf_ext -30 365 -keyfile "$TLS/inter.key" -cert "$TLS/inter.pem"
    tls_csr nginx "-algorithm RSA -pkeyopt rsa_keygen_bits:2048" "/O=vigil test/CN=localhost" "DNS:localhost"
    tls_sign inter "$TLS/nginx.csr" "$TLS/nginx.pem" leaf_ext -10 200 -keyfile "$TLS/inter.key" -cert "$TLS/inter.pem"
    tls_csr weak "-algorithm RSA -pkeyopt rsa_keygen_bits:1024" "/CN=wrong.example" "DNS:wrong.example"
    tls_sign self "$TLS/weak.csr" "$TLS/weak.pem" leaf_ext -355 10 -selfsign -keyfile "$TLS/weak.key"
    cat "$TLS/nginx.pem" "$TLS/inter.pem" >"$TLS/nginx-chain.pem"
    cat "$TLS/root.pem" "$TLS/inter.pem" >"$TLS/root+inter.pem"
    openssl ocsp -index "$TLS/inter/index.txt" -rsigner "$TLS/inter.pem" -rkey "$TLS/inter.key" \
        -CA "$TLS/inter.pem" -issuer "$TLS/inter.pem" -cert "$TLS/nginx.pem" -ndays 7 \
        -respout "$TLS/nginx-ocsp.der" >/dev/null 2>"$TLS/ocsp.err" || { cat "$TLS/ocsp.err" >&2; fail "openssl ocsp"; }
}

# tls_s_server NAME ARGS...: openssl s_server -www on a free port, its
# address in the variable NAME.
tls_s_server() {
    local var=$1 port
    shift
    port=$(tls_free_port)
    openssl s_server -accept "127.0.0.1:$port" -www -quiet "$@" </dev/null >"$TLS/$var.log" 2>&1 &
    at_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
    tls_wait_port "$port"
    printf -v "$var" '127.0.0.1:%s' "$port"
}

tls_nginx() {
    local port dir=$TLS/nginx
    port=$(tls_free_port)
    mkdir -p "$dir/tmp"
    cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port ssl;
        server_name localhost;
        ssl_certificate $TLS/nginx-chain.pem;
        ssl_certificate_key $TLS/nginx.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256;
        ssl_ecdh_curve X25519:prime256v1;
        ssl_stapling on;
        ssl_stapling_file $TLS/nginx-ocsp.der;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        location / { return 200 "ok\n"; }
    }
}
EOF
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" </dev/null >"$dir/stdout" 2>&1 &
    at_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
    tls_wait_port "$port"
    TLS_NGINX=127.0.0.1:$port
}

# tls_silent: a socket that listens (the kernel completes the TCP
# handshake) and never reads nor answers.
tls_silent() {
    local port
    port=$(tls_free_port)
    python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64); time.sleep(600)' "$port" &
    at_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
    tls_wait_port "$port"
    TLS_SILENT=127.0.0.1:$port
}

tls_servers() {
    need_cmd openssl
    need_cmd nginx
    need_cmd python3
    tls_pki
    tls_s_server TLS_STRONG -cert "$TLS/strong.pem" -key "$TLS/strong.key" -tls1_3 -groups x25519:secp384r1
    tls_s_server TLS_WEAK -cert "$TLS/weak.pem" -key "$TLS/weak.key" -min_protocol TLSv1 -max_protocol TLSv1.2 \
        -cipher 'AES128-SHA:ADH-AES128-SHA:NULL-SHA:@SECLEVEL=0'
    tls_s_server TLS_EC12 -cert "$TLS/strong.pem" -key "$TLS/strong.key" -min_protocol TLSv1.1 \
        -max_protocol TLSv1.2 -cipher 'ALL:!aNULL:@SECLEVEL=0'
    tls_nginx
    tls_silent
    TLS_CLOSED=127.0.0.1:$(tls_free_port)
}

# tls_relabel FILE ADDRESS PORT: the document FILE with the endpoint
# ADDRESS (127.0.0.1:this run's free port) renamed 127.0.0.1:PORT, so that
# hand-written expectations can name it; nothing else changes.
tls_relabel() {
    python3 - "$@" <<'PY' || fail "relabelling $1"
import json, sys
path, address, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
label = f"127.0.0.1:{port}"
doc = json.loads(open(path).read().replace(f'"{address}', f'"{label}'))
for e in doc["endpoints"]:
    if e["endpoint"] == label:
        e["port"] = port
open(path, "w").write(json.dumps(doc, indent=2) + "\n")
PY
}

# tls_evidence DIR: the servers' documents, as the hardening pack's tests
# (policy/hardening/tests/tls.yaml) read them: DIR/nginx.json (127.0.0.1:4431,
# verified against the root), strong.json (4432, against the root and the
# intermediate the server does not send), strong-root.json (4432, against the
# root only), weak.json (4433), silent.json (4434, unchecked).
tls_evidence() {
    local dir=$1
    mkdir -p "$dir"
    tls_servers
    expect_status 0 "$VIGIL" collect tls --ca "$TLS/root.pem" --servername localhost --timeout 3 "$TLS_NGINX" \
        -o "$dir/nginx.json"
    expect_status 0 "$VIGIL" collect tls --ca "$TLS/root+inter.pem" --timeout 1 "$TLS_STRONG" -o "$dir/strong.json"
    expect_status 0 "$VIGIL" collect tls --ca "$TLS/root.pem" --timeout 1 "$TLS_STRONG" -o "$dir/strong-root.json"
    expect_status 0 "$VIGIL" collect tls --ca "$TLS/root.pem" --timeout 1 "$TLS_WEAK" -o "$dir/weak.json"
    expect_status 3 "$VIGIL" collect tls --timeout 1 "$TLS_SILENT" -o "$dir/silent.json"
    tls_relabel "$dir/nginx.json" "$TLS_NGINX" 4431
    tls_relabel "$dir/strong.json" "$TLS_STRONG" 4432
    tls_relabel "$dir/strong-root.json" "$TLS_STRONG" 4432
    tls_relabel "$dir/weak.json" "$TLS_WEAK" 4433
    tls_relabel "$dir/silent.json" "$TLS_SILENT" 4434
}

# collect_tls.sh — `vigil collect tls` against real servers on loopback
# (tests/e2e/tls_lib.sh: openssl s_server configured strong and weak on
# purpose, Debian's nginx with HSTS and a stapled OCSP response, a socket
# that never answers, a closed port).  Every fact vigil reports is
# compared with what openssl's own tools say of the same server:
#   versions      openssl s_client -tls1 ... -tls1_3, one run per version
#   suites        openssl s_client, one run per suite the library has
#   groups        openssl s_client -groups G, one run per group
#   certificates  openssl s_client -showcerts, then openssl x509 on each
#   chain         openssl verify -attime $SOURCE_DATE_EPOCH
#   OCSP          openssl s_client -status
#   HSTS          the header of openssl s_client's HEAD / answer
# The documents are validated against docs/collect-tls.schema.json.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1756166400 # 2025-08-26T00:00:00Z: the certificates' dates are set around it
source "$(dirname "$0")/tls_lib.sh"
need_cmd jq
tls_servers
cd "$TMP"

# ms: the time in milliseconds.
ms() { date +%s%3N; }

# s_client ADDR ARGS...: openssl s_client at security level 0, SNI localhost; true when a suite was agreed.
s_client() {
    local addr=$1
    shift
    timeout 10 openssl s_client -connect "$addr" -servername localhost "$@" </dev/null >"$TMP/s_client.out" 2>&1 &&
        grep -Eq '^(New|Reused), .*Cipher is [^(]' "$TMP/s_client.out"
}

# ---- the documents ------------------------------------------------------------------

t0=$(ms)
expect_status 0 $VIGIL collect tls --ca "$TLS/root.pem" --servername localhost --timeout 3 "$TLS_NGINX" -o nginx.json
nginx_ms=$(($(ms) - t0))
expect_status 0 $VIGIL collect tls --ca "$TLS/root+inter.pem" --timeout 1 "$TLS_STRONG" -o strong.json
expect_status 0 $VIGIL collect tls --ca "$TLS/root.pem" --timeout 1 "$TLS_STRONG" -o strong-root.json
expect_status 0 $VIGIL collect tls --timeout 1 "$TLS_WEAK" -o weak.json
expect_status 0 $VIGIL collect tls --ca "$TLS/root+inter.pem" --timeout 1 "$TLS_EC12" -o ec12.json
expect_status 0 $VIGIL collect tls --ca "$TLS/root.pem" --servername localhost --timeout 1 "$TLS_WEAK" -o weak-name.json
for f in nginx strong strong-root weak ec12 weak-name; do
    validate vigil-collect-tls $f.json
    jq -e '.unchecked == [] and .endpoints[0].status == "checked" and .collected == "2025-08-26T00:00:00Z"' $f.json \
        >/dev/null || fail "$f.json: not a complete, checked document"
done
echo "collect tls of one nginx endpoint: ${nginx_ms} ms"
[ "$nginx_ms" -lt 4000 ] || fail "collect tls of one endpoint took ${nginx_ms} ms"

# ---- protocol versions and suites, against openssl s_client -----------------------------

# What the library has: SSLv3 is unchecked (never refused) when s_client has no -ssl3.
if ! openssl s_client -help 2>&1 | grep -q -- '-ssl3'; then
    for f in nginx strong weak; do
        jq -e '.endpoints[0].protocols[] | select(.version == "SSLv3") | .status == "unchecked"' $f.json >/dev/null ||
            fail "$f.json: SSLv3, which this OpenSSL lacks, is not unchecked"
    done
    jq -e '[.library.unchecked[].what] | index("SSLv3")' nginx.json >/dev/null || fail "library.unchecked lacks SSLv3"
fi
for family in RC4 3DES; do
    if [ -z "$(openssl ciphers -s 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' 2>/dev/null | tr ':' '\n' | grep -i -e "$family" -e DES-CBC3)" ]; then
        jq -e --arg w "$family cipher suites" '[.library.unchecked[].what] | index($w)' nginx.json >/dev/null ||
            fail "library.unchecked does not say that $family suites cannot be offered"
    fi
done

check_versions() { # NAME ADDR
    local name=$1 addr=$2 v flag
    : >"$TMP/ref-versions"
    for v in TLSv1:-tls1 TLSv1.1:-tls1_1 TLSv1.2:-tls1_2 TLSv1.3:-tls1_3; do
        flag=${v#*:}
        if s_client "$addr" "$flag" -cipher 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'; then
            echo "${v%%:*} accepted" >>"$TMP/ref-versions"
        else
            echo "${v%%:*} refused" >>"$TMP/ref-versions"
        fi
    done
    jq -r '.endpoints[0].protocols[] | select(.version != "SSLv3") | "\(.version) \(.status)"' "$name.json" >"$TMP/vigil-versions"
    same_lines "$TMP/vigil-versions" "$TMP/ref-versions" "$name: protocol versions"
}

check_suites() { # NAME ADDR
    local name=$1 addr=$2 v flag c
    : >"$TMP/ref-suites"
    for v in TLSv1:-tls1 TLSv1.1:-tls1_1 TLSv1.2:-tls1_2; do
        flag=${v#*:}
        jq -e --arg v "${v%%:*}" '.endpoints[0].protocols[] | select(.version == $v) | .status == "accepted"' \
            "$name.json" >/dev/null || continue
        for c in $(openssl ciphers -s "$flag" 'ALL:COMPLEMENTOFALL:!PSK:!SRP:@SECLEVEL=0' | tr ':' ' '); do
            s_client "$addr" "$flag" -cipher "$c:@SECLEVEL=0" && echo "${v%%:*} $c" >>"$TMP/ref-suites"
        done
    done
    if jq -e '.endpoints[0].protocols[] | select(.version == "TLSv1.3") | .status == "accepted"' "$name.json" >/dev/null; then
        for c in TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_GCM_SHA256 TLS_AES_128_CCM_SHA256 \
            TLS_AES_128_CCM_8_SHA256; do
            s_client "$addr" -tls1_3 -ciphersuites "$c" && echo "TLSv1.3 $c" >>"$TMP/ref-suites"
        done
    fi
    jq -r '.endpoints[0].protocols[] | select(.status == "accepted") | .version as $v | .suites[] | "\($v) \(.openssl_name)"' \
        "$name.json" >"$TMP/vigil-suites"
    same_lines "$TMP/vigil-suites" "$TMP/ref-suites" "$name: cipher suites"
    jq -e '[.endpoints[0].protocols[] | select(.status == "accepted") | .suites_complete] | all' "$name.json" >/dev/null ||
        fail "$name: a suite list is not complete"
}

# The group a TLS 1.2 handshake agreed, from s_client's "Server Temp Key: ECDH, prime256v1, 256 bits".
temp_key_group() {
    sed -n 's/^Server Temp Key: \(ECDH, \)\{0,1\}\([^,]*\),.*/\2/p' "$TMP/s_client.out" |
        sed -e 's/^X25519$/x25519/' -e 's/^X448$/x448/' -e 's/^prime256v1$/secp256r1/'
}

check_groups() { # NAME ADDR [CURVE: the EC certificate's, offered second with TLS 1.2 (RFC 8422)]
    local name=$1 addr=$2 curve=${3:-} g list
    : >"$TMP/ref-groups"
    if jq -e '.endpoints[0].protocols[] | select(.version == "TLSv1.3") | .status == "accepted"' "$name.json" >/dev/null; then
        for g in x25519 secp256r1 secp384r1 secp521r1 x448 ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192; do
            s_client "$addr" -tls1_3 -groups "$g" && echo "TLSv1.3 $g" >>"$TMP/ref-groups"
        done
    fi
    if jq -e '.endpoints[0].protocols[] | select(.version == "TLSv1.2") | .status == "accepted"' "$name.json" >/dev/null; then
        for g in x25519 secp256r1 secp384r1 secp521r1 x448; do
            list=$g
            [ -n "$curve" ] && [ "$curve" != "$g" ] && list=$g:$curve
            s_client "$addr" -tls1_2 -cipher 'kECDHE:!aPSK:@SECLEVEL=0' -groups "$list" &&
                [ "$(temp_key_group)" = "$g" ] && echo "TLSv1.2 $g" >>"$TMP/ref-groups"
        done
    fi
    jq -r '.endpoints[0].protocols[] | .version as $v | (.groups // [])[] | select(.status == "accepted") | "\($v) \(.name)"' \
        "$name.json" >"$TMP/vigil-groups"
    if [ -s "$TMP/ref-groups" ] || [ -s "$TMP/vigil-groups" ]; then
        same_lines "$TMP/vigil-groups" "$TMP/ref-groups" "$name: key exchange groups"
    fi
}

for pair in "nginx $TLS_NGINX" "strong $TLS_STRONG" "weak $TLS_WEAK" "ec12 $TLS_EC12 secp256r1"; do
    check_versions ${pair% secp256r1}
    check_suites ${pair% secp256r1}
    check_groups $pair
done
# The configurations are what they were made to be (so that the checks above compared something).
jq -e '[.endpoints[0].protocols[] | select(.status == "accepted") | .version] == ["TLSv1.3"]' strong.json >/dev/null ||
    fail "strong: not TLS 1.3 only"
jq -e '[.endpoints[0].protocols[] | select(.status == "accepted") | .version] == ["TLSv1", "TLSv1.1", "TLSv1.2"]' weak.json \
    >/dev/null || fail "weak: not TLS 1.0 to 1.2"
jq -e '[.endpoints[0].protocols[] | select(.version == "TLSv1") | .suites[] | .auth] | index("none")' weak.json >/dev/null ||
    fail "weak: the anonymous suite is missing"
jq -e '[.endpoints[0].protocols[] | select(.status == "accepted") | .version] == ["TLSv1.1", "TLSv1.2"]' ec12.json \
    >/dev/null || fail "ec12: not TLS 1.1 and 1.2"
jq -e '[.endpoints[0].protocols[] | select(.version == "TLSv1.2") | .groups[] | select(.status == "accepted")] | length >= 4' \
    ec12.json >/dev/null || fail "ec12: fewer than 4 TLS 1.2 groups beside the certificate's curve"

# ---- certificates, chain, hostname, OCSP, HSTS -------------------------------------------

# sent_chain ADDR DIR: the certificates the server sends, DIR/0.pem (the leaf), 1.pem ...
sent_chain() {
    mkdir -p "$2"
    timeout 10 openssl s_client -connect "$1" -servername localhost -showcerts -cipher 'ALL:!aNULL:@SECLEVEL=0' \
        </dev/null 2>/dev/null | awk -v d="$2" '/BEGIN CERT/ {f = d "/" n++ ".pem"} f {print > f} /END CERT/ {f = ""}'
    [ -s "$2/0.pem" ] || fail "$1 sent no certificate to openssl s_client"
}

check_certificates() { # NAME ADDR
    local name=$1 dir=$TMP/chain-$1 i pem end want
    sent_chain "$2" "$dir"
    i=0
    for pem in $(ls "$dir"/*.pem | sort -V); do
        end=$(date -u -d "$(openssl x509 -in "$pem" -noout -enddate | cut -d= -f2)" +%s)
        want=$(python3 -c "import sys; print((int(sys.argv[1]) - int(sys.argv[2])) // 86400)" "$end" "$SOURCE_DATE_EPOCH")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' \
            "$(openssl x509 -in "$pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" \
            "$(openssl x509 -in "$pem" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')" \
            "$(date -u -d @"$end" +%Y-%m-%dT%H:%M:%SZ)" "$want" \
            "$(openssl x509 -in "$pem" -noout -text | sed -n 's/^ *Public-Key: (\([0-9]*\) bit)/\1/p')" \
            "$(openssl x509 -in "$pem" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr A-F a-f)"
        i=$((i + 1))
    done >"$TMP/ref-certs"
    jq -r '.endpoints[0].certificates[] | [.subject, .issuer, .not_after, .days_to_expiry, .key.bits, .sha256] | @tsv' \
        "$name.json" >"$TMP/vigil-certs"
    same_lines "$TMP/vigil-certs" "$TMP/ref-certs" "$name: certificates"
    [ "$(jq '.endpoints[0].chain.sent' "$name.json")" = "$i" ] || fail "$name: chain.sent is not $i"
    want=$(openssl x509 -in "$dir/0.pem" -noout -text | sed -n 's/^ *Signature Algorithm: //p' | sed -n 1p)
    [ "$(jq -r '.endpoints[0].certificates[0].signature_algorithm' "$name.json")" = "$want" ] ||
        fail "$name: the leaf's signature algorithm is not $want"
    openssl x509 -in "$dir/0.pem" -noout -ext subjectAltName | sed -n 's/^ *//p' | tr ',' '\n' | sed 's/^ *//' |
        grep -E '^(DNS|IP Address):' | sed 's/^IP Address:/IP:/' >"$TMP/ref-san"
    jq -r '.endpoints[0].certificates[0].san | (.dns[] | "DNS:\(.)"), (.ip[] | "IP:\(.)")' "$name.json" >"$TMP/vigil-san"
    same_lines "$TMP/vigil-san" "$TMP/ref-san" "$name: subjectAltName"
}

# check_chain NAME CAFILE: verified, the error, sent_complete as openssl verify sees them at the collection time.
check_chain() {
    local name=$1 ca=$2 dir=$TMP/chain-$1 got want sent_only untrusted=()
    cat "$dir"/[1-9]*.pem >"$dir/untrusted.pem" 2>/dev/null || : >"$dir/untrusted.pem"
    [ -s "$dir/untrusted.pem" ] && untrusted=(-untrusted "$dir/untrusted.pem")
    want=$({ openssl verify -attime "$SOURCE_DATE_EPOCH" -purpose sslserver -CAfile "$ca" "${untrusted[@]}" \
        "$dir/0.pem" 2>&1 || true; } | sed -n 's/^error [0-9]* at [0-9]* depth lookup: //p' | sed -n 1p)
    got=$(jq -r '.endpoints[0].chain | if .verified then "" else .error end' "$name.json")
    [ "$got" = "$want" ] || fail "$name: chain error '$got', openssl verify says '$want'"
    # complete: the sent certificates alone (with the root as the only trusted one) verify
    if [ -z "$want" ]; then
        sent_only=false
        [ -s "$dir/untrusted.pem" ] && openssl verify -attime "$SOURCE_DATE_EPOCH" -CAfile "$TLS/root.pem" \
            -untrusted "$dir/untrusted.pem" "$dir/0.pem" >/dev/null 2>&1 && sent_only=true
        [ "$(jq '.endpoints[0].chain.sent_complete' "$name.json")" = "$sent_only" ] ||
            fail "$name: chain.sent_complete is not $sent_only"
    fi
}

check_hostname() { # NAME NAME-OR-IP [CHAIN: the certificates of another document]
    local want=false leaf=$TMP/chain-${3:-$1}/0.pem
    if [[ $2 =~ ^[0-9.]+$ ]]; then
        openssl x509 -in "$leaf" -noout -checkip "$2" | grep -q 'does match' && want=true
    else
        openssl x509 -in "$leaf" -noout -checkhost "$2" | grep -q 'does match' && want=true
    fi
    jq -e --arg n "$2" --argjson m $want '.endpoints[0].hostname == {name: $n, match: $m}' "$1.json" >/dev/null ||
        fail "$1: hostname is not {$2, $want}"
}

check_certificates nginx "$TLS_NGINX"
check_certificates strong "$TLS_STRONG"
check_certificates weak "$TLS_WEAK"
check_certificates ec12 "$TLS_EC12"
cp -r "$TMP/chain-strong" "$TMP/chain-strong-root"
check_chain nginx "$TLS/root.pem"
check_chain strong "$TLS/root+inter.pem"
check_chain strong-root "$TLS/root.pem"
check_chain weak "$TLS/root.pem"
jq -e '.endpoints[0].chain.verified' nginx.json >/dev/null || fail "nginx: the chain does not verify"
jq -e '.endpoints[0].chain | .verified and .sent_complete == false' strong.json >/dev/null ||
    fail "strong: the chain sent without its intermediate is not incomplete"
check_hostname nginx localhost
check_hostname strong 127.0.0.1
check_hostname weak 127.0.0.1
check_hostname weak-name localhost weak
check_hostname ec12 127.0.0.1
jq -e '.endpoints[0].hostname.match == false' weak-name.json >/dev/null || fail "weak matches localhost"
jq -e '.endpoints[0].certificates[0] | .self_signed and .key.type == "RSA"' weak.json >/dev/null ||
    fail "weak: the certificate is not self-signed RSA"

# OCSP: what openssl s_client -status prints.
timeout 10 openssl s_client -connect "$TLS_NGINX" -servername localhost -status </dev/null >"$TMP/status.out" 2>&1 || true
want=$(sed -n 's/^ *Cert Status: //p' "$TMP/status.out")
[ -n "$want" ] || { cat "$TMP/status.out" >&2; fail "openssl s_client -status saw no stapled response from nginx"; }
jq -e --arg s "$want" '.endpoints[0].ocsp | .stapled and .response_status == "successful" and .cert_status == $s
    and .signature_verified' nginx.json >/dev/null || fail "nginx: ocsp is not a verified '$want' response"
timeout 10 openssl s_client -connect "$TLS_STRONG" -status </dev/null >"$TMP/status.out" 2>&1 || true
grep -q 'OCSP response: no response sent' "$TMP/status.out" || fail "openssl s_client -status: strong stapled something"
jq -e '.endpoints[0].ocsp == {stapled: false}' strong.json >/dev/null || fail "strong: ocsp is not {stapled: false}"

# HSTS: the header nginx sends to openssl s_client's HEAD /.
printf 'HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -connect "$TLS_NGINX" -servername localhost -quiet 2>/dev/null >"$TMP/head.out" || true
sts=$(tr -d '\r' <"$TMP/head.out" | sed -n 's/^[Ss]trict-[Tt]ransport-[Ss]ecurity: *//p')
code=$(sed -n '1s/^HTTP\/1\.[01] \([0-9]*\).*/\1/p' "$TMP/head.out")
[ -n "$sts" ] && [ -n "$code" ] || fail "nginx sent no Strict-Transport-Security to openssl s_client"
max_age=$(sed -n 's/.*max-age=\([0-9]*\).*/\1/p' <<<"$sts")
sub=false
grep -qi includesubdomains <<<"$sts" && sub=true
jq -e --arg v "$sts" --argjson a "$max_age" --argjson s $sub --argjson c "$code" '.endpoints[0].http | .status == "answered"
    and .status_code == $c and .hsts == {present: true, fields: 1, value: $v, valid: true, problem: null, max_age: $a,
    include_subdomains: $s, preload: false}' nginx.json >/dev/null || fail "nginx: http is not the HSTS header '$sts'"
jq -e '.endpoints[0].negotiated.alpn == "http/1.1"' nginx.json >/dev/null || fail "nginx: ALPN http/1.1 not seen"
# openssl s_server -www does not answer HEAD: no HTTP, within the timeout.
jq -e '.endpoints[0].http.status == "no_answer"' strong.json >/dev/null || fail "strong: an HTTP answer from s_server?"

# ---- what cannot be checked: exit 3, bounded by --timeout ----------------------------------

t0=$(ms)
expect_status 3 $VIGIL collect tls --timeout 1 "$TLS_SILENT" "$TLS_CLOSED" -o bad.json
elapsed=$(($(ms) - t0))
[ "$elapsed" -lt 3000 ] || fail "a silent server and a closed port took ${elapsed} ms with --timeout 1"
validate vigil-collect-tls bad.json
expect_stderr "not checked: $TLS_SILENT: no TLS handshake succeeded: TLSv1.3: no answer within 1 s"
expect_stderr "not checked: $TLS_CLOSED: connect: Connection refused"
jq -e --arg s "$TLS_SILENT" --arg c "$TLS_CLOSED" '[.unchecked[].what] == [$s, $c]
    and ([.endpoints[].status] == ["unchecked", "unchecked"])
    and ([.endpoints[0].protocols[] | select(.version != "SSLv3") | .status] | all(. == "unchecked"))
    and .endpoints[1].protocols == [] and .endpoints[1].address == null' bad.json >/dev/null ||
    fail "bad.json: the silent server and the closed port are not unchecked"

# ---- bad command lines and inputs --------------------------------------------------------

expect_status 2 $VIGIL collect tls
expect_stderr 'name at least one endpoint'
expect_status 2 $VIGIL collect tls example.org
expect_stderr 'example.org: not HOST:PORT'
expect_status 2 $VIGIL collect tls 127.0.0.1:0
expect_stderr '127.0.0.1:0: the port is not a number from 1 to 65535'
expect_status 2 $VIGIL collect tls ::1:443
expect_stderr 'must be written \[ADDRESS\]:PORT'
expect_status 2 $VIGIL collect tls --timeout 0 "$TLS_NGINX"
expect_stderr '--timeout 0: expected a number of seconds'
echo 'not a certificate' >"$TMP/junk.pem"
expect_status 1 $VIGIL collect tls --ca "$TMP/junk.pem" "$TLS_NGINX" -o junk.json
expect_stderr "$TMP/junk.pem: no PEM certificate could be read from it"
[ ! -e junk.json ] || fail "a document was written with a bad --ca"

echo "ok: vigil collect tls agrees with openssl's tools on nginx, a strong and a weak s_server; the rest is unchecked"

# collect_securitytxt.sh — `vigil collect securitytxt` on security.txt files
# written here after RFC 9116's own examples (section 2.5): a valid one
# (CRLF ends), one signed by `gpg --clearsign` with a key made here, an
# expired one, one without Contact, one with Expires twice, one with an
# Expires two years ahead and a Contact that is no URI, one over 32 KiB;
# then fetched from a loopback `openssl s_server -WWW` with a self-signed
# certificate made by openssl req (passed with --ca), a python3 ssl HTTPS
# server for what s_server cannot answer (404, redirects to the same and
# to another origin, text/html, a body over 32 KiB), an untrusted
# certificate and a closed port.  Every expected fact below is written by
# hand from these inputs; SOURCE_DATE_EPOCH is the collection
# time.  The documents are validated against
# docs/collect-securitytxt.schema.json.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1756166400 # 2025-08-26T00:00:00Z
source "$(dirname "$0")/tls_lib.sh"
need_cmd jq
need_cmd openssl
cd "$TMP"

# check FILE.json JQ WHAT: the jq expression JQ is true of FILE.json.
check() {
    jq -e "$2" "$1" >/dev/null || { jq . "$1" >&2; fail "$1: $3"; }
}
# problems FILE.json: its problem codes, sorted, on one line.
problems() { jq -r '[.problems[].code] | sort | join(" ")' "$1"; }

# ---- files --------------------------------------------------------------------------

# RFC 9116, 2.5: the example fields, with CRLF line ends and comments.
printf '%s\r\n' '# Our security address' 'Contact: mailto:security@example.com' \
    'Contact: tel:+1-201-555-0123' 'contact: https://example.com/security-contact.html' \
    'Expires: 2026-01-01T00:00:00.000Z' 'Encryption: https://example.com/pgp-key.txt' \
    'Acknowledgments: https://example.com/hall-of-fame.html' 'Preferred-Languages: en, es, fr' \
    'Canonical: https://www.example.com/.well-known/security.txt' 'Policy: https://example.com/disclosure.html' \
    'Hiring: https://example.com/jobs.html' 'CSAF: https://example.com/.well-known/csaf/provider-metadata.json' \
    '' '# a field RFC 9116 does not know is kept by name' 'X-Bug-Bounty: https://example.com/bounty' >valid.txt
expect_status 0 $VIGIL collect securitytxt valid.txt -o valid.json
validate vigil-collect-securitytxt valid.json
check valid.json '.status == "checked" and .unchecked == [] and .problems == [] and .source == {kind: "file", path: "valid.txt"}' \
    "not a clean, checked document"
check valid.json '.contact == ["mailto:security@example.com", "tel:+1-201-555-0123", "https://example.com/security-contact.html"]' "Contact"
check valid.json '.expires == "2026-01-01T00:00:00.000Z" and .expires_in_days == 128' "Expires (128 days after 2025-08-26)"
check valid.json '.preferred_languages == ["en", "es", "fr"] and .encryption == ["https://example.com/pgp-key.txt"]' \
    "Preferred-Languages, Encryption"
check valid.json '.acknowledgments == ["https://example.com/hall-of-fame.html"] and .hiring == ["https://example.com/jobs.html"]
    and .policy == ["https://example.com/disclosure.html"] and .csaf == ["https://example.com/.well-known/csaf/provider-metadata.json"]
    and .canonical == ["https://www.example.com/.well-known/security.txt"]' "Acknowledgments, Hiring, Policy, CSAF, Canonical"
check valid.json '.unknown == [{name: "X-Bug-Bounty", value: "https://example.com/bounty", line: 15}]' "the unknown field"
check valid.json '[.fields[].line] == [2,3,4,5,6,7,8,9,10,11,12,15] and .fields[2].name == "Contact"' "field lines and names"
check valid.json ".size == $(stat -c %s valid.txt) and .signature.present == false and .signature.verified == null" "size, signature"

# expired, no Contact, Expires twice, too far ahead with a Contact that is no URI (LF ends).
printf 'Contact: mailto:security@example.com\nExpires: 2025-08-25T23:59:59Z\n' >expired.txt
printf '# no contact\nExpires: 2026-01-01T00:00:00Z\nPolicy: https://example.com/disclosure.html\n' >nocontact.txt
printf 'Contact: mailto:a@example.com\nExpires: 2026-01-01T00:00:00Z\nExpires: 2027-01-01T00:00:00Z\n' >twice.txt
printf 'Contact: security@example.com\nExpires: 2027-08-26T00:00:00+02:00\nthis line is no field\nPolicy: http://example.com/p\n' >far.txt
printf 'Contact: mailto:a@example.com\n' >noexpires.txt
printf 'Contact: mailto:a@example.com\nExpires: 2026-02-30T00:00:00Z\n' >badexpires.txt
for f in expired nocontact twice far noexpires badexpires; do
    expect_status 0 $VIGIL collect securitytxt $f.txt -o $f.json
    validate vigil-collect-securitytxt $f.json
done
[ "$(problems expired.json)" = "expired" ] || fail "expired.txt: problems $(problems expired.json)"
check expired.json '.expires_in_days == -1 and .problems[0].line == 2' "expired one second before the collection"
[ "$(problems nocontact.json)" = "missing-contact" ] || fail "nocontact.txt: problems $(problems nocontact.json)"
[ "$(problems twice.json)" = "duplicate-expires" ] || fail "twice.txt: problems $(problems twice.json)"
check twice.json '.expires == "2026-01-01T00:00:00Z" and .problems[0].line == 3 and (.fields | length) == 3' \
    "the first Expires counts, the second is the problem"
[ "$(problems far.json)" = "contact-not-uri expires-too-far invalid-line uri-not-https" ] || fail "far.txt: problems $(problems far.json)"
check far.json '.expires_in_days == 729' "2027-08-26T00:00+02:00 is 729 days and 22 hours ahead"
[ "$(problems noexpires.json)" = "missing-expires" ] || fail "noexpires.txt: problems $(problems noexpires.json)"
[ "$(problems badexpires.json)" = "bad-expires" ] || fail "badexpires.txt: problems $(problems badexpires.json)"

# over 32 KiB: refused, nothing written.
{ cat valid.txt; head -c 33000 /dev/zero | tr '\0' '#'; echo; } >big.txt
expect_status 1 $VIGIL collect securitytxt big.txt -o big.json
expect_stderr 'big.txt: larger than 32768 bytes'
[ ! -e big.json ] || fail "big.json written for a refused file"
expect_status 1 $VIGIL collect securitytxt missing.txt
expect_stderr 'missing.txt: No such file'

# ---- an OpenPGP cleartext signature -------------------------------------------------

if have_cmd gpg "the signed security.txt (gpg --clearsign)"; then
    export GNUPGHOME=$TMP/gnupg
    mkdir -m 700 "$GNUPGHOME"
    gpg --batch --quiet --passphrase '' --quick-gen-key 'vigil test <security@example.com>' ed25519 sign 1y 2>/dev/null ||
        fail "gpg --quick-gen-key"
    # a line starting with "-" is dash-escaped by gpg ("- -") and must come back as it was
    printf 'Contact: mailto:security@example.com\nExpires: 2026-01-01T00:00:00Z\n-X-Dash: starts with a dash\n' >plain.txt
    gpg --batch --quiet --clearsign --output signed.txt plain.txt || fail "gpg --clearsign"
    grep -q '^- -X-Dash' signed.txt || fail "gpg did not dash-escape the line"
    gpg --batch --quiet --verify signed.txt 2>/dev/null || fail "gpg --verify of its own signature"
    expect_status 0 $VIGIL collect securitytxt signed.txt -o signed.json
    validate vigil-collect-securitytxt signed.json
    check signed.json '.signature.present == true and .signature.verified == null and (.signature.why | test("not verif"))' \
        "the signature: present, never claimed verified"
    check signed.json '.problems == [] and .contact == ["mailto:security@example.com"] and .expires == "2026-01-01T00:00:00Z"' \
        "the signed fields"
    # the dash-escaped line comes back as written: an unknown field named "-X-Dash", on its line of signed.txt
    dash_line=$(grep -n '^- -X-Dash' signed.txt | cut -d: -f1)
    check signed.json ".unknown == [{name: \"-X-Dash\", value: \"starts with a dash\", line: $dash_line}]" \
        "the dash-escaped line"
fi

# ---- fetched over HTTPS from loopback ------------------------------------------------

# curl checks certificate dates against the clock, not SOURCE_DATE_EPOCH: a
# self-signed certificate valid from now on, given to vigil as the --ca anchor
mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TLS/site.key" -out "$TLS/site.pem" \
    -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null || fail "openssl req -x509"
port=$(tls_free_port)
site=https://127.0.0.1:$port
mkdir -p www/.well-known
# the file names itself as Canonical at the address it is served from
{ printf 'Contact: mailto:security@example.com\nExpires: 2026-01-01T00:00:00Z\n'; echo "Canonical: $site/.well-known/security.txt"; } \
    >www/.well-known/security.txt
# the same file served at another path: its Canonical does not name that path
cp www/.well-known/security.txt www/other.txt
(cd www && exec openssl s_server -accept "127.0.0.1:$port" -WWW -quiet -cert "$TLS/site.pem" -key "$TLS/site.key" \
    </dev/null >"$TMP/s_server.log" 2>&1) &
server=$!
at_exit "kill $server 2>/dev/null; wait $server 2>/dev/null"
tls_wait_port "$port"

t0=$(date +%s%3N)
expect_status 0 $VIGIL collect securitytxt --ca "$TLS/site.pem" --timeout 5 "$site/" -o site.json
site_ms=$(($(date +%s%3N) - t0))
validate vigil-collect-securitytxt site.json
check site.json ".source == {kind: \"url\", requested: \"$site/.well-known/security.txt\", final: \"$site/.well-known/security.txt\",
    content_type: \"text/plain\", http_status: 200}" "a site URL is fetched at /.well-known/security.txt"
check site.json '.status == "checked" and .problems == [] and .contact == ["mailto:security@example.com"]' "the fetched fields"
echo "collect securitytxt of a loopback site: ${site_ms} ms"

expect_status 0 $VIGIL collect securitytxt --ca "$TLS/site.pem" --timeout 5 "$site/other.txt" -o other.json
validate vigil-collect-securitytxt other.json
[ "$(problems other.json)" = "canonical-mismatch" ] || fail "other.txt: problems $(problems other.json)"

# what s_server cannot answer (it answers 200 to everything): a python3 HTTPS
# server (ssl, http.server) answering 404, a redirect on the same origin and
# one to another host name (localhost)
need_cmd python3
port2=$(tls_free_port)
cat >redirects.py <<'PY'
import http.server, ssl, sys
port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/same":
            self.send_response(302); self.send_header("Location", f"https://127.0.0.1:{port}/.well-known/security.txt")
            self.end_headers()
        elif self.path == "/other":
            self.send_response(302); self.send_header("Location", f"https://localhost:{port}/.well-known/security.txt")
            self.end_headers()
        elif self.path in ("/.well-known/security.txt", "/html", "/big"):
            body = b"Contact: mailto:security@example.com\nExpires: 2026-01-01T00:00:00Z\n"
            if self.path == "/big":
                body += b"#" * 40000 + b"\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if self.path == "/html" else "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
        else:
            self.send_error(404)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", port), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
python3 redirects.py "$port2" "$TLS/site.pem" "$TLS/site.key" 2>"$TMP/redirects.log" &
server2=$!
at_exit "kill $server2 2>/dev/null; wait $server2 2>/dev/null"
tls_wait_port "$port2"
site2=https://127.0.0.1:$port2
expect_status 0 $VIGIL collect securitytxt --ca "$TLS/site.pem" --timeout 5 "$site2/same" -o same.json
validate vigil-collect-securitytxt same.json
check same.json ".source.final == \"$site2/.well-known/security.txt\" and .source.requested == \"$site2/same\"
    and .problems == [] and .source.content_type == \"text/plain; charset=utf-8\"" "a same-origin redirect is followed and recorded"
expect_status 3 $VIGIL collect securitytxt --ca "$TLS/site.pem" --timeout 5 "$site2/other" -o other-host.json
validate vigil-collect-securitytxt other-host.json
check other-host.json ".status == \"unchecked\" and (.unchecked[0].reason | test(\"redirected to https://localhost:$port2/.* another origin: not followed\"))" \
    "a redirect to another host is not followed"
expect_status 3 $VIGIL collect securitytxt --ca "$TLS/site.pem" --timeout 5 "$site2/absent.txt" -o absent.json
validate vigil-collect-securitytxt absent.json
check absent.json '.status == "unchecked" and .source.http_status == 404 and (.unchecked[0].reason | test("HTTP status 404"))
    and (has("problems") | not)' "a 404 is unchecked"
expect_status 0 $VIGIL collect securitytxt --ca "$TLS/site.pem" --timeout 5 "$site2/html" -o html.json
[ "$(problems html.json)" = "content-type" ] || fail "html: problems $(problems html.json)"
expect_status 3 $VIGIL collect securitytxt --ca "$TLS/site.pem" --timeout 5 "$site2/big" -o big-url.json
validate vigil-collect-securitytxt big-url.json
check big-url.json '.status == "unchecked" and (.unchecked[0].reason | test("larger than 32768 bytes"))' \
    "a body over 32 KiB is not read"
# a certificate not trusted, a closed port: unchecked, exit 3
expect_status 3 $VIGIL collect securitytxt --timeout 5 "$site/" -o untrusted.json
check untrusted.json '.status == "unchecked" and (.unchecked[0].reason | test("certificate"; "i"))' \
    "a chain that does not lead to the system's store is unchecked"
closed=$(tls_free_port)
t0=$(date +%s%3N)
expect_status 3 $VIGIL collect securitytxt --ca "$TLS/site.pem" --timeout 2 "https://127.0.0.1:$closed/" -o closed.json
[ $(($(date +%s%3N) - t0)) -lt 3000 ] || fail "a closed port took longer than its --timeout"
validate vigil-collect-securitytxt closed.json
check closed.json ".status == \"unchecked\" and .unchecked[0].what == \"https://127.0.0.1:$closed/.well-known/security.txt\"" \
    "a closed port is unchecked"
expect_stderr 'not checked: '

# http:// is refused without --allow-http; not a URL is a usage error
expect_status 2 $VIGIL collect securitytxt "http://127.0.0.1:$closed/"
expect_stderr 'RFC 9116 requires HTTPS'
expect_status 2 $VIGIL collect securitytxt --timeout 0 valid.txt
expect_status 2 $VIGIL collect securitytxt valid.txt twice.txt
expect_stderr 'name one URL or FILE'
expect_status 0 $VIGIL collect securitytxt --help
grep -q -- '--allow-http' "$TMP/stdout" || fail "--help does not list --allow-http"

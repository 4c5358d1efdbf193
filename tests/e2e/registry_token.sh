# registry_token.sh — the registry token flow (docker distribution
# docs/spec/auth/token.md): Debian's docker-registry configured for bearer
# tokens answers 401 with "WWW-Authenticate: Bearer realm=...,service=...,
# scope=..."; a token service written here (python, https on loopback with
# the test CA) checks HTTP Basic credentials and issues an RS256 JWT
# signed by a key whose certificate the registry trusts (openssl signs).
# Checks: vigil gets a token for the right service and scope
# (repository:REPO:pull), with the credentials as Basic, and the SBOM is
# that of the image (digest as skopeo computes it); a wrong password is
# refused by the token service and vigil says so (exit 1); without
# credentials vigil asks for them (exit 1).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry_lib.sh"

need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
TPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
REG_TOKEN_REALM="https://127.0.0.1:$TPORT/token"
registry_start

# The token service: GET /token?service=&scope= with Basic credentials.
python3 - "$TPORT" "$TMP/registry" "$REG_CREDS" "$TMP/token.log" <<'PY' &
import base64, http.server, json, ssl, subprocess, sys, time, urllib.parse, uuid
port, d, creds, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
der = subprocess.run(["openssl", "x509", "-in", d + "/token.crt", "-outform", "DER"], capture_output=True, check=True).stdout
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        auth = self.headers.get("Authorization", "")
        ok = auth == "Basic " + base64.b64encode(creds.encode()).decode()
        with open(log, "a") as f:
            f.write(json.dumps({"service": q.get("service"), "scope": q.get("scope"), "basic": auth.startswith("Basic "), "ok": ok}) + "\n")
        if not ok:
            self.send_response(401)
            self.end_headers()
            return
        access = []
        for sc in q.get("scope", []):
            t, name, actions = sc.split(":")
            access.append({"type": t, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        head = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
        claims = {"iss": "vigil-test-issuer", "sub": creds.split(":")[0], "aud": q["service"][0], "exp": now + 600,
                  "nbf": now - 60, "iat": now, "jti": str(uuid.uuid4()), "access": access}
        signing = b64(json.dumps(head).encode()) + "." + b64(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", d + "/token.key"], input=signing.encode(),
                             capture_output=True, check=True).stdout
        body = json.dumps({"token": signing + "." + b64(sig)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", port), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(d + "/server.crt", d + "/server.key")
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.timeout = 1
end = time.time() + 300
while time.time() < end:
    srv.handle_request()
PY
token_pid=$!
at_exit "kill $token_pid 2>/dev/null"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$TPORT") 2>/dev/null && break; sleep 0.1; done

python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o "$TMP/img" --tag vigil/alpine:3.11 \
    "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz"
registry_push oci:"$TMP/img" vigil/alpine:3.11
want=$(skopeo inspect --cert-dir "$REG_CERTS" --creds "$REG_CREDS" --raw "docker://$REG/vigil/alpine:3.11" | sha256sum | cut -d' ' -f1)
export VIGIL_CACHE="$TMP/cache"
: >"$TMP/token.log"

expect_status 0 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_CREDS" \
    "registry:$REG/vigil/alpine:3.11" -o "cyclonedx-json=$TMP/sbom.json"
python3 - "$TMP/sbom.json" "$want" "$TMP/token.log" <<'PY' || fail "token flow"
import json, sys
sbom, want, log = json.load(open(sys.argv[1])), sys.argv[2], [json.loads(l) for l in open(sys.argv[3])]
assert sbom["metadata"]["component"]["version"] == "sha256:" + want, sbom["metadata"]["component"]["version"]
assert any(c.get("purl", "").startswith("pkg:apk/alpine/busybox@") for c in sbom["components"])
assert log and all(e["ok"] and e["basic"] for e in log), log
assert all(e["service"] == ["vigil-test-registry"] and e["scope"] == ["repository:vigil/alpine:pull"] for e in log), log
PY
echo "ok: bearer token from the realm, for service vigil-test-registry and scope repository:vigil/alpine:pull"

expect_status 1 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" --registry-auth "$REG_USER:wrong" \
    "registry:$REG/vigil/alpine:3.11" -o "cyclonedx-json=$TMP/bad.json"
expect_stderr "credentials for user '$REG_USER' \(from --registry-auth\) were refused for vigil/alpine"
[ ! -e "$TMP/bad.json" ] || fail "an SBOM was written after the refusal"
HOME="$TMP/nohome" expect_status 1 "$VIGIL" sbom --registry-ca "$REG_CERTS/ca.crt" "registry:$REG/vigil/alpine:3.11"
expect_stderr "vigil/alpine needs credentials: give --registry-auth"
echo "ok: the token service's refusal, and no credentials, are clear errors (exit 1)"

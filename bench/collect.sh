#!/usr/bin/env bash
# bench/collect.sh [BUILD] — issue 11's collector targets, on this machine:
#   - `vigil collect host /` and `vigil collect binaries /` together under
#     2 s, against `find / -xdev` (the walk both make) and `find / -xdev
#     -perm /6000` (what the host collector's setuid part answers);
#   - `vigil collect binaries /usr/bin` against checksec 2.6 (Debian's
#     checksec: `checksec --dir=/usr/bin --output=json`), the same facts
#     per file;
#   - `vigil collect tls` of one endpoint under 2 s, against sslscan and
#     testssl.sh (Debian's packages) on the same loopback nginx.
# hyperfine for the times, GNU time for the peak memory.  Results:
# bench/README.md, section "Collectors".  Not a test: nothing is asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$here/build}
RUNS=${RUNS:-10}
vigil=$BUILD/vigil
for c in hyperfine nginx openssl sslscan testssl checksec; do
    command -v "$c" >/dev/null || { echo "$c is not installed (apt-get install hyperfine nginx sslscan testssl.sh checksec)" >&2; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
echo "load: $(uptime | sed 's/.*load average/load average/')"
echo "files under / (-xdev): $(find / -xdev 2>/dev/null | wc -l)"

# ---- host and binaries of / ---------------------------------------------------------
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-markdown "$work/host.md" \
    -n "collect host /" "$vigil collect host / -o $work/host.json" \
    -n "collect binaries /" "$vigil collect binaries / -o $work/bin.json" \
    -n "both, one after the other" "sh -c '$vigil collect host / -o $work/host.json; $vigil collect binaries / -o $work/bin.json'" \
    -n "find / -xdev" "sh -c 'find / -xdev >/dev/null 2>&1'" \
    -n "find / -xdev -perm /6000" "sh -c 'find / -xdev -perm /6000 >/dev/null 2>&1'" \
    >/dev/null 2>&1
cat "$work/host.md"
/usr/bin/time -f "collect host /: %e s, %M KB peak" "$vigil" collect host / -o "$work/host.json" || true
/usr/bin/time -f "collect binaries /: %e s, %M KB peak" "$vigil" collect binaries / -o "$work/bin.json" || true
echo "binaries listed: $(jq .summary.binaries "$work/bin.json")"

# ---- binaries of /usr/bin against checksec ---------------------------------------------
hyperfine -N -i --warmup 1 --runs 3 --export-markdown "$work/bin.md" \
    -n "collect binaries /usr/bin" "$vigil collect binaries /usr/bin -o $work/usrbin.json" \
    -n "checksec --dir=/usr/bin" "sh -c 'checksec --dir=/usr/bin --output=json >$work/checksec.json 2>/dev/null'" \
    >/dev/null 2>&1
cat "$work/bin.md"
# The facts both tell, file by file: PIE, NX, RELRO (none/partial/full), canary.
python3 - "$work/usrbin.json" "$work/checksec.json" <<'PY'
import json, sys
vigil = {"/usr/bin" + b["path"]: b for b in json.load(open(sys.argv[1]))["binaries"]}
ck = {k: v for k, v in json.load(open(sys.argv[2])).items() if k != "dir"}
yes = lambda v: {"yes": True, "no": False}.get(v)
same = differ = 0
for path, c in ck.items():
    v = vigil.get(path)
    if v is None:
        continue
    pie = v["pie"] if v["type"] != "shared-object" else None
    facts = [(pie, {"yes": True, "no": False}.get(c["pie"])), (v["nx"], yes(c["nx"])),
             (v["relro"], {"no": "none"}.get(c["relro"], c["relro"])), (v["canary"], yes(c["canary"]))]
    if all(a == b for a, b in facts if a is not None and b is not None):
        same += 1
    else:
        differ += 1
print(f"ELF files: vigil {len(vigil)}, checksec {len(ck)}; of those both list, PIE, NX, RELRO and canary "
      f"agree on {same}, differ on {differ}")
PY

# ---- one TLS endpoint ------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 30 \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost >/dev/null 2>&1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/nginx.conf" <<EOF
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fcgi;
    uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
    server {
        listen 127.0.0.1:$port ssl;
        ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        add_header Strict-Transport-Security "max-age=31536000" always;
        location / { return 200 "ok\n"; }
    }
}
EOF
nginx -c "$work/nginx.conf" -e "$work/error.log"
sleep 0.5
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-markdown "$work/tls.md" \
    -n "collect tls" "$vigil collect tls --ca $work/cert.pem --servername localhost 127.0.0.1:$port -o $work/tls.json" \
    -n "sslscan" "sslscan --no-colour 127.0.0.1:$port" \
    >/dev/null 2>&1
hyperfine -N -i --runs 1 --export-markdown "$work/testssl.md" \
    -n "testssl.sh (default run)" "testssl --quiet --color 0 --warnings batch 127.0.0.1:$port" >/dev/null 2>&1
cat "$work/tls.md" "$work/testssl.md"

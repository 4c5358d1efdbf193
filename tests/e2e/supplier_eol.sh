# supplier_eol.sh — the shipped end-of-life table (policy/data/end-of-life.json)
# against a real reference, and its lookup (src/supplier/eol.c, run by the
# test tool supplier-check) on real SBOMs:
#  - every Debian and Ubuntu cycle of the table equals Debian's
#    distro-info-data (/usr/share/distro-info/*.csv): the table's eol is the
#    eol column (Debian: regular security support, not eol-lts/eol-elts;
#    Ubuntu: standard support, not eol-esm) of each release both know;
#    every cycle of the table is a release distro-info knows, and every
#    release distro-info has released and dated (Debian 7 and later,
#    Ubuntu 14.04 and later, released by the table's as_of) is in the table;
#  - vigil's SBOMs of the Debian bookworm, Alpine 3.11.13 and 3.10.9 root
#    filesystems: every package is its release's cycle (debian 12 ending
#    2026-07-11, alpine 3.11 ending 2021-11-01, alpine 3.10 ending
#    2021-05-01, written here from the releases' own pages), past on the day
#    of the end and not the day before; the same with the distro qualifiers
#    removed from the purls, where the OS of the document (the
#    operating-system component, "debian:12" as the store keeps it) decides;
#  - a Go program built here with the Go toolchain: vigil's stdlib component
#    is the go cycle of `go env GOVERSION` (Debian bookworm's Go 1.19 ended
#    2023-09-06, endoflife.date/go).
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_cmd python3
need_cmd go
[ -r /usr/share/distro-info/debian.csv ] && [ -r /usr/share/distro-info/ubuntu.csv ] ||
    skip "distro-info-data is not installed (run ./setup.sh --test)"
CHECK=${VIGIL_BUILD:?VIGIL_BUILD must name the build directory}/tests/supplier-check
[ -x "$CHECK" ] || fail "$CHECK is not built"
TABLE=$VIGIL_SRC/policy/data/end-of-life.json

# --- the table against distro-info-data ------------------------------------
python3 - "$TABLE" <<'EOF'
import csv, json, sys

table = json.load(open(sys.argv[1]))
as_of = table["as_of"]
failures = 0
for product, path, first in (("debian", "/usr/share/distro-info/debian.csv", 7.0),
                             ("ubuntu", "/usr/share/distro-info/ubuntu.csv", 14.04)):
    ref = {}
    for row in csv.DictReader(open(path)):
        version = row["version"].replace(" LTS", "")
        if version:
            ref[version] = row
    cycles = next(p for p in table["products"] if p["name"] == product)["cycles"]
    listed = {c["cycle"]: c for c in cycles}
    compared = 0
    for cycle, c in listed.items():
        if cycle not in ref:
            print(f"FAIL {product} {cycle}: distro-info does not know this release")
            failures += 1
            continue
        want = ref[cycle]["eol"] or None
        if c["eol"] != want:
            print(f"FAIL {product} {cycle}: table eol {c['eol']}, distro-info eol {want}")
            failures += 1
        compared += 1
    for version, row in ref.items():
        if float(version) >= first and row.get("release") and row["release"] <= as_of and row.get("eol") \
                and version not in listed:
            print(f"FAIL {product} {version}: released and dated in distro-info, missing from the table")
            failures += 1
    if compared < 7:
        print(f"FAIL {product}: only {compared} cycles compared")
        failures += 1
    print(f"{product}: {compared} cycles equal to distro-info's eol column")
sys.exit(1 if failures else 0)
EOF

# --- vigil's SBOMs of the fixtures -----------------------------------------
for fx in debian-bookworm-minbase-pkgdb alpine-minirootfs-3.11.13-x86_64 alpine-minirootfs-3.10.9-x86_64; do
    "$VIGIL" sbom "$VIGIL_SHARED/fixtures/rootfs/$fx.tar.gz" -o cyclonedx-json >"$TMP/$fx.json"
    # The same document without the distro qualifiers.
    python3 - "$TMP/$fx.json" "$TMP/$fx-noqual.json" <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
n = 0
for c in doc["components"]:
    if "purl" in c and "distro=" in c["purl"]:
        c["purl"] = re.sub(r"([?&])distro=[^&#]*&?", r"\1", c["purl"]).rstrip("?&")
        c["bom-ref"] = c["purl"]
        n += 1
assert n > 10, n
json.dump(doc, open(sys.argv[2], "w"))
EOF
done

# expect DOC DATE OS PRODUCT CYCLE EOL PAST: every component of DOC, looked
# up at DATE, is PRODUCT CYCLE ending EOL (PAST true/false) in OS.
expect() {
    "$CHECK" eol "$TABLE" "$TMP/$1.json" "$2" >"$TMP/out"
    python3 - "$TMP/out" "$@" <<'EOF'
import json, sys
out, doc, date, os_, product, cycle, eol, past = sys.argv[1:]
lines = [json.loads(l) for l in open(out)]
bad = [l for l in lines if (l["os"], l["product"], l["cycle"], l["eol"], l["past"]) !=
       (os_, product, cycle, eol, past == "true")]
for l in bad[:5]:
    print(f"FAIL {doc} at {date}: {l}")
if len(lines) < 10:
    print(f"FAIL {doc}: only {len(lines)} components")
sys.exit(1 if bad or len(lines) < 10 else 0)
EOF
}
for doc in debian-bookworm-minbase-pkgdb debian-bookworm-minbase-pkgdb-noqual; do
    expect $doc 2026-07-10 debian:12 debian 12 2026-07-11 false
    expect $doc 2026-07-11 debian:12 debian 12 2026-07-11 true
done
for doc in alpine-minirootfs-3.11.13-x86_64 alpine-minirootfs-3.11.13-x86_64-noqual; do
    expect $doc 2021-10-31 alpine:3.11.13 alpine 3.11 2021-11-01 false
    expect $doc 2026-12-04 alpine:3.11.13 alpine 3.11 2021-11-01 true
done
expect alpine-minirootfs-3.10.9-x86_64 2021-05-01 alpine:3.10.9 alpine 3.10 2021-05-01 true
expect alpine-minirootfs-3.10.9-x86_64-noqual 2021-04-30 alpine:3.10.9 alpine 3.10 2021-05-01 false

# --- Go's stdlib in a binary built here ------------------------------------
export GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$TMP/gocache" GOPATH="$TMP/gopath" CGO_ENABLED=0
mkdir -p "$TMP/go/src" "$TMP/go/root/bin"
printf 'module example.com/hello\n\ngo 1.19\n' >"$TMP/go/src/go.mod"
printf 'package main\n\nfunc main() { println("hello") }\n' >"$TMP/go/src/main.go"
(cd "$TMP/go/src" && go build -o "$TMP/go/root/bin/hello" .) || fail "go build failed"
"$VIGIL" sbom "$TMP/go/root" -o cyclonedx-json >"$TMP/go.json"
goversion=$(go env GOVERSION)                     # go1.19.8
cycle=$(echo "$goversion" | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/')
case $cycle in
1.19) want_eol=2023-09-06 ;;                      # endoflife.date/go
1.21) want_eol=2024-08-13 ;;
1.22) want_eol=2025-02-11 ;;
1.23) want_eol=2025-08-12 ;;
1.24) want_eol=2026-02-11 ;;
*) fail "Go $goversion: no end date written in this test for go $cycle" ;;
esac
"$CHECK" eol "$TABLE" "$TMP/go.json" 2026-12-04 >"$TMP/go.out"
grep -F '"purl":"pkg:golang/stdlib@v'"${goversion#go}"'"' "$TMP/go.out" >"$TMP/stdlib" ||
    { cat "$TMP/go.out" >&2; fail "no stdlib component pkg:golang/stdlib@v${goversion#go}"; }
grep -F '"cycle":"'"$cycle"'","eol":"'"$want_eol"'"' "$TMP/stdlib" | grep -F '"past":true,"product":"go"' >/dev/null ||
    { cat "$TMP/stdlib" >&2; fail "stdlib: want go $cycle ending $want_eol, past"; }
# The main module is no runtime: unknown.
grep -F '"purl":"pkg:golang/example.com/hello' "$TMP/go.out" | grep -F '"product":null' >/dev/null ||
    fail "the main module must be unknown to the table"
echo "ok: end-of-life table against distro-info, and its lookup on real SBOMs"

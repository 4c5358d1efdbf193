#!/bin/bash
# vigil scan of a Go source tree: a module version inside an OSV range of the
# real Go vulnerability database is reported with that advisory; the same
# module at the fixed version is not.  The record, its range and the expected
# verdicts are taken from the raw OSV JSON by python, not from vigil.
source "$(dirname "$0")/lib.sh"
need_shared vulndata/osv/Go
need_cmd python3

"$VIGIL" db build --from "$VIGIL_SHARED/vulndata/osv/Go" --db "$TMP/db.sqlite" >/dev/null 2>&1 ||
    fail "db build of the Go records"

# A record with one affected module, one SEMVER range "introduced 0, fixed X"
# (X a plain x.y.z), not withdrawn, and no other record naming the module:
# then at v0.0.1 exactly this record applies, and at vX none does.
python3 - "$VIGIL_SHARED/vulndata/osv/Go" >"$TMP/record" <<'PY'
import glob, json, os, re, sys, collections
recs = {}
by_module = collections.defaultdict(set)
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    r = json.load(open(path))
    recs[r["id"]] = r
    for a in r.get("affected", []):
        by_module[a["package"]["name"]].add(r["id"])
for rid, r in sorted(recs.items()):
    aff = r.get("affected", [])
    if r.get("withdrawn") or len(aff) != 1:
        continue
    name = aff[0]["package"]["name"]
    rng = aff[0].get("ranges", [])
    if name in ("stdlib", "toolchain") or "." not in name.split("/")[0] or len(by_module[name]) != 1:
        continue
    if len(rng) != 1 or rng[0]["type"] != "SEMVER" or aff[0].get("versions"):
        continue
    ev = rng[0]["events"]
    if len(ev) == 2 and ev[0] == {"introduced": "0"} and re.fullmatch(r"[1-9]\d*\.\d+\.\d+", ev[1].get("fixed", "")):
        print(rid, name, ev[1]["fixed"])
        break
PY
read -r id module fixed <"$TMP/record" || fail "no simple Go record in $VIGIL_SHARED/vulndata/osv/Go"

scan_module() { # VERSION OUT: scan a go.mod that requires module at VERSION
    rm -rf "$TMP/src" && mkdir "$TMP/src"
    printf 'module example.com/app\n\ngo 1.21\n\nrequire %s v%s\n' "$module" "$1" >"$TMP/src/go.mod"
    expect_status 0 "$VIGIL" scan --db "$TMP/db.sqlite" --max-db-age 100000d -q -o json="$2" "$TMP/src"
    [ -s "$2" ] || fail "no report for $module v$1"
}
scan_module 0.0.1 "$TMP/low.json"
python3 - "$TMP/low.json" "$id" "$module" "$fixed" <<'PY' || fail "$module v0.0.1 is not reported with $id"
import json, sys
doc = json.load(open(sys.argv[1]))
hits = [f for f in doc["findings"] if f["component"]["name"] == sys.argv[3]]
assert [f["advisories"] for f in hits] == [[sys.argv[2]]], hits
f = hits[0]
assert sys.argv[2] in f["ids"] and f["ecosystem"] == "Go", f
assert f["installedVersion"] == "v0.0.1" and f["fixedVersions"] in (["v" + sys.argv[4]], [sys.argv[4]]), f
PY
scan_module "$fixed" "$TMP/fixed.json"
python3 - "$TMP/fixed.json" "$module" <<'PY' || fail "$module at its fixed version is reported"
import json, sys
doc = json.load(open(sys.argv[1]))
assert not [f for f in doc["findings"] if f["component"]["name"] == sys.argv[2]], doc["findings"]
assert doc["summary"]["componentsChecked"] >= 1
PY
echo "scan of a go.mod against $id ($module < $fixed): ok"

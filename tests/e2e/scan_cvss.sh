#!/usr/bin/env bash
# scan_cvss.sh — finding severities and scores computed from CVSS vectors,
# end to end: the real RustSec advisories (OSV export of crates.io in
# ../shared/vulndata, CVSS v3.1 and v4.0 vectors) against an SBOM listing,
# for every advisory with a vector, one crate at a version inside its first
# affected range.  Each finding's score must equal what ae-cvss-calculator
# (tests/tools/cvss-ref, independent of vigil) gives for the vector the
# finding shows, its severity the v3/v4 rating of that score, and the
# source "cvss"; findings whose records have no vector keep the feed's word.
source "$(dirname "$0")/lib.sh"
need_shared vulndata/osv/crates.io
need_cmd python3
need_cmd node
need_cmd jq
REF=$VIGIL_SRC/tests/tools/cvss-ref
[ -d "$REF/node_modules/ae-cvss-calculator" ] || skip "run: npm ci --prefix tests/tools/cvss-ref"

$VIGIL db build --from "$VIGIL_SHARED/vulndata/osv/crates.io" --db "$TMP/db.sqlite" >/dev/null 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "db build"; }

# The SBOM: a crate version at the start of the first SEMVER range of each
# advisory with a CVSS vector ("introduced" 0 becomes 0.0.0).
python3 - "$VIGIL_SHARED/vulndata/osv/crates.io" >"$TMP/sbom.json" <<'PY'
import json, os, sys
root = sys.argv[1]
comps, seen = [], set()
for name in sorted(os.listdir(root)):
    rec = json.load(open(os.path.join(root, name)))
    if rec.get("withdrawn") or not any(s.get("type", "").startswith("CVSS_") for s in rec.get("severity", [])):
        continue
    for aff in rec.get("affected", []):
        pkg = aff.get("package", {})
        ranges = [r for r in aff.get("ranges", []) if r.get("type") == "SEMVER"]
        if pkg.get("ecosystem") != "crates.io" or not ranges:
            continue
        intro = next((e["introduced"] for e in ranges[0]["events"] if "introduced" in e), None)
        if intro is None:
            continue
        version = "0.0.0" if intro == "0" else intro
        key = (pkg["name"], version)
        if key not in seen:
            seen.add(key)
            comps.append({"type": "library", "bom-ref": f"c{len(comps)}", "name": pkg["name"], "version": version,
                          "purl": f"pkg:cargo/{pkg['name']}@{version}"})
        break
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": comps}, sys.stdout, indent=1)
PY
ncomp=$(jq '.components | length' "$TMP/sbom.json")
[ "$ncomp" -gt 100 ] || fail "only $ncomp components generated"

expect_status 0 $VIGIL scan --db "$TMP/db.sqlite" --max-db-age 100000d -o json "$TMP/sbom.json"
cp "$TMP/stdout" "$TMP/scan.json"
[ "$(jq -r .target.kind "$TMP/scan.json")" = sbom ] || fail "target kind is not sbom"
jq -r '.findings[] | select(.cvss != null and .cvss.score != null) | .cvss.vector' "$TMP/scan.json" | sort -u >"$TMP/vectors"
nvec=$(wc -l <"$TMP/vectors")
[ "$nvec" -gt 50 ] || fail "only $nvec distinct vectors scored"
grep -q '^CVSS:4.0/' "$TMP/vectors" || fail "no CVSS v4.0 vector among the findings"
(cd "$REF" && node ref.js) <"$TMP/vectors" >"$TMP/ref.tsv" || fail "ref.js"

python3 - "$TMP/scan.json" "$TMP/ref.tsv" <<'PY' || fail "scores differ from the reference"
import json, sys
scan = json.load(open(sys.argv[1]))
ref = dict(line.rstrip("\n").split("\t") for line in open(sys.argv[2]))
def rating(s):
    return "none" if s == 0 else "low" if s < 4 else "medium" if s < 7 else "high" if s < 9 else "critical"
bad, scored, feed = 0, 0, 0
for f in scan["findings"]:
    cv = f["cvss"]
    if cv and cv["score"] is not None:
        scored += 1
        want = float(ref[cv["vector"]])
        if abs(cv["score"] - want) > 1e-9 or f["severity"] != rating(want) or f["severitySource"] != "cvss":
            print(f"{f['id']} {cv['vector']}: vigil {cv['score']} {f['severity']} ({f['severitySource']}), "
                  f"reference {want} {rating(want)}", file=sys.stderr)
            bad += 1
    elif f["severitySource"] == "cvss":
        print(f"{f['id']}: severity source cvss without a score", file=sys.stderr)
        bad += 1
    else:
        feed += 1
print(f"{scored} findings scored from CVSS, {feed} without a vector", file=sys.stderr)
sys.exit(1 if bad or scored == 0 else 0)
PY
echo "ok: $nvec vectors of $(jq '.findings | length' "$TMP/scan.json") findings agree with ae-cvss-calculator"

# spdx3_convert.sh — reading SPDX 3.0.1 back, and `vigil convert`:
#  - every one of the 27 official SPDX 3.0.1 examples ($VIGIL_SHARED/schemas/
#    spdx/examples-3.0.1) is converted to spdx3-json and cyclonedx-json@1.7;
#    both results validate against their official schemas (ajv), and a
#    python reading of the ORIGINAL example (below, from the SPDX 3.0.1
#    model: software_Package, software_File, Annotation, hasDeclaredLicense,
#    hasConcludedLicense, verifiedUsing) checks that every software_Package's
#    name, version and purl is in the result, that a package with a declared
#    licence still has one, and that what vigil does not keep is listed on
#    stderr with its exact count (files, snippets, annotations, AI and
#    dataset packages, concluded licences, package hashes), exit status 3
#    when something is listed and 0 when nothing is;
#  - vigil's own SBOMs of the Alpine and Debian tarballs and of a pnpm
#    project, written as SPDX 3 and as CycloneDX and each read back by
#    convert, give the same components (every field), the same graph and
#    the same OS; vigil's SPDX 3 reads back with nothing dropped (exit 0);
#  - SPDX 2.3 and CycloneDX 1.6 from Syft and Trivy convert to valid SPDX 3
#    (ajv) with the same purls, and what they hold that vigil does not keep
#    is listed (exit 3), with the exact counts of package checksums, files
#    and CycloneDX component hashes;
#  - `vigil scan` of vigil's SPDX 3 SBOM of an Alpine root filesystem (musl
#    set back to a vulnerable release) finds what the scan of its CycloneDX
#    SBOM and of the root filesystem itself find (database built from the
#    Alpine secdb in ../shared/vulndata), with the same OS and components;
#  - --allow-dropped exits 0 and still lists; convert is deterministic;
#    a missing input is exit 1, an unknown format exit 2, and an output
#    that cannot be written leaves the existing file alone.
. "$(dirname "$0")/lib.sh"

EX="$VIGIL_SHARED/schemas/spdx/examples-3.0.1"
need_shared schemas/spdx/examples-3.0.1/spdx-spec_package_sbom.json
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_cmd python3
have_validator || skip "ajv is needed to validate SPDX 3.0.1 (npm ci --prefix tests/tools)"

check_example() { # ORIGINAL CONVERTED-SPDX3 STDERR STATUS
    python3 - "$@" <<'PY' || fail "$1: not carried as expected"
import json, re, sys, urllib.parse
orig = json.load(open(sys.argv[1]))["@graph"]
out = json.load(open(sys.argv[2]))["@graph"]
stderr = open(sys.argv[3]).read()
status = int(sys.argv[4])
errors = []

def purl_key(p):
    """type, namespace, name, version, qualifiers of a purl (purl-spec), decoded."""
    if not p:
        return None
    p = p.split("#")[0]
    rest, _, q = p.partition("?")
    assert rest.startswith("pkg:"), p
    rest = rest[4:].strip("/")
    rest, _, version = rest.rpartition("@") if "@" in rest.split("/")[-1] else (rest, "", "")
    parts = [urllib.parse.unquote(x) for x in rest.split("/")]
    quals = dict(urllib.parse.parse_qsl(q))
    return (parts[0].lower(), "/".join(parts[1:-1]), parts[-1], urllib.parse.unquote(version), tuple(sorted(quals.items())))

def purl_of(e):
    return e.get("software_packageUrl") or next(
        (x["identifier"] for x in e.get("externalIdentifier", []) if x["externalIdentifierType"] == "packageUrl"), None)

def declared(graph):
    d = set()
    for e in graph:
        if e["type"] in ("Relationship", "LifecycleScopedRelationship") and e["relationshipType"] == "hasDeclaredLicense":
            d.add(e["from"])
    return d

roots = set()
for e in orig:
    if e["type"] in ("SpdxDocument", "software_Sbom"):
        roots |= set(e.get("rootElement", []))
out_sbom = next(e for e in out if e["type"] == "software_Sbom")
out_root = next(e for e in out if e.get("spdxId") == out_sbom["rootElement"][0])
out_pkgs = [e for e in out if e["type"] == "software_Package" and e is not out_root]
out_declared = declared(out)
orig_declared = declared(orig)
renamed = "package names other than their purl's" in stderr
reversioned = "package versions other than their purl's" in stderr

expected = hashes = 0
for p in (e for e in orig if e["type"] == "software_Package"):
    purl = purl_of(p)
    name, version = p.get("name"), p.get("software_packageVersion")
    # A root container, file or archive without purl is the target; a root
    # application without purl the product (CycloneDX's metadata.component):
    # the converted root is named "NAME:VERSION", as a CycloneDX subject is read.
    purpose = p.get("software_primaryPurpose")
    if p["spdxId"] in roots and not purl and purpose in ("container", "file", "archive", "application"):
        want = f"{name}:{version}" if purpose == "application" and version else name
        if out_root["name"] != want:
            errors.append(f"root {name}: the converted root is {out_root['name']}, expected {want}")
        continue
    expected += 1
    hashes += len(p.get("verifiedUsing", []))
    def same(q):
        if purl:
            k, kq = purl_key(purl), purl_key(purl_of(q))
            if not kq or k[:3] != kq[:3] or dict(k[4]) != dict(kq[4]):
                return False
            if q.get("software_packageVersion") not in (version, k[3] or version) or (k[3] and kq[3] != k[3]):
                return False
            return q["name"] == name or (renamed and q["name"] in (k[2], f"{k[1]}/{k[2]}"))
        return q["name"] == name and q.get("software_packageVersion") == version
    match = [q for q in out_pkgs if same(q)]
    if not match:
        errors.append(f"package {name} {version} {purl} is not in the converted document")
    elif (p["spdxId"] in orig_declared) != any(q["spdxId"] in out_declared for q in match):
        errors.append(f"package {name}: declared licence not carried")
if len(out_pkgs) != expected:
    errors.append(f"{len(out_pkgs)} packages converted, {expected} expected")

# what the SPDX 3.0.1 model holds that vigil's inventory does not: counted
# in the original, each must be listed with its count
count = {
    "files": sum(e["type"] == "software_File" for e in orig),
    "snippets": sum(e["type"] == "software_Snippet" for e in orig),
    "annotations": sum(e["type"] == "Annotation" for e in orig),
    "AI packages": sum(e["type"] == "ai_AIPackage" for e in orig),
    "dataset packages": sum(e["type"] == "dataset_DatasetPackage" for e in orig),
    "concluded licences": sum(e["type"] in ("Relationship", "LifecycleScopedRelationship")
                              and e["relationshipType"] == "hasConcludedLicense" for e in orig),
    "package hashes (verifiedUsing)": hashes,
}
listed = {m.group(2): int(m.group(1)) for m in re.finditer(r"not carried: (\d+) (.+)", stderr)}
for what, n in count.items():
    if listed.get(what, 0) != n:
        errors.append(f"{what}: {n} in the original, {listed.get(what, 0)} listed")
if status != (3 if listed else 0):
    errors.append(f"exit status {status} with {len(listed)} kinds listed")
if errors:
    print(sys.argv[1] + ":\n  " + "\n  ".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"{sys.argv[1].rsplit('/', 1)[-1]}: {expected} packages, {sum(listed.values())} things listed as not carried")
PY
}

n=0
for ex in "$EX"/*.json; do
    n=$((n + 1))
    base=${ex##*/}
    st=0
    "$VIGIL" convert -o "spdx3-json=$TMP/$base" -o "cyclonedx-json@1.7=$TMP/$base.cdx" "$ex" 2>"$TMP/$base.err" || st=$?
    [ "$st" = 0 ] || [ "$st" = 3 ] || { cat "$TMP/$base.err" >&2; fail "$base: convert exited $st"; }
    check_example "$ex" "$TMP/$base" "$TMP/$base.err" "$st"
done
[ "$n" = 27 ] || fail "$n official examples found, 27 expected"
# every result against its schema, in one ajv run per schema
if have_validator; then
    node "$VIGIL_SRC/tests/tools/validate.mjs" spdx-3.0.1 $(for ex in "$EX"/*.json; do echo "$TMP/${ex##*/}"; done) >/dev/null ||
        fail "an example converted to SPDX 3.0.1 is not valid (errors above)"
    node "$VIGIL_SRC/tests/tools/validate.mjs" cyclonedx-1.7 $(for ex in "$EX"/*.json; do echo "$TMP/${ex##*/}.cdx"; done) >/dev/null ||
        fail "an example converted to CycloneDX 1.7 is not valid (errors above)"
fi

# vigil's own SBOMs: SPDX 3 and CycloneDX read back to the same inventory
for target in "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" \
              "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" \
              "$VIGIL_SRC/tests/data/npm/pnpm-v9"; do
    expect_status 0 "$VIGIL" sbom -o "cyclonedx-json=$TMP/own.cdx" -o "spdx3-json=$TMP/own.spdx3" "$target"
    expect_status 0 "$VIGIL" convert -o "cyclonedx-json=$TMP/via-spdx3.cdx" "$TMP/own.spdx3"
    [ ! -s "$TMP/stderr" ] || fail "$target: vigil's SPDX 3 did not read back whole: $(cat "$TMP/stderr")"
    "$VIGIL" convert -o "cyclonedx-json=$TMP/via-cdx.cdx" "$TMP/own.cdx" 2>/dev/null || true
    python3 - "$TMP/via-spdx3.cdx" "$TMP/via-cdx.cdx" "$TMP/own.cdx" <<'PY' || fail "$target: SPDX 3 and CycloneDX read back differently"
import json, sys
a, b, own = (json.load(open(p)) for p in sys.argv[1:4])
comps = lambda d: sorted(json.dumps(c, sort_keys=True) for c in d["components"])
deps = lambda d: sorted(json.dumps(x, sort_keys=True) for x in d["dependencies"][1:])
assert comps(a) == comps(b), [x for x in comps(a) if x not in comps(b)][:2]
assert deps(a) == deps(b)
assert len(a["components"]) == len(own["components"]) > 0
PY
done

# A product's SBOM (--name/--version): its root is the subject in every
# format, never one more component, and reads back as CycloneDX's does.
ALP="$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz"
expect_status 0 "$VIGIL" sbom --name shop --version 2.1 -o "cyclonedx-json=$TMP/p.cdx" -o "spdx3-json=$TMP/p.spdx3" \
    -o "spdx-json=$TMP/p.spdx" "$ALP"
for f in p.cdx p.spdx3 p.spdx; do
    "$VIGIL" convert -o "cyclonedx-json=$TMP/$f.back" "$TMP/$f" 2>/dev/null || true
done
python3 - "$TMP/p.cdx" "$TMP/p.cdx.back" "$TMP/p.spdx3.back" "$TMP/p.spdx.back" <<'PY' || fail "a product's root read back as a component"
import json, sys
own, *backs = (json.load(open(p)) for p in sys.argv[1:])
names = sorted(c["name"] for c in own["components"])
assert "shop" not in names, names
for p, d in zip(sys.argv[2:], backs):
    got = sorted(c["name"] for c in d["components"])
    assert got == names, (p, [x for x in got if x not in names])
    assert d["metadata"]["component"]["name"] == "shop:2.1", (p, d["metadata"]["component"])
PY

# vigil scan FILE.spdx3.json: the same findings as the target's own scan
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
secdb=$VIGIL_SHARED/vulndata/alpine-secdb/v3.10
"$VIGIL" db build --from "$secdb/main.json" --from "$secdb/community.json" --db "$TMP/db.sqlite" >/dev/null 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "db build"; }
mkdir "$TMP/root"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$TMP/root"
sed -i 's/^V:1.1.22-r4$/V:1.1.22-r2/' "$TMP/root/lib/apk/db/installed"
expect_status 0 "$VIGIL" sbom -o "spdx3-json=$TMP/root.spdx3.json" -o "cyclonedx-json=$TMP/root.cdx.json" "$TMP/root"
findings() { jq -r '.findings[] | "\(.component.name)\t\(.component.purl)\t\(.id)\t\(.fixedVersions | join(","))"' "$1"; }
for t in root root.cdx.json root.spdx3.json; do
    expect_status 0 "$VIGIL" scan --db "$TMP/db.sqlite" --max-db-age 100000d -o "json=$TMP/$t.scan" "$TMP/$t"
    findings "$TMP/$t.scan" >"$TMP/$t.findings"
done
grep -q "^musl	.*CVE-2019-14697" "$TMP/root.findings" || fail "the root filesystem scan lost its musl finding"
same_lines "$TMP/root.spdx3.json.findings" "$TMP/root.findings" "findings of the SPDX 3 SBOM and of the root filesystem"
same_lines "$TMP/root.spdx3.json.findings" "$TMP/root.cdx.json.findings" "findings of the SPDX 3 and CycloneDX SBOMs"
[ "$(jq -r .target.kind "$TMP/root.spdx3.json.scan")" = sbom ] || fail "SPDX 3 scan: target kind"
[ "$(jq -r .os.ecosystem "$TMP/root.spdx3.json.scan")" = "Alpine:v3.10" ] || fail "SPDX 3 scan: ecosystem"
[ "$(jq .summary.components "$TMP/root.spdx3.json.scan")" = "$(jq .summary.components "$TMP/root.scan")" ] ||
    fail "SPDX 3 scan: component count differs from the root filesystem's"

# other tools' SPDX 2.3 and CycloneDX 1.6 into SPDX 3
for f in syft-debian.spdx.json trivy-alpine.spdx.json syft-debian.cdx.json trivy-alpine.cdx.json; do
    st=0
    "$VIGIL" convert -o "spdx3-json=$TMP/$f.spdx3" "$VIGIL_SRC/tests/data/sbom/$f" 2>"$TMP/$f.err" || st=$?
    [ "$st" = 3 ] || fail "$f: convert exited $st, expected 3 (these SBOMs hold what vigil does not keep)"
    validate spdx-3.0.1 "$TMP/$f.spdx3"
    python3 - "$VIGIL_SRC/tests/data/sbom/$f" "$TMP/$f.spdx3" "$TMP/$f.err" <<'PY' || fail "$f: purls or the list of what was dropped"
import json, re, sys
src = json.load(open(sys.argv[1]))
out = json.load(open(sys.argv[2]))["@graph"]
err = open(sys.argv[3]).read()
listed = {m.group(2): int(m.group(1)) for m in re.finditer(r"not carried: (\d+) (.+)", err)}
got = {e.get("software_packageUrl") for e in out if e["type"] == "software_Package"} - {None}
if "spdxVersion" in src:
    # a CONTAINER package is the image itself (the target), not a component
    purls = {r["referenceLocator"] for p in src["packages"] if p.get("primaryPackagePurpose") != "CONTAINER"
             for r in p.get("externalRefs", []) if r["referenceType"] == "purl"}
    sums = sum(len(p.get("checksums", [])) for p in src["packages"])
    assert listed.get("package checksums", 0) == sums, (sums, listed)
    assert listed.get("files", 0) == len(src.get("files", [])), listed
else:
    def walk(cs):  # components nest (CycloneDX 1.6 component.components)
        for c in cs:
            yield c
            yield from walk(c.get("components", []))
    comps = list(walk(src["components"]))
    purls = {c["purl"] for c in comps if "purl" in c and c["type"] != "container"}
    hashes = sum(len(c.get("hashes", [])) for c in comps
                 if c.get("type") not in ("file", "container", "operating-system") or ("purl" in c and c["type"] == "file"))
    assert listed.get("component hashes", 0) == hashes, (hashes, listed)
# vigil normalises purls (qualifiers sorted, as purl-spec says): compare decoded parts
norm = lambda p: (p.split("?")[0], tuple(sorted(p.split("?")[1].split("&"))) if "?" in p else ())
assert {norm(p) for p in purls} == {norm(p) for p in got}, sorted({norm(p) for p in purls} ^ {norm(p) for p in got})[:4]
assert listed, "nothing listed"
PY
done

# --allow-dropped: exit 0, still listed; determinism
expect_status 0 "$VIGIL" convert --allow-dropped -o "spdx3-json=$TMP/a.json" "$EX/software_example9_appbomination.spdx3.json"
expect_stderr 'not carried: 15 files'
expect_status 0 "$VIGIL" convert --allow-dropped -o "spdx3-json=$TMP/b.json" "$EX/software_example9_appbomination.spdx3.json"
cmp "$TMP/a.json" "$TMP/b.json" || fail "two conversions differ"
# errors: nothing written, the file in place is kept
echo keep >"$TMP/keep.json"
expect_status 1 "$VIGIL" convert -o "spdx3-json=$TMP/keep.json" "$TMP/missing.json"
expect_stderr 'missing.json'
[ "$(cat "$TMP/keep.json")" = keep ] || fail "a failed convert changed its output file"
expect_status 1 "$VIGIL" convert -o "spdx3-json=$TMP/keep.json" "$VIGIL_SRC/tests/data/sbom/bad-not-sbom.json"
[ "$(cat "$TMP/keep.json")" = keep ] || fail "a failed convert changed its output file"
expect_status 2 "$VIGIL" convert -o spdx3-json@2.3 "$EX/spdx-spec_package_sbom.json"
expect_stderr 'accepted: 3\.0\.1'
expect_status 2 "$VIGIL" convert -o xml "$EX/spdx-spec_package_sbom.json"
echo "ok"

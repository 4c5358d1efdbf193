# spdx3_write.sh — `vigil sbom -o spdx3-json` (SPDX 3.0.1 JSON-LD) and
# `-o cyclonedx-json@1.7` on real targets: the Alpine 3.10 and Debian
# bookworm root filesystem tarballs and a pnpm lock-file project (scopes:
# dev and optional dependencies), each written in one run beside the
# default CycloneDX 1.6 document:
#  - the SPDX 3 document validates against the official SPDX 3.0.1 JSON
#    schema and the 1.7 document against bom-1.7 (ajv 2020-12 and draft-07,
#    tests/tools/validate.mjs), and the validator rejects a copy with one
#    bad field of each;
#  - read independently (python, below), the SPDX 3 graph is whole (unique
#    spdxIds, every reference names an element of the graph, the Sbom lists
#    every element, the CreationInfo is the one every element uses) and
#    says what the CycloneDX 1.6 document says: the same packages (name,
#    version, purl, CPE, supplier, homepage), the same declared licences
#    (hasDeclaredLicense to a LicenseExpression), the same dependency graph
#    (CycloneDX dependsOn = SPDX dependsOn, hasOptionalDependency,
#    contains or hasOptionalComponent), the scopes of the spec's
#    LifecycleScopeType (CycloneDX excluded = development,
#    required/optional = runtime, optional ones by the hasOptional* types);
#  - the 1.7 document is the 1.6 one but for $schema, specVersion and
#    serialNumber;
#  - two runs give identical bytes, another SOURCE_DATE_EPOCH changes only
#    CreationInfo.created; the layout is Python's json.dumps(indent=2);
#  - -o cyclonedx-json@1.5 and -o spdx3-json@3.0 are usage errors naming
#    the versions accepted.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared schemas/spdx/spdx-3.0.1.schema.json
need_shared schemas/cyclonedx/bom-1.7.schema.json
need_cmd python3
have_validator || skip "ajv is needed to validate SPDX 3.0.1 (npm ci --prefix tests/tools)"

compare() { # CDX16 SPDX3 CDX17
    python3 - "$@" <<'PY' || fail "$2 does not say what $1 says"
import json, sys
cdx = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
c17 = json.load(open(sys.argv[3]))
errors = []
def err(m):
    errors.append(m)

# --- SPDX 3 graph: structure (SPDX 3.0.1 Core: Element, ElementCollection,
# Relationship; JSON-LD serialisation: one @graph, blank node CreationInfo)
assert doc["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
graph = doc["@graph"]
infos = [e for e in graph if e["type"] == "CreationInfo"]
if len(infos) != 1 or infos[0]["specVersion"] != "3.0.1":
    err(f"CreationInfo: {infos}")
info_id = infos[0]["@id"]
byid = {}
for e in graph:
    if "spdxId" in e:
        if e["spdxId"] in byid:
            err(f"duplicate spdxId {e['spdxId']}")
        byid[e["spdxId"]] = e
        if e.get("creationInfo") != info_id:
            err(f"{e['spdxId']}: creationInfo {e.get('creationInfo')}")
for a in infos[0]["createdBy"] + infos[0].get("createdUsing", []):
    if a not in byid:
        err(f"createdBy/createdUsing {a} is not in the graph")
if byid[infos[0]["createdBy"][0]]["type"] not in ("SoftwareAgent", "Organization", "Person", "Agent"):
    err("createdBy is not an Agent")
docs = [e for e in graph if e["type"] == "SpdxDocument"]
sboms = [e for e in graph if e["type"] == "software_Sbom"]
if len(docs) != 1 or len(sboms) != 1 or docs[0]["rootElement"] != [sboms[0]["spdxId"]]:
    err("one SpdxDocument whose root is the one software_Sbom")
sbom = sboms[0]
listed = set(sbom["element"])
for i, e in byid.items():
    if e["type"] not in ("SpdxDocument", "software_Sbom") and i not in listed:
        err(f"{i} ({e['type']}) is not in the Sbom's element list")
for i in listed | set(sbom["rootElement"]):
    if i not in byid:
        err(f"Sbom element {i} is not in the graph")
rels = [e for e in graph if e["type"] in ("Relationship", "LifecycleScopedRelationship")]
for r in rels:
    for t in [r["from"]] + r["to"]:
        if t not in byid:
            err(f"relationship {r['spdxId']} names {t}, not in the graph")
    if (r["type"] == "LifecycleScopedRelationship") != ("scope" in r):
        err(f"{r['spdxId']}: scope on a plain Relationship or missing")
root = byid[sbom["rootElement"][0]]

# --- what CycloneDX says, and the same read from SPDX 3
def cdx_licence(c):
    for l in c.get("licenses", []):
        if "expression" in l:
            return l["expression"]
        return l["license"].get("id") or l["license"].get("name")
    return None

comps = {c["bom-ref"]: c for c in cdx["components"] if c["type"] != "operating-system"}
want = sorted((c["name"], c.get("version"), c.get("purl"), c.get("cpe"),
               (c.get("supplier") or {}).get("name"),
               next((x["url"] for x in c.get("externalReferences", []) if x["type"] == "website"), None),
               c.get("description")) for c in comps.values())
def ident(p, kind):
    return next((x["identifier"] for x in p.get("externalIdentifier", []) if x["externalIdentifierType"] == kind), None)
contained = {t for r in rels if r["from"] == root["spdxId"] and r["relationshipType"] in ("contains", "hasOptionalComponent")
             for t in r["to"]}
pkgs = {i: byid[i] for i in contained if byid[i].get("software_primaryPurpose") != "operatingSystem"}
got = []
for p in pkgs.values():
    if p.get("software_packageUrl") != ident(p, "packageUrl"):
        err(f"{p['name']}: software_packageUrl and the packageUrl identifier differ")
    sup = byid[p["suppliedBy"]] if "suppliedBy" in p else None
    if sup and sup["type"] != "Organization":
        err(f"{p['name']}: supplier is a {sup['type']}")
    got.append((p["name"], p.get("software_packageVersion"), p.get("software_packageUrl"), ident(p, "cpe23"),
                sup["name"] if sup else None, p.get("software_homePage"), p.get("summary")))
got.sort()
if got != want:
    err(f"packages differ: {len(got)} vs {len(want)}; first differences: "
        f"{[g for g in got if g not in want][:3]} / {[w for w in want if w not in got][:3]}")
if not want:
    err("no components: nothing compared")
has_os = any(c["type"] == "operating-system" for c in cdx["components"])
oses = [byid[i] for i in contained if byid[i].get("software_primaryPurpose") == "operatingSystem"]
if has_os != (len(oses) == 1):
    err("the operating system is not contained by the root")

# spdxId of each bom-ref: the package with that purl / name and version
def key(name, version, purl):
    return (name, version, purl)
spdx_of = {}
for i, p in pkgs.items():
    spdx_of[key(p["name"], p.get("software_packageVersion"), p.get("software_packageUrl"))] = i
ref_to_id = {r: spdx_of[key(c["name"], c.get("version"), c.get("purl"))] for r, c in comps.items()}

# licences
declared = {}
for r in rels:
    if r["relationshipType"] == "hasDeclaredLicense":
        for t in r["to"]:
            declared.setdefault(r["from"], []).append(byid[t])
nlic = 0
for ref, c in comps.items():
    l = cdx_licence(c)
    d = declared.get(ref_to_id[ref], [])
    if l is None:
        if d:
            err(f"{c['name']}: a licence SPDX 3 declares and CycloneDX does not")
        continue
    nlic += 1
    if len(d) != 1 or d[0]["type"] != "simplelicensing_LicenseExpression":
        err(f"{c['name']}: declared licence {d}")
        continue
    expr = d[0]["simplelicensing_licenseExpression"]
    if expr.startswith("LicenseRef-"):
        texts = {e["key"]: byid[e["value"]]["simplelicensing_licenseText"] for e in d[0].get("simplelicensing_customIdToUri", [])}
        if texts.get(expr) != l:
            err(f"{c['name']}: {expr} is not the text {l!r}")
    elif expr != l:
        err(f"{c['name']}: licence {expr} vs CycloneDX {l}")

# the graph: CycloneDX dependsOn between components (CONTAINS is written
# as dependsOn there) = SPDX dependsOn / hasOptionalDependency / contains
want_edges = {(ref_to_id[d["ref"]], ref_to_id[t]) for d in cdx["dependencies"] if d["ref"] in comps
              for t in d.get("dependsOn", []) if t in comps}
got_edges = {(r["from"], t) for r in rels if r["from"] in pkgs
             and r["relationshipType"] in ("dependsOn", "hasOptionalDependency", "contains", "hasOptionalComponent")
             for t in r["to"]}
if want_edges != got_edges:
    err(f"edges differ: {sorted(got_edges - want_edges)[:3]} / {sorted(want_edges - got_edges)[:3]}")

# scopes: every relationship to a component carries its CycloneDX scope
scope_of = {"required": "runtime", "optional": "runtime", "excluded": "development"}
nscoped = 0
for r in rels:
    for t in r["to"]:
        c = next((comps[x] for x, i in ref_to_id.items() if i == t), None)
        if c is None:
            continue
        s = scope_of.get(c.get("scope"))
        nscoped += s is not None
        if r.get("scope") != s:
            err(f"{r['relationshipType']} to {c['name']}: scope {r.get('scope')}, CycloneDX {c.get('scope')}")
        if r["relationshipType"].startswith("hasOptional") != (c.get("scope") == "optional"):
            err(f"hasOptionalDependency to {c['name']}, which is {c.get('scope')}")

# --- CycloneDX 1.7: the same document with its own version
if c17["specVersion"] != "1.7" or c17["$schema"] != "http://cyclonedx.org/schema/bom-1.7.schema.json":
    err(f"1.7: specVersion {c17['specVersion']}, $schema {c17['$schema']}")
if c17["serialNumber"] == cdx["serialNumber"]:
    err("1.7 and 1.6 documents have the same serialNumber")
for k in ("$schema", "specVersion", "serialNumber"):
    c17.pop(k)
    cdx.pop(k)
if c17 != cdx:
    err("the 1.7 document differs from the 1.6 one in more than its version")

if errors:
    print("\n".join(errors[:30]), file=sys.stderr)
    sys.exit(1)
print(f"{sys.argv[2]}: {len(got)} packages, {nlic} licences, {len(want_edges)} edges, {nscoped} scoped relationships")
PY
}

# The validator must reject what is invalid, or the checks are void.
check_validator_rejects() { # SPDX3 CDX17
    python3 - "$1" "$2" "$TMP/bad.spdx3.json" "$TMP/bad.cdx17.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
next(e for e in d["@graph"] if e["type"] == "Relationship")["relationshipType"] = "dependsOnn"
json.dump(d, open(sys.argv[3], "w"))
c = json.load(open(sys.argv[2]))
c["components"][0]["type"] = "librarry"
json.dump(c, open(sys.argv[4], "w"))
PY
    local rc=0
    node "$VIGIL_SRC/tests/tools/validate.mjs" spdx-3.0.1 "$TMP/bad.spdx3.json" 2>"$TMP/val.err" || rc=$?
    [ "$rc" = 1 ] || fail "validate.mjs accepted an SPDX 3 relationship of an unknown type (rc $rc)"
    rc=0
    node "$VIGIL_SRC/tests/tools/validate.mjs" cyclonedx-1.7 "$TMP/bad.cdx17.json" 2>"$TMP/val.err" || rc=$?
    [ "$rc" = 1 ] || fail "validate.mjs accepted a CycloneDX 1.7 component of an unknown type (rc $rc)"
}

# The bytes are Python's json.dumps(indent=2) of the same data, and a final newline.
check_layout() {
    python3 - "$1" <<'PY' || fail "$1 is not laid out as json.dumps(indent=2)"
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
PY
}

n=0
for target in "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" \
              "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" \
              "$VIGIL_SRC/tests/data/npm/pnpm-v9"; do
    n=$((n + 1))
    expect_status 0 "$VIGIL" sbom -o "cyclonedx-json=$TMP/$n.cdx" -o "spdx3-json=$TMP/$n.spdx3" \
        -o "cyclonedx-json@1.7=$TMP/$n.cdx17" "$target"
    validate spdx-3.0.1 "$TMP/$n.spdx3"
    validate cyclonedx-1.7 "$TMP/$n.cdx17"
    compare "$TMP/$n.cdx" "$TMP/$n.spdx3" "$TMP/$n.cdx17"
    check_layout "$TMP/$n.spdx3"
    # determinism: the alias and a second run give the same bytes
    expect_status 0 "$VIGIL" sbom -o "spdx3=$TMP/$n.again" "$target"
    cmp "$TMP/$n.spdx3" "$TMP/$n.again" || fail "$target: two runs differ"
    SOURCE_DATE_EPOCH=1800000000 expect_status 0 "$VIGIL" sbom -o "spdx3-json@3.0.1=$TMP/$n.later" "$target"
    python3 - "$TMP/$n.spdx3" "$TMP/$n.later" <<'PY' || fail "$target: another SOURCE_DATE_EPOCH changed more than the time"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ia = next(e for e in a["@graph"] if e["type"] == "CreationInfo")
ib = next(e for e in b["@graph"] if e["type"] == "CreationInfo")
assert ia["created"] == "2023-11-14T22:13:20Z" and ib["created"] == "2027-01-15T08:00:00Z", (ia, ib)
ib["created"] = ia["created"]
assert a == b
PY
done
check_validator_rejects "$TMP/1.spdx3" "$TMP/1.cdx17"
# the lock-file project has dev and optional scopes to carry
grep -q '"development"' "$TMP/3.spdx3" || fail "pnpm-v9: no development scope written"

expect_status 2 "$VIGIL" sbom -o cyclonedx-json@1.5 "$VIGIL_SRC/tests/data/npm/pnpm-v9"
expect_stderr 'cyclonedx-json@1.5: unknown version .*accepted: 1\.6, 1\.7'
expect_status 2 "$VIGIL" sbom -o spdx3-json@3.0 "$VIGIL_SRC/tests/data/npm/pnpm-v9"
expect_stderr 'accepted: 3\.0\.1'
echo "ok"

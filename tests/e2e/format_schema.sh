# format_schema.sh — the three output formats of `vigil sbom` on real root
# filesystems (the Alpine and Debian fixtures, as directories and as the
# tarballs themselves), written in one run with -o cyclonedx-json=A
# -o spdx-json=B -o table=C:
#  - A validates against the official CycloneDX 1.6 schema and B against
#    the SPDX 2.3 schema (ajv, tests/tools/validate.mjs); the validator
#    itself rejects a copy of A or B with one bad field;
#  - A, B and C list the same packages (name and version);
#  - SPDX cross-references hold: unique SPDXIDs, every relationship names
#    a package, every LicenseRef- is defined; CycloneDX bom-refs are unique
#    and every dependency names a component;
#  - two runs with the same SOURCE_DATE_EPOCH give identical bytes, and a
#    different SOURCE_DATE_EPOCH changes only the timestamps, which are the
#    RFC 3339 UTC form that date(1) gives for it;
#  - a package database with a Latin-1 byte (invalid UTF-8) in a
#    description still gives valid documents with the package in them;
#  - the writers stream their JSON by hand, so each document must be laid
#    out exactly as Python's json module writes the same data (indent 2,
#    keys in document order, a final newline).
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_cmd node
need_cmd python3
[ -d "$VIGIL_SRC/tests/tools/node_modules/ajv" ] ||
    skip "ajv is not installed (npm ci --prefix tests/tools, done by setup.sh)"

# The validator must reject what is invalid, or every check below is void.
check_validator_rejects() { # CDX SPDX
    python3 - "$1" "$2" "$TMP/bad.cdx.json" "$TMP/bad.spdx.json" <<'PY'
import json, sys
cdx = json.load(open(sys.argv[1]))
cdx["components"][0]["type"] = "librarry"
json.dump(cdx, open(sys.argv[3], "w"))
spdx = json.load(open(sys.argv[2]))
del spdx["packages"][0]["SPDXID"]
json.dump(spdx, open(sys.argv[4], "w"))
PY
    local rc=0
    node "$VIGIL_SRC/tests/tools/validate.mjs" cyclonedx-1.6 "$TMP/bad.cdx.json" 2>"$TMP/val.err" || rc=$?
    [ "$rc" = 1 ] || fail "validate.mjs accepted a CycloneDX document with an unknown component type (rc $rc)"
    grep -q 'allowed values' "$TMP/val.err" || fail "validate.mjs did not say what is wrong: $(cat "$TMP/val.err")"
    rc=0
    node "$VIGIL_SRC/tests/tools/validate.mjs" spdx-2.3 "$TMP/bad.spdx.json" 2>"$TMP/val.err" || rc=$?
    [ "$rc" = 1 ] || fail "validate.mjs accepted an SPDX package without SPDXID (rc $rc)"
    grep -q 'SPDXID' "$TMP/val.err" || fail "validate.mjs did not name the missing SPDXID"
}

# Consistency of one run's three documents; prints nothing on success.
check_documents() { # CDX SPDX TABLE
    python3 - "$1" "$2" "$3" <<'PY' || fail "documents of $1 disagree"
import json, sys
cdx = json.load(open(sys.argv[1]))
spdx = json.load(open(sys.argv[2]))
table = open(sys.argv[3], encoding="utf-8").read().splitlines()
errors = []

libs = sorted((c["name"], c.get("version", "")) for c in cdx["components"] if c["type"] == "library")
if not libs:
    errors.append("no library component")
refs = [c["bom-ref"] for c in cdx["components"]] + [cdx["metadata"]["component"]["bom-ref"]]
if len(refs) != len(set(refs)):
    errors.append("bom-refs are not unique")
for d in cdx.get("dependencies", []):
    for r in [d["ref"]] + d.get("dependsOn", []):
        if r not in refs:
            errors.append(f"dependency names unknown bom-ref {r}")

pk = spdx["packages"]
ids = [p["SPDXID"] for p in pk]
if len(ids) != len(set(ids)):
    errors.append("SPDXIDs are not unique")
import re
for i in ids:
    if not re.fullmatch(r"SPDXRef-[A-Za-z0-9.-]+", i):
        errors.append(f"bad SPDXID {i}")
for r in spdx["relationships"]:
    for k in ("spdxElementId", "relatedSpdxElement"):
        if r[k] != "SPDXRef-DOCUMENT" and r[k] not in ids:
            errors.append(f"relationship names unknown {r[k]}")
if sorted(spdx["relationships"], key=lambda r: (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])) != spdx["relationships"]:
    errors.append("relationships are not sorted")
defined = {e["licenseId"] for e in spdx.get("hasExtractedLicensingInfos", [])}
for p in pk:
    for ref in re.findall(r"LicenseRef-[A-Za-z0-9.-]+", p.get("licenseDeclared", "")):
        if ref not in defined:
            errors.append(f"{ref} is not defined")
spdx_libs = sorted((p["name"], p.get("versionInfo", "")) for p in pk if p.get("primaryPackagePurpose") == "LIBRARY")
if spdx_libs != libs:
    errors.append(f"SPDX packages differ from CycloneDX components: {set(spdx_libs) ^ set(libs)}")
if [p["primaryPackagePurpose"] for p in pk].count("OPERATING_SYSTEM") != sum(c["type"] == "operating-system" for c in cdx["components"]):
    errors.append("operating system missing in one of the documents")

# The table: a summary line, a header, then one line per package.
head = table[1].split()
if head[:3] != ["NAME", "VERSION", "TYPE"]:
    errors.append(f"table header {head}")
rows = sorted((l.split()[0], l.split()[1]) for l in table[2:])
if rows != libs:
    errors.append(f"table lists other packages: {set(rows) ^ set(libs)}")
if f"Packages: {len(libs)}" not in table[0]:
    errors.append(f"table summary {table[0]!r} does not count {len(libs)} packages")
for e in errors[:20]:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}

# The JSON documents are byte for byte what json.dumps(indent=2) makes of
# them: streaming by hand got no indentation, comma or bracket wrong.
check_layout() { # FILE...
    python3 - "$@" <<'PY' || fail "a streamed document is not laid out as json.dumps(indent=2) lays it out"
import json, sys
bad = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    want = json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    if text != want:
        line = next(i for i, (a, b) in enumerate(zip(text.splitlines(), want.splitlines()), 1) if a != b) \
            if text.splitlines() != want.splitlines() else 0
        print(f"{path}: layout differs from json.dumps at line {line}", file=sys.stderr)
        bad = 1
sys.exit(bad)
PY
}

# Removes the timestamps from a document, for comparing two runs.
strip_times() { # FILE OUT
    python3 - "$1" >"$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.get("metadata", {}).pop("timestamp", None)
d.get("creationInfo", {}).pop("created", None)
for p in d.get("packages", []):  # SPDX annotations are dated at the creation time
    for a in p.get("annotations", []):
        a.pop("annotationDate", None)
json.dump(d, sys.stdout, indent=1, sort_keys=True)
PY
}

run_three() { # TARGET PREFIX [EPOCH [STATUS]]
    SOURCE_DATE_EPOCH=${3:-$SOURCE_DATE_EPOCH} expect_status "${4:-0}" "$VIGIL" sbom "$1" \
        -o "cyclonedx-json=$2.cdx.json" -o "spdx-json=$2.spdx.json" -o "table=$2.txt"
}

checked_validator=0
for tarball in "$VIGIL_SHARED"/fixtures/rootfs/*.tar.gz; do
    name=$(basename "$tarball" .tar.gz)
    mkdir -p "$TMP/$name"
    tar -xzf "$tarball" -C "$TMP/$name" --no-same-owner --no-same-permissions 2>/dev/null ||
        tar -xzf "$tarball" -C "$TMP/$name" --no-same-owner --exclude='./dev/*'
    for target in "$TMP/$name" "$tarball"; do
        out="$TMP/out-$name-$(basename "$target")"
        run_three "$target" "$out"
        validate_cyclonedx "$out.cdx.json"
        validate_spdx "$out.spdx.json"
        check_documents "$out.cdx.json" "$out.spdx.json" "$out.txt"
        check_layout "$out.cdx.json" "$out.spdx.json"
        if [ "$checked_validator" = 0 ]; then
            check_validator_rejects "$out.cdx.json" "$out.spdx.json"
            checked_validator=1
        fi
    done
    # A directory and its tarball hold the same packages.
    dir_out="$TMP/out-$name-$name" tar_out="$TMP/out-$name-$(basename "$tarball")"
    tail -n +2 "$dir_out.txt" >"$TMP/dir.rows"
    tail -n +2 "$tar_out.txt" >"$TMP/tar.rows"
    cmp -s "$TMP/dir.rows" "$TMP/tar.rows" || fail "$name: the directory and the tarball give different tables"

    # Determinism: same epoch, same bytes; another epoch, other timestamps only.
    run_three "$TMP/$name" "$TMP/again"
    for ext in cdx.json spdx.json txt; do
        cmp "$dir_out.$ext" "$TMP/again.$ext" || fail "$name: two runs gave different $ext output"
    done
    run_three "$TMP/$name" "$TMP/later" 1800000000
    cmp -s "$dir_out.txt" "$TMP/later.txt" || fail "$name: the table depends on SOURCE_DATE_EPOCH"
    for ext in cdx.json spdx.json; do
        strip_times "$dir_out.$ext" "$TMP/a.stripped"
        strip_times "$TMP/later.$ext" "$TMP/b.stripped"
        cmp -s "$TMP/a.stripped" "$TMP/b.stripped" || fail "$name: another SOURCE_DATE_EPOCH changed more than the timestamps of $ext"
        cmp -s "$dir_out.$ext" "$TMP/later.$ext" && fail "$name: another SOURCE_DATE_EPOCH did not change the timestamp of $ext"
    done
    want=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
    got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["timestamp"])' "$dir_out.cdx.json")
    [ "$got" = "$want" ] || fail "CycloneDX timestamp $got, date(1) says $want"
    got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["creationInfo"]["created"])' "$dir_out.spdx.json")
    [ "$got" = "$want" ] || fail "SPDX created $got, date(1) says $want"
done

# Invalid UTF-8: a dpkg status and an apk database whose descriptions hold
# a Latin-1 byte (0xE9, "é" in ISO 8859-1), as old databases do.
root="$TMP/latin1"
mkdir -p "$root/etc" "$root/var/lib/dpkg" "$root/lib/apk/db"
printf 'ID=debian\nVERSION_ID=12\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$root/etc/os-release"
printf 'Package: cafe\nStatus: install ok installed\nPriority: optional\nSection: misc\nMaintainer: Ren\351 <rene@example.org>\nArchitecture: amd64\nVersion: 1.0-1\nDescription: caf\351 au lait\n tool\n\n' \
    >"$root/var/lib/dpkg/status"
printf 'C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:creme\nV:2.0-r0\nA:x86_64\nS:1000\nI:2000\nT:cr\350me br\373l\351e\nU:https://example.org/\nL:MIT\no:creme\n\n' \
    >"$root/lib/apk/db/installed"
# The catalogers warn about the bytes, so the SBOM is written but marked
# incomplete (exit 3, CycloneDX composition "incomplete").
run_three "$root" "$TMP/latin1" "$SOURCE_DATE_EPOCH" 3
validate_cyclonedx "$TMP/latin1.cdx.json"
validate_spdx "$TMP/latin1.spdx.json"
check_documents "$TMP/latin1.cdx.json" "$TMP/latin1.spdx.json" "$TMP/latin1.txt"
python3 - "$TMP/latin1.cdx.json" "$TMP/latin1.spdx.json" <<'PY' || fail "invalid UTF-8 was not repaired as U+FFFD"
import json, sys
cdx = json.load(open(sys.argv[1]))
spdx = json.load(open(sys.argv[2]))
desc = {c["name"]: c.get("description", "") for c in cdx["components"]}
assert "cafe" in desc and "creme" in desc, f"a package with invalid UTF-8 was dropped: {sorted(desc)}"
assert desc["cafe"].startswith("caf\ufffd au lait"), desc["cafe"]
assert desc["creme"] == "cr\ufffdme br\ufffdl\ufffde", desc["creme"]
sdesc = {p["name"]: p.get("description", "") for p in spdx["packages"]}
assert sdesc["cafe"].startswith("caf\ufffd au lait"), sdesc["cafe"]
assert cdx["compositions"] == [{"aggregate": "incomplete", "assemblies": [cdx["metadata"]["component"]["bom-ref"]]}], cdx.get("compositions")
PY
grep -Eq '^cafe +1\.0-1 +deb' "$TMP/latin1.txt" || fail "the table does not list cafe: $(cat "$TMP/latin1.txt")"
echo "format_schema: all checks passed"

# sbom_bsi_profile.sh — vigil sbom --profile bsi-tr-03183-2 (BSI TR-03183-2
# v2.1.0, docs/bsi-tr-03183-2.md) on the real Debian 12 package database,
# with real bytes added where the packages list them: /bin/bash (through a
# merged-/usr "bin -> usr/bin" symlink, as Debian lists it) is this
# machine's /usr/bin/true, a Maven jar made here with pom.properties and a
# war holding another jar.
# The same tree is scanned as a directory, a root filesystem tarball, a
# docker archive and an OCI layout whose second layer replaces bash.
#
# Checked against references computed here, never against vigil's own
# output: every SHA-512 equals sha512sum's of the file; a package's nested
# file components are exactly the regular files its info/*.list names that
# exist in the tree; the file kinds follow from what the files are (an ELF
# executable, a zip); every component carries the TR's fields or says
# NOASSERTION with a reason; declared and concluded licences of a few
# packages, written by hand from their copyright files; the component
# creator from the status file's Maintainer; the compositions from the
# status file's Depends/Pre-Depends; the documents validate against the
# CycloneDX 1.6 and 1.7 schemas (ajv).  The SPDX 3.0.1 documents validate
# against its schema, and carry the same concluded licences, installed
# files (SHA-512 by sha512sum) and dependency completeness as the CycloneDX
# document of the same run.
. "$(dirname "$0")/lib.sh"

need_cmd python3
need_cmd sha512sum
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared schemas/cyclonedx/bom-1.6.schema.json
FIXTURE="$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz"
MKIMAGE="$VIGIL_SRC/tests/tools/mkimage.py"
PROFILE=bsi-tr-03183-2

R="$TMP/root"
mkdir "$R"
tar -xzf "$FIXTURE" -C "$R"
grep -q -x /bin/bash "$R/var/lib/dpkg/info/bash.list" || fail "bash.list does not list /bin/bash"
mkdir -p "$R/usr/bin" "$R/usr/share/java"
ln -s usr/bin "$R/bin"
cp /usr/bin/true "$R/usr/bin/bash"
chmod 755 "$R/usr/bin/bash"
python3 - "$R/usr/share/java/demo-1.2.3.jar" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
    z.writestr("META-INF/maven/org.example/demo/pom.properties",
               "groupId=org.example\nartifactId=demo\nversion=1.2.3\n")
# A jar inside a war: its bytes are part of the war's, it has no file of its own.
import io
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w") as z:
    z.writestr("META-INF/maven/org.example/inner/pom.properties",
               "groupId=org.example\nartifactId=inner\nversion=2.0\n")
with zipfile.ZipFile(sys.argv[1].replace("demo-1.2.3.jar", "app.war"), "w") as z:
    z.writestr("WEB-INF/lib/inner-2.0.jar", inner.getvalue())
PY

# The checks, for one document (argument 1) of the tree at argument 2 (the
# files as the target holds them).
cat > "$TMP/check.py" <<'PY'
import glob, json, os, re, subprocess, sys, urllib.parse

doc_path, root = sys.argv[1], sys.argv[2]
doc = json.load(open(doc_path))
comps = doc["components"]

def fail(msg):
    sys.exit(f"FAIL: {doc_path}: {msg}")

def props(c):
    out = {}
    for p in c.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out

# SHA-512 by sha512sum, for every file a distribution reference names.
refs = {}  # path -> (sha512, kind properties)
def collect(c):
    for r in c.get("externalReferences", []):
        if r["type"] != "distribution":
            continue
        algs = {h["alg"]: h["content"] for h in r.get("hashes", [])}
        if "SHA-512" not in algs:
            fail(f"{c['name']}: distribution reference without SHA-512")  # TR §5.2.2 hash: SHA-512
        path = urllib.parse.unquote(r["url"])
        p = props(c)
        refs[path] = (algs["SHA-512"], tuple(p[k][0] for k in ("bsi:component:filename", "bsi:component:executable",
                                                                "bsi:component:archive", "bsi:component:structured")))
    for sub in c.get("components", []):
        collect(sub)
for c in comps:
    collect(c)
paths = sorted(refs)
if len(paths) < 10:
    fail(f"only {len(paths)} files hashed")
out = subprocess.run(["sha512sum", "--"] + [os.path.join(root, p) for p in paths], check=True,
                     capture_output=True, text=True).stdout.splitlines()
for path, line in zip(paths, out):
    want = line.split()[0]
    if refs[path][0] != want:
        fail(f"{path}: SHA-512 {refs[path][0][:16]}... but sha512sum says {want[:16]}...")

# A package's nested files are the regular files its .list names that are
# in the tree (merged /usr: through the bin symlink).
by_name = {c["name"]: c for c in comps if c.get("purl", "").startswith("pkg:deb/")}
for lst in glob.glob(os.path.join(root, "var/lib/dpkg/info/*.list")):
    name = os.path.basename(lst)[:-5].split(":")[0]
    if name not in by_name:
        continue
    want = set()
    for line in open(lst, encoding="utf-8", errors="surrogateescape"):
        p = line.rstrip("\n").lstrip("/")
        full = os.path.join(root, p)
        if p and os.path.isfile(full) and not os.path.islink(full):
            want.add(p)
    got = {f["name"] for f in by_name[name].get("components", [])}
    if got != want:
        fail(f"{name}: nested files {sorted(got)[:5]} but its .list names {sorted(want)[:5]}")
    if not all(f["type"] == "file" for f in by_name[name].get("components", [])):
        fail(f"{name}: a nested component is not of type file")

# File kinds (TR §5.2.2 executable / archive / structured properties).
# bin/bash: an ELF executable, or in the images a shell script with mode 755.
if refs["bin/bash"][1] != ("bash", "executable", "no archive", "unstructured"):
    fail(f"bin/bash: {refs['bin/bash'][1]}")
if refs["usr/share/doc/bash/copyright"][1] != ("copyright", "non-executable", "no archive", "unstructured"):
    fail(f"bash's copyright file: {refs['usr/share/doc/bash/copyright'][1]}")
jar = [c for c in comps if c.get("purl", "").startswith("pkg:maven/org.example/demo@1.2.3")]
if len(jar) != 1:
    fail("the jar made here is not one component")
jp = props(jar[0])
if (jp["bsi:component:filename"], jp["bsi:component:executable"], jp["bsi:component:archive"],
        jp["bsi:component:structured"]) != (["demo-1.2.3.jar"], ["non-executable"], ["archive"], ["structured"]):
    fail(f"the jar's kind: {jp}")
if "usr/share/java/demo-1.2.3.jar" not in refs:
    fail("the jar has no distribution reference with its SHA-512")

inner = [c for c in comps if c.get("purl", "").startswith("pkg:maven/org.example/inner@2.0")]
if len(inner) != 1 or not any("nested in the archive usr/share/java/app.war" in v
                              for v in props(inner[0]).get("vigil:bsi:deployable", [])):
    fail(f"the jar inside the war: {inner and props(inner[0])}")
if "usr/share/java/app.war" not in refs:
    fail("the war has no distribution reference with its SHA-512")

# Every component has the TR's fields or NOASSERTION with the reason.
for c in comps:
    if c["type"] == "operating-system":
        continue
    p = props(c)
    for k in ("bsi:component:filename", "bsi:component:executable", "bsi:component:archive", "bsi:component:structured"):
        if not p.get(k) or not p[k][0]:
            fail(f"{c['name']}: no {k}")
    hashed = any(r["type"] == "distribution" for r in c.get("externalReferences", [])) or c.get("components")
    if not hashed and not any(v.startswith("NOASSERTION: ") for v in p.get("vigil:bsi:deployable", [])):
        fail(f"{c['name']}: neither a hash nor a reason why not")
    if c.get("components") and p["bsi:component:filename"] != ["NOASSERTION"]:
        fail(f"{c['name']}: a package of many files has one filename")
    acks = {l.get("license", l).get("acknowledgement") for l in c.get("licenses", [])}
    if "concluded" not in acks:
        fail(f"{c['name']}: no concluded licence (TR §5.2.2 distribution licences)")
    if "declared" not in acks and not (len(c["licenses"]) == 1 and "expression" in c["licenses"][0]):
        fail(f"{c['name']}: no declared licence (TR §5.2.2 original licences)")

def licences(name):
    out = {}
    for l in by_name[name]["licenses"]:
        if "expression" in l:
            out[l["acknowledgement"]] = l["expression"]
        else:
            out[l["license"]["acknowledgement"]] = l["license"].get("id") or l["license"].get("name")
    return out
# Written by hand from usr/share/doc/PKG/copyright (DEP-5), TR §5.2.2
# "Original licences" (declared) and "Distribution licences" (concluded):
# zlib1g: "License: Zlib" only.
if licences("zlib1g") != {"declared": "Zlib", "concluded": "Zlib"}:
    fail(f"zlib1g licences: {licences('zlib1g')}")
# tzdata: "License: public-domain", which is no SPDX licence: nothing concluded.
if licences("tzdata") != {"declared": "public-domain", "concluded": "NOASSERTION"}:
    fail(f"tzdata licences: {licences('tzdata')}")
# base-files: its copyright file is not machine-readable: nothing declared, nothing concluded.
if licences("base-files") != {"declared": "NOASSERTION", "concluded": "NOASSERTION"}:
    fail(f"base-files licences: {licences('base-files')}")
# libacl1: "GPL-2+" and "LGPL-2+" (DEP-5 names for GPL-2.0-or-later, LGPL-2.0-or-later):
# a compound expression, the one CycloneDX 1.6 entry; the text as declared in a property.
if licences("libacl1") != {"concluded": "GPL-2.0-or-later AND LGPL-2.0-or-later"}:
    fail(f"libacl1 licences: {licences('libacl1')}")
decl = props(by_name["libacl1"]).get("vigil:license:declared", [""])[0]
if not re.search(r"\bGPL-2\+", decl) or not re.search(r"\bLGPL-2\+", decl):
    fail(f"libacl1: declared text {decl!r}")

# Component creator (TR §5.2.2): bash's Maintainer is "Matthias Klose <doko@debian.org>".
m = by_name["bash"].get("manufacturer", {})
if [x.get("email") for x in m.get("contact", [])] != ["doko@debian.org"]:
    fail(f"bash's creator: {m}")

# Compositions (TR §5.2.2 dependencies, with their completeness): "complete"
# exactly for the installed packages whose status stanza has neither Depends
# nor Pre-Depends; all others "unknown"; the target as a whole not "complete".
status = open(os.path.join(root, "var/lib/dpkg/status"), encoding="utf-8").read()
nodeps = set()
for stanza in status.split("\n\n"):
    f = dict(re.findall(r"^([A-Za-z-]+): ?(.*)$", stanza, re.M))
    if "install ok installed" in f.get("Status", "") and "Depends" not in f and "Pre-Depends" not in f:
        nodeps.add(f["Package"])
ref_name = {c["bom-ref"]: c["name"] for c in comps if c.get("purl", "").startswith("pkg:deb/")}
agg = {}
for comp in doc["compositions"]:
    for r in comp.get("dependencies", []):
        if r in agg:
            fail(f"{r} in two compositions")
        agg[r] = comp["aggregate"]
    if "vigil:target" in comp.get("assemblies", []) and comp["aggregate"] == "complete":
        fail("the target claimed complete")
complete = {ref_name[r] for r, a in agg.items() if a == "complete"}
if complete != nodeps:
    fail(f"complete: {sorted(complete)} but without dependencies: {sorted(nodeps)}")
for c in comps:
    if c["bom-ref"] not in agg:
        fail(f"{c['name']}: in no composition")
print(f"{doc_path}: {len(paths)} files hashed, all equal to sha512sum's")
PY
check() { python3 "$TMP/check.py" "$1" "$2" || fail "$1: the checks above"; }

"$VIGIL" sbom --profile "$PROFILE" -o cyclonedx-json="$TMP/dir.json" "$R" || fail "vigil sbom --profile on a directory"
check "$TMP/dir.json" "$R"
validate_cyclonedx "$TMP/dir.json"
validate cyclonedx-1.7 "$TMP/dir.json"

tar -C "$R" -czf "$TMP/root.tar.gz" .
"$VIGIL" sbom --profile "$PROFILE" -o cyclonedx-json="$TMP/tgz.json" "$TMP/root.tar.gz" || fail "on a tarball"
check "$TMP/tgz.json" "$R"
validate_cyclonedx "$TMP/tgz.json"

# Images: layer 1 replaces bash; the hash must be that of the final view.
mkdir -p "$TMP/l1/usr/bin" "$TMP/final"
cp -a "$R/." "$TMP/final/"
printf '#!/bin/sh\necho replaced\n' > "$TMP/l1/usr/bin/bash"
chmod 755 "$TMP/l1/usr/bin/bash"
cp "$TMP/l1/usr/bin/bash" "$TMP/final/usr/bin/bash"
python3 "$MKIMAGE" -f oci-dir -o "$TMP/oci" --compress gzip "$R" "$TMP/l1" >/dev/null
python3 "$MKIMAGE" -f docker-archive -o "$TMP/docker.tar" "$R" "$TMP/l1" >/dev/null
for img in oci docker.tar; do
    "$VIGIL" sbom --profile "$PROFILE" -o cyclonedx-json="$TMP/$img.json" "$TMP/$img" || fail "on $img"
    check "$TMP/$img.json" "$TMP/final"
    validate_cyclonedx "$TMP/$img.json"
done

# SPDX 3.0.1 (the TR's mapping): the jar's package verifiedUsing its SHA-512
# (sha512sum's) with additionalPurpose archive + container (structured);
# validated with the official SPDX 3.0.1 schema.
"$VIGIL" sbom --profile "$PROFILE" -o spdx3-json="$TMP/dir.spdx3.json" -o cyclonedx-json="$TMP/both.json" "$R" ||
    fail "spdx3-json with the profile"
"$VIGIL" sbom --profile "$PROFILE" -o spdx3-json="$TMP/oci.spdx3.json" "$TMP/oci" || fail "spdx3-json on the OCI layout"
if have_validator; then
    node "$VIGIL_SRC/tests/tools/validate.mjs" spdx-3.0.1 "$TMP/dir.spdx3.json" "$TMP/oci.spdx3.json" ||
        fail "an SPDX 3 document of the profile is not valid spdx-3.0.1"
fi

# The rest of the TR's SPDX mapping, read from the SPDX 3.0.1 model
# (Core/Relationship, Software/File, SimpleLicensing): every package
# hasConcludedLicense one simplelicensing_LicenseExpression, or the
# NoAssertionLicense individual where the CycloneDX document of the same
# run concludes NOASSERTION, the same expression as there; an OS package
# contains exactly the regular files its dpkg .list names, each a
# software_File named by its path with one sha512 Hash equal to sha512sum's;
# every package's dependsOn says its completeness: "complete" (to NoneElement,
# the empty set) exactly where the CycloneDX composition is complete,
# "noAssertion" elsewhere.
cat > "$TMP/check_spdx3.py" <<'PY'
import glob, json, os, re, subprocess, sys

spdx_path, cdx_path, root = sys.argv[1:4]
graph = json.load(open(spdx_path))["@graph"]
cdx = json.load(open(cdx_path)) if cdx_path != "-" else None

def fail(msg):
    sys.exit(f"FAIL: {spdx_path}: {msg}")

by_id = {e["spdxId"]: e for e in graph if "spdxId" in e}
sbom = [e for e in graph if e["type"] == "software_Sbom"][0]
listed = set(sbom["element"])
rels = {}  # (from, type) -> [relationship]
for e in graph:
    if e["type"] in ("Relationship", "LifecycleScopedRelationship"):
        if not e["to"]:
            fail(f"{e['spdxId']}: empty to")
        for t in e["to"]:
            if t not in by_id and t not in ("NoneElement", "NoAssertionElement",
                                            "expandedlicensing_NoAssertionLicense"):
                fail(f"{e['spdxId']}: to {t}, no element of the document")
        rels.setdefault((e["from"], e["relationshipType"]), []).append(e)
root_pkg = by_id[sbom["rootElement"][0]]
pkgs = [e for e in graph if e["type"] == "software_Package" and e is not root_pkg
        and e.get("software_primaryPurpose") != "operatingSystem"]
if len(pkgs) < 50:
    fail(f"only {len(pkgs)} packages")

def deb_name(p):
    m = re.match(r"pkg:deb/debian/([^@]+)@", p.get("software_packageUrl", ""))
    return m and m.group(1)

# The concluded licence (TR §5.2.2 "Distribution licences").
concluded = {}
for p in pkgs:
    r = rels.get((p["spdxId"], "hasConcludedLicense"), [])
    if len(r) != 1 or len(r[0]["to"]) != 1:
        fail(f"{p['name']}: {len(r)} hasConcludedLicense")
    to = r[0]["to"][0]
    if to == "expandedlicensing_NoAssertionLicense":
        concluded[p["software_packageUrl"] if "software_packageUrl" in p else p["name"]] = "NOASSERTION"
        continue
    lic = by_id[to]
    if lic["type"] != "simplelicensing_LicenseExpression" or to not in listed:
        fail(f"{p['name']}: concluded licence {to} is no LicenseExpression of the Sbom")
    if lic["simplelicensing_licenseExpression"].startswith("LicenseRef-"):
        fail(f"{p['name']}: concluded {lic['simplelicensing_licenseExpression']}, not vigil's SPDX expression")
    concluded[p.get("software_packageUrl", p["name"])] = lic["simplelicensing_licenseExpression"]
names = {deb_name(p): concluded[p.get("software_packageUrl", p["name"])] for p in pkgs if deb_name(p)}
# By hand from usr/share/doc/PKG/copyright (as in the CycloneDX checks above).
want = {"zlib1g": "Zlib", "tzdata": "NOASSERTION", "base-files": "NOASSERTION",
        "libacl1": "GPL-2.0-or-later AND LGPL-2.0-or-later"}
for n, v in want.items():
    if names.get(n) != v:
        fail(f"{n}: concluded {names.get(n)}, want {v}")

# An OS package's installed files (TR §5.2.2 filename, hash, kinds).
files = {}
for lst in glob.glob(os.path.join(root, "var/lib/dpkg/info/*.list")):
    name = os.path.basename(lst)[:-5].split(":")[0]
    want = set()
    for line in open(lst, encoding="utf-8", errors="surrogateescape"):
        path = line.rstrip("\n").lstrip("/")
        full = os.path.join(root, path)
        if path and os.path.isfile(full) and not os.path.islink(full):
            want.add(path)
    files[name] = want
hashed = {}
for p in pkgs:
    n = deb_name(p)
    if not n:
        continue
    got = {}
    for r in rels.get((p["spdxId"], "contains"), []):
        for t in r["to"]:
            f = by_id[t]
            if f["type"] != "software_File":
                continue
            if t not in listed:
                fail(f"{n}: file {t} not in the Sbom's elements")
            hs = [(h["type"], h["algorithm"]) for h in f.get("verifiedUsing", [])]
            if hs != [("Hash", "sha512")] or f.get("software_fileKind") != "file":
                fail(f"{n}: {f['name']}: verifiedUsing {hs}, fileKind {f.get('software_fileKind')}")
            got[f["name"]] = f
    if set(got) != files.get(n, set()):
        fail(f"{n}: files {sorted(got)[:5]}, its .list names {sorted(files.get(n, set()))[:5]}")
    for path, f in got.items():
        hashed[path] = (f["verifiedUsing"][0]["hashValue"], sorted(f.get("software_additionalPurpose", [])))
if len(hashed) < 10:
    fail(f"only {len(hashed)} files")
paths = sorted(hashed)
out = subprocess.run(["sha512sum", "--"] + [os.path.join(root, p) for p in paths], check=True,
                     capture_output=True, text=True).stdout.splitlines()
for path, line in zip(paths, out):
    if hashed[path][0] != line.split()[0]:
        fail(f"{path}: SHA-512 {hashed[path][0][:16]}..., sha512sum says {line.split()[0][:16]}...")
# bin/bash is executable (mode 755), the copyright file neither executable nor archive.
if hashed["bin/bash"][1] != ["executable"] or hashed["usr/share/doc/bash/copyright"][1] != []:
    fail(f"file kinds: bash {hashed['bin/bash'][1]}, copyright {hashed['usr/share/doc/bash/copyright'][1]}")
if sum(1 for e in graph if e["type"] == "software_File") != len(hashed):
    fail("a software_File no package contains")

# Completeness of each dependency list (TR §5.2.2), from dpkg's status file.
status = open(os.path.join(root, "var/lib/dpkg/status"), encoding="utf-8").read()
nodeps = set()
for stanza in status.split("\n\n"):
    f = dict(re.findall(r"^([A-Za-z-]+): ?(.*)$", stanza, re.M))
    if "install ok installed" in f.get("Status", "") and "Depends" not in f and "Pre-Depends" not in f:
        nodeps.add(f["Package"])
completeness = {}
for p in pkgs:
    r = rels.get((p["spdxId"], "dependsOn"), []) + rels.get((p["spdxId"], "hasOptionalDependency"), [])
    vals = {x.get("completeness") for x in r}
    if len(vals) != 1 or None in vals:
        fail(f"{p['name']}: dependsOn completeness {vals}")
    v = vals.pop()
    tos = [t for x in r for t in x["to"]]
    if v == "complete" and tos != ["NoneElement"]:
        fail(f"{p['name']}: complete, but dependsOn {tos}")
    if v == "noAssertion" and "NoneElement" in tos:
        fail(f"{p['name']}: no assertion, and none")
    completeness[p.get("software_packageUrl", p["name"])] = v
complete = {deb_name(p) for p in pkgs if completeness[p.get("software_packageUrl", p["name"])] == "complete"}
if complete != nodeps:
    fail(f"complete: {sorted(complete)}, without dependencies: {sorted(nodeps)}")

# Component by component, the same as the CycloneDX document of the same run.
if cdx:
    by_key = {p.get("software_packageUrl", p["name"]): p for p in pkgs}
    # bash's Maintainer in the status file is "Matthias Klose <doko@debian.org>".
    bash = [by_id[a] for p in pkgs if p["name"] == "bash" for a in p.get("originatedBy", [])]
    if [i["identifier"] for a in bash for i in a.get("externalIdentifier", [])] != ["doko@debian.org"]:
        fail(f"bash's creator: {bash}")
    agg = {r: c["aggregate"] for c in cdx["compositions"] for r in c.get("dependencies", [])}
    cdx_comps = [c for c in cdx["components"] if c["type"] != "operating-system"]
    if len(cdx_comps) != len(pkgs):
        fail(f"{len(pkgs)} packages, the CycloneDX document {len(cdx_comps)} components")
    for c in cdx_comps:
        key = c.get("purl", c["name"])
        lic = {}
        for l in c["licenses"]:
            if "expression" in l:
                lic[l["acknowledgement"]] = l["expression"]
            else:
                lic[l["license"]["acknowledgement"]] = l["license"].get("id") or l["license"].get("name")
        if concluded.get(key) != lic["concluded"]:
            fail(f"{key}: concluded {concluded.get(key)}, CycloneDX {lic['concluded']}")
        if (completeness[key] == "complete") != (agg[c["bom-ref"]] == "complete"):
            fail(f"{key}: completeness {completeness[key]}, CycloneDX {agg[c['bom-ref']]}")
        # Component creator (TR §5.2.2): the CycloneDX manufacturer is the
        # package's originatedBy agent, its e-mail the agent's; none is the
        # same NOASSERTION on both sides.
        pk = by_key[key]
        props = {x["extension_cdxPropName"]: x["extension_cdxPropValue"]
                 for e in pk.get("extension", []) for x in e.get("extension_cdxProperty", [])}
        if "manufacturer" in c:
            m = c["manufacturer"]
            agents = [by_id[a] for a in pk.get("originatedBy", [])]
            mails = [i["identifier"] for a in agents for i in a.get("externalIdentifier", [])
                     if i["externalIdentifierType"] == "email"]
            if [a["name"] for a in agents] != [m["name"]] or mails != [x["email"] for x in m.get("contact", [])]:
                fail(f"{key}: originatedBy {agents}, CycloneDX manufacturer {m}")
            if "vigil:bsi:creator" in props:
                fail(f"{key}: a creator and NOASSERTION")
        elif "originatedBy" in pk or not props.get("vigil:bsi:creator", "").startswith("NOASSERTION: "):
            fail(f"{key}: CycloneDX has no manufacturer; SPDX originatedBy {pk.get('originatedBy')}, {props}")
        nested = {f["name"] for f in c.get("components", [])}
        deb = re.match(r"pkg:deb/debian/([^@]+)@", key)
        if deb and nested != files.get(deb.group(1), set()):
            fail(f"{key}: CycloneDX nests other files")
print(f"{spdx_path}: {len(pkgs)} packages, {len(hashed)} files equal to sha512sum's")
PY
python3 "$TMP/check_spdx3.py" "$TMP/dir.spdx3.json" "$TMP/both.json" "$R" || fail "SPDX 3 checks (directory)"
python3 "$TMP/check_spdx3.py" "$TMP/oci.spdx3.json" - "$TMP/final" || fail "SPDX 3 checks (OCI layout)"
want=$(sha512sum "$R/usr/share/java/demo-1.2.3.jar" | cut -d' ' -f1)
python3 - "$TMP/dir.spdx3.json" "$want" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
pkgs = [e for e in doc["@graph"] if e.get("type") == "software_Package" and e.get("name") == "demo"]
if len(pkgs) != 1:
    sys.exit(f"FAIL: spdx3: {len(pkgs)} packages named demo")
p = pkgs[0]
if [(h["algorithm"], h["hashValue"]) for h in p.get("verifiedUsing", [])] != [("sha512", sys.argv[2])]:
    sys.exit(f"FAIL: spdx3: the jar's verifiedUsing {p.get('verifiedUsing')}")
if sorted(p.get("software_additionalPurpose", [])) != ["archive", "container"]:
    sys.exit(f"FAIL: spdx3: the jar's purposes {p.get('software_additionalPurpose')}")
PY

# Creator of the SBOM (TR §5.2.1): the manufacturer given, else NOASSERTION with the reason.
"$VIGIL" sbom --profile "$PROFILE" --manufacturer 'ACME GmbH <psirt@acme.example>' \
    -o cyclonedx-json="$TMP/maker.json" "$R" || fail "with --manufacturer"
python3 - "$TMP/maker.json" "$TMP/dir.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["metadata"]
if [c.get("email") for c in m.get("manufacturer", {}).get("contact", [])] != ["psirt@acme.example"]:
    sys.exit(f"FAIL: SBOM creator with --manufacturer: {m.get('manufacturer')}")
m = json.load(open(sys.argv[2]))["metadata"]
said = [p["value"] for p in m.get("properties", []) if p["name"] == "vigil:bsi:sbom-creator"]
if "manufacturer" in m or len(said) != 1 or not said[0].startswith("NOASSERTION: "):
    sys.exit(f"FAIL: SBOM creator without --manufacturer: {m.get('manufacturer')} {said}")
PY

# vigil's own checker finds every relationship's target in both documents
# (NoneElement / NoAssertionElement state a list's completeness in SPDX 3,
# they are not elements the document lacks), and no duplicate reference.
for doc in "$TMP/dir.spdx3.json" "$TMP/both.json"; do
    "$VIGIL" sbom check -o json="$TMP/check.json" "$doc" >/dev/null || true
    python3 - "$TMP/check.json" <<'PY' || fail "sbom check of the profile's ${doc##*/}"
import json, sys
got = {r["id"]: r["verdict"] for r in json.load(open(sys.argv[1]))["results"]}
bad = {k: got.get(k) for k in ("valid.references", "valid.unique-refs", "valid.purl", "valid.licence") if got.get(k) != "pass"}
sys.exit(f"FAIL: {bad}" if bad else 0)
PY
done

# Without the profile: nothing of it.
"$VIGIL" sbom -o cyclonedx-json="$TMP/plain.json" "$R"
if grep -q 'bsi:component\|SHA-512\|"compositions"' "$TMP/plain.json"; then
    fail "the plain SBOM carries the profile's fields"
fi

# An unknown profile is a usage error that lists the known ones.
rc=0
"$VIGIL" sbom --profile bsi "$R" >/dev/null 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail "--profile bsi: exit $rc, want 2"
grep -q "known: bsi-tr-03183-2" "$TMP/err" || fail "--profile bsi: $(cat "$TMP/err")"
echo "ok"

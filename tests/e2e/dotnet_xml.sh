#!/bin/bash
# dotnet_xml — NuGet manifests (*.nuspec, as the global packages folder
# keeps them, and a $token$ template that is not a package yet) and MSBuild
# project files (*.csproj, *.fsproj: properties with and without
# Condition, PackageReference versions as attributes, child elements,
# VersionOverride, exact "[x]", ranges, floating versions, $(Property)
# values, Update items, names in another case, duplicates across
# conditional ItemGroups), hand-written in the formats NuGet and the SDK
# write (the .NET SDK is not packaged for Debian bookworm), in four
# encodings: UTF-8, ISO-8859-1, UTF-16LE and UTF-16BE with a byte order mark
# (iconv; the XML declaration says so).  Every copy must give the same
# components and edges, and those must be what libxml2 (xmllint --xpath)
# reads from the same files with the rules of src/catalog/dotnet.c.
source "$(dirname "$0")/lib.sh"
need_cmd python3
need_cmd iconv
need_cmd xmllint
DATA="$VIGIL_SRC/tests/data/dotnet"
ROOT=$TMP/root

python3 - "$DATA" "$ROOT" <<'PY' || fail "could not make the copies"
import os, re, subprocess, sys
data, root = sys.argv[1:3]
variants = {"utf8": None, "latin1": ("ISO-8859-1", b"", "ISO-8859-1"),
            "utf16le": ("UTF-16LE", b"\xff\xfe", "UTF-16"), "utf16be": ("UTF-16BE", b"\xfe\xff", "UTF-16")}
for top in ("packages", "src"):
    for dirpath, _, files in os.walk(os.path.join(data, top)):
        for f in files:
            doc = open(os.path.join(dirpath, f), encoding="utf-8").read()
            body = re.sub(r"^<\?xml[^>]*\?>", "", doc)
            rel = os.path.relpath(os.path.join(dirpath, f), data)
            for name, conv in variants.items():
                os.makedirs(os.path.dirname(os.path.join(root, name, rel)), exist_ok=True)
                if conv is None:
                    out = doc.encode("utf-8")
                else:
                    to, bom, declared = conv
                    out = bom + subprocess.run(["iconv", "-f", "UTF-8", "-t", to], check=True, capture_output=True,
                        input=f'<?xml version="1.0" encoding="{declared}"?>{body}'.encode("utf-8")).stdout
                open(os.path.join(root, name, rel), "wb").write(out)
PY
head -c 2 "$ROOT/utf16be/src/Bookshop/Bookshop.csproj" | od -An -tx1 | grep -q 'fe ff' || fail "fixture: no UTF-16BE BOM"
iconv -f ISO-8859-1 -t UTF-8 "$ROOT/latin1/src/Bookshop/Bookshop.csproj" | grep 'Bücherei' >/dev/null &&
    ! grep -q 'Bücherei' "$ROOT/latin1/src/Bookshop/Bookshop.csproj" || fail "fixture: the ISO-8859-1 copy is not"

expect_status 0 "$VIGIL" sbom "$ROOT" -o cyclonedx-json="$TMP/bom.json" -o spdx-json="$TMP/spdx.json"
validate_cyclonedx "$TMP/bom.json"
validate_spdx "$TMP/spdx.json"
# One SBOM per file, at the same relative path: in one SBOM of the whole
# tree the copies of a package (four encodings, a .nuspec and the project
# that references it) are one component (docs/formats.md), and a misread
# copy could hide behind the others.
n=0
(cd "$ROOT" && find . -type f | sort) >"$TMP/files"
[ "$(wc -l <"$TMP/files")" -ge 8 ] || fail "fixture files missing"
while read -r rel; do
    n=$((n + 1))
    mkdir -p "$TMP/one/$n/$(dirname "$rel")"
    cp "$ROOT/$rel" "$TMP/one/$n/$rel"
    "$VIGIL" sbom "$TMP/one/$n" -o cyclonedx-json="$TMP/one/$n.json" 2>"$TMP/one.err" ||
        { cat "$TMP/one.err" >&2; fail "vigil sbom of $rel"; }
done <"$TMP/files"

# "C ENC LOCATION kind name version purl licence description homepage supplier" and "E ENC LOCATION from -> to"
python3 - "$TMP"/one/*.json >"$TMP/vigil.txt" <<'PY'
import json, sys
for path in sys.argv[1:]:
    doc = json.load(open(path))
    where = {}
    for c in doc["components"]:
        props = {p["name"]: p["value"] for p in c.get("properties", [])}
        if props.get("vigil:cataloger") != "dotnet":
            continue
        enc, _, loc = props["vigil:location"].partition("/")
        where[c["bom-ref"]] = (enc, loc, f"{c['name']}@{c.get('version')}")
        lic = props.get("vigil:license:declared")
        for l in c.get("licenses", []):
            lic = lic or l.get("expression") or l["license"].get("id") or l["license"].get("name")
        home = next((r["url"] for r in c.get("externalReferences", []) if r["type"] == "website"), None)
        fields = [c["name"], c.get("version"), c.get("purl"), lic, c.get("description"), home,
                  (c.get("supplier") or {}).get("name")]
        print("C", enc, loc, "app" if c["type"] == "application" else "lib",
              " ".join(json.dumps(f, ensure_ascii=False) for f in fields))
    for d in doc.get("dependencies", []):
        for to in d.get("dependsOn", []):
            if d["ref"] in where and to in where:
                enc, loc, frm = where[d["ref"]]
                print("E", enc, loc, frm, "->", where[to][2])
PY

python3 - "$ROOT" >"$TMP/ref.txt" <<'PY'
import json, os, subprocess, sys, urllib.parse
root = sys.argv[1]
SEP = "\u241f"  # (XPath literals cannot hold control characters)
def xpath(path, expr):
    r = subprocess.run(["xmllint", "--xpath", expr, path], capture_output=True)
    if r.returncode not in (0, 10):  # 10: empty result
        sys.exit(f"xmllint {path}: {r.stderr.decode()}")
    return r.stdout.decode("utf-8").removesuffix("\n")
def value(s):  # an id or version, trimmed; a $token$ or $(Property) is not one
    s = s.strip(" \t\r\n")
    return s if s and "$" not in s else None
def lc(what):  # MSBuild names match without case
    return f"translate({what}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
def named(n):
    return f"*[{lc('local-name()')}='{n.lower()}']"
def attr(n):
    return f"@*[{lc('local-name()')}='{n.lower()}']"
def purl(name, version):
    return f"pkg:nuget/{urllib.parse.quote(name, safe='')}@{urllib.parse.quote(version, safe='')}" if version else None
def line(enc, loc, kind, name, version, lic=None, desc=None, home=None, supplier=None):
    fields = [name, version, purl(name, version), lic, desc, home, supplier]
    print("C", enc, loc, kind, " ".join(json.dumps(f, ensure_ascii=False) for f in fields))
def pin(v):
    v = value(v or "")
    if v and len(v) > 2 and v[0] == "[" and v[-1] == "]":
        v = v[1:-1]
    return v if v and not any(ch in v for ch in "[](),* \t\r\n") else None
for enc in sorted(os.listdir(root)):
    for dirpath, _, files in sorted(os.walk(os.path.join(root, enc))):
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            loc = os.path.relpath(path, os.path.join(root, enc))
            if f.endswith(".nuspec"):
                m = "/*[local-name()='package']/*[local-name()='metadata']"
                fields = ["id", "version", "license[@type='expression']", "description", "projectUrl", "authors"]
                out = xpath(path, "concat(" + f", '{SEP}', ".join(f"string({m}/*[local-name()='{x.split('[')[0]}']"
                                                                 + (x[len(x.split('[')[0]):]) + ")" for x in fields) + ")")
                i, v, lic, desc, home, sup = [value(s) if k < 2 else s.strip(" \t\r\n") or None
                                              for k, s in enumerate(out.split(SEP))]
                if i:
                    line(enc, loc, "lib", i, v, lic, desc, home, sup)
                continue
            def prop(n):  # last unconditional definition
                groups = f"/*/{named('PropertyGroup')}[not({attr('Condition')})]"
                return value(xpath(path, f"string(({groups}/{named(n)}[not({attr('Condition')})])[last()])"))
            name = prop("PackageId") or prop("AssemblyName") or f.rsplit(".", 1)[0]
            version = prop("PackageVersion") or prop("Version")
            if not version and prop("VersionPrefix"):
                version = prop("VersionPrefix") + ("-" + prop("VersionSuffix") if prop("VersionSuffix") else "")
            line(enc, loc, "app", name, version)
            items = f"/*/{named('ItemGroup')}/{named('PackageReference')}"
            n = int(float(xpath(path, f"count({items})")))
            seen = set()
            for k in range(1, n + 1):
                it = f"({items})[{k}]"
                out = xpath(path, "concat(" + f", '{SEP}', ".join(
                    f"string({it}/{x})" for x in (attr("Include"), attr("VersionOverride"), named("VersionOverride"),
                                                 attr("Version"), named("Version"))) + ")")
                inc, vo_a, vo_e, v_a, v_e = out.split(SEP)
                i = value(inc)
                v = pin(vo_a or vo_e or v_a or v_e)
                if not i or not v or ";" in i or "*" in i or (i.lower(), v.lower()) in seen:
                    continue
                seen.add((i.lower(), v.lower()))
                line(enc, loc, "lib", i, v)
                print("E", enc, loc, f"{name}@{version}", "->", f"{i}@{v}")
PY
grep -q '^C utf16be src/Bookshop/Bookshop.csproj app "Bücherei.Web" "2.4.1"' "$TMP/ref.txt" ||
    fail "reference: the UTF-16BE project is not read as expected"
same_lines "$TMP/vigil.txt" "$TMP/ref.txt" "nuspec and project file components and edges (vigil vs xmllint)"
for enc in latin1 utf16le utf16be; do
    diff <(awk -v e=utf8 '$2 == e {$2 = ""; print}' "$TMP/vigil.txt" | LC_ALL=C sort) \
        <(awk -v e="$enc" '$2 == e {$2 = ""; print}' "$TMP/vigil.txt" | LC_ALL=C sort) >"$TMP/diff" ||
        { head -20 "$TMP/diff" >&2; fail "$enc copies read differently from the UTF-8 ones"; }
done
echo "ok: dotnet XML: $(grep -c '^C utf8' "$TMP/ref.txt") components and $(grep -c '^E utf8' "$TMP/ref.txt") edges per encoding match xmllint"

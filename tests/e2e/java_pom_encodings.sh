#!/bin/bash
# java_pom_encodings — every real POM of Debian's Maven repository
# (/usr/share/maven-repo, the *.pom files of the Java packages setup.sh
# installs) as a pom.xml in four encodings: UTF-8, ISO-8859-1 and UTF-16LE
# and UTF-16BE with a byte order mark (converted with iconv, the XML
# declaration saying so).  Each gets non-ASCII text first (Latin-1
# characters, so that every encoding can hold them): its description, or
# a new one, starts with accented words, and a licence with such a name is
# added.  vigil must read every copy (exit status 0) and report, for each,
# the same groupId, artifactId, version, licence and description as for
# the UTF-8 copy, and as libxml2 (xmllint --xpath, an independent parser)
# reads that very file, with the rules of src/catalog/java_pom.c: groupId
# and version inherited from <parent>, values trimmed.
source "$(dirname "$0")/lib.sh"
need_cmd python3
need_cmd iconv
need_cmd xmllint
REPO=/usr/share/maven-repo
[ -d "$REPO" ] || skip "$REPO is absent (setup.sh installs Debian's Java packages)"

ROOT=$TMP/root
NONASCII='Édition «spéciale» für Ünïcode, 10 °C ± 2, façade: '
LICENCE='Licence «libre» de la Bibliothèque, © Zoë Ñúñez'
python3 - "$REPO" "$ROOT" "$NONASCII" "$LICENCE" <<'PY' || fail "could not make the copies"
import os, re, subprocess, sys
repo, root, text, licence = sys.argv[1:5]
def iconv(data, to):
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", to], input=data, capture_output=True, check=True).stdout
variants = {"utf8": None, "latin1": ("ISO-8859-1", b"", "ISO-8859-1"),
            "utf16le": ("UTF-16LE", b"\xff\xfe", "UTF-16"), "utf16be": ("UTF-16BE", b"\xfe\xff", "UTF-16")}
for dirpath, _, files in os.walk(repo):
    for f in files:
        src = os.path.join(dirpath, f)
        if not f.endswith(".pom") or os.path.islink(src):
            continue
        doc = open(src, encoding="utf-8").read()
        if "<description>" in doc:  # in these POMs the first one is the project's
            doc = doc.replace("<description>", "<description>" + text, 1)
        else:
            i = doc.rindex("</project>")
            doc = doc[:i] + f"<description>{text}</description>\n" + doc[i:]
        i = doc.rindex("</project>")
        doc = doc[:i] + f"<licenses><license><name>{licence}</name></license></licenses>\n" + doc[i:]
        body = re.sub(r"^<\?xml[^>]*\?>", "", doc)
        rel = os.path.relpath(src, repo).removesuffix(".pom")
        for name, conv in variants.items():
            os.makedirs(os.path.join(root, name, rel))
            if conv is None:
                data = doc.encode("utf-8")
            else:
                to, bom, declared = conv
                data = bom + iconv(f'<?xml version="1.0" encoding="{declared}"?>{body}'.encode("utf-8"), to)
            open(os.path.join(root, name, rel, "pom.xml"), "wb").write(data)
PY
count=$(find "$ROOT/utf8" -name pom.xml | wc -l)
rel=$(cd "$ROOT/utf8" && find . -name pom.xml | sort | sed -n 1p)
[ "$count" -ge 100 ] || fail "only $count POMs in $REPO: the Java test packages are missing (run ./setup.sh --test)"
# the copies really differ in their bytes
iconv -f ISO-8859-1 -t UTF-8 "$ROOT/latin1/$rel" | grep 'Ünïcode' >/dev/null || fail "fixture: the ISO-8859-1 copy is not"
head -c 2 "$ROOT/utf16le/$rel" | od -An -tx1 | grep -q 'ff fe' || fail "fixture: no UTF-16LE BOM"
head -c 2 "$ROOT/utf16be/$rel" | od -An -tx1 | grep -q 'fe ff' || fail "fixture: no UTF-16BE BOM"

python3 - "$ROOT" >"$TMP/ref.txt" <<'PY'
import json, os, subprocess, sys
root = sys.argv[1]
SEP = "\u241f"  # (XPath literals cannot hold control characters)
def el(*path):  # an XPath to a child of the root, by local name (POMs use a default namespace)
    return "/*" + "".join(f"/*[local-name()='{p}'][1]" for p in path)
fields = [el("groupId"), el("parent", "groupId"), el("artifactId"), el("version"), el("parent", "version"),
          el("licenses", "license", "name"), el("description")]
xpath = "concat(" + f", '{SEP}', ".join(f"string({f})" for f in fields) + ")"
for enc in sorted(os.listdir(root)):
    for dirpath, _, files in sorted(os.walk(os.path.join(root, enc))):
        if "pom.xml" not in files:
            continue
        out = subprocess.run(["xmllint", "--xpath", xpath, os.path.join(dirpath, "pom.xml")],
                             capture_output=True, check=True).stdout.decode("utf-8")
        v = [s.strip(" \t\r\n") or None for s in out.removesuffix("\n").split(SEP)]
        g, pg, a, ver, pv, lic, desc = v
        rel = os.path.relpath(dirpath, os.path.join(root, enc))
        print(enc, rel, "\t".join(json.dumps(f, ensure_ascii=False) for f in [g or pg, a, ver or pv, lic, desc]))
PY
# One SBOM per encoding: in one SBOM the four copies of a project would be
# one component (one component per package), and a copy read wrongly would
# hide behind the others.  Within one encoding, a project that another POM
# declares as a dependency is one component found in both POMs: its row is
# the one at the POM that defines it (xmllint's row for that directory).
for enc in utf8 latin1 utf16le utf16be; do
    expect_status 0 "$VIGIL" sbom "$ROOT/$enc" -o cyclonedx-json="$TMP/bom-$enc.json"
    validate_cyclonedx "$TMP/bom-$enc.json"
done
# "ENCODING RELDIR <TAB> group <TAB> artifact <TAB> version <TAB> licence <TAB> description", JSON-quoted
for enc in utf8 latin1 utf16le utf16be; do python3 - "$TMP/bom-$enc.json" "$enc" "$TMP/ref.txt" <<'PY'
import json, sys
enc = sys.argv[2]
defines = {}  # RELDIR -> the artifact its POM defines, per xmllint
for line in open(sys.argv[3], encoding="utf-8"):
    e, rel_fields = line.rstrip("\n").split(" ", 1)
    rel, fields = rel_fields.split(" ", 1)
    if e == enc:
        defines[rel] = json.loads(fields.split("\t")[1])
for c in json.load(open(sys.argv[1]))["components"]:
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if props.get("vigil:cataloger") != "java" or c.get("type") != "application":
        continue
    lic = props.get("vigil:license:declared")
    for l in c.get("licenses", []):
        lic = lic or l.get("expression") or l["license"].get("name") or l["license"].get("id")
    fields = [props.get("vigil:java:group"), c["name"], c.get("version"), lic, c.get("description")]
    rels = [o["location"].removesuffix("/pom.xml") for o in c["evidence"]["occurrences"]]
    own = [r for r in rels if defines.get(r) == c["name"]] or rels[:1]
    for rel in own:
        print(enc, rel, "\t".join(json.dumps(f, ensure_ascii=False) for f in fields))
PY
done >"$TMP/vigil.txt"
[ "$(wc -l <"$TMP/ref.txt")" -eq $((count * 4)) ] || fail "xmllint read $(wc -l <"$TMP/ref.txt") of $((count * 4)) copies"
grep -q 'Ünïcode' "$TMP/ref.txt" || fail "fixture: the non-ASCII text is not in the documents"
same_lines "$TMP/vigil.txt" "$TMP/ref.txt" "POM fields (vigil vs xmllint)"
# and each encoding as the UTF-8 copy
for enc in latin1 utf16le utf16be; do
    diff <(grep "^utf8 " "$TMP/vigil.txt" | cut -d' ' -f2- | LC_ALL=C sort) \
        <(grep "^$enc " "$TMP/vigil.txt" | cut -d' ' -f2- | LC_ALL=C sort) >"$TMP/diff" ||
        { head -20 "$TMP/diff" >&2; fail "$enc copies read differently from the UTF-8 ones"; }
done
echo "ok: $count POMs read alike in UTF-8, ISO-8859-1, UTF-16LE and UTF-16BE, as xmllint reads them"

# dpkg_fixture.sh — vigil sbom on the package database of a real Debian 12
# minbase system (debootstrap), checked against dpkg-query and against an
# independent reading of the status file:
#  - the deb components are exactly the installed ("ii") packages;
#  - the owned-file count of every package equals dpkg-query -L;
#  - the source package (purl "upstream") equals ${source:Package}/${source:Version};
#  - the raw licence names equal the License: short names of the
#    machine-readable copyright files, read here with python;
#  - every purl is pkg:deb/ID/...&distro=ID-VERSION_ID from the fixture's os-release.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_cmd dpkg-query
need_cmd python3

mkdir "$TMP/root"
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$TMP/root"
ADMIN="$TMP/root/var/lib/dpkg"

expect_status 0 "$VIGIL" sbom "$TMP/root" -o "cyclonedx-json=$TMP/out.json"
validate_cyclonedx "$TMP/out.json"

# 1. the set of packages
cdx_packages "$TMP/out.json" deb >"$TMP/vigil.tsv"
dpkg-query --admindir="$ADMIN" -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\n' |
    awk -F'\t' '$4 ~ /^ii/ { print $1 "\t" $2 "\t" $3 }' >"$TMP/dpkg.tsv"
[ -s "$TMP/dpkg.tsv" ] || fail "dpkg-query listed no installed package"
same_lines "$TMP/vigil.tsv" "$TMP/dpkg.tsv" "deb packages (vigil vs dpkg-query)"
[ -z "$(LC_ALL=C sort "$TMP/vigil.tsv" | uniq -d)" ] || fail "duplicate deb components"

python3 - "$ADMIN/status" >"$TMP/python.tsv" <<'PY'
import sys
for para in open(sys.argv[1], encoding="utf-8").read().split("\n\n"):
    fields = {}
    for line in para.splitlines():
        if line and not line[0].isspace() and ":" in line:
            k, v = line.split(":", 1)
            fields[k] = v.strip()
    if fields.get("Status") == "install ok installed":
        print(f"{fields['Package']}\t{fields['Version']}\t{fields['Architecture']}")
PY
same_lines "$TMP/vigil.tsv" "$TMP/python.tsv" "deb packages (vigil vs 'Status: install ok installed' stanzas)"

# 2..4: per-component facts from the document
python3 - "$TMP/out.json" >"$TMP/facts.tsv" <<'PY'
import json, sys, urllib.parse
doc = json.load(open(sys.argv[1]))
for c in doc.get("components", []):
    purl = c.get("purl", "")
    if not purl.startswith("pkg:deb/"):
        continue
    props = {p["name"]: p.get("value", "") for p in c.get("properties", [])}
    head, _, query = purl.partition("?")
    q = dict(urllib.parse.parse_qsl(query))
    namespace = head[len("pkg:deb/"):].split("/")[0]
    up = q.get("upstream", "")
    src, _, srcver = up.partition("@")
    print("\t".join([c["name"], props.get("vigil:package:file-count", "0"), src or c["name"],
                     srcver or c["version"], props.get("vigil:dpkg:copyright-licenses", ""),
                     namespace, q.get("distro", "")]))
PY

# 2. owned files: dpkg-query -L prints the .list lines plus diversion notes;
#    count the paths, without "/."
cut -f1,2 "$TMP/facts.tsv" >"$TMP/vigil_files.tsv"
while IFS=$'\t' read -r pkg _ _; do
    n=$(dpkg-query --admindir="$ADMIN" -L "$pkg" | awk '/^\// && $0 != "/." { n++ } END { print n + 0 }')
    printf '%s\t%s\n' "$pkg" "$n"
done <"$TMP/dpkg.tsv" >"$TMP/dpkg_files.tsv"
[ "$(awk -F'\t' '$2 > 0' "$TMP/dpkg_files.tsv" | wc -l)" -gt 50 ] || fail "dpkg-query -L found too few packages owning files"
same_lines "$TMP/vigil_files.tsv" "$TMP/dpkg_files.tsv" "owned-file counts"

# 3. source packages
cut -f1,3,4 "$TMP/facts.tsv" >"$TMP/vigil_src.tsv"
dpkg-query --admindir="$ADMIN" -W -f='${db:Status-Abbrev}\t${Package}\t${source:Package}\t${source:Version}\n' |
    awk -F'\t' '$1 ~ /^ii/ { print $2 "\t" $3 "\t" $4 }' >"$TMP/dpkg_src.tsv"
same_lines "$TMP/vigil_src.tsv" "$TMP/dpkg_src.tsv" "source packages"
grep -q $'^bash\tbash\t5.2.15-2$' "$TMP/vigil_src.tsv" || fail "bash (a binNMU) should have source version 5.2.15-2"

# 4. licences: License short names of the header and Files paragraphs of
#    DEP-5 copyright files, distinct, in order of appearance
python3 - "$TMP/root" "$TMP/dpkg.tsv" >"$TMP/dep5.tsv" <<'PY'
import os, sys
root = sys.argv[1]
for line in open(sys.argv[2]):
    pkg = line.split("\t")[0]
    path = os.path.join(root, "usr/share/doc", pkg, "copyright")
    names = []
    if os.path.isfile(path):
        text = open(path, encoding="utf-8", errors="replace").read()
        paras = [p for p in text.replace("\r", "").split("\n\n") if p.strip()]
        def fields(p):
            out, key = {}, None
            for l in p.splitlines():
                if l[:1] in (" ", "\t"):
                    continue
                if ":" in l:
                    key, v = l.split(":", 1)
                    out[key.lower()] = v.strip()
            return out
        if paras and "copyright-format/1.0" in fields(paras[0]).get("format", ""):
            for i, p in enumerate(paras):
                f = fields(p)
                if "license" in f and (i == 0 or "files" in f) and f["license"] and f["license"] not in names:
                    names.append(f["license"])
    expr = " AND ".join((f"({n})" if " " in n and len(names) > 1 else n) for n in names)
    print(f"{pkg}\t{expr}")
PY
cut -f1,5 "$TMP/facts.tsv" >"$TMP/vigil_lic.tsv"
same_lines "$TMP/vigil_lic.tsv" "$TMP/dep5.tsv" "copyright licence names"
# and two read straight from their files
grep -q $'^grep\tGPL-3+$' "$TMP/vigil_lic.tsv" || fail "grep should be GPL-3+"
grep -qx 'License: GPL-3+' "$TMP/root/usr/share/doc/grep/copyright" || fail "fixture changed: grep licence"
grep -q $'^zlib1g\tZlib$' "$TMP/vigil_lic.tsv" || fail "zlib1g should be Zlib"

# 5. purl namespace and distro from the fixture's os-release (sourced by the shell)
want=$(. "$TMP/root/usr/lib/os-release" && printf '%s\t%s-%s' "$ID" "$ID" "$VERSION_ID")
[ "$want" = $'debian\tdebian-12' ] || fail "fixture os-release changed: $want"
bad=$(cut -f6,7 "$TMP/facts.tsv" | grep -vcx "$want" || true)
[ "$bad" = 0 ] || fail "$bad deb purls without namespace/distro $want"
grep -q '"pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2"' "$TMP/out.json" ||
    fail "bash purl is not the canonical form"
echo "ok: $(wc -l <"$TMP/vigil.tsv") deb packages"

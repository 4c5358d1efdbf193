# dpkg_distroless.sh — a distroless-style root filesystem: no
# var/lib/dpkg/status, one file per package in var/lib/dpkg/status.d/
# (made here from the paragraphs of the real Debian 12 fixture; half of them
# without the Status field, as distroless writes them) next to NAME.md5sums
# files that must be ignored.  vigil must find the same packages that
# dpkg-query reports as installed from the original status file.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_cmd dpkg-query
need_cmd python3

mkdir "$TMP/src" "$TMP/root"
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$TMP/src"
mkdir -p "$TMP/root/var/lib/dpkg/status.d" "$TMP/root/etc"
cp "$TMP/src/usr/lib/os-release" "$TMP/root/etc/os-release"

python3 - "$TMP/src/var/lib/dpkg" "$TMP/root/var/lib/dpkg/status.d" <<'PY'
import os, sys
admin, out = sys.argv[1], sys.argv[2]
paras = [p for p in open(os.path.join(admin, "status"), encoding="utf-8").read().split("\n\n") if p.strip()]
for i, para in enumerate(paras):
    name = next(l.split(":", 1)[1].strip() for l in para.splitlines() if l.startswith("Package:"))
    lines = para.splitlines()
    if i % 2:  # distroless writes no Status field
        lines = [l for l in lines if not l.startswith("Status:")]
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    for md5 in (f"{name}.md5sums", f"{name}:amd64.md5sums"):
        src = os.path.join(admin, "info", md5)
        if os.path.exists(src):
            with open(src, "rb") as s, open(os.path.join(out, f"{name}.md5sums"), "wb") as d:
                d.write(s.read())
PY
ls "$TMP/root/var/lib/dpkg/status.d/"*.md5sums >/dev/null 2>&1 || fail "test setup made no .md5sums files"

expect_status 0 "$VIGIL" sbom "$TMP/root" -o "cyclonedx-json=$TMP/out.json"
cdx_packages "$TMP/out.json" deb >"$TMP/vigil.tsv"
dpkg-query --admindir="$TMP/src/var/lib/dpkg" -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\n' |
    awk -F'\t' '$4 ~ /^ii/ { print $1 "\t" $2 "\t" $3 }' >"$TMP/dpkg.tsv"
[ -s "$TMP/dpkg.tsv" ] || fail "dpkg-query listed no installed package"
same_lines "$TMP/vigil.tsv" "$TMP/dpkg.tsv" "deb packages from status.d (vigil vs dpkg-query on the original status)"

# each component's location is its own status.d file
python3 - "$TMP/out.json" <<'PY' || fail "locations of status.d packages"
import json, sys
bad = 0
for c in json.load(open(sys.argv[1])).get("components", []):
    if not c.get("purl", "").startswith("pkg:deb/"):
        continue
    props = {p["name"]: p.get("value", "") for p in c.get("properties", [])}
    locs = [v for k, v in props.items() if "location" in k or k.endswith(":path")]
    locs += [o.get("location", "") for o in c.get("evidence", {}).get("occurrences", [])]
    if not any(l.endswith("var/lib/dpkg/status.d/" + c["name"]) for l in locs):
        print("wrong location", c["name"], locs, file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
echo "ok: $(wc -l <"$TMP/vigil.tsv") packages from status.d"

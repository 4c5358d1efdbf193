# scan_distro_managed.sh — a language package that an OS package installed
# (Debian's python3-cryptography 38.0.4, which owns
# cryptography-38.0.4.dist-info) carries the distribution's backported
# fixes: it is checked through the deb against Debian's feed, and PyPI's
# advisories about it are reported only with --include-distro-managed,
# marked as such.  The expected PyPI set is computed from the raw OSV
# records with python's `packaging` (the PEP 440 reference).
#
# The package is this machine's real one (dpkg status stanza, .list file
# and dist-info), in a root whose os-release says bullseye, because the
# tracker lists (2023-04) hold bullseye data and no bookworm data.
source "$(dirname "$0")/lib.sh"
need_shared vulndata/osv/PyPI
need_shared vulndata/debian-security-tracker/DSA/list
need_cmd dpkg-query
need_cmd jq
dist=
for d in /usr/lib/python3/dist-packages/cryptography-*.dist-info; do [ -d "$d" ] && dist=$d; done
[ -n "$dist" ] && dpkg-query -W python3-cryptography >/dev/null 2>&1 ||
    skip "python3-cryptography is not installed (setup.sh --test installs it)"
python3 -c 'import packaging.version' 2>/dev/null || /usr/bin/python3 -c 'import packaging.version' ||
    skip "python3-packaging is not installed"
py=python3
python3 -c 'import packaging.version' 2>/dev/null || py=/usr/bin/python3
T=$TMP

R=$T/root
mkdir -p "$R/var/lib/dpkg/info" "$R/etc" "$R/usr/lib/python3/dist-packages"
dpkg-query -s python3-cryptography >"$R/var/lib/dpkg/status"
cp /var/lib/dpkg/info/python3-cryptography.list "$R/var/lib/dpkg/info/"
cp -r "$dist" "$R/usr/lib/python3/dist-packages/"
printf 'ID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\nPRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\n' >"$R/etc/os-release"
version=$(sed -n 's/^Version: //p' "$dist/METADATA")
[ -n "$version" ] || fail "no version in $dist/METADATA"

$VIGIL db build --from "$VIGIL_SHARED/vulndata/osv/PyPI" --from "$VIGIL_SHARED/vulndata/debian-security-tracker/DSA/list" \
    --db "$T/db.sqlite" >/dev/null 2>"$T/build.err" || { cat "$T/build.err" >&2; fail "db build"; }
scan() { $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d "$@"; }

# The reference: PyPI advisories whose ranges or versions hold this version.
$py - "$VIGIL_SHARED/vulndata/osv/PyPI" "$version" >"$T/expected.txt" <<'PY'
import glob, json, os, sys
from packaging.version import Version, InvalidVersion
v = Version(sys.argv[2])
def V(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None
out = set()
for path in glob.glob(os.path.join(sys.argv[1], "*.json")):
    d = json.load(open(path))
    if d.get("withdrawn"):
        continue
    for a in d.get("affected", []):
        p = a.get("package", {})
        if p.get("ecosystem") != "PyPI" or p.get("name", "").lower() != "cryptography":
            continue
        hit = sys.argv[2] in a.get("versions", [])
        for r in a.get("ranges", []):
            if r["type"] != "ECOSYSTEM":
                continue
            events = sorted(r["events"], key=lambda e: (V(list(e.values())[0]) or Version("0")) if list(e.values())[0] != "0" else Version("0"))
            state = False
            for e in events:
                k, x = next(iter(e.items()))
                if k == "introduced" and (x == "0" or v >= V(x)):
                    state = True
                elif k == "fixed" and v >= V(x):
                    state = False
                elif k == "last_affected" and v > V(x):
                    state = False
            hit = hit or state
        if hit:
            out.add(d["id"])
print("\n".join(sorted(out)))
PY
[ -s "$T/expected.txt" ] || fail "the reference finds no PyPI advisory for cryptography $version: pick another package"

# 1. By default: the deb is checked against Debian 11, the Python package
# through it, and no PyPI advisory is reported.
expect_status 0 scan -o json="$T/default.json" -o table="$T/default.txt" "$R"
deb_ref=$(jq -r '.components[] | select(.type == "deb" and .name == "python3-cryptography") | .bomRef' "$T/default.json")
[ -n "$deb_ref" ] || fail "no deb python3-cryptography component"
[ "$(jq -r '.components[] | select(.type == "deb") | .coverage.status' "$T/default.json")" = checked ] ||
    fail "the deb was not checked against Debian:11"
jq -e --arg ref "$deb_ref" '.components[] | select(.type == "pypi" and .name == "cryptography") |
    select(.coverage.status == "via-os-package" and .coverage.viaOSPackage == $ref and .coverage.ecosystem == "Debian:11")' \
    "$T/default.json" >/dev/null || fail "cryptography is not checked through python3-cryptography"
[ "$(jq '[.findings[] | select(.component.type == "pypi")] | length' "$T/default.json")" = 0 ] ||
    fail "PyPI advisories reported against a Debian-managed package by default"
[ "$(jq '.summary.componentsChecked' "$T/default.json")" = 2 ] || fail "both components count as checked"

# 2. --include-distro-managed: exactly the reference's PyPI advisories,
# each marked distroManaged, in the table's separate section.
expect_status 0 scan --include-distro-managed -o json="$T/all.json" -o table="$T/all.txt" "$R"
jq -r '.findings[] | select(.component.type == "pypi") | .advisories[]' "$T/all.json" | sort -u >"$T/got.txt"
same_lines "$T/got.txt" "$T/expected.txt" "PyPI advisories of cryptography $version"
[ "$(jq '[.findings[] | select(.component.type == "pypi" and .distroManaged != true)] | length' "$T/all.json")" = 0 ] ||
    fail "an upstream finding on a distro-managed package is not marked"
grep -q "^Upstream advisories about packages installed by OS packages" "$T/all.txt" ||
    fail "the table has no separate section for upstream advisories"
jq -e --arg ref "$deb_ref" '.components[] | select(.type == "pypi") | select(.coverage.status == "via-os-package")' \
    "$T/all.json" >/dev/null || fail "--include-distro-managed changed what the package counts as"

# 3. Without an OS the deb cannot be checked, and so neither can the
# Python package it installed.
rm "$R/etc/os-release"
expect_status 3 scan -o json="$T/noos.json" -o table="$T/noos.txt" "$R"
[ "$(jq -r '.components[] | select(.type == "pypi") | .coverage.status' "$T/noos.json")" = unknown-os ] ||
    fail "the Python package of an unchecked deb counts as checked"
grep -q "^1 pypi package installed by OS packages not checked: the OS is unknown" "$T/noos.txt" ||
    { cat "$T/noos.txt" >&2; fail "the table does not say why the Python package was not checked"; }
echo "ok: cryptography $version checked through its deb; $(wc -l <"$T/expected.txt") PyPI advisories only on request"

# scan_sbom_roundtrip.sh — a scan of vigil's own CycloneDX and SPDX SBOMs
# of a target finds what a scan of the target itself finds: the same
# findings (component purl and vulnerability id, distro-managed or not) and
# the same components (bom-ref, type, name, version, purl, source package,
# location and coverage, which says how each was checked and through which
# OS package).  The database is built from ../shared/vulndata.
#
# The target is made of real packages of this machine:
#  - Go: Debian's go binary where golang-1.19-go installed it (owned: the
#    stdlib is checked through the deb) and a copy of it elsewhere (its
#    stdlib is the Go vulnerability database's business): two components;
#  - Python: the .dist-info and .egg-info metadata of the Debian python3-*
#    packages with their dpkg file lists (CONTAINS edges from the debs) and
#    a copy of cryptography's in a virtual environment (not Debian's);
#  - npm: a project installed by npm (node_modules and package-lock.json);
#  - the Python lock files of tests/data/python (poetry, uv, Pipfile.lock,
#    requirements), whose packages have advisories;
#  - this machine's dpkg status and os-release.
. "$(dirname "$0")/lib.sh"
need_shared vulndata/osv/Go
need_shared vulndata/osv/PyPI
need_cmd jq
need_cmd go
TOOLS=$VIGIL_SRC/tests/tools
[ -d "$TOOLS/node_modules/ajv" ] || skip "tests/tools/node_modules is not installed (npm ci, done by setup.sh)"
[ -s /var/lib/dpkg/status ] || skip "this machine has no dpkg database"
GOBIN=$(go env GOROOT)/bin/go
CRYPTO=$(ls -d /usr/lib/python3/dist-packages/cryptography-*.dist-info 2>/dev/null | sed -n 1p)
[ -n "$CRYPTO" ] || skip "python3-cryptography is not installed"

R=$TMP/root
mkdir -p "$R/etc" "$R/var/lib/dpkg/info" "$R/usr/lib/python3/dist-packages" "$R/opt/tools" \
    "$R/opt/venv/lib/python3/site-packages" "$R/srv/app" "$R/srv/py"
cp /etc/os-release "$R/etc/"
cp /var/lib/dpkg/status "$R/var/lib/dpkg/"
for f in /var/lib/dpkg/info/python3-*.list; do cp "$f" "$R/var/lib/dpkg/info/"; done
owner=$(dpkg -S "$GOBIN" 2>/dev/null | cut -d: -f1) || true
[ -n "$owner" ] || skip "$GOBIN is not installed by a Debian package"
cp "/var/lib/dpkg/info/$owner.list" "$R/var/lib/dpkg/info/" 2>/dev/null ||
    cp "/var/lib/dpkg/info/$owner:$(dpkg --print-architecture).list" "$R/var/lib/dpkg/info/"
for d in /usr/lib/python3/dist-packages/*.dist-info /usr/lib/python3/dist-packages/*.egg-info; do
    cp -r "$d" "$R/usr/lib/python3/dist-packages/"
done
mkdir -p "$R$(dirname "$GOBIN")"
cp "$GOBIN" "$R$GOBIN"
cp "$GOBIN" "$R/opt/tools/go"
cp -r "$CRYPTO" "$R/opt/venv/lib/python3/site-packages/"
cp -rL "$TOOLS/node_modules" "$TOOLS/package.json" "$TOOLS/package-lock.json" "$R/srv/app/"
cp -r "$VIGIL_SRC/tests/data/python/." "$R/srv/py/"

"$VIGIL" db build --from "$VIGIL_SHARED/vulndata" --db "$TMP/db.sqlite" >/dev/null 2>"$TMP/db.err" || [ $? = 3 ] ||
    { cat "$TMP/db.err" >&2; fail "vigil db build --from ../shared/vulndata"; }
expect_status 0 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/sbom.cdx.json" -o "spdx-json=$TMP/sbom.spdx.json"
scan() { "$VIGIL" scan --db "$TMP/db.sqlite" --max-db-age 100000d --allow-unchecked -o "json=$TMP/$2.json" "$1"; }
expect_status 0 scan "$R" direct
expect_status 0 scan "$TMP/sbom.cdx.json" cdx
expect_status 0 scan "$TMP/sbom.spdx.json" spdx

findings() { jq -r '.findings[] | "\(.component.purl)\t\(.id)\t\(.distroManaged)"' "$TMP/$1.json" | sort; }
components() {
    jq -c '.components[] | {bomRef, type, name, version, purl, sourceName, sourceVersion, location,
                            coverage: (.coverage | del(.newestData))}' "$TMP/$1.json" | sort
}
findings direct >"$TMP/direct.findings"
components direct >"$TMP/direct.components"

# the target is what this test says it is
python3 - "$TMP/direct.json" "$TMP/direct.findings" <<'PY' || fail "the target does not exercise Go, Python and npm"
import json, sys
doc = json.load(open(sys.argv[1]))
rows = [l.split("\t") for l in open(sys.argv[2]).read().splitlines()]
comps = doc["components"]
def of(prefix):
    return [c for c in comps if (c["purl"] or "").startswith(prefix)]
std = of("pkg:golang/stdlib@")
assert len(std) == 2, [c["location"] for c in std]                 # Debian's and the copy
assert sum(bool(c["coverage"]["viaOSPackage"]) for c in std) == 1, std
assert any(r[0].startswith("pkg:golang/stdlib@") for r in rows), "no Go finding"
crypto = [c for c in of("pkg:pypi/cryptography@")]
assert len(crypto) == 2 and sum(bool(c["coverage"]["viaOSPackage"]) for c in crypto) == 1, crypto
assert sum(bool(c["coverage"]["viaOSPackage"]) for c in of("pkg:pypi/")) >= 10, "few Debian-managed Python packages"
assert any(r[0].startswith("pkg:pypi/") for r in rows), "no Python finding"
assert len(of("pkg:npm/")) >= 20, "few npm packages"
assert len(rows) >= 50, len(rows)
PY

for f in cdx spdx; do
    findings "$f" >"$TMP/$f.findings"
    components "$f" >"$TMP/$f.components"
    same_lines "$TMP/$f.findings" "$TMP/direct.findings" "findings of the $f SBOM and of the target"
    same_lines "$TMP/$f.components" "$TMP/direct.components" "components of the $f SBOM and of the target"
    [ "$(jq -r .target.kind "$TMP/$f.json")" = sbom ] || fail "$f: the target is not read as an SBOM"
done
echo "ok: $(wc -l <"$TMP/direct.findings") findings and $(wc -l <"$TMP/direct.components") components, the same from the target and from its CycloneDX and SPDX SBOMs"

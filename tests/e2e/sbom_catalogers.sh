#!/bin/bash
# vigil sbom --catalogers: only the catalogers named run; the OS is always
# identified; an unknown name is a usage error that lists the known ones.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_cmd python3
mkdir "$TMP/root"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$TMP/root"
site=$TMP/root/usr/lib/python3/dist-packages/demo-1.0.dist-info
mkdir -p "$site"
printf 'Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n' >"$site/METADATA"

types() { # the purl types of a CycloneDX document, with counts, and the OS
    python3 - "$1" <<'PY'
import collections, json, sys
doc = json.load(open(sys.argv[1]))
c = collections.Counter(x["purl"].split(":")[1].split("/")[0] for x in doc["components"] if "purl" in x)
os_ = [x["name"] for x in doc["components"] if x["type"] == "operating-system"]
print(" ".join(f"{k}={v}" for k, v in sorted(c.items())), "os=" + ",".join(os_))
PY
}
debs=$(dpkg-query --admindir="$TMP/root/var/lib/dpkg" -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')

expect_status 0 "$VIGIL" sbom "$TMP/root" -o cyclonedx-json="$TMP/all.json"
[ "$(types "$TMP/all.json")" = "deb=$debs pypi=1 os=debian" ] || fail "all catalogers: $(types "$TMP/all.json")"
expect_status 0 "$VIGIL" sbom --catalogers os "$TMP/root" -o cyclonedx-json="$TMP/os.json"
[ "$(types "$TMP/os.json")" = "deb=$debs os=debian" ] || fail "--catalogers os: $(types "$TMP/os.json")"
expect_status 0 "$VIGIL" sbom --catalogers python "$TMP/root" -o cyclonedx-json="$TMP/py.json"
[ "$(types "$TMP/py.json")" = "pypi=1 os=debian" ] || fail "--catalogers python: $(types "$TMP/py.json")"
expect_status 0 "$VIGIL" sbom --catalogers lang,dpkg "$TMP/root" -o cyclonedx-json="$TMP/mix.json"
[ "$(types "$TMP/mix.json")" = "deb=$debs pypi=1 os=debian" ] || fail "--catalogers lang,dpkg: $(types "$TMP/mix.json")"
expect_status 2 "$VIGIL" sbom --catalogers dpkg,nosuch "$TMP/root"
expect_stderr "no cataloger 'nosuch'.*dpkg"
echo "--catalogers: ok"

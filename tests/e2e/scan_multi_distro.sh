# scan_multi_distro.sh — an SBOM that aggregates two images of different
# distributions (a Debian 11 and an Alpine 3.10 root, joined into one
# CycloneDX document the way SBOM hubs merge them): each component is
# matched against its own distribution's feed with its own comparator,
# taken from its purl's distro qualifier; the document's OS is only a
# default.  The aggregate's findings must be the union of the two images'
# own findings, and the Alpine ones must not be lost to the Debian OS.
# Trivy's qualifier form (distro=3.10.9, the ID in the namespace) is
# checked the same way.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/debian-security-tracker/DSA/list
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
T=$TMP
$VIGIL db build --from "$VIGIL_SHARED/vulndata/debian-security-tracker/DSA/list" \
    --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" --db "$T/db.sqlite" >/dev/null 2>"$T/build.err" ||
    { cat "$T/build.err" >&2; fail "db build"; }
scan() { $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d "$@"; }

# A Debian root as bullseye (the tracker lists have bullseye data), with
# real packages lowered below real fixes; an Alpine root with musl lowered.
mkdir "$T/deb" "$T/apk"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$T/deb"
for f in etc/os-release usr/lib/os-release; do
    [ -f "$T/deb/$f" ] && sed -i -e 's/^VERSION_ID=.*/VERSION_ID="11"/' -e 's/^VERSION_CODENAME=.*/VERSION_CODENAME=bullseye/' "$T/deb/$f"
done
sed -i -e 's/^Version: .*/Version: 0~vigiltest-1/' -e 's/^\(Source: [^ ]*\) (.*)$/\1/' "$T/deb/var/lib/dpkg/status"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$T/apk"
sed -i 's/^V:1.1.22-r4$/V:1.1.22-r2/' "$T/apk/lib/apk/db/installed"
for r in deb apk; do
    $VIGIL sbom -o cyclonedx-json="$T/$r.cdx.json" "$T/$r" 2>"$T/sbom.err" || { cat "$T/sbom.err" >&2; fail "vigil sbom $r"; }
done

# findings FILE: "purl<TAB>id" of every finding
findings() { jq -r '.findings[] | "\(.component.purl)\t\(.id)"' "$1" | sort -u; }
expect_status 0 scan -o json="$T/deb.json" "$T/deb.cdx.json"
expect_status 0 scan -o json="$T/apk.json" "$T/apk.cdx.json"
findings "$T/deb.json" >"$T/deb.txt"
findings "$T/apk.json" >"$T/apk.txt"
grep -q "^pkg:apk/alpine/musl@" "$T/apk.txt" || fail "the Alpine root has no musl finding"
[ -s "$T/deb.txt" ] || fail "the Debian root has no finding"
cat "$T/deb.txt" "$T/apk.txt" >"$T/union.txt"

# The aggregate: the Debian document with the Alpine components appended
# (its OS says Debian 11).
jq --slurpfile a "$T/apk.cdx.json" '.components += [$a[0].components[] | select(.type != "operating-system")] |
    .dependencies = []' "$T/deb.cdx.json" >"$T/both.cdx.json"
expect_status 0 scan -o json="$T/both.json" "$T/both.cdx.json"
findings "$T/both.json" >"$T/both.txt"
same_lines "$T/both.txt" "$T/union.txt" "findings of the aggregate SBOM and of its two images"
[ "$(jq -r '[.components[] | select(.type == "apk") | .coverage.ecosystem] | unique | join(",")' "$T/both.json")" = "Alpine:v3.10" ] ||
    fail "apk packages not matched in Alpine:v3.10"
[ "$(jq -r '[.components[] | select(.type == "deb") | .coverage.ecosystem] | unique | join(",")' "$T/both.json")" = "Debian:11" ] ||
    fail "deb packages not matched in Debian:11"

# --distro speaks for packages of its own kind only: apk packages keep
# their Alpine release, never compared with dpkg's ordering in Debian's feed.
expect_status 0 scan --distro debian:11 -o json="$T/override.json" "$T/both.cdx.json"
findings "$T/override.json" >"$T/override.txt"
same_lines "$T/override.txt" "$T/union.txt" "findings with --distro debian:11"

# Trivy writes the distro qualifier as the version alone: distro=3.10.9.
jq '.components |= map(if .purl then .purl |= sub("distro=alpine-"; "distro=") else . end)' "$T/both.cdx.json" >"$T/trivy.cdx.json"
grep -q 'distro=3.10.9' "$T/trivy.cdx.json" || fail "the Trivy-style rewrite changed nothing"
expect_status 0 scan -o json="$T/trivy.json" "$T/trivy.cdx.json"
findings "$T/trivy.json" | sed 's/distro=3\.10\.9/distro=alpine-3.10.9/' >"$T/trivy.txt"
same_lines "$T/trivy.txt" "$T/union.txt" "findings with Trivy's distro qualifiers"

# An apk purl with neither qualifier nor a matching OS: its release is
# unknown, it is not matched in Debian's feed, and the scan says so.
jq '.components |= map(if (.purl // "" | startswith("pkg:apk/")) then .purl |= sub("[?&]distro=[^&]*"; "") else . end)' \
    "$T/both.cdx.json" >"$T/noq.cdx.json"
expect_status 3 scan -o json="$T/noq.json" -o table="$T/noq.txt" "$T/noq.cdx.json"
[ "$(jq '[.components[] | select(.type == "apk" and .coverage.status != "unknown-os")] | length' "$T/noq.json")" = 0 ] ||
    fail "apk packages without a release were matched anyway"
grep -Eq '^[0-9]+ apk packages not checked: the release of alpine is unknown — use --distro alpine:VERSION$' "$T/noq.txt" ||
    { cat "$T/noq.txt" >&2; fail "the table does not say the Alpine release is unknown"; }
echo "ok: $(wc -l <"$T/union.txt") findings of two distributions from one SBOM"

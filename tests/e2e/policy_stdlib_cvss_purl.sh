#!/usr/bin/env bash
# policy_stdlib_cvss_purl.sh — vigil.cvss and vigil.purl, two functions of
# the policy rules' vigil library (src/policy/stdlib.c), on real data
# against what its publishers say:
# - every CVSS v2, v3.0 and v3.1 vector of ../shared's NVD CVE records must
#   give NVD's own baseScore and baseSeverity (v2: the metric's
#   baseSeverity), and the version NVD states;
# - every purl of ../shared's crates.io and PyPI OSV records must give the
#   type of its OSV ecosystem (cargo, pypi) and the package's OSV name,
#   normalised as the purl specification says for pypi (lower case, "_" to
#   "-"; OSV also writes PEP 503's "." to "-", accepted as well);
# - every purl of the SBOMs vigil makes of the Debian, Alpine and RPM
#   fixtures must give the component's own name and version (decoded:
#   "12.4%2Bdeb12u15" is "12.4+deb12u15"; an RPM epoch is the "epoch"
#   qualifier), its type, the distro's namespace and the arch qualifier.
# The rule tests/data/policy/stdlib/cvss_purl.lua runs in the real sandbox
# through unit_policy_stdlib --run.
source "$(dirname "$0")/lib.sh"
need_cmd jq
need_shared vulndata/nvd
need_shared vulndata/osv/crates.io
need_shared vulndata/osv/PyPI
need_shared fixtures/rootfs
UNIT=${VIGIL_BUILD:?}/tests/unit_policy_stdlib
[ -x "$UNIT" ] || fail "$UNIT is not built"
DATA=$VIGIL_SHARED/vulndata
FIX=$VIGIL_SHARED/fixtures

# NVD: vector, then the expected line.
find "$DATA/nvd/api-responses" "$DATA/nvd/cve" -name '*.json' -print0 | sort -z >"$TMP/nvd.list"
xargs -0 jq -r '(.vulnerabilities[]?.cve.metrics, .metrics) | objects
    | ((.cvssMetricV2 // [])[] | [.cvssData.vectorString, .cvssData.version, .cvssData.baseScore, .baseSeverity]),
      ((.cvssMetricV30 // [], .cvssMetricV31 // [])[] | [.cvssData.vectorString, .cvssData.version,
                                                         .cvssData.baseScore, .cvssData.baseSeverity])
    | @tsv' <"$TMP/nvd.list" |
    awk -F '\t' '{ printf "%s\t%s\t%.1f\t%s\n", $1, $2, $3, tolower($4) }' >"$TMP/nvd"
awk -F '\t' '{ print $2 "\t" $3 "\t" $4 }' "$TMP/nvd" >"$TMP/cvss.expected"
[ "$(wc -l <"$TMP/nvd")" -ge 400 ] || fail "only $(wc -l <"$TMP/nvd") NVD CVSS metrics found"
for v in 2.0 3.0 3.1; do grep -q "^[^	]*	$v	" "$TMP/nvd" || fail "no CVSS $v metric in the NVD data"; done

# OSV purls: purl, then the type, the name and PEP 503's name.
for eco in crates.io PyPI; do
    find "$DATA/osv/$eco" -name '*.json' -print0 | sort -z >"$TMP/$eco.list"
    xargs -0 jq -r '.affected[]?.package | select(.purl) | [.purl, .ecosystem, .name] | @tsv' <"$TMP/$eco.list"
done | sort -u >"$TMP/osv"
[ "$(wc -l <"$TMP/osv")" -ge 1000 ] || fail "only $(wc -l <"$TMP/osv") OSV purls found"
# SBOM purls: purl, then the expected line.
for t in alpine-minirootfs-3.11.13-x86_64.tar.gz debian-bookworm-minbase-pkgdb.tar.gz; do
    "$VIGIL" sbom -q "$FIX/rootfs/$t" >"$TMP/$t.cdx.json"
done
mkdir -p "$TMP/rpm/var/lib/rpm"
cp "$FIX/rpmdb/cbl-mariner-2.0/rpmdb.sqlite" "$TMP/rpm/var/lib/rpm/"
"$VIGIL" sbom -q "$TMP/rpm" >"$TMP/rpm.cdx.json"
jq -r '.components[] | select(.purl) | [.purl, .name, .version] | @tsv' "$TMP"/*.cdx.json >"$TMP/sbom"
[ "$(wc -l <"$TMP/sbom")" -ge 200 ] || fail "only $(wc -l <"$TMP/sbom") SBOM purls found"

jq -R -n --rawfile nvd "$TMP/nvd" --rawfile osv "$TMP/osv" --rawfile sbom "$TMP/sbom" '
    def first_column: split("\n") | map(select(length > 0) | split("\t")[0]);
    { vectors: ($nvd | first_column), purls: (($osv | first_column) + ($sbom | first_column)) }' >"$TMP/input.json"
"$UNIT" --run "$VIGIL_SRC/tests/data/policy/stdlib/cvss_purl.lua" <"$TMP/input.json" >"$TMP/vigil.json" ||
    fail "the cvss/purl rule failed"
jq -r . "$TMP/vigil.json" >"$TMP/vigil"
nv=$(wc -l <"$TMP/nvd") no=$(wc -l <"$TMP/osv") ns=$(wc -l <"$TMP/sbom")
[ "$(wc -l <"$TMP/vigil")" = $((nv + no + ns)) ] || fail "vigil gave $(wc -l <"$TMP/vigil") lines for $((nv + no + ns)) inputs"

sed -n "1,${nv}p" "$TMP/vigil" >"$TMP/cvss.vigil"
if ! diff "$TMP/cvss.expected" "$TMP/cvss.vigil" >"$TMP/cvss.diff"; then
    head -20 "$TMP/cvss.diff" >&2
    fail "$(grep -c '^<' "$TMP/cvss.diff") CVSS scores differ from NVD's (< NVD, > vigil)"
fi

sed -n "$((nv + 1)),$((nv + no))p" "$TMP/vigil" | paste "$TMP/osv" - | awk -F '\t' '
    {
        type = $2 == "crates.io" ? "cargo" : "pypi"
        name = $3
        if (type == "pypi") { name = tolower(name); pep503 = name; gsub(/_/, "-", name); gsub(/[-_.]+/, "-", pep503) }
        else pep503 = name
        if ($4 != type || $5 != "-" || ($6 != name && $6 != pep503) || $7 != "-" || $8 != "") {
            bad++
            if (bad <= 20) print "DISAGREE " $1 " (" $2 " " $3 "): vigil " $4 " " $5 " " $6 " " $7 " " $8 > "/dev/stderr"
        }
    }
    END { if (bad) { print bad " OSV purls disagree" > "/dev/stderr"; exit 1 } }' ||
    fail "vigil.purl disagrees with the OSV records"

sed -n "$((nv + no + 1)),\$p" "$TMP/vigil" | paste "$TMP/sbom" - | awk -F '\t' '
    {
        split($1, head, /[:\/@]/)
        type = head[2]
        ns = type == "deb" ? "debian" : type == "apk" ? "alpine" : "-"
        version = $7  # an RPM epoch is the purl qualifier "epoch", and part of the SBOM version
        if (match("&" $8, /&epoch=[0-9]+/)) version = substr("&" $8, RSTART + 7, RLENGTH - 7) ":" version
        if ($4 != type || $5 != ns || $6 != $2 || version != $3 || $8 !~ /(^|&)arch=/) {
            bad++
            if (bad <= 20) print "DISAGREE " $1 " (" $2 " " $3 "): vigil " $4 " " $5 " " $6 " " $7 " " $8 > "/dev/stderr"
        }
        types[type]++
    }
    END {
        if (bad) { print bad " SBOM purls disagree" > "/dev/stderr"; exit 1 }
        if (types["deb"] < 50 || types["apk"] < 10 || types["rpm"] < 50) { print "too few deb, apk or rpm purls" > "/dev/stderr"; exit 1 }
    }' || fail "vigil.purl disagrees with the SBOM components"
echo "ok: $nv NVD CVSS metrics, $no OSV purls and $ns SBOM purls agree"

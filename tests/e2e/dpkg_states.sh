# dpkg_states.sh — which dpkg package states become components.  A status
# file with one package in each state of dpkg-query(1) (not-installed,
# config-files, half-installed, unpacked, half-configured, triggers-awaited,
# triggers-pending, installed) and want flags install/hold/deinstall/purge.
# vigil lists every package whose files are on disk: all states except
# not-installed and config-files; the reference is dpkg-query's own
# ${db:Status-Abbrev} (second letter n or c = nothing on disk).  Packages
# not fully installed carry the property vigil:dpkg:status = their state.
. "$(dirname "$0")/lib.sh"

need_cmd dpkg-query
need_cmd python3

mkdir -p "$TMP/root/var/lib/dpkg/updates" "$TMP/root/var/lib/dpkg/info"
n=0
for status in "install ok installed" "hold ok installed" "deinstall ok installed" \
              "install ok unpacked" "install reinstreq half-installed" "install ok half-configured" \
              "install ok triggers-awaited" "install ok triggers-pending" \
              "deinstall ok config-files" "purge ok not-installed" "unknown ok not-installed"; do
    n=$((n + 1))
    state=${status##* }
    printf 'Package: pkg%s-%s\nStatus: %s\nArchitecture: amd64\nVersion: 1.%s-1\n' "$n" "$state" "$status" "$n"
    [ "$state" = triggers-awaited ] && printf 'Triggers-Awaited: pkg1-installed\n'
    [ "$state" = triggers-pending ] && printf 'Triggers-Pending: ldconfig\n'
    printf 'Description: package in state %s\n\n' "$state"
done >"$TMP/root/var/lib/dpkg/status"

expect_status 0 "$VIGIL" sbom "$TMP/root" -o "cyclonedx-json=$TMP/out.json"
cdx_packages "$TMP/out.json" deb >"$TMP/vigil.tsv"
dpkg-query --admindir="$TMP/root/var/lib/dpkg" -W -f='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\n' |
    awk -F'\t' 'substr($4, 2, 1) != "n" && substr($4, 2, 1) != "c" { print $1 "\t" $2 "\t" $3 }' >"$TMP/dpkg.tsv"
[ "$(wc -l <"$TMP/dpkg.tsv")" = 8 ] || fail "dpkg-query should see 8 packages with files on disk, saw $(wc -l <"$TMP/dpkg.tsv")"
same_lines "$TMP/vigil.tsv" "$TMP/dpkg.tsv" "packages with files on disk (vigil vs dpkg-query)"

python3 - "$TMP/out.json" <<'PY' || fail "vigil:dpkg:status properties"
import json, sys
bad = 0
for c in json.load(open(sys.argv[1])).get("components", []):
    if not c.get("purl", "").startswith("pkg:deb/"):
        continue
    state = c["name"].split("-", 1)[1]
    props = {p["name"]: p.get("value") for p in c.get("properties", [])}
    want = None if state == "installed" else state
    if props.get("vigil:dpkg:status") != want:
        print(c["name"], "has vigil:dpkg:status", props.get("vigil:dpkg:status"), "want", want, file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
echo "ok: dpkg states"

# inventory_add.sh — `vigil inventory add` on the real Alpine 3.10.9
# minirootfs against the real Alpine secdb of v3.10: the stored components
# are the packages of lib/apk/db/installed, the new and fixed findings of
# each snapshot are what an independent reading of the secdb says (python,
# as in scan_alpine.sh), a finding whose package is still there but could
# not be checked stays open, an SBOM given as it is comes back byte for
# byte, and attestation bundles are kept with their verification result.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
need_cmd python3

T=$TMP
S="sqlite:$T/store.sqlite"
secdb=$VIGIL_SHARED/vulndata/alpine-secdb/v3.10
$VIGIL db build --from "$secdb/main.json" --db "$T/db.sqlite" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; fail "db build"; }
add() { $VIGIL inventory add --db "$T/db.sqlite" --store "$S" "$@"; }
mkdir "$T/a" "$T/b"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$T/a"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$T/b"
# b: musl lowered below its secfixes entry 1.1.22-r3 (CVE-2019-14697).
grep -q '^V:1.1.22-r4$' "$T/b/lib/apk/db/installed" || fail "fixture changed: musl is not 1.1.22-r4"
sed -i 's/^V:1.1.22-r4$/V:1.1.22-r2/' "$T/b/lib/apk/db/installed"

# "package<TAB>vulnerability" pairs the secdb gives for an installed db.
reference() { python3 "$VIGIL_SRC/tests/e2e/apk_secdb_ref.py" "$1" "$secdb/main.json"; }

# 1. The rootfs as shipped: every apk package stored, no finding.
expect_status 0 add "$T/a" --asset alpine --version 3.10.9 --tag team=platform --owner ops -o json
r=$T/stdout
[ "$(jq -r '.asset, .snapshot, .previous' "$r" | tr '\n' ' ')" = "alpine 1 null " ] || fail "first snapshot: $(cat "$r")"
[ "$(jq '.new_findings | length' "$r")" = 0 ] || fail "findings on the rootfs as shipped"
expect_status 0 $VIGIL inventory show alpine@1 --store "$S" -o json
jq -r '.component_list[] | select(.type == "apk") | "\(.name)\t\(.version)"' "$T/stdout" >"$T/stored.txt"
python3 - "$T/a/lib/apk/db/installed" >"$T/apk.txt" <<'PY'
import sys
for b in open(sys.argv[1]).read().split("\n\n"):
    f = dict((l[0], l[2:]) for l in b.split("\n") if l[1:2] == ":")
    if "P" in f:
        print(f"{f['P']}\t{f['V']}")
PY
same_lines "$T/stored.txt" "$T/apk.txt" "stored components and lib/apk/db/installed"
[ "$(jq -r '.tags.team, .owner, .unchecked' "$T/stdout" | tr '\n' ' ')" = "platform ops 0 " ] || fail "asset facts"
[ "$(jq '[.component_list[] | select(.coverage != "checked")] | length' "$T/stdout")" = 0 ] || fail "coverage"

# 2. musl lowered: exactly the reference's new findings.
reference "$T/b/lib/apk/db/installed" >"$T/expected.txt"
grep -q "^pkg:apk/alpine/musl	CVE-2019-14697$" "$T/expected.txt" || fail "reference does not list musl"
expect_status 0 add "$T/b" --asset alpine --version 3.10.9-musl-r2 -o json
jq -r '.new_findings[] | "\(.package)\t\(.id)"' "$r" >"$T/new.txt"
same_lines "$T/new.txt" "$T/expected.txt" "new findings of snapshot 2"
[ "$(jq '.fixed_findings | length' "$r")" = 0 ] && [ "$(jq .previous "$r")" = 1 ] || fail "snapshot 2: $(cat "$r")"
expect_status 0 $VIGIL inventory show alpine --store "$S" -o json
[ "$(jq '.finding_list | length' "$T/stdout")" = "$(wc -l <"$T/expected.txt")" ] || fail "show: finding count"
jq -e '.finding_list[] | select(.name == "musl") | .fixed_versions == "1.1.22-r3" and .first_seen != null' \
    "$T/stdout" >/dev/null || fail "show: musl finding"

# 3. Back to the rootfs as shipped: the same findings are fixed.
expect_status 0 add "$T/a" --asset alpine --version 3.10.9 -o json
jq -r '.fixed_findings[] | "\(.package)\t\(.id)"' "$r" >"$T/fixed.txt"
same_lines "$T/fixed.txt" "$T/expected.txt" "fixed findings of snapshot 3"
[ "$(jq '.new_findings | length' "$r")" = 0 ] || fail "snapshot 3 has new findings"
expect_status 0 $VIGIL inventory list --store "$S" -o json
[ "$(jq -r '.[0].snapshots, .[0].open_findings, .[0].latest.version' "$T/stdout" | tr '\n' ' ')" = "3 0 3.10.9 " ] ||
    fail "list: $(cat "$T/stdout")"
# A version label names the newest snapshot carrying it.
expect_status 0 $VIGIL inventory show alpine@3.10.9 --store "$S" -o json
[ "$(jq .snapshot "$T/stdout")" = 3 ] || fail "alpine@3.10.9 is not snapshot 3"

# 4. Reopened, then not checked: an SBOM of b without its OS (no os
# component, no distro qualifier) cannot be checked; the open findings stay
# open rather than being called fixed, and the add exits 3.
expect_status 0 add "$T/b" --asset alpine -o json
[ "$(jq '.new_findings | length' "$r")" = "$(wc -l <"$T/expected.txt")" ] || fail "findings not reopened"
expect_status 0 $VIGIL sbom -o cyclonedx-json="$T/b.cdx.json" "$T/b"
jq '.components |= map(select(.type != "operating-system") | if .purl then .purl |= sub("\\?.*"; "") else . end)' \
    "$T/b.cdx.json" >"$T/b-no-os.cdx.json"
expect_status 3 add "$T/b-no-os.cdx.json" --asset alpine -o json
expect_stderr 'components could not be checked'
[ "$(jq '.fixed_findings | length' "$r")" = 0 ] || fail "unchecked packages were called fixed"
[ "$(jq .unchecked "$r")" -gt 10 ] || fail "unchecked count: $(jq .unchecked "$r")"
expect_status 0 $VIGIL inventory list --store "$S" -o json
[ "$(jq '.[0].open_findings' "$T/stdout")" = "$(wc -l <"$T/expected.txt")" ] || fail "open findings after unchecked"
expect_status 0 add "$T/b-no-os.cdx.json" --asset alpine --allow-unchecked

# 5. An SBOM given as it is comes back byte for byte, under its digest.
expect_status 0 add "$T/b.cdx.json" --asset sbom-only -o json
digest=$(jq -r .sbom_digest "$r")
[ "$digest" = "sha256:$(sha256sum <"$T/b.cdx.json" | cut -d' ' -f1)" ] || fail "digest $digest"
expect_status 0 $VIGIL inventory export sbom-only -o cyclonedx-json="$T/out.json" --store "$S"
cmp -s "$T/out.json" "$T/b.cdx.json" || fail "export is not the SBOM given"

# 6. Bundles: verified with --key, a tampered one fails (exit 4, kept as
# failed), without --key not checked.
cd "$T"
unset VIGIL_PASSWORD
setsid -w $VIGIL key generate --type ecdsa-p256 k 2>/dev/null || fail "keygen"
expect_status 0 $VIGIL attest --key k.key --type cyclonedx --predicate b.cdx.json --subject b.cdx.json -o b.bundle
expect_status 0 add b.cdx.json --asset signed --bundle b.bundle --key k.pub
expect_status 0 $VIGIL inventory show signed --store "$S" -o json
[ "$(jq -r '.attestations[0].verified' "$T/stdout")" = verified ] || fail "bundle not verified"
jq '.dsseEnvelope.signatures[0].sig |= (.[0:10] + "AAAA" + .[14:])' b.bundle >bad.bundle
expect_status 4 add b.cdx.json --asset signed --bundle bad.bundle --key k.pub
expect_stderr 'bad.bundle'
expect_status 0 $VIGIL inventory show signed --store "$S" -o json
[ "$(jq -r '.snapshot, .attestations[0].verified' "$T/stdout" | tr '\n' ' ')" = "2 failed " ] || fail "failed bundle"
expect_status 0 add b.cdx.json --asset signed --bundle b.bundle
expect_status 0 $VIGIL inventory show signed --store "$S" -o json
[ "$(jq -r '.attestations[0].verified' "$T/stdout")" = not-checked ] || fail "bundle without key"

# 7. Nothing looked at is not clean; unknown refs are named.
mkdir empty
expect_status 3 add empty --asset empty
expect_stderr 'no components found'
expect_status 1 $VIGIL inventory show nosuch --store "$S"
expect_stderr 'no asset named nosuch'
expect_status 1 $VIGIL inventory show alpine@99 --store "$S"
expect_stderr 'asset alpine has no snapshot 99'
expect_status 2 add "$T/a"
expect_stderr 'name the asset with --asset'
echo ok

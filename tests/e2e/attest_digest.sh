# attest_digest.sh — vigil sbom --attest names the archive by the digest of
# the bytes it scanned, read once.  The run is paused under gdb right after
# vigil has read the archive (its first archive_read_free()), the file is
# replaced there by another archive (mv: a new file under the same name, as
# an attacker or a concurrent build would), and the run goes on.  The SBOM
# must list the packages of the archive that was read (lib/apk/db/installed
# of Alpine 3.10.9, read with awk), and the subject of the attestation, the
# SBOM's target hash and `vigil verify --subject` must all agree with
# sha256sum of that same archive, never with the one put in its place
# (Alpine 3.11.13).  An unpaused run gives the same digest.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
need_cmd gdb
need_cmd python3
scanned="$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz"
other="$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz"
want=$(sha256sum <"$scanned" | cut -d' ' -f1)
wrong=$(sha256sum <"$other" | cut -d' ' -f1)

VIGIL_PASSWORD= expect_status 0 "$VIGIL" key generate "$TMP/signer"
tar -xzOf "$scanned" ./lib/apk/db/installed |
    awk -F: '/^P:/ { p = substr($0, 3) } /^V:/ { print p "\t" substr($0, 3) "\t" }' | sort >"$TMP/want.pkgs"
[ -s "$TMP/want.pkgs" ] || fail "no packages in the scanned archive's database"
cp "$scanned" "$TMP/target.tar.gz"
cp "$other" "$TMP/replacement.tar.gz"

# LeakSanitizer (in the sanitizer build) cannot run under ptrace; the unpaused run below keeps it.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" gdb -q -nx -batch \
    -ex 'set breakpoint pending on' -ex 'set confirm off' \
    -ex 'break archive_read_free' -ex run \
    -ex "shell mv -f '$TMP/replacement.tar.gz' '$TMP/target.tar.gz'" \
    -ex 'delete' -ex continue \
    --args "$VIGIL" sbom -q "$TMP/target.tar.gz" --attest "$TMP/signer.key" \
    -o "cyclonedx-json=$TMP/sbom.json" >"$TMP/gdb.log" 2>&1 || { cat "$TMP/gdb.log" >&2; fail "gdb"; }
grep -q 'Breakpoint 1, .*archive_read_free' "$TMP/gdb.log" || { cat "$TMP/gdb.log" >&2; fail "vigil was not paused"; }
grep -q 'exited normally' "$TMP/gdb.log" || { cat "$TMP/gdb.log" >&2; fail "vigil did not exit with status 0"; }
[ "$(sha256sum <"$TMP/target.tar.gz" | cut -d' ' -f1)" = "$wrong" ] || fail "the archive was not replaced during the run"

# The SBOM lists what was read: Alpine 3.10.9's packages.
python3 - "$TMP/sbom.json" <<'PY' | sort >"$TMP/got.pkgs"
import json, sys
for c in json.load(open(sys.argv[1]))["components"]:
    if c.get("purl", "").startswith("pkg:apk/"):
        print(f"{c['name']}\t{c['version']}\t")
PY
same_lines "$TMP/got.pkgs" "$TMP/want.pkgs" "apk packages of the scanned archive"

# The digest of those bytes everywhere: the SBOM's target hash and the attestation's subject.
python3 - "$TMP/sbom.json" "$TMP/sbom.json.sigstore.json" "$want" "$wrong" <<'PY' || fail "digests"
import base64, json, sys
sbom, bundle, want, wrong = sys.argv[1:]
hashes = [h["content"] for h in json.load(open(sbom))["metadata"]["component"].get("hashes", [])]
statement = json.loads(base64.b64decode(json.load(open(bundle))["dsseEnvelope"]["payload"]))
subjects = [s["digest"]["sha256"] for s in statement["subject"]]
for what, got in (("SBOM target hash", hashes), ("attestation subject", subjects)):
    if got == [wrong]:
        sys.exit(f"{what} is the digest of the archive put in place after the read")
    if got != [want]:
        sys.exit(f"{what} {got}, sha256sum of the scanned archive is {want}")
PY
cp "$scanned" "$TMP/scanned.tar.gz"
expect_status 0 "$VIGIL" verify --key "$TMP/signer.pub" --bundle "$TMP/sbom.json.sigstore.json" \
    --subject "$TMP/scanned.tar.gz" --type cyclonedx
expect_status 4 "$VIGIL" verify --key "$TMP/signer.pub" --bundle "$TMP/sbom.json.sigstore.json" \
    --subject "$TMP/target.tar.gz" --type cyclonedx
echo "ok: paused and replaced mid-run: the SBOM and its attestation name the bytes that were scanned ($want)"

# Unpaused: the same digest.
expect_status 0 "$VIGIL" sbom -q "$scanned" --attest "$TMP/signer.key" -o "cyclonedx-json=$TMP/plain.json"
python3 -c 'import base64,json,sys; b=json.load(open(sys.argv[1])); print(json.loads(base64.b64decode(b["dsseEnvelope"]["payload"]))["subject"][0]["digest"]["sha256"])' \
    "$TMP/plain.json.sigstore.json" >"$TMP/plain.digest"
[ "$(cat "$TMP/plain.digest")" = "$want" ] || fail "unpaused run: subject $(cat "$TMP/plain.digest"), not $want"
echo "ok: an unpaused run attests the same digest"

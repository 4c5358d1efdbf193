# policy_packs.sh — the built-in rule packs (policy/nis2, cra, hardening,
# licences) run by `vigil policy test --fail-uncovered` on evidence the
# real binary makes here from ../shared:
#   rootfs/app     the Alpine 3.10.9 minirootfs with musl lowered to
#                  1.1.22-r2 (below CVE-2019-14697's fix), busybox and
#                  ssl_client to 1.30.1-r1 (CVE-2019-5747) and openssl's
#                  libraries to 1.1.1c-r0 (three CVEs without severity);
#   rootfs/debian  the Debian 12 minbase package database;
#   db.sqlite      the real v3.10 secdb, CISA KEV and NVD records;
#   debian.sqlite  the real Debian security tracker lists (up to bookworm's
#                  release: no Debian 12 data);
#   bins           six programs gcc compiles here with and without PIE,
#                  RELRO, an executable stack and a stack protector (the
#                  flags in policy/hardening/tests/binaries.yaml);
#   rootfs/web1    a root filesystem of this machine's packaged files
#                  (openssh-server's sshd_config, base-passwd's passwd.master)
#                  with planted conditions: PermitRootLogin yes and a Match
#                  block allowing passwords, a second uid 0 account and one
#                  with an empty password, an apt source with trusted=yes;
#                  `vigil collect host` of it is host/web1.json;
#   image-*.json   `vigil collect image` of an Alpine image (mkimage.py) and a
#                  "distroless-like" one configured by umoci;
# scanned, described and collected (vigil collect binaries) at
# 2025-08-26T00:00:00Z (SOURCE_DATE_EPOCH), the
# release artefacts (the two Alpine minirootfs tarballs) described,
# attested and given SLSA provenance with a key `vigil key` makes; tls/:
# `vigil collect tls` of the servers tests/e2e/tls_lib.sh starts (nginx,
# openssl s_server strong and weak, a silent socket); backup/: `vigil
# collect backup` of a borg repository and a restore-test log; repo/: `vigil
# collect repo` of git repositories repo_lib.sh signs with gpg and ssh-keygen;
# supplier-risk/: a `vigil supplier risk` document written by hand
# (tests/data/supplier-risk/README.md).  The
# expected results in policy/*/tests/*.yaml are written by hand; the
# counts they rest on are checked here against the evidence by jq and
# python.  Then: a wrong expectation makes `vigil policy test` fail, and
# docs/packs.md lists exactly what `vigil policy rules -o json` says.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tls_lib.sh"
source "$(dirname "$0")/repo_lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_shared vulndata/nvd/cve
need_shared vulndata/debian-security-tracker/DSA/list
need_shared schemas/spdx/examples-3.0.1
need_cmd jq
need_cmd python3
need_cmd gcc
need_cmd readelf
need_cmd openssl
need_cmd umoci
need_cmd borg
need_cmd git
need_cmd gpg
need_cmd ssh-keygen
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (run ./setup.sh --test)"
[ -f /usr/share/openssh/sshd_config ] || skip "openssh-server is not installed (run ./setup.sh --test)"
[ -f /usr/share/base-passwd/passwd.master ] || skip "base-passwd's passwd.master is absent"

V=$VIGIL_SHARED/vulndata
D=$TMP/data
mkdir -p "$D/release" "$D/host" "$TMP/rootfs/app" "$TMP/rootfs/debian" "$TMP/artefacts"
export SOURCE_DATE_EPOCH=1756166400 # 2025-08-26T00:00:00Z

# ---- the evidence ----------------------------------------------------------------

$VIGIL db build --from "$V/alpine-secdb/v3.10/main.json" --from "$V/alpine-secdb/v3.10/community.json" \
    --from "$V/kev/known_exploited_vulnerabilities.json" --from "$V/nvd/cve" --db "$TMP/db.sqlite" >/dev/null \
    2>"$TMP/err" || { cat "$TMP/err" >&2; fail "db build (alpine)"; }
$VIGIL db build --from "$V/debian-security-tracker" --db "$TMP/debian.sqlite" >/dev/null 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "db build (debian)"; }
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$TMP/rootfs/app"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$TMP/rootfs/debian"
installed=$TMP/rootfs/app/lib/apk/db/installed
[ "$(grep -c -x -e 'V:1.1.22-r4' -e 'V:1.30.1-r5' -e 'V:1.1.1k-r0' "$installed")" = 6 ] ||
    fail "fixture changed: musl, musl-utils, busybox, ssl_client, libcrypto1.1, libssl1.1 are not at the versions lowered here"
sed -i -e 's/^V:1.1.22-r4$/V:1.1.22-r2/' -e 's/^V:1.30.1-r5$/V:1.30.1-r1/' -e 's/^V:1.1.1k-r0$/V:1.1.1c-r0/' "$installed"

cd "$TMP/rootfs"
scan() { $VIGIL scan --db "$TMP/db.sqlite" --max-db-age 100000d "$@"; }
expect_status 0 scan -o json="$D/scan.json" app
expect_status 0 scan --vex "$VIGIL_SRC/tests/data/vex/alpine-musl.openvex.json" \
    --ignore "$VIGIL_SRC/tests/data/ignore/alpine.ignore.json" -o json="$D/scan-vex.json" app
expect_status 3 $VIGIL scan --db "$TMP/debian.sqlite" --max-db-age 100000d -o json="$D/scan-debian.json" debian
expect_status 0 $VIGIL sbom -o cyclonedx-json="$D/sbom.cdx.json" -o spdx-json="$D/sbom.spdx.json" app
# The binaries: six programs of one C file (a stack buffer), the flags
# deciding what binary-hardening finds.
mkdir -p bins/usr/bin bins/usr/lib bins/opt/vendor
printf '%s\n' '#include <stdio.h>' '#include <string.h>' \
    'int main(int argc, char **argv) { char buf[64]; strcpy(buf, argc > 1 ? argv[1] : "none"); printf("%s\n", buf); return 0; }' \
    >"$TMP/prog.c"
printf '%s\n' '#include <string.h>' \
    'int demo_copy(char *d, const char *s, int n) { char t[128]; memcpy(t, s, n < 128 ? n : 128); strcpy(d, t); return (int)strlen(d); }' \
    >"$TMP/lib.c"
H="-O2 -fstack-protector-strong -Wl,-z,relro,-z,now"
gcc -o bins/usr/bin/hardened "$TMP/prog.c" $H -fPIE -pie
gcc -o bins/usr/bin/lazy "$TMP/prog.c" -O2 -fPIE -pie -fstack-protector-strong -Wl,-z,relro,-z,lazy
gcc -o bins/usr/bin/legacy "$TMP/prog.c" -O2 -fno-pie -no-pie -fno-stack-protector -Wl,-z,norelro -z execstack
gcc -o bins/usr/bin/static "$TMP/prog.c" $H -static-pie
gcc -o bins/usr/lib/libdemo.so.1 "$TMP/lib.c" $H -fPIC -shared
gcc -o bins/opt/vendor/tool "$TMP/prog.c" $H -fno-pie -no-pie
expect_status 0 $VIGIL collect binaries bins -o "$D/binaries.json"
# image-*.json: `vigil collect image` of two images (policy/hardening/tests/image.yaml):
# alpine-3.11.tar, mkimage.py's docker archive of the Alpine 3.11.13 minirootfs, and
# distroless-oci, an OCI layout of a static binary, a setuid copy of it and an
# /etc/passwd with nonroot (65532), configured by umoci as the user nonroot.
mkdir -p "$TMP/images/dl/app" "$TMP/images/dl/etc"
gcc -static -O2 -o "$TMP/images/dl/app/server" "$TMP/prog.c"
cp "$TMP/images/dl/app/server" "$TMP/images/dl/app/helper" && chmod 4755 "$TMP/images/dl/app/helper"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
    >"$TMP/images/dl/etc/passwd"
(
    cd "$TMP/images"
    python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f docker-archive -o alpine-3.11.tar --tag vigil-test/alpine:3.11 \
        "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz"
    python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o distroless-oci --tag vigil-test/distroless:1 dl
    umoci config --image distroless-oci:1 --config.user nonroot --config.exposedports 8080/tcp \
        --config.entrypoint /app/server
    expect_status 0 "$VIGIL" collect image alpine-3.11.tar -o "$D/image-alpine.json"
    expect_status 0 "$VIGIL" collect image distroless-oci -o "$D/image-distroless.json"
)
jq -e '.config.root == true and .files.shells == ["/bin/ash", "/bin/busybox", "/bin/sh"]
    and [.files.package_managers[].path] == ["/sbin/apk"] and .files.setuid == []' "$D/image-alpine.json" >/dev/null ||
    fail "image-alpine.json: not root with busybox and apk"
jq -e '.config.user == "nonroot" and .config.uid == 65532 and .config.root == false and .files.shells == []
    and .files.package_managers == [] and [.files.setuid[].path] == ["/app/helper"]' "$D/image-distroless.json" \
    >/dev/null || fail "image-distroless.json: not nonroot with only /app/helper setuid"
ln -s "$VIGIL_SRC/tests/data/vex" "$D/vex"
ln -s "$VIGIL_SRC/tests/data/sbom" "$D/third-party"
ln -s "$VIGIL_SHARED/schemas/spdx/examples-3.0.1" "$D/spdx3"
ln -s "$VIGIL_SRC/tests/data/supplier-risk" "$D/supplier-risk" # written by hand: its README.md
tls_evidence "$D/tls"
# securitytxt/: `vigil collect securitytxt` of the files of
# policy/cra/tests/security-txt.yaml, and of a closed port (its port renamed 1)
mkdir -p "$D/securitytxt"
printf 'Contact: mailto:security@example.com\nExpires: 2026-01-01T00:00:00Z\n' >"$D/securitytxt/valid.txt"
printf 'Contact: mailto:security@example.com\nExpires: 2025-08-01T00:00:00Z\n' >"$D/securitytxt/expired.txt"
printf '# no contact\nExpires: 2026-01-01T00:00:00Z\n' >"$D/securitytxt/nocontact.txt"
for f in valid expired nocontact; do
    (cd "$D/securitytxt" && expect_status 0 "$VIGIL" collect securitytxt $f.txt -o $f.json)
done
closed=$(tls_free_port)
expect_status 3 "$VIGIL" collect securitytxt --timeout 2 "https://127.0.0.1:$closed/" -o "$D/securitytxt/closed.json"
sed -i "s/127\.0\.0\.1:$closed/127.0.0.1:1/g" "$D/securitytxt/closed.json"
# identity/: `vigil collect identity` of the sample exports of tests/data/identity
# (written from the providers' published API examples: its README.md cites them),
# as policy/nis2/tests/identity.yaml describes.
mkdir -p "$D/identity"
(cd "$VIGIL_SRC/tests/data/identity" &&
    expect_status 0 "$VIGIL" collect identity --okta okta.json --entra entra.json --entra-ca entra-ca.json \
        --entra-users entra-users.json --google google.json --github-org github-org.json --leavers leavers.csv -o "$D/identity/all.json" &&
    expect_status 0 "$VIGIL" collect identity --github-org github-org-no2fa.json -o "$D/identity/no2fa.json")

# backup/: `vigil collect backup` of a borg repository made here (archives
# www, db, mail and wiki taken at the times policy/nis2/tests/backup.yaml
# names; borg reads --timestamp as UTC and lists local time: TZ=UTC) and of
# the restore-test log written here.
mkdir -p "$D/backup" "$TMP/backup-src"
echo data >"$TMP/backup-src/file"
(
    cd "$TMP/backup-src"
    export TZ=UTC BORG_PASSPHRASE=pack-test BORG_BASE_DIR=$TMP/borgbase
    borg init -e repokey "$TMP/borg-repo" 2>/dev/null || fail "borg init"
    for a in www-2025-08-24T00:00=2025-08-24T00:00:00 www-2025-08-25T12:00=2025-08-25T12:00:00 \
        db-2025-08-20=2025-08-20T00:00:00 mail-2025-08-25=2025-08-25T18:00:00 wiki-2025-08-25=2025-08-25T06:00:00; do
        borg create --timestamp "${a#*=}" "$TMP/borg-repo::${a%%=*}" file || fail "borg create ${a%%=*}"
    done
    borg list --json "$TMP/borg-repo" >"$D/backup/borg.json" || fail "borg list --json"
)
cat >"$D/backup/restore.log" <<'LOG'
{"time": "2025-08-01T00:00:00Z", "source": "www", "tool": "borg", "result": "success", "verified": "checksum"}
{"time": "2025-05-01T00:00:00Z", "source": "db", "tool": "borg", "result": "success"}
{"time": "2025-08-10T00:00:00Z", "source": "mail", "tool": "borg", "result": "success"}
{"time": "2025-08-20T00:00:00Z", "source": "mail", "tool": "borg", "result": "failure"}
LOG
(cd "$D/backup" && expect_status 0 "$VIGIL" collect backup --borg borg.json --borg-timezone UTC --log restore.log -o backup.json)

# repo/: `vigil collect repo` of the repositories of
# policy/nis2/tests/release-tags-signed.yaml (repo_lib.sh; good: a clone of
# r keeping build-7, v1.0 and v2.0, with r's allowed signers; empty: no
# commit).
mkdir -p "$D/repo" "$TMP/repo"
make_signed_repo "$TMP/repo/r"
git clone -q "$TMP/repo/r" "$TMP/repo/good"
git -C "$TMP/repo/good" tag -d v1.1 v1.2 v2.1 v2.2 >/dev/null
git -C "$TMP/repo/good" config gpg.ssh.allowedSignersFile "$TMP/keys/allowed_signers"
git init -q -b main "$TMP/repo/empty"
for r in r good empty; do
    (cd "$TMP/repo" && expect_status 0 "$VIGIL" collect repo $r -o "$D/repo/$r.json")
done
for t in v1.0 v2.0; do # the release tags good keeps: git accepts them there
    git -C "$TMP/repo/good" verify-tag $t >/dev/null 2>&1 || fail "git verify-tag $t fails in the clone good"
done
# repo/github-*.json: `vigil collect repo --github` of tests/data/repo/github-*.json
# (GitHub's published examples and variants; policy/nis2/tests/branch-protection.yaml).
for g in example protected unprotected no-reviews; do
    expect_status 0 "$VIGIL" collect repo --github "$VIGIL_SRC/tests/data/repo/github-$g.json" -o "$D/repo/github-$g.json"
done
expect_status 3 "$VIGIL" collect repo --github "$VIGIL_SRC/tests/data/repo/github-unexported.json" \
    -o "$D/repo/github-unexported.json"

# iac/: `vigil collect iac` of tests/data/iac/cloud-plan.json and of the
# manifests of tests/data/iac/k8s (policy/hardening/tests/iac.yaml, k8s.yaml).
mkdir -p "$D/iac"
expect_status 0 "$VIGIL" collect iac --terraform-plan "$VIGIL_SRC/tests/data/iac/cloud-plan.json" -o "$D/iac/cloud.json"
expect_status 0 "$VIGIL" collect iac --k8s "$VIGIL_SRC/tests/data/iac/k8s" -o "$D/iac/k8s.json"

# The host web1: packaged files, planted conditions (the expectations in
# policy/hardening/tests/host.yaml name them).
W=$TMP/rootfs/web1
mkdir -p "$W/etc/ssh/sshd_config.d" "$W/etc/apt/sources.list.d" "$W/etc/apt/apt.conf.d"
echo web1 >"$W/etc/hostname"
cp /usr/share/openssh/sshd_config "$W/etc/ssh/sshd_config"
printf 'PermitRootLogin yes\n# planted by policy_packs.sh\nMatch Address 192.0.2.0/24\n    PasswordAuthentication yes\n' \
    >"$W/etc/ssh/sshd_config.d/10-planted.conf"
{ cat /usr/share/base-passwd/passwd.master
  echo 'toor:x:0:0:root:/root:/bin/sh'
  echo 'nopass:x:1001:1001::/home/nopass:/bin/sh'
  echo 'alice:x:1000:1000:Alice:/home/alice:/bin/bash'; } >"$W/etc/passwd"
hash=$(openssl passwd -6 's3cret')
awk -F: -v hash="$hash" '{ pw = $1 == "nopass" ? "" : $1 == "alice" ? hash : "*"; print $1 ":" pw ":19000:0:99999:7:::" }' \
    "$W/etc/passwd" >"$W/etc/shadow"
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    >"$W/etc/apt/sources.list.d/debian.sources"
echo 'deb [trusted=yes] http://example.org/debian bookworm main' >"$W/etc/apt/sources.list.d/local.list"
printf 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n' >"$W/etc/apt/apt.conf.d/20auto-upgrades"
expect_status 3 $VIGIL collect host web1 -o "$D/host/web1.json" # 3: no listening sockets of a root filesystem
! grep -qF "$hash" "$D/host/web1.json" || fail "the password hash reached the host evidence"

# The release: two artefacts; 3.10.9 with an SBOM attestation and SLSA
# provenance, 3.11.13 with an SBOM attestation only.  The rules read the
# in-toto statements `vigil verify` prints from the bundles.
cd "$TMP/artefacts"
for v in 3.10.9 3.11.13; do ln -s "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-$v-x86_64.tar.gz" .; done
setsid -w env -u VIGIL_PASSWORD "$VIGIL" key generate --no-passphrase release </dev/null >/dev/null 2>&1 ||
    fail "vigil key generate"
for v in 3.10.9 3.11.13; do
    art=alpine-minirootfs-$v-x86_64.tar.gz
    expect_status 0 $VIGIL sbom -o cyclonedx-json="$D/release/alpine-$v.cdx.json" "$art"
    expect_status 0 $VIGIL attest --key release.key --type cyclonedx --predicate "$D/release/alpine-$v.cdx.json" \
        --subject "$art" -o "sbom-$v.bundle"
    expect_status 0 $VIGIL verify --key release.pub --bundle "sbom-$v.bundle" --subject "$art"
    cp "$TMP/stdout" "$D/release/sbom-$v.statement.json"
done
expect_status 0 env -u GITHUB_ACTIONS -u GITLAB_CI $VIGIL provenance \
    --builder-id https://github.com/actions/runner/github-hosted \
    --build-type https://actions.github.io/buildtypes/workflow/v1 -o provenance.json
expect_status 0 $VIGIL attest --key release.key --type slsa-provenance --predicate provenance.json \
    --subject alpine-minirootfs-3.10.9-x86_64.tar.gz -o prov-3.10.9.bundle
expect_status 0 $VIGIL verify --key release.pub --bundle prov-3.10.9.bundle
cp "$TMP/stdout" "$D/release/prov-3.10.9.statement.json"
cd "$TMP"

# ---- what the hand-written expectations rest on, read without vigil -------------

python3 "$VIGIL_SRC/tests/e2e/apk_secdb_ref.py" "$installed" "$V/alpine-secdb/v3.10/main.json" \
    "$V/alpine-secdb/v3.10/community.json" >"$TMP/ref-findings.txt" || fail "apk_secdb_ref.py"
jq -r '.findings[] | "\(.component.purl | sub("@.*"; ""))\t\(.id)"' "$D/scan.json" >"$TMP/vigil-findings.txt"
same_lines "$TMP/vigil-findings.txt" "$TMP/ref-findings.txt" "findings of app"
python3 - "$D" "$V" "$VIGIL_SRC" "$VIGIL_SHARED" "$installed" <<'PY' || fail "an expectation of the pack tests does not match the evidence"
import glob, hashlib, json, os, sys
import yaml
D, V, SRC, SHARED, INSTALLED = sys.argv[1:6]
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)
def cases(pack, name):
    return yaml.safe_load(open(f"{SRC}/policy/{pack}/tests/{name}.yaml"))["tests"]
def expected(pack, name, case, rule):
    return {e["resource"]: e for e in cases(pack, name)[case]["expect"] if e["rule"] == rule}

# scan.json: severities from the NVD records, none in KEV, timestamps.
scan = json.load(open(f"{D}/scan.json"))
kev = {v["cveID"] for v in json.load(open(f"{V}/kev/known_exploited_vulnerabilities.json"))["vulnerabilities"]}
nvd = {}
for f in glob.glob(f"{V}/nvd/cve/*.json"):
    c = json.load(open(f))
    for m in c["metrics"].get("cvssMetricV31", []) + c["metrics"].get("cvssMetricV30", []):
        if m["type"] == "Primary":
            nvd[c["id"]] = m["cvssData"]["baseSeverity"].lower()
severe = set()
for f in scan["findings"]:
    sev = nvd.get(f["id"], "unknown")
    check(f["severity"] == sev, f"{f['id']} {f['component']['name']}: severity {f['severity']}, NVD {sev}")
    check(f["id"] not in kev, f"{f['id']} is in KEV: the KEV cases assume none is")
    if sev in ("critical", "high") and f["fixedVersions"]:
        severe.add(f"{f['id']} {f['component']['purl'].split('?')[0]}")
sla = set(expected("nis2", "fix-sla", 0, "fix-sla"))
check(severe == sla, f"fix-sla case 1 expects {sorted(sla)}, the scan's fixable critical/high findings are {sorted(severe)}")
check(scan["timestamp"] == "2025-08-26T00:00:00Z" and scan["database"]["fetchedAt"] == "2025-08-25T17:04:19Z",
      "scan-age: the times the cases compute with")
npkg = sum(1 for b in open(INSTALLED).read().split("\n\n") if "\nP:" in "\n" + b)
check(scan["summary"]["components"] == npkg == 14 and scan["summary"]["componentsUnchecked"] == 0,
      f"scan-coverage: {npkg} apk packages, {scan['summary']}")
check(len(scan["findings"]) == 10, "kev-not-affected: 10 findings")

# scan-debian.json: every dpkg package unchecked.
status = open(f"{D}/../rootfs/debian/var/lib/dpkg/status").read().split("\n\n")
ndeb = sum(1 for b in status if "\nStatus: install ok installed" in "\n" + b)
deb = json.load(open(f"{D}/scan-debian.json"))
check(ndeb == 88 == deb["summary"]["components"] == deb["summary"]["componentsUnchecked"],
      f"scan-coverage: {ndeb} installed deb packages, {deb['summary']['components']} in the scan")

# sbom.cdx.json: suppliers, top-level dependencies, licences.
cdx = json.load(open(f"{D}/sbom.cdx.json"))
comps = cdx["components"]
nosup = [f"{c['name']} {c['version']}" for c in comps if not c.get("supplier")]
msg = expected("cra", "sboms", 9, "sbom-suppliers")["cyclonedx:app"]["message"]
check(msg == f"{len(nosup)} of {len(comps)} components name no supplier: {', '.join(nosup)}", f"suppliers: {msg} / {nosup}")
root = [d for d in cdx["dependencies"] if d["ref"] == cdx["metadata"]["component"]["bom-ref"]][0]
msg = expected("cra", "sboms", 6, "sbom-dependencies")["cyclonedx:app"]["message"]
check(msg == f"vigil:target depends directly on {len(root['dependsOn'])} of {len(comps)} components", msg)
spdx = json.load(open(f"{D}/sbom.spdx.json"))
contains = [r for r in spdx["relationships"] if r["spdxElementId"] == "SPDXRef-DocumentRoot" and r["relationshipType"] == "CONTAINS"]
check(len(contains) == len(spdx["packages"]) - 1 == 15, f"SPDX: the root CONTAINS {len(contains)}")
spdx_ids = set(json.load(open(f"{SHARED}/schemas/cyclonedx/spdx.schema.json"))["enum"])
allowed = yaml.safe_load(open(f"{SRC}/policy/vigil-policy.yaml"))["parameters"]["allowed"]
want = expected("licences", "licences-allowed", 0, "licences-allowed")
for c in comps:
    if c["type"] == "operating-system":
        continue
    lic = c["licenses"][0]["license"]
    text = lic.get("id") or lic.get("name")
    status = "pass" if text in allowed else "fail"
    e = want.get(c["purl"].split("?")[0], {})
    check(e.get("status") == status, f"licences: {c['name']} ({text}) should {status}, the case expects {e}")
    if text not in spdx_ids:
        check("is not an SPDX licence expression" in e.get("message", ""), f"licences: {text} is on no SPDX list")
check(len(want) == len(comps) - 1, "licences: one expectation per package")

# SPDX 3 examples: the duplicate spdxId, the dependencies of example 11.
graph = json.load(open(f"{D}/spdx3/ai_example01_simplehtr-example.json"))["@graph"]
ids = [e.get("spdxId") for e in graph]
dups = [(i, ids.index(x)) for i, x in enumerate(ids) if x and ids.index(x) != i]
check(dups == [(102, 81)] and ids[102] == "https://my-first-aibom.com/SimpleHTR-depends-on", f"SPDX 3 duplicates {dups}")
graph = json.load(open(f"{D}/spdx3/software_example11_sbom.spdx3.json"))["@graph"]
roots = {r for e in graph if e["type"] == "SpdxDocument" for r in e["rootElement"]}
direct = sum(len(e["to"]) for e in graph if e.get("from") in roots and e.get("relationshipType") in ("contains", "dependsOn"))
check(direct == 3, f"SPDX 3 example 11: {direct} direct relationships")

# The release: the tarballs' digests in the cases and the statements.
for v, prefix in (("3.10.9", "f13bca59"), ("3.11.13", "5450caf5")):
    digest = hashlib.sha256(open(f"{SHARED}/fixtures/rootfs/alpine-minirootfs-{v}-x86_64.tar.gz", "rb").read()).hexdigest()
    check(digest.startswith(prefix), f"{v}: sha256 {digest}")
    statement = json.load(open(f"{D}/release/sbom-{v}.statement.json"))
    check(statement["subject"] == [{"name": f"alpine-minirootfs-{v}-x86_64.tar.gz", "digest": {"sha256": digest}}],
          f"{v}: subject {statement['subject']}")
    text = open(f"{SRC}/policy/cra/tests/release-attested.yaml").read()
    check(f"alpine-minirootfs-{v}-x86_64.tar.gz@sha256:{digest}" in text, f"{v}: the digest in the cases")
# binaries.json: the facts the binary-hardening cases rest on, as readelf
# shows them (tests/e2e/collect_binaries_ref.py), in the order they assume.
import importlib.util
spec = importlib.util.spec_from_file_location("ref", f"{SRC}/tests/e2e/collect_binaries_ref.py")
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
ref.LIBC.update(ref.hardening_check_list())
want = [("/opt/vendor/tool", "executable", "full", True, True), ("/usr/bin/hardened", "pie-executable", "full", True, True),
        ("/usr/bin/lazy", "pie-executable", "partial", True, True), ("/usr/bin/legacy", "executable", "none", False, False),
        ("/usr/bin/static", "pie-executable", "full", True, None),
        ("/usr/lib/libdemo.so.1", "shared-object", "full", True, True)]
bins = json.load(open(f"{D}/binaries.json"))
check([b["path"] for b in bins["binaries"]] == [w[0] for w in want], "binaries: " + str([b["path"] for b in bins["binaries"]]))
for path, type_, relro, nx, canary in want:
    f, _ = ref.readelf(f"{D}/../rootfs/bins{path}")
    got = (f["type"], f["relro"], f["nx"], f["canary"], f["fortify"] is not True, f["ibt"], f["shstk"])
    check(got == (type_, relro, nx, canary, True, False, False), f"{path}: readelf shows {got}")
check(bins["target"] == "bins" and bins["unchecked"] == [], "binaries: target and unchecked")
prov = json.load(open(f"{D}/release/prov-3.10.9.statement.json"))
check(prov["predicate"]["runDetails"]["builder"]["id"] == "https://github.com/actions/runner/github-hosted", "builder id")
# host/web1.json: the planted conditions, read from the files vigil read.
host = json.load(open(f"{D}/host/web1.json"))
passwd = [l.split(":") for l in open(f"{D}/../rootfs/web1/etc/passwd").read().splitlines()]
check([p[0] for p in passwd if p[2] == "0"] == ["root", "toor"] == host["accounts"]["uid0"], "host: uid 0")
check(len(passwd) == 21 == len(host["accounts"]["users"]), f"host: {len(passwd)} accounts")
check(host["accounts"]["users"][18]["name"] == "toor" and host["accounts"]["users"][19]["name"] == "nopass",
      "host: the indexes the cases patch")
msg = expected("hardening", "host", 0, "privileged-accounts")["web1"]["message"]
check(msg == "uid 0 also for toor; empty password: nopass", f"host: {msg}")
check(f"among {len(passwd)} accounts" in expected("hardening", "host", 1, "privileged-accounts")["web1"]["message"],
      "host: the number of accounts")
check(len(host["repositories"]) == 3 and host["repositories"][2]["trusted"] is True, "host: the repositories")
for e in errors:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

# tls/: the days, verification errors, versions and suites of
# policy/hardening/tests/tls.yaml, as openssl's own tools see them.
tls_yaml=$VIGIL_SRC/policy/hardening/tests/tls.yaml
for pair in nginx:2025-08-27:199 strong:2025-08-27:364 weak:2025-08-27:9 nginx:2026-03-20:-6; do
    IFS=: read -r name now want <<<"$pair"
    end=$(date -u -d "$(openssl x509 -in "$TLS/$name.pem" -noout -enddate | cut -d= -f2)" +%s)
    days=$(python3 -c 'import sys; print((int(sys.argv[1]) - int(sys.argv[2])) // 86400)' "$end" "$(date -u -d "$now" +%s)")
    [ "$days" = "$want" ] || fail "tls: $name's certificate expires $days days after $now, not $want"
    [ "$want" -lt 0 ] && want=$(date -u -d @"$end" +%Y-%m-%dT%H:%M:%SZ)
    grep -q -e "expires in $want days" -e "expired on $want" "$tls_yaml" || fail "tls.yaml: nothing expires in $want days"
done
verify_error() { # CERT CAFILE [UNTRUSTED]
    { openssl verify -attime "$SOURCE_DATE_EPOCH" -CAfile "$2" ${3:+-untrusted "$3"} "$1" 2>&1 || true; } |
        sed -n 's/^error [0-9]* at [0-9]* depth lookup: //p' | sed -n 1p
}
[ "$(verify_error "$TLS/weak.pem" "$TLS/root.pem")" = "self-signed certificate" ] || fail "tls: weak is not self-signed"
[ "$(verify_error "$TLS/strong.pem" "$TLS/root.pem")" = "unable to get local issuer certificate" ] ||
    fail "tls: strong verifies against the root alone"
[ -z "$(verify_error "$TLS/strong.pem" "$TLS/root+inter.pem")" ] && [ -z "$(verify_error "$TLS/nginx.pem" "$TLS/root.pem" \
    "$TLS/inter.pem")" ] || fail "tls: strong or nginx does not verify"
openssl x509 -in "$TLS/weak.pem" -noout -checkip 127.0.0.1 | grep -q 'does NOT match' || fail "tls: weak matches 127.0.0.1"
accepts() { # ADDR ARGS...: openssl s_client agrees on a suite
    timeout 10 openssl s_client -connect "$1" "${@:2}" </dev/null 2>&1 | grep -Eq '^New, .*Cipher is [^(]'
}
for v in tls1 tls1_1 tls1_2; do
    for c in ADH-AES128-SHA NULL-SHA AES128-SHA; do
        accepts "$TLS_WEAK" -$v -cipher "$c:@SECLEVEL=0" || fail "tls: weak does not accept $c with -$v"
    done
    [ $v = tls1_2 ] || ! accepts "$TLS_NGINX" -$v -cipher 'ALL:@SECLEVEL=0' || fail "tls: nginx accepts -$v"
    ! accepts "$TLS_STRONG" -$v -cipher 'ALL:@SECLEVEL=0' || fail "tls: strong accepts -$v"
done
! accepts "$TLS_WEAK" -tls1_3 && accepts "$TLS_NGINX" -tls1_3 && accepts "$TLS_NGINX" -tls1_2 || fail "tls: versions"

# ---- the pack tests ------------------------------------------------------------------

for pack in nis2 cra hardening licences; do
    expect_status 0 $VIGIL policy test "$VIGIL_SRC/policy/$pack" --data "$D" --fail-uncovered
    ncases=$(python3 -c 'import sys, yaml; print(sum(len(yaml.safe_load(open(f))["tests"]) for f in sys.argv[1:]))' \
        "$VIGIL_SRC/policy/$pack"/tests/*.yaml)
    nrules=$(ls "$VIGIL_SRC/policy/$pack"/*.lua | wc -l)
    grep -qx "$ncases passed, 0 failed; 0 of $nrules rules without a test case" "$TMP/stdout" ||
        { cat "$TMP/stdout" >&2; fail "pack $pack: not $ncases cases passed for $nrules rules"; }
done

# The harness can fail: a wrong status, a result not expected, a message
# that differs, a rule without a case, a rule that decides wrongly.
cp -r "$VIGIL_SRC/policy/nis2" "$TMP/wrong"
sed -i '0,/status: pass, message: "no KEV-listed finding among 10"/s//status: fail, message: "no KEV-listed finding among 10"/' \
    "$TMP/wrong/tests/kev-not-affected.yaml"
expect_status 5 $VIGIL policy test "$TMP/wrong" --data "$D"
grep -q 'kev-not-affected app: expected fail, got pass: no KEV-listed finding among 10' "$TMP/stdout" ||
    { cat "$TMP/stdout" >&2; fail "a wrong status was not reported"; }
cp "$VIGIL_SRC/policy/nis2/tests/kev-not-affected.yaml" "$TMP/wrong/tests/"
python3 - "$TMP/wrong/tests/fix-sla.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('      - {rule: fix-sla, resource: "CVE-2019-14697 pkg:apk/alpine/musl-utils@1.1.22-r2", status: pass}\n', "", 1)
s = s.replace("open 87.0 days, SLA 15 days", "open 86.0 days, SLA 15 days", 1)
open(p, "w").write(s)
PY
expect_status 5 $VIGIL policy test "$TMP/wrong" --data "$D"
grep -q 'unexpected result fix-sla CVE-2019-14697 pkg:apk/alpine/musl-utils@1.1.22-r2 pass' "$TMP/stdout" ||
    { cat "$TMP/stdout" >&2; fail "an unexpected result was not reported"; }
grep -q 'expected a message containing ".*open 86.0 days, SLA 15 days", got ".*open 87.0 days' "$TMP/stdout" ||
    { cat "$TMP/stdout" >&2; fail "a wrong message was not reported"; }
cp "$VIGIL_SRC/policy/nis2/tests/fix-sla.yaml" "$TMP/wrong/tests/"
rm "$TMP/wrong/tests/scan-age.yaml"
expect_status 5 $VIGIL policy test "$TMP/wrong" --data "$D" --fail-uncovered
expect_stderr 'rule scan-age \(.*scan-age.lua\) has no test case'
cp "$VIGIL_SRC/policy/nis2/tests/scan-age.yaml" "$TMP/wrong/tests/"
sed -i 's/if s and s.status == "not_affected" then/if s and s.status == "affected" then/' "$TMP/wrong/kev-not-affected.lua"
expect_status 5 $VIGIL policy test "$TMP/wrong" --data "$D"
grep -q '^FAIL .*OpenVEX not_affected for musl' "$TMP/stdout" || { cat "$TMP/stdout" >&2; fail "a broken rule passed its tests"; }

# ---- the packs by name, with the documented configuration -----------------------

expect_status 5 $VIGIL policy eval --config "$VIGIL_SRC/policy/vigil-policy.yaml" --now 2025-08-27T00:00:00Z \
    --evidence scan="$D/scan.json" --evidence scan="$D/scan-debian.json" --evidence sbom="$D/sbom.cdx.json" \
    --evidence vex="$D/vex/alpine-musl.openvex.json" -o json="$TMP/eval.json"
jq -e '[.packs[].name] == ["nis2", "cra", "hardening", "licences"] and .summary.error == 0
    and ([.rules[].id] | length) == 35
    and ([.results[] | select(.rule == "scan-coverage" and .resource == "debian")][0].status == "fail")
    and ([.results[] | select(.rule == "kev-not-affected" and .resource == "app")][0].status == "pass")' \
    "$TMP/eval.json" >/dev/null || { jq -c '.summary, .packs' "$TMP/eval.json" >&2; fail "eval of the built-in packs"; }

# ---- docs/packs.md and policy/vigil-policy.yaml against the rules ----------------

have_cmd lua5.4 "docs/packs.md and policy/vigil-policy.yaml against the rule files" || exit 0
expect_status 0 $VIGIL policy rules --pack nis2 --pack cra --pack hardening --pack licences -o json
cp "$TMP/stdout" "$TMP/rules.json"
lua5.4 - "$VIGIL_SRC"/policy/{nis2,cra,hardening,licences}/*.lua >"$TMP/params.tsv" <<'LUA' || fail "lua5.4 reading the rule files"
-- "id<TAB>name<TAB>JSON" of every parameter default of each rule file, read
-- by plain Lua: the file's top level, with vigil.* stubbed out.
local function json(v)
  if type(v) == "table" then
    local parts = {}
    for _, x in ipairs(v) do parts[#parts + 1] = json(x) end
    return "[" .. table.concat(parts, ",") .. "]"
  elseif type(v) == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  end
  return tostring(v)
end
for _, file in ipairs(arg) do
  rule = nil
  vigil = setmetatable({}, { __index = function() return function() end end })
  dofile(file)
  local names = {}
  for name in pairs(rule.params or {}) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do print(rule.id .. "\t" .. name .. "\t" .. json(rule.params[name])) end
end
LUA
[ "$(cut -f1 "$TMP/params.tsv" | sort -u | wc -l)" = 22 ] || fail "lua5.4 found the parameters of $(cut -f1 "$TMP/params.tsv" | sort -u | wc -l) rules, not 22"
python3 "$VIGIL_SRC/tests/e2e/packs_doc.py" "$TMP/rules.json" "$TMP/params.tsv" check "$VIGIL_SRC/docs/packs.md" \
    "$VIGIL_SRC/policy/vigil-policy.yaml" || fail "docs/packs.md or policy/vigil-policy.yaml differ from the rules"
echo "ok: the built-in packs pass their tests on vigil's evidence, and their documentation matches them"

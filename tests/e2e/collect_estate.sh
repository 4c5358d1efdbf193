# collect_estate.sh — the whole path an auditor sees: `vigil collect` of a
# real Debian 12 system → `vigil policy eval` with the nis2, cra and
# hardening packs → a signed evidence pack, checked by `vigil verify --pack`.
#
# The system is a minbase root filesystem made here by debootstrap (with
# openssh-server, sudo and unattended-upgrades), in two states:
#   good  sshd refuses root and passwords (a drop-in file), automatic
#         updates on (20auto-upgrades as `dpkg-reconfigure unattended-upgrades`
#         writes it), the product's binary built with Debian's hardening
#         flags, a TLS 1.3 endpoint with a chain that verifies, a valid
#         security.txt, the system as a container image (tests/tools/
#         mkimage.py, then `umoci config`) that runs as nobody, and a GitHub
#         organisation that requires 2FA (tests/data/identity, from GitHub's
#         published examples) with a leaver inside the one-day grace;
#   bad   the same root with faults planted by the tools an administrator
#         would use: PermitRootLogin yes, a second uid 0 (useradd -o -u 0),
#         an APT source with trusted=yes, 20auto-upgrades removed, the
#         binary rebuilt without PIE, RELRO, canary and with an executable
#         stack, a TLS 1.0 endpoint with anonymous and NULL suites and a
#         self-signed certificate, an expired security.txt, the image
#         running as root, the organisation without the 2FA requirement and
#         an administrator without 2FA, a leaver enabled 26 days after leaving.
# The image is a whole Debian: vigil-policy.yaml (estate.yaml below) lets
# it keep its shells, apt and setuid files, as a build stage would; running
# as root is what the bad state adds.
# The status of every requirement the three packs cite is written below by
# hand, for each state, from the rules' documented semantics: a requirement
# passes only when every rule citing it passed, fails when one failed, and
# is not_checked when a rule citing it had no evidence (no SBOM and no scan
# are given here: their requirements must say not_checked, never pass).
# Root's password hash, the SSH host keys and a password in the image's
# environment must reach no document.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1756166400 # 2025-08-26T00:00:00Z: the collection time
source "$(dirname "$0")/tls_lib.sh"
for c in debootstrap chroot gcc jq openssl python3 useradd umoci; do need_cmd "$c"; done
[ "$(id -u)" = 0 ] || skip "debootstrap needs root"
MIRROR=${VIGIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
NOW=2025-08-27T00:00:00Z
cd "$TMP"

# ---- the system ------------------------------------------------------------------
ROOT=$TMP/root
debootstrap --variant=minbase --include=openssh-server,sudo,unattended-upgrades bookworm "$ROOT" "$MIRROR" \
    >debootstrap.log 2>&1 || { tail -20 debootstrap.log >&2; fail "debootstrap from $MIRROR failed"; }
echo web1 >"$ROOT/etc/hostname"
# Secrets that must reach no document: root's password hash, and the SSH
# host keys openssh-server's postinst made (ssh-keygen -A).
HASH=$(openssl passwd -6 'estate-Root-s3cret')
usermod -R "$ROOT" -p "$HASH" root
ls "$ROOT"/etc/ssh/ssh_host_*_key >/dev/null || fail "openssh-server's postinst made no host key"
printf 'PermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n' \
    >"$ROOT/etc/ssh/sshd_config.d/50-hardening.conf"
printf 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n' \
    >"$ROOT/etc/apt/apt.conf.d/20auto-upgrades"
[ -e "$ROOT/etc/systemd/system/timers.target.wants/apt-daily-upgrade.timer" ] ||
    fail "debootstrap did not enable apt-daily-upgrade.timer (apt's postinst)"
mkdir -p "$ROOT/opt/app/bin"
cat >app.c <<'EOF'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    char line[64];
    strcpy(line, argc > 1 ? argv[1] : "app");
    puts(line);
    return 0;
}
EOF
# dpkg-buildflags' hardening=+all for a C program, then the same program without any of it.
gcc -O2 -fPIE -pie -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wl,-z,relro,-z,now -o "$ROOT/opt/app/bin/app" app.c
gcc -O2 -no-pie -fno-stack-protector -Wl,-z,norelro -Wl,-z,execstack -o app-weak app.c

# ---- evidence: good ----------------------------------------------------------------
tls_pki
tls_servers
printf 'Contact: mailto:security@example.com\nExpires: 2026-01-01T00:00:00Z\n' >security-good.txt
printf 'Contact: mailto:security@example.com\nExpires: 2025-08-01T00:00:00Z\n' >security-bad.txt
printf 'id,leaving_date\nmonalisa,2025-08-26\n' >leavers-good.csv # one day before the run: within the grace
printf 'id,leaving_date\nhubot,2025-08-01\n' >leavers-bad.csv
IDENTITY=$VIGIL_SRC/tests/data/identity
cat >estate.yaml <<'EOF'
parameters:
  image_allow_shell: true
  image_allow_package_manager: true
  image_allow_setuid: true
EOF

# The system as an image, as it is now; the good one runs as nobody, the bad
# one as root (a copy of the layout, its configuration changed by umoci).
ENV_SECRET=estate-Db-s3cret
python3 "$VIGIL_SRC/tests/tools/mkimage.py" -f oci-dir -o image-good --tag vigil-test/web1:1 "$ROOT"
cp -r image-good image-bad
umoci config --image image-good:1 --config.user nobody --config.env "DB_PASSWORD=$ENV_SECRET"
umoci config --image image-bad:1 --config.user root --config.env "DB_PASSWORD=$ENV_SECRET"

collect() { # collect STATE TLS_ENDPOINT TLS_CA: the evidence of $ROOT now into STATE/
    local state=$1
    mkdir -p "$state"
    expect_status 3 $VIGIL collect host "$ROOT" -o "$state/host.json" # 3: sockets are only read on /
    [ "$(jq -c '[.unchecked[].what]' "$state/host.json")" = '["listening sockets"]' ] ||
        fail "$state: host: unexpected unchecked: $(jq -c .unchecked "$state/host.json")"
    expect_status 0 $VIGIL collect binaries "$ROOT/opt/app" -o "$state/binaries.json"
    expect_status 0 $VIGIL collect tls --ca "$3" --timeout 3 "$2" -o "$state/tls.json"
    expect_status 0 $VIGIL collect securitytxt "security-$state.txt" -o "$state/securitytxt.json"
    expect_status 0 $VIGIL collect image "image-$state" -o "$state/image.json"
    expect_status 0 $VIGIL collect identity --github-org "$IDENTITY/$4" --leavers "leavers-$state.csv" \
        -o "$state/identity.json"
    for k in host binaries tls securitytxt image identity; do validate "vigil-collect-$k" "$state/$k.json"; done
}
collect good "$TLS_STRONG" "$TLS/root+inter.pem" github-org.json

# ---- evidence: bad -----------------------------------------------------------------
printf 'PermitRootLogin yes\n' >"$ROOT/etc/ssh/sshd_config.d/40-root.conf" # sshd: the first value wins
useradd -R "$ROOT" -o -u 0 -g 0 -M -s /bin/sh toor
echo 'deb [trusted=yes] http://apt.example.com/repo ./' >"$ROOT/etc/apt/sources.list.d/vendor.list"
rm "$ROOT/etc/apt/apt.conf.d/20auto-upgrades"
cp app-weak "$ROOT/opt/app/bin/app"
collect bad "$TLS_WEAK" "$TLS/root.pem" github-org-no2fa.json

# The facts the rules turn on, as the system's own tools see them.
chroot "$ROOT" getent passwd 0 >/dev/null && [ "$(chroot "$ROOT" awk -F: '$3 == 0' /etc/passwd | wc -l)" = 2 ] ||
    fail "useradd -o -u 0 did not make a second uid 0"
readelf -h app-weak | grep -q 'EXEC (Executable file)' || fail "app-weak is a PIE"
readelf -lW app-weak | grep GNU_STACK | grep -q RWE || fail "app-weak has no executable stack"
readelf -h "$TMP/root/opt/app/bin/app" >/dev/null
jq -e '.org.two_factor_requirement_enabled == false' "$IDENTITY/github-org-no2fa.json" >/dev/null &&
    jq -e '[.members_2fa_disabled[].login, .admins[].login] == ["octocat", "octocat"]' "$IDENTITY/github-org-no2fa.json" \
        >/dev/null || fail "github-org-no2fa.json: not an organisation whose administrator octocat has no 2FA"

# ---- policy ------------------------------------------------------------------------
$VIGIL key generate --no-passphrase auditor >/dev/null 2>&1 || fail "key generate"
for pair in good:3 bad:5; do # 3: the SBOM and scan rules skip; 5: a rule failed
    state=${pair%:*}
    expect_status "${pair#*:}" $VIGIL policy eval --config estate.yaml --pack nis2 --pack cra --pack hardening \
        --evidence "$state" --now $NOW \
        -o json="$state.results.json" -o evidence-pack="$state.pack" --attest auditor.key
    validate vigil-policy-results "$state.results.json"
done

# ---- the requirements, by hand -----------------------------------------------------
# Passed when good, failed when bad: every rule citing them read evidence
# given here (security-txt; privileged-accounts, ssh-hardening;
# mfa-administrators, mfa-enforced, leaver-accounts).
judged="cra:II.5 cra:II.6 cra:I.2.d nis2:21.2.j ir2024-2690:11.2.2 ir2024-2690:11.3.2 ir2024-2690:11.5.2
        ir2024-2690:11.6.2 ir2024-2690:11.6.3 ir2024-2690:11.7.1 ir2024-2690:11.7.2"
# Not checked when good, failed when bad: a rule citing them has no evidence
# here (an SBOM, a scan, the inventory, infrastructure as code; or
# inactive-accounts, which GitHub's exports give no sign-in times to), and a
# rule that failed in the bad state cites them too: repositories-signed,
# security-updates-automatic, image-minimal, privileged-accounts,
# leaver-accounts, binary-hardening (with k8s-workload-hardening),
# tls-configuration (with iac-storage-encrypted).
failed_when_bad="nis2:21.2.e nis2:21.2.h nis2:21.2.i ir2024-2690:6.3.2 ir2024-2690:6.6.1 ir2024-2690:9.2
                 ir2024-2690:11.5.4 cra:I.2.b cra:I.2.c cra:I.2.e cra:I.2.j cra:I.2.k cra:II.7"
# Not checked in both: only rules without evidence here cite them.
unchecked="nis2:21.2.c nis2:21.2.d nis2:21.3 ir2024-2690:4.2.1 ir2024-2690:4.2.2 ir2024-2690:4.2.6
           ir2024-2690:5.1.4 ir2024-2690:5.1.6 ir2024-2690:5.1.7 ir2024-2690:5.2
           ir2024-2690:6.1.2 ir2024-2690:6.2.2 ir2024-2690:6.4.1 ir2024-2690:6.4.2 ir2024-2690:6.7.2 ir2024-2690:6.8.1
           ir2024-2690:6.8.2 ir2024-2690:6.10.1 ir2024-2690:6.10.2 ir2024-2690:6.10.3 ir2024-2690:11.2.3
           ir2024-2690:11.4.2 ir2024-2690:12.1.2 ir2024-2690:12.4.1 ir2024-2690:12.4.2 cra:I.2.a cra:I.2.f
           cra:II.1 cra:II.2 cra:II.3"
expected() { # expected STATE: "ID STATUS" lines, sorted
    local id
    for id in $judged; do echo "$id $([ "$1" = good ] && echo pass || echo fail)"; done
    for id in $failed_when_bad; do echo "$id $([ "$1" = good ] && echo not_checked || echo fail)"; done
    for id in $unchecked; do echo "$id not_checked"; done
}
for state in good bad; do
    jq -r '.requirements[] | "\(.id) \(.status)"' "$state.results.json" | LC_ALL=C sort >"$state.got"
    expected $state | LC_ALL=C sort >"$state.want"
    diff -u "$state.want" "$state.got" >&2 || fail "$state: the requirements' statuses differ from the ones written by hand"
done

# The results behind them, per rule and resource.
result() { # result STATE RULE: "STATUS MESSAGE" of RULE's results, one line each
    jq -r --arg r "$2" '.results[] | select(.rule == $r) | "\(.resource) \(.status) \(.message // .reason // "")"' "$1.results.json"
}
result bad ssh-hardening | grep -q '^web1 fail .*PermitRootLogin yes.*40-root.conf' ||
    fail "ssh-hardening should name PermitRootLogin yes of 40-root.conf: $(result bad ssh-hardening)"
result bad privileged-accounts | grep -q '^web1 fail uid 0 also for toor' ||
    fail "privileged-accounts should name toor: $(result bad privileged-accounts)"
result bad repositories-signed | grep -q '^web1 fail .*apt.example.com' ||
    fail "repositories-signed should name the trusted=yes source: $(result bad repositories-signed)"
[ "$(result bad binary-hardening | cut -d' ' -f1-3)" = "$ROOT/opt/app /bin/app fail" ] ||
    fail "binary-hardening should fail /bin/app only: $(result bad binary-hardening)"
result bad binary-hardening | grep -q 'pie.*relro.*nx.*canary' || fail "binary-hardening should name all four: $(result bad binary-hardening)"
result good binary-hardening | grep -q "pass" || fail "binary-hardening, good: $(result good binary-hardening)"
result bad image-minimal | grep -q 'fail .*root' || fail "image-minimal should name the root user: $(result bad image-minimal)"
result good image-minimal | grep -q ' pass ' || fail "image-minimal, good: $(result good image-minimal)"
[ "$(result bad mfa-administrators | cut -d' ' -f1-2)" = "github:octocat fail" ] ||
    fail "mfa-administrators should fail octocat: $(result bad mfa-administrators)"
[ "$(result bad leaver-accounts | cut -d' ' -f1-2)" = "github:hubot fail" ] ||
    fail "leaver-accounts should fail hubot: $(result bad leaver-accounts)"
[ "$(result good leaver-accounts | cut -d' ' -f1-2)" = "github:monalisa pass" ] ||
    fail "leaver-accounts should pass monalisa (within the grace): $(result good leaver-accounts)"
[ "$(result good inactive-accounts | cut -d' ' -f2)" = skip ] || fail "inactive-accounts: $(result good inactive-accounts)"
for rule in ssh-hardening privileged-accounts repositories-signed security-updates-automatic; do
    [ "$(result good $rule | cut -d' ' -f1-2)" = "web1 pass" ] || fail "$rule, good: $(result good $rule)"
done

# ---- secrets ----------------------------------------------------------------------------
# Nothing written here holds the hash, its salt, or a line of a private key.
secrets=("$HASH" "$(cut -d'$' -f3 <<<"$HASH")" "$ENV_SECRET")
for key in "$ROOT"/etc/ssh/ssh_host_*_key; do
    while read -r line; do
        case $line in -----*) ;; *) secrets+=("$line") ;; esac
    done <"$key"
done
for s in "${secrets[@]}"; do
    ! grep -rqF -- "$s" good bad ./*.results.json || fail "a secret reached the evidence or the results: ${s:0:12}…"
done

# ---- the evidence pack ---------------------------------------------------------------
for state in good bad; do
    expect_status 0 $VIGIL verify --key auditor.pub --pack "$state.pack"
    cmp -s "$state.pack/results.json" "$state.results.json" || fail "$state: the pack's results.json is not the run's"
    for k in host binaries tls securitytxt image identity; do
        grep -q "  evidence/.*$k.json$" "$state.pack/SHA256SUMS" ||
            grep -q "$(sha256sum "$state/$k.json" | cut -d' ' -f1)" "$state.pack/SHA256SUMS" ||
            fail "$state: $k.json is not in the pack's SHA256SUMS"
    done
done
echo "ok: collect → policy (nis2, cra, hardening) → evidence pack on a debootstrap system, good and bad"

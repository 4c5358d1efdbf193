# collect_host.sh — `vigil collect host` on a Debian 12 root filesystem
# built here from real packages (apt-get download, dpkg-deb -x; accounts
# made by pwconv, useradd, usermod and passwd -R; units enabled by
# systemctl --root), with conditions planted by those tools or by editing
# copies of the packaged files, and on this machine's "/".  Every fact is
# compared with what the system's own tools say on the same tree:
#   sshd       `sshd -T` (and -C for a Match block) in a mount namespace
#              where the root's /etc/ssh is bind-mounted on /etc/ssh, on
#              four configurations (Include with globs, an absolute symlink
#              that must stay inside the root, Match blocks in the main
#              and in included files, Match all, first-value-wins,
#              algorithm lists with + - ^, times, Keyword=value, quotes);
#   accounts   `passwd -S -a -R ROOT` (and getent passwd on /);
#   sudoers    `cvtsudoers -f json` (its @includedir bind-mounted too);
#   file modes `find ROOT -xdev -perm -0002` and `-perm /6000`;
#   units      `systemctl --root=ROOT list-unit-files --state=enabled`;
#   apt        `apt-get indextargets` (URIs, suites, components per line);
#   updates    `apt-config dump` (APT::Periodic);
#   sockets    `ss -ltn` / `ss -lun` with loopback listeners started here.
# Secrets: a password hash and private keys planted in the root must not
# reach the document.
source "$(dirname "$0")/lib.sh"
for c in jq python3 dpkg-deb apt-get ssh-keygen openssl pwconv useradd usermod passwd systemctl find; do need_cmd "$c"; done
[ -x /usr/sbin/sshd ] || skip "openssh-server is not installed (run ./setup.sh --test)"
command -v cvtsudoers >/dev/null || skip "sudo (cvtsudoers) is not installed (run ./setup.sh --test)"
[ "$(id -u)" = 0 ] || skip "building the root filesystem (useradd -R, passwd -R) needs root"
unshare -m true 2>/dev/null || skip "unshare -m (mount namespaces) is not allowed here"

ROOT=$TMP/root
DOC=$TMP/host.json
mkdir -p "$ROOT" "$TMP/debs"
( cd "$TMP/debs" && apt-get download base-files base-passwd login passwd sudo openssh-server libpam-runtime libpam-modules \
    libpwquality-common systemd-timesyncd unattended-upgrades apt nftables auditd >/dev/null 2>&1 ) ||
    skip "apt-get download failed (no network or no apt lists)"
for deb in "$TMP"/debs/*.deb; do dpkg-deb -x "$deb" "$ROOT"; done

# ---- the root filesystem, as the packages' maintainer scripts would leave it ----
echo web1 >"$ROOT/etc/hostname"
cp "$ROOT/usr/share/base-passwd/passwd.master" "$ROOT/etc/passwd"
cp "$ROOT/usr/share/base-passwd/group.master" "$ROOT/etc/group"
pwconv -R "$ROOT"
grpconv -R "$ROOT"
mkdir -p "$ROOT/etc/ssh/sshd_config.d" "$ROOT/etc/apt/sources.list.d" "$ROOT/root/.ssh" "$ROOT/tmp" "$ROOT/var/tmp" \
    "$ROOT/srv" "$ROOT/usr/local/bin" "$ROOT/etc/apt/apt.conf.d"
cp "$ROOT/usr/share/openssh/sshd_config" "$ROOT/etc/ssh/sshd_config"
cp "$ROOT/usr/share/unattended-upgrades/20auto-upgrades" "$ROOT/etc/apt/apt.conf.d/20auto-upgrades"
for f in common-auth common-account common-password common-session; do
    [ -f "/etc/pam.d/$f" ] && cp "/etc/pam.d/$f" "$ROOT/etc/pam.d/$f" # pam-auth-update's output on this machine
done
SYSTEMCTL_SKIP_SYSV=1 systemctl --root="$ROOT" enable ssh.service systemd-timesyncd.service apt-daily-upgrade.timer \
    nftables.service auditd.service >/dev/null 2>&1 || fail "systemctl --root enable"

# ---- planted conditions ----
useradd -R "$ROOT" -o -u 0 -g 0 -M toor 2>/dev/null   # a second uid 0
useradd -R "$ROOT" -M nopass && passwd -R "$ROOT" -d nopass >/dev/null # an empty password
useradd -R "$ROOT" -M alice
HASH=$(openssl passwd -6 's3cret-Root')
usermod -R "$ROOT" -p "$HASH" root
usermod -R "$ROOT" -p "$(openssl passwd -6 hunter2)" alice
usermod -R "$ROOT" -L alice                             # locked: "!" before the hash
grep -qF "$HASH" "$ROOT/etc/shadow" || fail "the planted hash is not in the shadow file"
ssh-keygen -q -t ed25519 -N '' -C planted -f "$ROOT/etc/ssh/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C planted -f "$ROOT/root/.ssh/id_ed25519"
cat >"$ROOT/etc/sudoers.d/90-ops" <<'EOF'
# planted by collect_host.sh
User_Alias OPS = alice, %wheel
Cmnd_Alias UPDATE = /usr/bin/apt-get update, /usr/bin/apt-get upgrade
alice ALL = (root) NOPASSWD: /usr/bin/systemctl restart nginx, /usr/bin/journalctl, \
	PASSWD: /usr/bin/vim
OPS   ALL=(ALL:ALL) NOPASSWD:SETENV: UPDATE
%adm, bob web1,web2 = /bin/ls : db1 = NOPASSWD: /usr/bin/psql
#1001 ALL = NOPASSWD: ALL
Defaults:alice !lecture
EOF
echo 'deb [trusted=yes] http://example.org/debian bookworm main contrib' >"$ROOT/etc/apt/sources.list.d/local.list"
echo 'deb [ arch=amd64 signed-by=/usr/share/keyrings/example.gpg ] https://example.com/apt stable main' \
    >>"$ROOT/etc/apt/sources.list.d/local.list"
cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<'EOF'
# Debian 12, as the installer writes it
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Trusted: yes
EOF
printf 'world\n' >"$ROOT/etc/ww-file" && chmod 0666 "$ROOT/etc/ww-file"
mkdir "$ROOT/srv/shared" "$ROOT/srv/drop" && chmod 0777 "$ROOT/srv/shared" && chmod 1777 "$ROOT/srv/drop"
chmod 1777 "$ROOT/tmp" "$ROOT/var/tmp"
touch "$ROOT/tmp/scratch" "$ROOT/var/tmp/scratch" && chmod 0666 "$ROOT/tmp/scratch" "$ROOT/var/tmp/scratch"
cp /bin/true "$ROOT/usr/local/bin/suid-true" && chmod 4755 "$ROOT/usr/local/bin/suid-true"
cp /bin/true "$ROOT/usr/local/bin/sgid-true" && chmod 2711 "$ROOT/usr/local/bin/sgid-true"
ln -s /usr/local/bin/suid-true "$ROOT/usr/local/bin/link-to-suid"
printf 'secret-crypt UUID=0f1e2d3c-aaaa-bbbb-cccc-000000000001 /etc/keys/secret.key luks,discard\nswap /dev/sda3 /dev/urandom swap\n' \
    >"$ROOT/etc/crypttab-real"
# a relative symlink climbing above the root: resolved inside it, as chroot would
ln -s ../../../../../../../../../../../../etc/crypttab-real "$ROOT/etc/crypttab"
mkdir -p "$ROOT/etc/security/pwquality.conf.d" "$ROOT/etc/systemd/timesyncd.conf.d"
printf 'minlen = 14\nminclass=3\n' >"$ROOT/etc/security/pwquality.conf.d/50-local.conf"
printf 'deny = 5\nunlock_time = 900\nsilent\n' >>"$ROOT/etc/security/faillock.conf"
printf '[Time]\nNTP=ntp1.example.org ntp2.example.org\n' >"$ROOT/etc/systemd/timesyncd.conf.d/10-site.conf"
printf -- '-w /etc/passwd -p wa -k identity\n-a always,exit -F arch=b64 -S execve -k exec\n' >"$ROOT/etc/audit/rules.d/50-site.rules"

# ---- the collector on the root filesystem ----
collect() { expect_status 3 "$VIGIL" collect host "$ROOT" -o "$DOC"; }
collect
expect_stderr 'not checked: listening sockets: the root is not the running system'
have_validator && node "$VIGIL_SRC/tests/tools/validate.mjs" vigil-collect-host "$DOC" || fail "$DOC is not valid vigil-collect-host"
jq -e '.["vigil-evidence"] == "host" and .schema == 1 and .running == false and .listening == null
       and .hostname == "web1"' "$DOC" >/dev/null || fail "the document's header"
# /etc/os-release is base-files' relative symlink to ../usr/lib/os-release
[ "$(jq -r '.os.id + " " + .os.versionId' "$DOC")" = "$(. "$ROOT/usr/lib/os-release" && echo "$ID $VERSION_ID")" ] ||
    fail "os-release: $(jq -c .os "$DOC")"

# Secrets: neither the hash (nor its salt) nor a private key reaches it.
salt=$(printf '%s' "$HASH" | cut -d'$' -f3)
! grep -qF -e "$HASH" -e "$salt" "$DOC" || fail "the password hash reached the document"
for key in "$ROOT/etc/ssh/ssh_host_ed25519_key" "$ROOT/root/.ssh/id_ed25519"; do
    sed -n '2,3p' "$key" | while read -r line; do
        ! grep -qF "$line" "$DOC" || fail "private key $key reached the document"
    done
done

# ---- accounts: passwd -S -a -R ----
passwd -R "$ROOT" -S -a | awk '{ s = $2 == "L" ? "locked" : $2 == "NP" ? "empty" : "set"; print $1, s }' >"$TMP/ref.txt"
jq -r '.accounts.users[] | "\(.name) \(.password)"' "$DOC" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "password states (passwd -S -a)"
awk -F: '$3 == 0 { print $1 }' "$ROOT/etc/passwd" >"$TMP/ref.txt" # getent cannot read a root; the same file
jq -r '.accounts.uid0[]' "$DOC" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "uid 0 accounts"
jq -e '.accounts.uid0 == ["root", "toor"] and .accounts.emptyPassword == ["nopass"]
       and (.accounts.locked | index("alice")) != null' "$DOC" >/dev/null || fail "the planted accounts"
jq -e '.loginDefs.PASS_MAX_DAYS == "99999" and .loginDefs.ENCRYPT_METHOD == "SHA512"' "$DOC" >/dev/null ||
    { grep -E '^(PASS_MAX_DAYS|ENCRYPT_METHOD)' "$ROOT/etc/login.defs" >&2; fail "login.defs"; }

# ---- sudoers: cvtsudoers -f json, /etc/sudoers.d of the root bind-mounted ----
unshare -m sh -c 'mount --bind "$1/etc/sudoers.d" /etc/sudoers.d && cvtsudoers -f json "$1/etc/sudoers"' sh "$ROOT" \
    >"$TMP/sudoers.json" || fail "cvtsudoers"
python3 - "$TMP/sudoers.json" >"$TMP/ref.txt" <<'PY'
import json, sys
prefix = {"usergroup": "%", "userid": "#"}
for spec in json.load(open(sys.argv[1]))["User_Specs"]:
    users = ",".join(prefix.get(k, "") + str(v) for u in spec["User_List"] for k, v in u.items() if k != "negated")
    hosts = ",".join(str(v) for h in spec["Host_List"] for k, v in h.items())
    for cs in spec["Cmnd_Specs"]:
        nopasswd = any(o.get("authenticate") is False for o in cs.get("Options", []))
        for c in cs["Commands"]:
            print(users, hosts, c.get("command") or c.get("cmndalias"), str(nopasswd).lower(), sep="|")
PY
jq -r '.sudoers.rules[] | [(.users | join(",")), (.hosts | join(",")), .command, .nopasswd] | join("|")' "$DOC" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "sudoers rules (cvtsudoers)"
jq -e '[.sudoers.nopasswd[].users[0]] == ["alice", "alice", "OPS", "%adm", "#1001"]' "$DOC" >/dev/null ||
    fail "the NOPASSWD rules"

# ---- file modes: find -xdev ----
prune="( -path $ROOT/proc -o -path $ROOT/sys -o -path $ROOT/dev ) -prune"
tmplike="( -path $ROOT/tmp -o -path $ROOT/tmp/* -o -path $ROOT/var/tmp -o -path $ROOT/var/tmp/* -o -path $ROOT/dev/shm -o -path $ROOT/dev/shm/* )"
# shellcheck disable=SC2086
find "$ROOT" -xdev $prune -o ! $tmplike -perm -0002 ! -type l ! \( -type d -perm -1000 \) -print |
    sed "s|^$ROOT||" >"$TMP/ref.txt"
jq -r '.fileModes.worldWritable[].path' "$DOC" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "world-writable (find -perm -0002)"
# shellcheck disable=SC2086
find "$ROOT" -xdev $prune -o -type f -perm /6000 -printf '/%P %m\n' | awk '{ printf "%s %04d\n", $1, $2 }' >"$TMP/ref.txt"
jq -r '.fileModes.setuidSetgid[] | "\(.path) \(.mode)"' "$DOC" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "setuid/setgid (find -perm /6000)"
grep -qx '/usr/local/bin/suid-true 4755' "$TMP/got.txt" && grep -qx '/usr/bin/sudo 4755' "$TMP/got.txt" ||
    fail "the planted setuid file or sudo is missing"

# -xdev: a file system mounted inside the root is judged at its mount point
# and not entered (a tmpfs in a mount namespace of our own, holding a
# setuid file and a world-writable file that must not be listed).
mkdir -p "$ROOT/mnt/other"
unshare -m sh -c 'mount -t tmpfs -o mode=0777 vigil-xdev "$1/mnt/other" &&
    cp /bin/true "$1/mnt/other/suid" && chmod 4755 "$1/mnt/other/suid" &&
    touch "$1/mnt/other/ww" && chmod 0666 "$1/mnt/other/ww" &&
    { "$2" collect host "$1" -o "$3" 2>/dev/null; [ $? = 3 ]; } &&
    find "$1" -xdev \( -path "$1/proc" -o -path "$1/sys" -o -path "$1/dev" \) -prune -o -type f -perm /6000 -print >"$4"' \
    sh "$ROOT" "$VIGIL" "$TMP/xdev.json" "$TMP/xdev-ref.txt" || fail "the -xdev run in a mount namespace"
sed -i "s|^$ROOT||" "$TMP/xdev-ref.txt"
jq -r '.fileModes.setuidSetgid[].path' "$TMP/xdev.json" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/xdev-ref.txt" "setuid/setgid with a mount inside the root (find -xdev)"
jq -e '[.fileModes.worldWritable[].path] | index("/mnt/other") != null and index("/mnt/other/ww") == null' \
    "$TMP/xdev.json" >/dev/null || fail "-xdev: the mount point is judged, its content is not"
rmdir "$ROOT/mnt/other"

# ---- systemd: systemctl --root list-unit-files ----
systemctl --root="$ROOT" list-unit-files --state=enabled --no-legend | awk '{ print $1 }' >"$TMP/ref.txt"
jq -r '.systemd.enabled[]' "$DOC" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "enabled units (systemctl --root)"

# ---- repositories: apt-get indextargets, and the planted options ----
printf 'Dir "%s/";\n' "$ROOT" >"$TMP/apt.conf"
APT_CONFIG=$TMP/apt.conf apt-get indextargets --no-release-info --format '$(SOURCESENTRY)|$(TARGET_OF)|$(REPO_URI)|$(RELEASE)|$(COMPONENT)' |
    sed "s|^$ROOT||" | sort -u >"$TMP/ref.txt"
jq -r '.repositories[] | select(.type == "apt") | . as $r | $r.types[] as $t | $r.uris[] as $u | $r.suites[] as $s
       | $r.components[] as $c | "\($r.file):\($r.stanza // $r.line)|\($t)|\($u | sub("/*$"; "/"))|\($s)|\($c)"' "$DOC" | sort -u >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "apt sources (apt-get indextargets)"
jq -e '[.repositories[] | select(.signed == false) | .uris[0]] == ["http://deb.debian.org/debian-security", "http://example.org/debian"]
       and ([.repositories[] | .signedBy] == ["/usr/share/keyrings/debian-archive-keyring.gpg", null, null, "/usr/share/keyrings/example.gpg"])' \
    "$DOC" >/dev/null || { jq -c '.repositories' "$DOC" >&2; fail "signed, trusted and signed-by of the apt sources"; }

# ---- yum/dnf: dnf's own configuration reader (python3-dnf) on a root of .repo files ----
Y=$TMP/yroot
mkdir -p "$Y/etc/yum.repos.d" "$Y/etc/dnf"
printf '[main]\ngpgcheck=1\ninstallonly_limit=3\n' >"$Y/etc/dnf/dnf.conf"
cat >"$Y/etc/yum.repos.d/rocky.repo" <<'EOF'
[baseos]
name=Rocky Linux $releasever - BaseOS
mirrorlist=https://mirrors.rockylinux.org/mirrorlist?arch=$basearch&repo=BaseOS-$releasever
#baseurl=http://dl.rockylinux.org/$contentdir/$releasever/BaseOS/$basearch/os/
gpgcheck=1
enabled=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9

[local]
name=Local packages
baseurl=http://repo.example/el9/
  http://mirror.example/el9/
enabled=1
gpgcheck=0

[extras]
name=Extras, off
baseurl=http://repo.example/extras/
enabled=0

[nodefault]
name=gpgcheck from [main]
baseurl=http://repo.example/nodefault/
repo_gpgcheck=1
EOF
dnf_repos() { # ROOT: "id enabled gpgcheck repo_gpgcheck uris gpgkey" as dnf reads them
    /usr/bin/python3 - "$1" <<'PY2'
import sys
import dnf
root = sys.argv[1]
b = dnf.Base()
b.conf.installroot = root
b.conf.config_file_path = root + "/etc/dnf/dnf.conf"
b.conf.read(priority=dnf.conf.PRIO_MAINCONFIG)
b.conf.reposdir = [root + "/etc/yum.repos.d"]
for k in [k for k, v in b.conf.substitutions.items() if v is None]:
    del b.conf.substitutions[k]
b.read_all_repos()
for r in b.repos.all():
    n = len(r.baseurl) + bool(r.mirrorlist) + bool(r.metalink)
    print(r.id, str(r.enabled).lower(), str(r.gpgcheck).lower(), str(r.repo_gpgcheck).lower(), n, str(bool(r.gpgkey)).lower())
PY2
}
if /usr/bin/python3 -c 'import dnf' 2>/dev/null; then
    for main in with without; do
        [ $main = with ] || sed -i '/^gpgcheck=1$/d' "$Y/etc/dnf/dnf.conf"
        expect_status 3 "$VIGIL" collect host "$Y" -o "$TMP/yum.json"
        dnf_repos "$Y" >"$TMP/ref.txt" || fail "python3-dnf reading $Y"
        jq -r '.repositories[] | "\(.id) \(.enabled) \(.gpgcheck) \(.repoGpgcheck) \(.uris | length) \(.gpgkey)"' "$TMP/yum.json" >"$TMP/got.txt"
        same_lines "$TMP/got.txt" "$TMP/ref.txt" "yum repositories, $main gpgcheck in [main] (dnf)"
    done
    jq -e '[.repositories[] | .signed] == [true, false, false, false]' "$TMP/yum.json" >/dev/null ||
        fail "yum: signed is gpgcheck"
else
    skip_part "yum repositories against dnf (python3-dnf is not installed: run ./setup.sh --test)"
fi

# ---- apk: the real Alpine 3.10 minirootfs (its repositories file and keys) ----
if [ -e "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" ]; then
    A=$TMP/aroot
    mkdir -p "$A"
    tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$A"
    expect_status 3 "$VIGIL" collect host "$A" -o "$TMP/apk.json"
    grep -v -e '^#' -e '^[[:space:]]*$' "$A/etc/apk/repositories" >"$TMP/ref.txt"
    jq -r '.repositories[] | select(.type == "apk") | .uris[0]' "$TMP/apk.json" >"$TMP/got.txt"
    same_lines "$TMP/got.txt" "$TMP/ref.txt" "apk repositories (/etc/apk/repositories)"
    [ "$(ls "$A/etc/apk/keys" | wc -l)" -gt 0 ] && jq -e '[.repositories[].signed] | all' "$TMP/apk.json" >/dev/null ||
        fail "apk: repositories with keys in /etc/apk/keys are signed"
    jq -e '.os.id == "alpine" and .sshd == null and (.accounts.uid0 == ["root"])' "$TMP/apk.json" >/dev/null ||
        fail "the Alpine root: $(jq -c '[.os, .accounts.uid0]' "$TMP/apk.json")"
    rm "$A"/etc/apk/keys/*
    expect_status 3 "$VIGIL" collect host "$A" -o "$TMP/apk.json"
    jq -e '[.repositories[].signed] | any | not' "$TMP/apk.json" >/dev/null || fail "apk: no key, no signature check"
else
    skip_part "apk repositories ($VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz is absent)"
fi

# ---- automatic updates: apt-config dump ----
for k in Update-Package-Lists Unattended-Upgrade; do
    want=$(APT_CONFIG=$TMP/apt.conf apt-config dump | sed -n "s/^APT::Periodic::$k \"\(.*\)\";\$/\1/p")
    got=$(jq -r ".automaticUpdates.apt.$(echo "$k" | sed 's/Update-Package-Lists/updatePackageLists/; s/Unattended-Upgrade/unattendedUpgrade/')" "$DOC")
    [ -n "$want" ] && [ "$got" = "$want" ] || fail "APT::Periodic::$k: vigil '$got', apt-config '$want'"
done
jq -e '.automaticUpdates.apt.configured and .automaticUpdates.configured and .timeSync.configured
       and .timeSync.services[0].servers == ["ntp1.example.org", "ntp2.example.org"]
       and .audit.enabled and .audit.rules == 2 and (.audit.ruleFiles | map(.rules)) == [2, 0]
       and .firewall.enabled.nftables and .firewall.present == false
       and .pam.pwquality == {"minlen": "14", "minclass": "3"}
       and .pam.faillock == {"deny": "5", "unlock_time": "900", "silent": ""}
       and (.crypttab | map([.name, .keyFile]) == [["secret-crypt", true], ["swap", true]])' "$DOC" >/dev/null ||
    { jq -c '.automaticUpdates, .timeSync, .audit, .firewall, .pam.pwquality, .pam.faillock, .crypttab' "$DOC" >&2
      fail "updates, time, PAM settings, audit, firewall, crypttab"; }
# login.defs: every KEY VALUE line of the packaged file
awk '!/^[[:space:]]*(#|$)/ { print $1, $2 }' "$ROOT/etc/login.defs" >"$TMP/ref.txt"
jq -r '.loginDefs | to_entries[] | "\(.key) \(.value)"' "$DOC" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "login.defs"
# PAM: the module lines of the packaged /etc/pam.d/sshd, by field
grep -Ev '^[[:space:]]*(#|$)' "$ROOT/etc/pam.d/sshd" | awk '$1 == "@include" { print "include", $2; next }
    { if ($2 ~ /^\[/) { c = $2; i = 3; while (c !~ /\]$/) c = c " " $(i++) } else { c = $2; i = 3 }
      print $1, c, $i }' >"$TMP/ref.txt"
jq -r '.pam.files["/etc/pam.d/sshd"][] | if .include then "include \(.include)" else "\(.type) \(.control) \(.module)" end' \
    "$DOC" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "PAM lines of /etc/pam.d/sshd"
# A firewall ruleset with a rule is present once nftables.service is enabled.
sed -i 's/type filter hook input priority filter;/&\n\t\tct state established,related accept\n\t\ttcp dport 22 accept/' "$ROOT/etc/nftables.conf"
collect
jq -e '.firewall.rulesets == [{"file": "/etc/nftables.conf", "rules": 2, "kind": "nftables"}] and .firewall.present' \
    "$DOC" >/dev/null || fail "firewall: $(jq -c .firewall "$DOC")"
! grep -qF 'secret.key' "$DOC" || fail "a crypttab key file name reached the document"

# ---- sshd: sshd -T on several configurations ----
ssh-keygen -q -t ed25519 -N '' -f "$TMP/hostkey"
mkdir -p "$TMP/run/sshd" # sshd -T wants its privilege separation directory, /run/sshd
# sshd_T_in SSHDIR [ARGS]: sshd -T with SSHDIR on /etc/ssh and $TMP/run on
# /run, in a mount namespace of its own (nothing outside $TMP is touched).
sshd_T_in() {
    unshare -m sh -c 'mount --bind "$1" /etc/ssh && mount --bind "$2" /run && shift 2 && exec /usr/sbin/sshd -T -h "$@"' \
        sh "$@"
}
sshd_T() { sshd_T_in "$ROOT/etc/ssh" "$TMP/run" "$TMP/hostkey" "$@"; } # the root's configuration
# sshd_diff DOC REF [USER]: the sshd settings of the host document DOC
# (with the Match blocks "User USER" and "all" applied, first value
# winning, when USER is given) against REF, what sshd -T printed.
sshd_diff() {
    python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))["sshd"]
got = dict(doc["settings"])
if sys.argv[3]:
    seen = set()
    for block in doc["match"]:
        if block["criteria"].lower() in ("user " + sys.argv[3], "all"):
            for k, v in block["settings"].items():
                if k not in seen:
                    got[k] = v
                    seen.add(k)
ref = {}
for line in open(sys.argv[2]):
    k, _, v = line.rstrip("\n").partition(" ")
    ref.setdefault(k, []).append(v)
bad = 0
for k, v in got.items():
    want = ref.get(k, [])
    if k == "permitrootlogin":
        want = ["prohibit-password" if w == "without-password" else w for w in want]
    have = v if isinstance(v, list) else [v]
    if have != want:
        print(f"{k}: vigil {have}, sshd -T {want}", file=sys.stderr)
        bad += 1
sys.exit(bad > 0)
PY
}
# compare_sshd WHAT [USER]: vigil's settings of the root against sshd -T
# (-C for USER connecting from 192.0.2.1 when given).
compare_sshd() {
    collect
    sshd_T ${2:+-C "user=$2,host=client,addr=192.0.2.1"} >"$TMP/sshd-T.txt" 2>"$TMP/sshd-T.err" ||
        { cat "$TMP/sshd-T.err" >&2; fail "$1: sshd -T"; }
    sshd_diff "$DOC" "$TMP/sshd-T.txt" "${2:-}" || fail "$1: vigil and sshd -T differ"
}
compare_sshd "the packaged sshd_config"
jq -e '.sshd.settings.permitrootlogin == "prohibit-password" and .sshd.settings.usepam == "yes"' "$DOC" >/dev/null ||
    fail "the packaged sshd_config's values"

cat >"$ROOT/etc/ssh/sshd_config.d/10-planted.conf" <<'EOF'
PermitRootLogin yes
PasswordAuthentication=no
LoginGraceTime 1m30s
ClientAliveInterval 2h
Ciphers ^aes256-gcm@openssh.com
KexAlgorithms -ecdh-sha2-*,diffie-hellman-group14-sha256
MACs +hmac-sha2-512-etm@openssh.com
LogLevel debug
SyslogFacility local3
AllowUsers alice bob
Banner "/etc/issue.net"
AuthorizedKeysFile = .ssh/authorized_keys "/etc/ssh/keys/%u"
Match Address 10.0.0.0/8
    PermitRootLogin no
    PasswordAuthentication yes
EOF
cat >"$ROOT/etc/ssh/sshd_config.d/20-later.conf" <<'EOF'
# a second value: the first one wins
PermitRootLogin no
AllowUsers carol
Port 2222
Port 2223
MaxAuthTries 3
EOF
echo 'MaxStartups 5:50:20' >"$ROOT/etc/ssh/real-30.conf"
ln -s /etc/ssh/real-30.conf "$ROOT/etc/ssh/sshd_config.d/30-link.conf" # absolute: resolved inside the root
echo 'MaxStartups 1:1:1' >"$ROOT/etc/ssh/sshd_config.d/.hidden.conf"  # not matched by *.conf's glob
cat >>"$ROOT/etc/ssh/sshd_config" <<'EOF'
Match User bob
    PasswordAuthentication yes
    X11Forwarding no
    PermitTTY no
EOF
compare_sshd "sshd_config with Include and Match"
compare_sshd "sshd_config with Include and Match, for user bob" bob
jq -e '.sshd.settings.permitrootlogin == "yes" and .sshd.settings.passwordauthentication == "no"
       and .sshd.settings.port == ["2222", "2223"] and .sshd.settings.maxstartups == "5:50:20"
       and (.sshd.match | map(.criteria)) == ["Address 10.0.0.0/8", "User bob"]
       and .sshd.match[0].file == "/etc/ssh/sshd_config.d/10-planted.conf"
       and .sshd.origin.permitrootlogin == "/etc/ssh/sshd_config.d/10-planted.conf:1"' "$DOC" >/dev/null ||
    { jq -c '.sshd | del(.settings.ciphers, .settings.macs, .settings.kexalgorithms)' "$DOC" >&2; fail "the planted sshd settings"; }

printf 'Match all\n    MaxSessions 4\n    PermitRootLogin no\n' >"$ROOT/etc/ssh/sshd_config.d/40-all.conf"
rm "$ROOT/etc/ssh/sshd_config.d/10-planted.conf"
compare_sshd "Match all in an included file"
jq -e '.sshd.settings.maxsessions == "4" and .sshd.settings.permitrootlogin == "no"' "$DOC" >/dev/null ||
    fail "Match all is applied to the global settings"

# An Include inside a Match block: its lines belong to the block.
mkdir -p "$ROOT/etc/ssh/carol.d"
printf 'PasswordAuthentication yes\nMaxAuthTries 2\n' >"$ROOT/etc/ssh/carol.d/10-carol.conf"
printf 'Match User carol\n    Include carol.d/*.conf\n' >>"$ROOT/etc/ssh/sshd_config"
compare_sshd "Include inside a Match block"
compare_sshd "Include inside a Match block, for user carol" carol
jq -e '.sshd.match[-1] | .criteria == "User carol" and .settings == {"passwordauthentication": "yes", "maxauthtries": "2"}' \
    "$DOC" >/dev/null || fail "the included lines of a Match block: $(jq -c '.sshd.match[-1]' "$DOC")"

# ---- this machine's / ----
"$VIGIL" collect host -o "$TMP/live.json" 2>"$TMP/stderr" || [ $? = 3 ] || { cat "$TMP/stderr" >&2; fail "collect host /"; }
have_validator && node "$VIGIL_SRC/tests/tools/validate.mjs" vigil-collect-host "$TMP/live.json" ||
    fail "the live document is not valid vigil-collect-host"
getent passwd | awk -F: '$3 == 0 { print $1 }' >"$TMP/ref.txt"
jq -r '.accounts.uid0[]' "$TMP/live.json" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "uid 0 accounts of / (getent passwd)"
passwd -S -a | awk '{ s = $2 == "L" ? "locked" : $2 == "NP" ? "empty" : "set"; print $1, s }' >"$TMP/ref.txt"
jq -r '.accounts.users[] | "\(.name) \(.password)"' "$TMP/live.json" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "password states of / (passwd -S -a)"
# Other tests of the suite, running at the same time, make and remove
# setuid files in their own temporary directories (collect_estate.sh's
# debootstrap): those are left out of both sides.
others="^${TMPDIR:-/tmp}/vigil-test\."
find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o -type f -perm /6000 -print 2>/dev/null |
    grep -v "$others" >"$TMP/ref.txt" || true
jq -r '.fileModes.setuidSetgid[].path' "$TMP/live.json" | grep -v "$others" >"$TMP/got.txt" || true
same_lines "$TMP/got.txt" "$TMP/ref.txt" "setuid/setgid files of / (find -xdev -perm /6000)"
find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
    ! \( -path /tmp -o -path '/tmp/*' -o -path /var/tmp -o -path '/var/tmp/*' \) -perm -0002 ! -type l \
    ! \( -type d -perm -1000 \) -print 2>/dev/null >"$TMP/ref.txt" || true
jq -r '.fileModes.worldWritable[].path' "$TMP/live.json" >"$TMP/got.txt"
if [ -s "$TMP/ref.txt" ]; then
    same_lines "$TMP/got.txt" "$TMP/ref.txt" "world-writable files of / (find -xdev -perm -0002)"
else
    [ ! -s "$TMP/got.txt" ] || fail "world-writable files of /: vigil lists $(wc -l <"$TMP/got.txt"), find none"
fi
if [ -f /etc/ssh/sshd_config ]; then # this machine's own sshd configuration
    sshd_T_in /etc/ssh "$TMP/run" "$TMP/hostkey" >"$TMP/sshd-T.txt" 2>"$TMP/sshd-T.err" ||
        { cat "$TMP/sshd-T.err" >&2; fail "sshd -T of /"; }
    sshd_diff "$TMP/live.json" "$TMP/sshd-T.txt" || fail "sshd settings of /: vigil and sshd -T differ"
else
    skip_part "sshd settings of / (no /etc/ssh/sshd_config)"
fi
systemctl --root=/ list-unit-files --state=enabled --no-legend | awk '{ print $1 }' >"$TMP/ref.txt"
jq -r '.systemd.enabled[]' "$TMP/live.json" >"$TMP/got.txt"
same_lines "$TMP/got.txt" "$TMP/ref.txt" "enabled units of / (systemctl)"

# Listening sockets: loopback listeners of our own, then ss.
if have_cmd ss "listening sockets against ss"; then
    python3 - "$TMP/ports" <<'PY' &
import socket, sys, time
socks = []
for fam, addr, kind in ((socket.AF_INET, "127.0.0.1", socket.SOCK_STREAM), (socket.AF_INET6, "::1", socket.SOCK_STREAM),
                        (socket.AF_INET, "127.0.0.1", socket.SOCK_DGRAM), (socket.AF_INET6, "::1", socket.SOCK_DGRAM)):
    s = socket.socket(fam, kind)
    s.bind((addr, 0))
    if kind == socket.SOCK_STREAM:
        s.listen()
    socks.append(s)
open(sys.argv[1], "w").write(" ".join(str(s.getsockname()[1]) for s in socks) + "\n")
time.sleep(60)
PY
    listener=$!
    at_exit "kill $listener 2>/dev/null"
    for _ in $(seq 50); do [ -s "$TMP/ports" ] && break; sleep 0.1; done
    [ -s "$TMP/ports" ] || fail "the loopback listeners did not start"
    "$VIGIL" collect host -o "$TMP/live.json" 2>/dev/null || [ $? = 3 ] || fail "collect host /"
    { ss -Hltn | awk '{ print "tcp", $4 }'; ss -Hlun | awk '{ print "udp", $4 }'; } |
        sed -E 's/ \[(.*)\]:([0-9]+)$/ \1 \2/; s/ ([^ ]*):([0-9]+)$/ \1 \2/; s/%[^ ]* / /' | sort -u >"$TMP/ref.txt"
    jq -r '.listening[] | "\(.protocol) \(.address) \(.port)"' "$TMP/live.json" | sort -u >"$TMP/got.txt"
    same_lines "$TMP/got.txt" "$TMP/ref.txt" "listening sockets of / (ss -ltn, ss -lun)"
    for p in $(cat "$TMP/ports"); do grep -q " $p\$" "$TMP/got.txt" || fail "our listener on port $p is missing"; done
fi

# ---- what cannot be read is "unchecked", not absent ----
ln -s loop-b "$ROOT/etc/loop-a" && ln -s loop-a "$ROOT/etc/loop-b" && rm "$ROOT/etc/login.defs" &&
    ln -s loop-a "$ROOT/etc/login.defs"
rm "$ROOT/etc/audit/rules.d/50-site.rules" && mkfifo "$ROOT/etc/audit/rules.d/50-site.rules"
echo 'PermitRootLogin maybe' >"$ROOT/etc/ssh/sshd_config.d/05-bad.conf"
python3 -c 'print("alice ALL = NOPASSWD: /bin/" + "x" * 9000)' >"$ROOT/etc/sudoers.d/99-long"
collect
expect_stderr 'not checked: /etc/sudoers.d/99-long: lines longer than 8192 bytes were cut'
expect_stderr 'not checked: /etc/login.defs: a symlink loop'
expect_stderr 'not checked: /etc/audit/rules.d/50-site.rules: not a regular file'
jq -e '.loginDefs == null and (.unchecked | map(.what) | index("/etc/login.defs")) != null
       and .sshd.errors == [{"file": "/etc/ssh/sshd_config.d/05-bad.conf", "line": 1,
                             "message": "permitrootlogin has no value \"maybe\""}]' "$DOC" >/dev/null ||
    fail "unreadable files and a bad sshd line: $(jq -c '[.unchecked, .sshd.errors]' "$DOC")"
! sshd_T >/dev/null 2>&1 || fail "sshd -T accepted PermitRootLogin maybe"

# ---- bad input ----
expect_status 1 "$VIGIL" collect host "$TMP/absent" -o "$TMP/none.json"
expect_stderr "$TMP/absent: "
[ ! -e "$TMP/none.json" ] || fail "a document was written for an absent root"
expect_status 2 "$VIGIL" collect host a b
echo "ok: vigil collect host agrees with sshd -T, passwd -S, cvtsudoers, find, systemctl, apt and ss"

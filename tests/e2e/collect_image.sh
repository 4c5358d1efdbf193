# collect_image.sh — `vigil collect image` on images built here the way
# real tools build them: layers by tests/tools/mkimage.py (OCI layout as a
# directory and as a tar, `docker save` archive), the configuration written
# by umoci (`umoci config --config.user/.env/.exposedports/.entrypoint/
# .cmd/.workingdir/.label`, OCI image spec v1.1 config.md) and the
# docker archive converted by skopeo (`skopeo copy oci:... docker-archive:...`).
# Root filesystems: the Alpine 3.11.13 minirootfs (busybox with its
# /bin/sh and /bin/ash links, apk, 14 packages), the same with a second
# layer whiting out /sbin/apk, the Debian 12 minbase package database with
# this machine's bash, dash, dpkg and apt-get (/usr/bin/sh -> dash) in a
# second layer, CBL-Mariner 2.0's rpm database (counted by rpm -qa), and a
# "distroless-like" one made here: a static binary gcc compiles, a setuid
# copy of it, an /etc/passwd with a nonroot user (65532), no shell, no
# package manager.  A secret is planted
# in the environment (DB_PASSWORD=s3cr3t-planted): its name must be in the
# document, its value nowhere (in Env and in Cmd).  Expected facts are
# written by hand, from the listings of tar, find -perm, grep and
# dpkg-query, and what `skopeo inspect --config` says of the config; the
# documents are validated against docs/collect-image.schema.json.
# Malformed inputs: a truncated archive, a config that is not JSON, one
# over 16 MiB, a config member of the wrong type, a directory or a root
# filesystem tarball that is no image: exit status 1, an error naming the
# file, and the output file keeps its old content.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1756166400 # 2025-08-26T00:00:00Z
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
need_cmd jq
need_cmd gcc
need_cmd python3
need_cmd umoci
need_cmd skopeo
need_cmd dpkg-query
need_cmd rpm
ALPINE=$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
MKIMAGE="python3 $VIGIL_SRC/tests/tools/mkimage.py"
cd "$TMP"

# check FILE.json JQ WHAT: the jq expression JQ is true of FILE.json.
check() {
    jq -e "$2" "$1" >/dev/null || { jq . "$1" >&2; fail "$1: $3"; }
}

# ---- Alpine: root by default, busybox shells, apk -------------------------------------

$MKIMAGE -f oci-dir -o alpine-oci --tag vigil-test/alpine:3.11 "$ALPINE"
$MKIMAGE -f oci-tar -o alpine-oci.tar --tag vigil-test/alpine:3.11 "$ALPINE"
$MKIMAGE -f docker-archive -o alpine-docker.tar --tag vigil-test/alpine:3.11 "$ALPINE"
mkdir alpine-root && tar xzf "$ALPINE" -C alpine-root
packages=$(grep -c '^P:' alpine-root/lib/apk/db/installed)
[ "$packages" = 14 ] || fail "fixture changed: $packages packages in the Alpine minirootfs"
[ -z "$(find alpine-root -perm /6000)" ] || fail "fixture changed: the Alpine minirootfs has setuid files"
[ "$(readlink alpine-root/bin/sh) $(readlink alpine-root/bin/ash)" = "/bin/busybox /bin/busybox" ] ||
    fail "fixture changed: /bin/sh and /bin/ash are not busybox"
for img in alpine-oci alpine-oci.tar alpine-docker.tar; do
    expect_status 0 $VIGIL collect image "$img" -o "$img.json"
    validate vigil-collect-image "$img.json"
    check "$img.json" '."vigil-evidence" == "image" and .schema == 1 and .collected == "2025-08-26T00:00:00Z"
        and .unchecked == [] and .layers == 1 and .architecture == "amd64" and .os == "linux"' "common members"
    check "$img.json" '.config == {user: "", uid: 0, root: true, exposed_ports: [], entrypoint: null, cmd: null,
        working_dir: "", secret_env: [], labels: {}, healthcheck: false}' "mkimage's config: no user, so root"
    check "$img.json" '.files == {shells: ["/bin/ash", "/bin/busybox", "/bin/sh"],
        package_managers: [{name: "apk", format: "apk", path: "/sbin/apk"}],
        packages: {total: 14, deb: 0, apk: 14, rpm: 0}, setuid: []}' "busybox, apk, 14 packages"
done
check alpine-oci.json '.format == "oci-layout" and .tags == ["vigil-test/alpine:3.11"]' "OCI layout"
check alpine-docker.tar.json '.format == "docker-archive" and .digest == .image_id' "docker archive: its id"
# the digests the layout records: the manifest's in index.json, the config's in the manifest
manifest=$(jq -r '.manifests[0].digest' alpine-oci/index.json)
config=$(jq -r '.config.digest' "alpine-oci/blobs/sha256/${manifest#sha256:}")
check alpine-oci.json ".digest == \"$manifest\" and .image_id == \"$config\"" "digest and image id of the OCI layout"

# users set by umoci, resolved through Alpine's /etc/passwd (nobody 65534)
while read -r name uid root; do
    rm -rf u && cp -r alpine-oci u
    umoci config --image u:3.11 --config.user "$name"
    expect_status 0 $VIGIL collect image u -o u.json
    check u.json ".config.user == \"$name\" and .config.uid == $uid and .config.root == $root and .unchecked == []" \
        "user $name"
done <<'USERS'
nobody 65534 false
nobody:nobody 65534 false
root 0 true
0 0 true
0:0 0 true
65534:65534 65534 false
405 405 false
USERS
rm -rf u && cp -r alpine-oci u
umoci config --image u:3.11 --config.user ghost
expect_status 3 $VIGIL collect image u -o ghost.json
validate vigil-collect-image ghost.json
check ghost.json '.config.uid == null and .config.root == null
    and .unchecked == [{what: "user ghost", reason: "the user is not in the image'"'"'s /etc/passwd"}]' "an unknown user"
grep -q "user ghost" "$TMP/stderr" || fail "exit 3 does not name what was not checked"

# a second layer whiting out /sbin/apk (OCI layer.md "Whiteouts"): the final view has no package manager
mkdir -p noapk/sbin && touch noapk/sbin/.wh.apk
$MKIMAGE -f oci-dir -o alpine-noapk --tag vigil-test/alpine:noapk "$ALPINE" noapk
expect_status 0 $VIGIL collect image alpine-noapk -o noapk.json
check noapk.json '.layers == 2 and .files.package_managers == [] and .files.shells == ["/bin/ash", "/bin/busybox", "/bin/sh"]
    and .files.packages.apk == 14' "apk whited out (its database stays)"

# ---- Debian: the bookworm minbase package database, with this machine's bash, dash,
# dpkg and apt-get in a second layer and /usr/bin/sh -> dash as Debian links it

need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
DEBIAN=$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
mkdir -p debian-root deb-bin/usr/bin
tar xzf "$DEBIAN" -C debian-root
debs=$(dpkg-query --admindir=debian-root/var/lib/dpkg -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')
for p in bash dash dpkg apt-get; do cp "$(command -v $p)" deb-bin/usr/bin/; done
ln -s dash deb-bin/usr/bin/sh
$MKIMAGE -f docker-archive -o debian.tar --tag vigil-test/debian:12 "$DEBIAN" deb-bin
expect_status 0 $VIGIL collect image debian.tar -o debian.json
validate vigil-collect-image debian.json
check debian.json ".files == {shells: [\"/usr/bin/bash\", \"/usr/bin/dash\", \"/usr/bin/sh\"],
    package_managers: [{name: \"apt-get\", format: \"deb\", path: \"/usr/bin/apt-get\"},
                       {name: \"dpkg\", format: \"deb\", path: \"/usr/bin/dpkg\"}],
    packages: {total: $debs, deb: $debs, apk: 0, rpm: 0}, setuid: []} and .layers == 2 and .config.root == true" \
    "Debian: bash, dash and its sh link, apt-get and dpkg, the packages dpkg-query lists installed"

# ---- rpm: CBL-Mariner 2.0's rpm database (sqlite) as /var/lib/rpm/rpmdb.sqlite of an OCI tar

need_shared fixtures/rpmdb/cbl-mariner-2.0/rpmdb.sqlite
mkdir -p rpm-root/var/lib/rpm
cp "$VIGIL_SHARED/fixtures/rpmdb/cbl-mariner-2.0/rpmdb.sqlite" rpm-root/var/lib/rpm/
rpms=$(rpm --dbpath "$TMP/rpm-root/var/lib/rpm" -qa | wc -l)
[ "$rpms" -gt 0 ] || fail "rpm -qa lists no package of the CBL-Mariner database"
$MKIMAGE -f oci-tar -o rpm.tar --tag vigil-test/mariner:2 rpm-root
expect_status 0 $VIGIL collect image rpm.tar -o rpm.json
check rpm.json ".files.packages == {total: $rpms, deb: 0, apk: 0, rpm: $rpms} and .files.package_managers == []
    and .unchecked == []" "the packages rpm -qa lists"

# ---- distroless-like: nonroot, no shell, a setuid file, a planted secret ----------------

mkdir -p dl/app dl/etc
printf 'int main(void) { return 0; }\n' >server.c
gcc -static -O2 -o dl/app/server server.c
cp dl/app/server dl/app/helper && chmod 4755 dl/app/helper
cp dl/app/server dl/app/group-tool && chmod 2755 dl/app/group-tool
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >dl/etc/passwd
[ "$(cd dl && find . -perm /6000 | sort | tr '\n' ' ')" = "./app/group-tool ./app/helper " ] ||
    fail "find -perm /6000 does not list the two files made setuid and setgid"
$MKIMAGE -f oci-dir -o dl-oci --tag vigil-test/distroless:1 dl
umoci config --image dl-oci:1 --config.user nonroot --config.env DB_PASSWORD=s3cr3t-planted \
    --config.env GITHUB_TOKEN=ghp_planted0 --config.env LANG=C.UTF-8 --config.env PWD=/app \
    --config.exposedports 8080/tcp --config.exposedports 9090/udp --config.entrypoint /app/server \
    --config.cmd --serve --config.cmd --api-token --config.cmd ghp_planted1 --config.cmd --db-password=s3cr3t-planted \
    --config.workingdir /app --config.label org.opencontainers.image.source=https://example.com/app
skopeo copy -q oci:dl-oci:1 docker-archive:dl-docker.tar:vigil-test/distroless:1
# what skopeo reads from the config umoci wrote, the facts below
skopeo inspect --config oci:dl-oci:1 >skopeo-config.json
check skopeo-config.json '.config.User == "nonroot" and (.config.Env | index("DB_PASSWORD=s3cr3t-planted")) != null
    and (.config.Cmd | index("--db-password=s3cr3t-planted")) != null' "umoci's config"
for img in dl-oci dl-docker.tar; do
    expect_status 0 $VIGIL collect image "$img" -o "$img.json"
    validate vigil-collect-image "$img.json"
    check "$img.json" '.config == {user: "nonroot", uid: 65532, root: false, exposed_ports: ["8080/tcp", "9090/udp"],
        entrypoint: ["/app/server"], cmd: ["--serve", "--api-token", "<redacted>", "--db-password=<redacted>"], working_dir: "/app", secret_env: ["DB_PASSWORD", "GITHUB_TOKEN"],
        labels: {"org.opencontainers.image.source": "https://example.com/app"}, healthcheck: false}' "umoci's config"
    check "$img.json" '.files == {shells: [], package_managers: [], packages: {total: 0, deb: 0, apk: 0, rpm: 0},
        setuid: [{path: "/app/group-tool", mode: "2755", setuid: false, setgid: true},
                 {path: "/app/helper", mode: "4755", setuid: true, setgid: false}]}' "no shell, two setuid/setgid files"
    grep -q DB_PASSWORD "$img.json" || fail "$img.json: the secret's name is missing"
    if grep -q -e s3cr3t-planted -e ghp_planted "$img.json"; then fail "$img.json: a planted secret value is in the document"; fi
done
check dl-docker.tar.json '.format == "docker-archive" and .tags == ["docker.io/vigil-test/distroless:1"]' "skopeo's tag"
# rewrite-config IN.tar OUT.tar CONFIG: the docker archive IN with CONFIG as its config
# (named by its sha256, as docker save names it, so that the digest check passes)
cat >recfg.py <<'PY'
import hashlib, io, json, sys, tarfile
src, dst, cfg = sys.argv[1], sys.argv[2], open(sys.argv[3], "rb").read()
name = hashlib.sha256(cfg).hexdigest() + ".json"
with tarfile.open(src) as t, tarfile.open(dst, "w") as out:
    manifest = json.load(t.extractfile("manifest.json"))
    old, manifest[0]["Config"] = manifest[0]["Config"], name
    for m in t.getmembers():
        if m.name not in (old, "manifest.json"):
            out.addfile(m, t.extractfile(m) if m.isreg() else None)
    for n, data in ((name, cfg), ("manifest.json", json.dumps(manifest).encode())):
        info = tarfile.TarInfo(n)
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))
PY
# Docker's Healthcheck (Docker Engine API, schema HealthConfig, as published at
# https://docs.docker.com/reference/api/engine/version/v1.57/schemas/HealthConfig/:
# {Test, Interval, Timeout, Retries, StartPeriod}; Test ["NONE"] disables the base image's),
# which umoci does not write: set with jq in the config of the docker archive
jq -c '.config.Healthcheck = {Test: ["CMD", "/app/server", "--health"], Interval: 30000000000, Retries: 3}' \
    skopeo-config.json >health.cfg
jq -c '.config.Healthcheck = {Test: ["NONE"]}' skopeo-config.json >nohealth.cfg
python3 recfg.py dl-docker.tar health.tar health.cfg
python3 recfg.py dl-docker.tar nohealth.tar nohealth.cfg
expect_status 0 $VIGIL collect image health.tar -o health.json
check health.json '.config.healthcheck == true and .config.user == "nonroot"' "a healthcheck"
expect_status 0 $VIGIL collect image nohealth.tar -o nohealth.json
check nohealth.json '.config.healthcheck == false' "a healthcheck disabled with NONE"

# stdout, with no -o: the same document
expect_status 0 $VIGIL collect image dl-oci
if grep -q -e s3cr3t-planted -e ghp_planted "$TMP/stdout" "$TMP/stderr"; then fail "a planted secret value is printed"; fi

# ---- malformed inputs: exit 1, the file named, the old output kept ------------------------

printf 'not json {' >notjson.cfg
jq -c '.config.Labels.padding = ("x" * 17000000)' skopeo-config.json >huge.cfg
jq -c '.config.User = 0' skopeo-config.json >usertype.cfg
for c in notjson huge usertype; do python3 recfg.py dl-docker.tar "$c.tar" "$c.cfg"; done
head -c 300000 dl-docker.tar >truncated.tar
echo old >out.json
expect_status 1 $VIGIL collect image truncated.tar -o out.json
grep -q "truncated.tar: Truncated input" "$TMP/stderr" || fail "truncated archive: $(cat "$TMP/stderr")"
expect_status 1 $VIGIL collect image notjson.tar -o out.json
grep -q "notjson.tar: [0-9a-f]\{64\}.json is not valid JSON" "$TMP/stderr" || fail "config not JSON: $(cat "$TMP/stderr")"
expect_status 1 $VIGIL collect image huge.tar -o out.json
grep -q "huge.tar: [0-9a-f]\{64\}.json is larger than 16777216 bytes" "$TMP/stderr" || fail "huge config: $(cat "$TMP/stderr")"
expect_status 1 $VIGIL collect image usertype.tar -o out.json
grep -q "usertype.tar: the image config sha256:[0-9a-f]\{64\}: config.User is not a string" "$TMP/stderr" ||
    fail "User of the wrong type: $(cat "$TMP/stderr")"
expect_status 1 $VIGIL collect image dl -o out.json
grep -q "dl: not a container image" "$TMP/stderr" || fail "a directory: $(cat "$TMP/stderr")"
expect_status 1 $VIGIL collect image "$ALPINE" -o out.json
grep -q "not a container image" "$TMP/stderr" || fail "a root filesystem tarball: $(cat "$TMP/stderr")"
[ "$(cat out.json)" = old ] || fail "a failed run changed the output file"
expect_status 1 $VIGIL collect image truncated.tar -o new.json
[ ! -e new.json ] || fail "a failed run left an output file"

# ---- usage ----------------------------------------------------------------------------------

expect_status 2 $VIGIL collect image
grep -q "which image" "$TMP/stderr" || fail "no target: $(cat "$TMP/stderr")"
expect_status 2 $VIGIL collect image a b
expect_status 0 $VIGIL collect image --help
grep -q "never their" "$TMP/stdout" || fail "--help"

# output_files.sh — where -o FORMAT=PATH may write, run as root (as the
# issue's reports were): the Alpine 3.10.9 minirootfs is the target, and
# every document is compared byte for byte with the same document written to
# standard output (SOURCE_DATE_EPOCH makes them reproducible).
#
#  - character devices stay devices and receive the document: a /dev/null
#    and a /dev/full made here with mknod (full: the write must fail with
#    ENOSPC, which only a write to the device gives), and a pseudo-terminal
#    whose master side reads back exactly the document;
#  - the literal /dev/null and /dev/stdout of the issue, inside a private
#    mount namespace (unshare -m, a tmpfs on /dev) so that the machine's own
#    /dev is never at risk: /dev/null stays the 1,3 device, /dev/stdout stays
#    a symbolic link and the table comes out of the pipe; /dev/fd/3;
#  - a FIFO read by a background reader, a Unix socket served by python3;
#  - a block device is refused and left alone;
#  - a symbolic link to a file: the file is replaced, the link stays; a link
#    to nothing is refused and creates nothing; a link to a device writes
#    the device;
#  - a replaced file keeps mode 0640 and its owner and group (12345:23456);
#  - a file name of 250 bytes is written (its temporary name must fit);
#  - a missing parent directory is named in the message;
#  - all or nothing: -o A -o B where B cannot be written (its directory is
#    missing; its file is immutable, so its rename fails after A's): A keeps
#    its old bytes and inode, no temporary file is left;
#  - vigil provenance and vigil scan write through the same rules.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_cmd python3
need_cmd unshare
[ "$(id -u)" = 0 ] || skip "run as root: the issue's cases are root's (devices, /dev)"

mkdir "$TMP/root"
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$TMP/root"
# The references, to standard output.
"$VIGIL" sbom -q "$TMP/root" -o table >"$TMP/want.table"
"$VIGIL" sbom -q "$TMP/root" -o cyclonedx-json >"$TMP/want.cdx"
grep -q '"pkg:apk/alpine/musl@' "$TMP/want.cdx" || fail "the reference SBOM has no musl"

# file_type PATH: what stat says PATH is, without following a link.
file_type() { stat -c '%F %t,%T' "$1"; }
# no_leftovers DIR: no temporary or backup file of vigil's in DIR.
no_leftovers() {
    local left
    left=$(find "$1" -maxdepth 1 \( -name '*.tmp.*' -o -name '*.old.*' \) -print)
    [ -z "$left" ] || fail "left behind: $left"
}

# Character devices made here: /dev/null's and /dev/full's numbers.
mknod -m 666 "$TMP/null" c 1 3
mknod -m 666 "$TMP/full" c 1 7
expect_status 0 "$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/null"
[ "$(file_type "$TMP/null")" = "character special file 1,3" ] || fail "null is now: $(file_type "$TMP/null")"
expect_status 1 "$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/full"
expect_stderr "full: cannot write: No space left on device"
[ "$(file_type "$TMP/full")" = "character special file 1,7" ] || fail "full is now: $(file_type "$TMP/full")"
echo "ok: character devices stay devices; the write reaches them (ENOSPC from 1,7)"

# A pseudo-terminal in raw mode: what vigil writes to the slave comes out of the master.
python3 - "$VIGIL" "$TMP/root" "$TMP/pty.out" <<'PY' || fail "pseudo-terminal output"
import os, subprocess, sys, tty
vigil, root, out = sys.argv[1:]
master, slave = os.openpty()
tty.setraw(slave)
name = os.ttyname(slave)
p = subprocess.run([vigil, "sbom", "-q", root, "-o", "table=" + name], stdin=subprocess.DEVNULL)
if p.returncode != 0:
    sys.exit(f"vigil exited {p.returncode}")
os.close(slave)
data = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
open(out, "wb").write(data)
PY
cmp -s "$TMP/pty.out" "$TMP/want.table" || fail "the pseudo-terminal did not receive the table"
echo "ok: a pseudo-terminal receives the table byte for byte"

# The issue's own paths, in a private mount namespace with its own /dev.
cat >"$TMP/private-dev.sh" <<'SH'
set -eu
mount -t tmpfs vigil-test-dev /dev
mknod -m 666 /dev/null c 1 3
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
"$VIGIL" sbom -q "$T/root" -o cyclonedx-json=/dev/null
stat -c '%F %t,%T' /dev/null >"$T/devnull.type"
"$VIGIL" sbom -q "$T/root" -o table=/dev/stdout | cat >"$T/piped.table"
stat -c '%F' /dev/stdout >"$T/devstdout.type"
SH
T=$TMP VIGIL=$VIGIL unshare -m --propagation private bash "$TMP/private-dev.sh" ||
    fail "the run in a private /dev failed"
[ "$(cat "$TMP/devnull.type")" = "character special file 1,3" ] || fail "/dev/null became: $(cat "$TMP/devnull.type")"
[ "$(cat "$TMP/devstdout.type")" = "symbolic link" ] || fail "/dev/stdout became: $(cat "$TMP/devstdout.type")"
cmp -s "$TMP/piped.table" "$TMP/want.table" || fail "-o table=/dev/stdout did not write the table into the pipe"
"$VIGIL" sbom -q "$TMP/root" -o table=/dev/fd/3 3>"$TMP/fd3.table" || fail "-o table=/dev/fd/3: exit $?"
cmp -s "$TMP/fd3.table" "$TMP/want.table" || fail "-o table=/dev/fd/3 did not write to descriptor 3"
echo "ok: /dev/null stays a device, /dev/stdout a link, the table goes into the pipe and to /dev/fd/3"

# write_to_peer PEER_PID PATH TYPE FORMAT WANT: vigil writes FORMAT to PATH
# (a FIFO or a socket) that the background process PEER_PID reads into
# PATH.out; PATH must still be of TYPE, and PATH.out hold WANT.  On
# failure the peer, which would wait forever, is stopped.
write_to_peer() {
    local peer=$1 path=$2 type=$3 format=$4 want=$5 got=0
    "$VIGIL" sbom -q "$TMP/root" -o "$format=$path" 2>"$TMP/stderr" || got=$?
    if [ "$got" != 0 ] || [ "$(stat -c %F "$path")" != "$type" ]; then
        kill "$peer" 2>/dev/null || true
        cat "$TMP/stderr" >&2
        fail "$type: vigil exited $got, $path is now: $(stat -c %F "$path")"
    fi
    wait "$peer"
    cmp -s "$path.out" "$want" || fail "the $type's reader did not get the $format document"
}

# A FIFO with a reader in the background.
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/fifo.out" &
write_to_peer $! "$TMP/fifo" fifo cyclonedx-json "$TMP/want.cdx"
echo "ok: a FIFO is written in place, its reader gets the SBOM"

# A Unix socket: python3 accepts one connection and keeps what it reads.
python3 - "$TMP/sock" "$TMP/sock.out" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
open(sys.argv[2] + ".ready", "w").close()
c, _ = s.accept()
data = b""
while True:
    chunk = c.recv(65536)
    if not chunk:
        break
    data += chunk
open(sys.argv[2], "wb").write(data)
PY
server=$!
while [ ! -e "$TMP/sock.out.ready" ]; do
    kill -0 "$server" 2>/dev/null || fail "the socket server did not start"
    sleep 0.05
done
write_to_peer "$server" "$TMP/sock" socket table "$TMP/want.table"
echo "ok: a Unix socket is connected to and gets the table"

# A block device (a loop device's numbers) is refused and left alone.
mknod "$TMP/blk" b 7 200
expect_status 1 "$VIGIL" sbom -q "$TMP/root" -o "table=$TMP/blk"
expect_stderr "blk: cannot write: is a block device"
[ "$(file_type "$TMP/blk")" = "block special file 7,c8" ] || fail "blk is now: $(file_type "$TMP/blk")"
echo "ok: a block device is refused"

# Symbolic links: followed to an existing file, never to nothing.
mkdir "$TMP/links" "$TMP/links/real"
echo old >"$TMP/links/real/sbom.json"
ln -s real/sbom.json "$TMP/links/latest.json"
expect_status 0 "$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/links/latest.json"
[ -L "$TMP/links/latest.json" ] || fail "the symbolic link was replaced"
[ "$(readlink "$TMP/links/latest.json")" = real/sbom.json ] || fail "the link points elsewhere now"
cmp -s "$TMP/links/real/sbom.json" "$TMP/want.cdx" || fail "the file behind the link was not replaced with the SBOM"
no_leftovers "$TMP/links"
no_leftovers "$TMP/links/real"
ln -s nothing-here "$TMP/links/dangling.json"
expect_status 1 "$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/links/dangling.json"
expect_stderr "dangling\.json: cannot write: a symbolic link to nothing"
[ ! -e "$TMP/links/nothing-here" ] || fail "a file was created through the dangling link"
[ -L "$TMP/links/dangling.json" ] || fail "the dangling link was replaced"
ln -s ../null "$TMP/links/to-null"
expect_status 0 "$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/links/to-null"
[ -L "$TMP/links/to-null" ] || fail "the link to the device was replaced"
[ "$(file_type "$TMP/null")" = "character special file 1,3" ] || fail "null behind the link is now: $(file_type "$TMP/null")"
echo "ok: links are followed to a file (replaced, link kept) or device; a dangling link is refused"

# A replaced file keeps its permission bits, owner and group.
printf 'old content\n' >"$TMP/kept.json"
chmod 0640 "$TMP/kept.json"
chown 12345:23456 "$TMP/kept.json"
expect_status 0 "$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/kept.json"
[ "$(stat -c '%a %u %g' "$TMP/kept.json")" = "640 12345 23456" ] ||
    fail "the replaced file is now $(stat -c '%a %u %g' "$TMP/kept.json"), not 640 12345 23456"
cmp -s "$TMP/kept.json" "$TMP/want.cdx" || fail "kept.json does not hold the SBOM"
echo "ok: mode 0640 and owner 12345:23456 kept"

# A name of 250 bytes (the temporary name beside it must still fit in NAME_MAX).
long=$(printf 'x%.0s' $(seq 1 245)).json
expect_status 0 "$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/$long"
cmp -s "$TMP/$long" "$TMP/want.cdx" || fail "the 250-byte name does not hold the SBOM"
no_leftovers "$TMP"
echo "ok: a 250-byte file name"

# A missing directory is named.
expect_status 1 "$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/nodir/sub/out.json"
expect_stderr "the directory $TMP/nodir/sub does not exist \(nor does $TMP/nodir\)"
[ ! -e "$TMP/nodir" ] || fail "the missing directory was created"
echo "ok: $(head -1 "$TMP/stderr")"

# All or nothing.
mkdir "$TMP/aon"
printf 'the old A\n' >"$TMP/aon/a.json"
cp "$TMP/aon/a.json" "$TMP/a.orig"
inode=$(stat -c %i "$TMP/aon/a.json")
expect_status 1 "$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/aon/a.json" -o "spdx-json=$TMP/aon/missing/b.json"
cmp -s "$TMP/aon/a.json" "$TMP/a.orig" || fail "a.json changed although b.json could not be written"
no_leftovers "$TMP/aon"
printf 'the old B\n' >"$TMP/aon/b.json"
chattr +i "$TMP/aon/b.json" 2>/dev/null || skip "chattr +i is not allowed here (needs CAP_LINUX_IMMUTABLE)"
got=0
"$VIGIL" sbom -q "$TMP/root" -o "cyclonedx-json=$TMP/aon/a.json" -o "spdx-json=$TMP/aon/b.json" 2>"$TMP/stderr" || got=$?
chattr -i "$TMP/aon/b.json"
[ "$got" = 1 ] || { cat "$TMP/stderr" >&2; fail "a rename that fails: exit $got, not 1"; }
expect_stderr "b\.json: cannot rename the new file into place"
cmp -s "$TMP/aon/a.json" "$TMP/a.orig" || fail "a.json was not put back after b.json's rename failed"
[ "$(stat -c %i "$TMP/aon/a.json")" = "$inode" ] || fail "a.json is not the old file (inode changed)"
no_leftovers "$TMP/aon"
echo "ok: all or nothing: a.json keeps its old bytes and inode when b.json fails (before or at the rename)"

# The other commands use the same writer.
expect_status 0 "$VIGIL" provenance --no-env --builder-id https://example.org/b --build-type https://example.org/t -o "$TMP/null"
[ "$(file_type "$TMP/null")" = "character special file 1,3" ] || fail "provenance replaced the device"
if ! [ -e "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" ]; then
    skip_part "scan's outputs ($VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json is absent)"
else
    "$VIGIL" db build --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" --db "$TMP/db.sqlite" >/dev/null 2>&1 ||
        fail "db build"
    got=0
    "$VIGIL" scan -q --db "$TMP/db.sqlite" "$TMP/root" -o "json=$TMP/null" -o "sarif=$TMP/aon/missing/x.sarif" \
        2>"$TMP/stderr" || got=$?
    [ "$got" = 1 ] || { cat "$TMP/stderr" >&2; fail "scan with an unwritable output: exit $got, not 1"; }
    got=0
    "$VIGIL" scan -q --db "$TMP/db.sqlite" "$TMP/root" -o "json=$TMP/null" 2>"$TMP/stderr" || got=$?
    case $got in 0|3) ;; *) cat "$TMP/stderr" >&2; fail "scan -o json=null: exit $got" ;; esac
    [ "$(file_type "$TMP/null")" = "character special file 1,3" ] || fail "scan -o json=null replaced the device"
fi
echo "ok: provenance and scan write devices in place"

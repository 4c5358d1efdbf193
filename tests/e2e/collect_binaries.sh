# collect_binaries.sh — vigil collect binaries on programs compiled here by
# gcc (and clang/lld) with and without each hardening flag, on Debian's own
# binaries read in place, on this machine's /, on a tar, a docker archive
# and an OCI layout of the compiled ones, and on broken ELF files.
#
# Every fact of every binary is compared with what readelf shows
# (collect_binaries_ref.py parses `readelf -W -h -l -S -d -n --dyn-syms`)
# and with Debian's hardening-check, where vigil mirrors it; where vigil's
# definitions differ (docs/collect.md), each difference must be one the
# documentation explains, checked against readelf, and each documented
# difference is exercised.  The set of binaries is what find -xdev lists
# with an ELF header of an executable or shared object.  The compiled
# programs are first checked (by readelf) to have what their flags give,
# so that a comparison proves something.  Then: files that are no
# binaries are left out silently; a truncated or lying ELF and an
# unreadable file or directory are "unchecked" (exit 3); the document is
# valid against docs/collect-binaries.schema.json.
. "$(dirname "$0")/lib.sh"

need_cmd gcc
need_cmd readelf
need_cmd objcopy
need_cmd hardening-check
need_cmd python3
need_cmd jq
need_cmd clang
need_cmd ld.lld
REF="$VIGIL_SRC/tests/e2e/collect_binaries_ref.py"
MKIMAGE="$VIGIL_SRC/tests/tools/mkimage.py"

# ---- the programs ------------------------------------------------------------------

R=$TMP/root
mkdir -p "$TMP/src" "$R/usr/bin" "$R/usr/lib/aarch64" "$R/usr/lib/debug" "$R/opt/app"
cd "$TMP/src"
cat >prog.c <<'EOF'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    char buf[64];
    strcpy(buf, argc > 1 ? argv[1] : "none");
    printf("%s\n", buf);
    return 0;
}
EOF
cat >bzero.c <<'EOF'
#include <string.h>
int main(int argc, char **argv)
{
    char buf[32];
    for (int i = 0; i < 32; i++)
        buf[i] = argv[0][i % 2];
    int r = buf[argc & 31];
    explicit_bzero(buf, sizeof buf);
    return r;
}
EOF
cat >lib.c <<'EOF'
#include <string.h>
int demo_copy(char *dst, const char *src, int n)
{
    char tmp[128];
    memcpy(tmp, src, n < 128 ? n : 128);
    strcpy(dst, tmp);
    return (int)strlen(dst);
}
EOF
printf 'int twice(int x) { return 2 * x; }\nint call(int (*f)(int)) { return f(3); }\n' >arm.c

cc() { out=$1; shift; gcc -o "$R/$out" "$@" || fail "gcc $* did not build $out"; }
F="prog.c -O2"
cc usr/bin/hard       $F -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -pie -Wl,-z,relro,-z,now
cc usr/bin/nopie      $F -fno-pie -no-pie
cc usr/bin/norelro    $F -Wl,-z,norelro
cc usr/bin/partial    $F -Wl,-z,relro,-z,lazy
cc usr/bin/nowonly    $F -Wl,-z,norelro,-z,now
cc usr/bin/execstack  $F -z execstack
cc usr/bin/nocanary   $F -fno-stack-protector
cc usr/bin/canary     $F -fstack-protector-strong
cc usr/bin/nofortify  $F -U_FORTIFY_SOURCE
cc usr/bin/fortify    $F -D_FORTIFY_SOURCE=2
cc usr/bin/bzero      bzero.c -O2 -D_FORTIFY_SOURCE=2
cc usr/bin/cet        $F -fcf-protection -Wl,-z,ibt,-z,shstk
cc usr/bin/ibt-only   $F -fcf-protection -Wl,-z,ibt
cc usr/bin/nocet      $F -fcf-protection=none
cc usr/bin/rpath      $F '-Wl,-rpath,/opt/a:$ORIGIN/../lib' -Wl,--disable-new-dtags
cc usr/bin/runpath    $F -Wl,-rpath,/opt/b -Wl,--enable-new-dtags
cc usr/bin/notstripped $F
cc usr/bin/stripped   $F -s
cc usr/bin/static     $F -static
cc usr/bin/static-pie $F -static-pie
cc usr/lib/libdemo.so.1 lib.c -O2 -fPIC -shared -Wl,-soname,libdemo.so.1 -fstack-protector-strong
chmod 644 "$R/usr/lib/libdemo.so.1" # a shared object is found by its name, whatever its mode
clang -fuse-ld=lld -O2 -fPIC -shared -o "$R/usr/lib/liblld.so" lib.c || fail "clang -fuse-ld=lld"
for v in bti nobti; do
    flags=$([ $v = bti ] && echo -mbranch-protection=standard || echo -mbranch-protection=none)
    clang --target=aarch64-linux-gnu $flags -O2 -fPIC -c arm.c -o "arm-$v.o" || fail "clang aarch64"
    ld.lld -shared -z now -z relro -o "$R/usr/lib/aarch64/lib$v.so" "arm-$v.o" || fail "ld.lld aarch64"
done
# Not binaries, or not ones vigil reports: a script, a broken PE file, an
# object file and a separate debug-information file (with an x bit each), a symlink, text
# named like a shared object, an ELF executable without an x bit and with
# no shared object's name (not offered: docs/collect.md).
printf '#!/bin/sh\necho hi\n' >"$R/usr/bin/script.sh"
# a PE file whose optional header is cut short: broken, but not ELF
python3 -c 'import struct, sys; open(sys.argv[1], "wb").write(b"MZ" + bytes(58) + struct.pack("<I", 64) + b"PE\0\0" + bytes(16) + struct.pack("<H", 224) + bytes(10))' \
    "$R/usr/bin/tool.exe"
gcc -c -O2 -o "$R/usr/bin/object.o" prog.c
objcopy --only-keep-debug "$R/usr/bin/notstripped" "$R/usr/lib/debug/notstripped.debug"
chmod 755 "$R/usr/bin/script.sh" "$R/usr/bin/tool.exe" "$R/usr/bin/object.o" "$R/usr/lib/debug/notstripped.debug"
ln -s hard "$R/usr/bin/link-to-hard"
echo "not ELF" >"$R/usr/lib/libtext.so.2"
cp "$R/usr/bin/hard" "$R/opt/app/data.bin" && chmod 644 "$R/opt/app/data.bin"
cd "$TMP"

# ---- the compiled programs have what their flags give (readelf) -----------------------

python3 - "$REF" "$R" <<'PY' || fail "the compiled programs do not have the properties the test rests on"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("ref", sys.argv[1])
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
ref.LIBC.update(ref.hardening_check_list())
R = sys.argv[2]
want = {
    "usr/bin/hard": dict(type="pie-executable", relro="full", canary=True, fortify=True, nx=True),
    "usr/bin/nopie": dict(type="executable", pie=False),
    "usr/bin/norelro": dict(relro="none", bind_now=False),
    "usr/bin/partial": dict(relro="partial"),
    "usr/bin/nowonly": dict(relro="none", bind_now=True),
    "usr/bin/execstack": dict(nx=False),
    "usr/bin/nocanary": dict(canary=False),
    "usr/bin/canary": dict(canary=True),
    "usr/bin/nofortify": dict(fortify=False),
    "usr/bin/fortify": dict(fortify=True, fortified=["strcpy"]),
    "usr/bin/bzero": dict(fortify=True, fortified=["explicit_bzero"]),
    "usr/bin/cet": dict(ibt=True, shstk=True, bti=None),
    "usr/bin/ibt-only": dict(ibt=True, shstk=False),
    "usr/bin/nocet": dict(ibt=False, shstk=False),
    "usr/bin/rpath": dict(rpath=["/opt/a", "$ORIGIN/../lib"], runpath=[]),
    "usr/bin/runpath": dict(runpath=["/opt/b"], rpath=[]),
    "usr/bin/notstripped": dict(stripped=False),
    "usr/bin/stripped": dict(stripped=True),
    "usr/bin/static": dict(type="executable", static=True, dynamic_symbols=False, canary=None),
    "usr/bin/static-pie": dict(type="pie-executable", interp=False, pie_flag=True, static=True, dynamic_symbols=True),
    "usr/lib/libdemo.so.1": dict(type="shared-object", canary=True),
    "usr/lib/liblld.so": dict(type="shared-object", phdr=True),
    "usr/lib/aarch64/libbti.so": dict(machine="aarch64", bti=True, pac=True, ibt=None),
    "usr/lib/aarch64/libnobti.so": dict(machine="aarch64", bti=False, pac=False),
}
bad = []
for path, facts in want.items():
    f, _ = ref.readelf(f"{R}/{path}")
    for k, v in facts.items():
        if f[k] != v:
            bad.append(f"{path}: readelf shows {k} = {f[k]!r}, the flags should give {v!r}")
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# ---- the directory ---------------------------------------------------------------------

# Two files cannot be read as ELF: one cut after 40 bytes, one whose
# program header table lies past its end (e_phoff rewritten).
head -c 40 "$R/usr/bin/hard" >"$R/usr/bin/truncated"
cp "$R/usr/bin/hard" "$R/usr/bin/lying"
python3 - "$R/usr/bin/lying" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
struct.pack_into("<Q", b, 32, len(b) + 4096)   # e_phoff of ELF-64
open(p, "wb").write(b)
PY
chmod 755 "$R/usr/bin/truncated" "$R/usr/bin/lying"

expect_status 3 $VIGIL collect binaries "$R" -o "$TMP/dir.json"
expect_stderr "not checked: /usr/bin/truncated: truncated ELF header"
expect_stderr "not checked: /usr/bin/lying: ELF program header table lies outside the file"
size=$(stat -c %s "$R/usr/bin/lying")
jq -e --arg r "ELF program header table lies outside the file (offset $((size + 4096)), " '
       (.unchecked | map(.what)) == ["/usr/bin/lying", "/usr/bin/truncated"]
       and (.unchecked[0].reason | startswith($r)) and .unchecked[1].reason == "truncated ELF header"' \
    "$TMP/dir.json" >/dev/null || { jq -c .unchecked "$TMP/dir.json" >&2; fail "unchecked: not the two broken files"; }
jq -e --arg t "$R" '.target == $t and .digest == null and ."vigil-evidence" == "binaries" and .schema == 1' \
    "$TMP/dir.json" >/dev/null || fail "the document's header"
validate vigil-collect-binaries "$TMP/dir.json"
jq 'del(.binaries[0].nx)' "$TMP/dir.json" >"$TMP/bad.json"
if have_validator && node "$VIGIL_SRC/tests/tools/validate.mjs" vigil-collect-binaries "$TMP/bad.json" 2>/dev/null; then
    fail "the schema accepts a binary without nx"
fi

# The set: what find lists (the broken two are unchecked, not listed).
rm "$R/usr/bin/truncated" "$R/usr/bin/lying"
python3 "$REF" files "$R" >"$TMP/find.txt" || fail "collect_binaries_ref.py files"
jq -r '.binaries[].path' "$TMP/dir.json" >"$TMP/vigil.txt"
same_lines "$TMP/vigil.txt" "$TMP/find.txt" "the binaries of $R"
[ "$(wc -l <"$TMP/vigil.txt")" = 24 ] || fail "not the 24 binaries compiled here: $(cat "$TMP/vigil.txt")"
for absent in script.sh tool.exe object.o link-to-hard; do
    grep -qx "/usr/bin/$absent" "$TMP/vigil.txt" && fail "/usr/bin/$absent is listed"
done
grep -q -e '/usr/lib/debug/' -e 'libtext' -e '/opt/app/data.bin' "$TMP/vigil.txt" && fail "a file that is no binary vigil reports is listed"

# Each fact of each binary against readelf, and against hardening-check.
python3 "$REF" readelf "$TMP/dir.json" "$R" || fail "facts that differ from readelf"
python3 "$REF" hardening-check "$TMP/dir.json" "$R" $(jq -r '.binaries[].path' "$TMP/dir.json") >"$TMP/hc.txt" ||
    { cat "$TMP/hc.txt" >&2; fail "facts that differ from hardening-check"; }
for d in "/usr/bin/static-pie: type pie-executable, hardening-check: no, regular shared library" \
         "/usr/lib/liblld.so: type shared-object, hardening-check: yes" \
         "/usr/bin/bzero: fortify True \['explicit_bzero'\], hardening-check: unknown" \
         "/usr/bin/static: canary None, hardening-check: no, not found!"; do
    grep -q "^documented difference: $d" "$TMP/hc.txt" || { cat "$TMP/hc.txt" >&2; fail "not exercised: $d"; }
done
# (and static-pie's canary, as static's; the two aarch64 objects ld.lld linked, as liblld.so)
[ "$(grep -c '^documented difference' "$TMP/hc.txt")" = 7 ] || { cat "$TMP/hc.txt" >&2; fail "not the seven differences expected"; }

# The summary counts what the list holds.
jq -e '.summary as $s | .binaries as $b |
       $s.binaries == ($b | length)
       and $s.type == {"executable": ([$b[] | select(.type == "executable")] | length),
                       "pie-executable": ([$b[] | select(.type == "pie-executable")] | length),
                       "shared-object": ([$b[] | select(.type == "shared-object")] | length)}
       and $s.relro == {"full": ([$b[] | select(.relro == "full")] | length),
                        "partial": ([$b[] | select(.relro == "partial")] | length),
                        "none": ([$b[] | select(.relro == "none")] | length)}
       and (["pie", "bind_now", "nx", "static", "dynamic_symbols", "canary", "fortify", "ibt", "shstk", "bti", "pac", "stripped"]
            | all(. as $k | $s[$k] == {"yes": ([$b[] | select(.[$k] == true)] | length),
                                       "no": ([$b[] | select(.[$k] == false)] | length),
                                       "unknown": ([$b[] | select(.[$k] == null)] | length)}))
       and (["rpath", "runpath"] | all(. as $k | $s[$k] == {"yes": ([$b[] | select(.[$k] != [])] | length),
                                                           "no": ([$b[] | select(.[$k] == [])] | length), "unknown": 0}))' \
    "$TMP/dir.json" >/dev/null || { jq -c .summary "$TMP/dir.json" >&2; fail "the summary does not count the list"; }

# ---- unreadable files and directories (vigil run as nobody) ---------------------------

mkdir -p "$TMP/perm/bin" "$TMP/perm/private"
cp "$R/usr/bin/hard" "$TMP/perm/bin/ok"
cp "$R/usr/bin/hard" "$TMP/perm/bin/secret"
cp "$R/usr/bin/hard" "$TMP/perm/private/hidden"
chmod 711 "$TMP/perm/bin/secret"
chmod 700 "$TMP/perm/private"
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1 && chmod 755 "$TMP" &&
   runuser -u nobody -- test -x "$VIGIL" -a -r "$TMP/perm/bin/ok"; then
    mkdir "$TMP/out-nobody" && chmod 777 "$TMP/out-nobody"
    expect_status 3 runuser -u nobody -- "$VIGIL" collect binaries "$TMP/perm" -o "$TMP/out-nobody/perm.json"
    expect_stderr "not checked: /bin/secret: cannot open: Permission denied"
    jq -e '[.binaries[].path] == ["/bin/ok"] and (.unchecked | map(.what) | sort) == ["/bin/secret", "/private"]
           and (.unchecked[] | select(.what == "/private") | .reason | test("could not be read"))' \
        "$TMP/out-nobody/perm.json" >/dev/null || { jq -c '.binaries, .unchecked' "$TMP/out-nobody/perm.json" >&2; fail "unreadable: not unchecked"; }
else
    skip_part "the unreadable-file case (vigil cannot be run as nobody with runuser)"
fi

# ---- one file system, as find -xdev (a tmpfs mounted in a mount namespace of its own) ----

mkdir -p "$TMP/xdev/bin" "$TMP/xdev/mnt"
cp "$R/usr/bin/hard" "$TMP/xdev/bin/hard"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
    unshare -m sh -ec 'mount -t tmpfs -o size=4m vigil-test "$1/mnt"; cp "$1/bin/hard" "$1/mnt/other"
        find "$1" -xdev -type f | sed "s|^$1||" >"$3/xdev-find.txt"
        "$2" collect binaries "$1" -o "$3/xdev.json"
        "$2" collect binaries --all-filesystems "$1" -o "$3/xdev-all.json"' sh "$TMP/xdev" "$VIGIL" "$TMP" ||
        fail "collect binaries of a directory with a file system mounted below it"
    jq -r '.binaries[].path' "$TMP/xdev.json" >"$TMP/xdev.txt"
    same_lines "$TMP/xdev.txt" "$TMP/xdev-find.txt" "binaries on the target's own file system"
    [ "$(jq -c '[.binaries[].path]' "$TMP/xdev-all.json")" = '["/bin/hard","/mnt/other"]' ] ||
        fail "--all-filesystems: $(jq -c '[.binaries[].path]' "$TMP/xdev-all.json")"
else
    skip_part "the one-file-system case (needs root and unshare -m)"
fi

# ---- archives and images of the same programs ------------------------------------------

# A rootfs tarball: the same binaries with the same facts; the digest is the tar's.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 -cf "$TMP/root.tar" -C "$R" .
expect_status 0 $VIGIL collect binaries "$TMP/root.tar" -o "$TMP/tar.json"
jq -e --arg d "sha256:$(sha256sum <"$TMP/root.tar" | cut -d' ' -f1)" '.digest == $d' "$TMP/tar.json" >/dev/null ||
    fail "the tarball's digest"
[ "$(jq -c '.binaries, .summary' "$TMP/tar.json")" = "$(jq -c '.binaries, .summary' "$TMP/dir.json")" ] ||
    fail "the tarball's binaries differ from the directory's"

# A docker archive and an OCI layout of two layers: the second removes
# nopie (whiteout) and adds a binary; the result is the final view.
mkdir -p "$TMP/l1/usr/bin"
: >"$TMP/l1/usr/bin/.wh.nopie"
cp "$R/usr/bin/hard" "$TMP/l1/usr/bin/added"
for f in docker-archive oci-dir; do
    python3 "$MKIMAGE" -f $f -o "$TMP/image-$f" --tag test/binaries:1 "$R" "$TMP/l1" || fail "mkimage $f"
    expect_status 0 $VIGIL collect binaries "$TMP/image-$f" -o "$TMP/$f.json"
    jq -r '.binaries[].path' "$TMP/$f.json" >"$TMP/$f.txt"
    { grep -vx /usr/bin/nopie "$TMP/vigil.txt"; echo /usr/bin/added; } >"$TMP/want.txt"
    same_lines "$TMP/$f.txt" "$TMP/want.txt" "the binaries of the $f image"
    jq -e --slurpfile d "$TMP/dir.json" '
        ([.binaries[] | select(.path == "/usr/bin/added") | del(.path)] == [$d[0].binaries[] | select(.path == "/usr/bin/hard") | del(.path)])
        and ([.binaries[] | select(.path != "/usr/bin/added")] == [$d[0].binaries[] | select(.path != "/usr/bin/nopie")])
        and (.digest | test("^sha256:[0-9a-f]{64}$"))' "$TMP/$f.json" >/dev/null ||
        fail "the $f image's binaries are not the directory's"
    validate vigil-collect-binaries "$TMP/$f.json"
done

# ---- Debian's binaries, read in place ------------------------------------------------------

for dir in /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu; do
    name=${dir//\//_}
    expect_status 0 $VIGIL collect binaries "$dir" -o "$TMP/$name.json"
    python3 "$REF" files "$dir" >"$TMP/find$name.txt" || fail "collect_binaries_ref.py files $dir"
    jq -r '.binaries[].path' "$TMP/$name.json" >"$TMP/vigil$name.txt"
    same_lines "$TMP/vigil$name.txt" "$TMP/find$name.txt" "the binaries of $dir"
    python3 "$REF" readelf "$TMP/$name.json" "$dir" || fail "$dir: facts that differ from readelf"
done
# hardening-check, which disassembles each binary, on a bounded share: the
# programs of /usr/bin and /usr/sbin under 300 kB, and every tenth library.
sel=$(jq -r '.binaries[] | select(.size < 300000) | .path' "$TMP/_usr_bin.json" | sed -n '1~2p' | head -120)
python3 "$REF" hardening-check "$TMP/_usr_bin.json" /usr/bin $sel >"$TMP/hc-bin.txt" ||
    { grep -v '^documented' "$TMP/hc-bin.txt" >&2; fail "/usr/bin: facts that differ from hardening-check"; }
sel=$(jq -r '.binaries[] | select(.size < 300000) | .path' "$TMP/_usr_sbin.json" | head -60)
python3 "$REF" hardening-check "$TMP/_usr_sbin.json" /usr/sbin $sel >"$TMP/hc-sbin.txt" ||
    { grep -v '^documented' "$TMP/hc-sbin.txt" >&2; fail "/usr/sbin: facts that differ from hardening-check"; }
sel=$(jq -r '.binaries[] | select(.size < 1000000) | .path' "$TMP/_usr_lib_x86_64-linux-gnu.json" | sed -n '1~10p')
python3 "$REF" hardening-check "$TMP/_usr_lib_x86_64-linux-gnu.json" /usr/lib/x86_64-linux-gnu $sel >"$TMP/hc-lib.txt" ||
    { grep -v '^documented' "$TMP/hc-lib.txt" >&2; fail "/usr/lib/x86_64-linux-gnu: facts that differ from hardening-check"; }

# ---- this machine's / --------------------------------------------------------------------

# One file system (find -xdev): nothing from /proc, /sys, /dev or any other
# mount point; every binary of /usr/bin is there with the same facts.
expect_status_in() { local got=0; "$@" >"$TMP/stdout" 2>"$TMP/stderr" || got=$?; [ "$got" = 0 ] || [ "$got" = 3 ] ||
    { cat "$TMP/stderr" >&2; fail "'$*' exited $got"; }; }
expect_status_in $VIGIL collect binaries -o "$TMP/slash.json"
jq -e '.target == "/" and .summary.binaries == (.binaries | length) and .summary.binaries > 100' "$TMP/slash.json" >/dev/null ||
    fail "collect binaries of /"
python3 - "$TMP/slash.json" "$TMP/_usr_bin.json" <<'PY' || fail "collect binaries of / left its file system, or differs from /usr/bin"
import json, os, sys
doc = json.load(open(sys.argv[1]))
root_dev = os.stat("/").st_dev
mounts = []
for line in open("/proc/self/mountinfo"):
    point = line.split()[4].replace("\\040", " ")
    if point != "/" and os.path.isdir(point) and os.stat(point).st_dev != root_dev:
        mounts.append(point.rstrip("/") + "/")
bad = [b["path"] for b in doc["binaries"] if any(b["path"].startswith(m) for m in mounts + ["/proc/", "/sys/", "/dev/"])]
usr_bin = {"/usr/bin" + b["path"]: b for b in json.load(open(sys.argv[2]))["binaries"]}
here = {b["path"]: b for b in doc["binaries"] if b["path"].startswith("/usr/bin/")}
for p, b in usr_bin.items():
    b = dict(b, path=p)
    if here.get(p) != b:
        bad.append(f"{p}: {here.get(p)} in /, {b} in /usr/bin")
for b in bad[:20]:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# ---- the count limit ---------------------------------------------------------------------

expect_status 3 $VIGIL collect binaries --max-binaries 5 "$R" -o "$TMP/five.json"
expect_stderr "not checked: $R: 19 more binaries than the 5 listed"
jq -e --slurpfile d "$TMP/dir.json" '.summary.binaries == 5 and (.binaries | length) == 5
    and ([.binaries[].path] | . == sort) and all(.binaries[]; . as $b | $d[0].binaries | index([$b]))' \
    "$TMP/five.json" >/dev/null || fail "--max-binaries 5"

# ---- usage and bad targets ------------------------------------------------------------------

expect_status 1 $VIGIL collect binaries "$TMP/absent"
expect_stderr "collect binaries: .*absent: no such file or directory"
expect_status 2 $VIGIL collect binaries "$R" "$R"
expect_stderr "only one target at a time"
expect_status 2 $VIGIL collect binaries --max-binaries 0 "$R"
expect_stderr "max-binaries 0: not a number from 1"
echo "garbage" >"$TMP/garbage.tar"
expect_status 1 $VIGIL collect binaries "$TMP/garbage.tar"
expect_status 0 $VIGIL collect binaries --help
grep -q "usage: vigil collect binaries" "$TMP/stdout" || fail "--help"
expect_status 0 $VIGIL collect --help
grep -q "binaries" "$TMP/stdout" || fail "collect --help does not list binaries"
echo "ok: vigil collect binaries matches readelf and hardening-check on $(jq .summary.binaries "$TMP/slash.json") binaries of / and the programs compiled here"

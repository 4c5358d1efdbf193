# golang_binaries.sh — vigil's golang components against the Go toolchain
# itself (Debian's golang-go, which reads build info of any Go >= 1.13):
#  1. binaries built here with Debian's go from a module with dependencies
#     served by a local file:// module proxy (made here with python's
#     zipfile), one of them replaced by a local directory and one by another
#     module version, for linux/amd64 (ELF), windows/amd64 (PE) and
#     darwin/arm64 (Mach-O): per binary, the components equal what
#     `go version -m` prints (mod, dep and => lines; "(devel)", on a mod
#     or a dep line, = no version; stdlib = the toolchain tag as semver);
#  2. Go binaries installed on this machine (skopeo, umoci from Debian and
#     any others in /usr/bin), copied into the scanned tree, likewise;
#  3. pre-1.18 build info (pointers to string headers), which no Go on this
#     machine writes: crafted here in python from the documented layout as
#     a 64-bit little-endian and a 32-bit big-endian ELF; go version -m
#     reads them too and is the reference;
#  4. the go.mod of the module against `go list -m all` (offline);
#  5. bad input: a buildinfo length that runs past its section and an ELF
#     whose section table lies outside the file each give a warning naming
#     the file, the other binaries are still listed, exit status 3.
. "$(dirname "$0")/lib.sh"

need_cmd go
need_cmd python3

export GOPROXY="file://$TMP/proxy" GOFLAGS=-mod=mod GOSUMDB=off GOCACHE="$TMP/gocache" GOPATH="$TMP/gopath" \
    GOTOOLCHAIN=local GO111MODULE=on CGO_ENABLED=0

python3 - "$TMP/proxy" <<'PY'
import json, os, sys, zipfile
root = sys.argv[1]
def module(path, version, files):
    escaped = "".join("!" + ch.lower() if ch.isupper() else ch for ch in path)  # module proxy case encoding
    d = f"{root}/{escaped}/@v"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/{version}.info", "w").write(json.dumps({"Version": version, "Time": "2023-01-01T00:00:00Z"}))
    open(f"{d}/{version}.mod", "w").write(files["go.mod"])
    with zipfile.ZipFile(f"{d}/{version}.zip", "w") as z:
        for name, text in files.items():
            z.writestr(f"{path}@{version}/{name}", text)
    open(f"{d}/list", "a").write(version + "\n")
module("example.com/greet", "v1.2.3", {"go.mod": "module example.com/greet\n\ngo 1.19\n",
       "greet.go": "package greet\n\nfunc Greet() string { return \"hello\" }\n"})
module("example.com/other", "v0.4.0", {"go.mod": "module example.com/other\n\ngo 1.19\n",
       "other.go": "package other\n\nfunc Other() string { return \"o\" }\n"})
module("github.com/Fork/Other", "v0.9.0-rc.1", {"go.mod": "module github.com/Fork/Other\n\ngo 1.19\n",
       "other.go": "package other\n\nfunc Other() string { return \"forked\" }\n"})
PY

mkdir -p "$TMP/src/lib" "$TMP/src/app" "$TMP/root/bin" "$TMP/root/src"
printf 'module example.com/lib\n\ngo 1.19\n' >"$TMP/src/lib/go.mod"
printf 'package lib\n\nfunc Hello() string { return "hi" }\n' >"$TMP/src/lib/lib.go"
cat >"$TMP/src/app/go.mod" <<'EOF'
module example.com/app

go 1.19

require (
	example.com/greet v1.2.3
	example.com/lib v0.0.0
	example.com/other v0.4.0
)

replace example.com/lib => ../lib

replace example.com/other v0.4.0 => github.com/Fork/Other v0.9.0-rc.1
EOF
cat >"$TMP/src/app/main.go" <<'EOF'
package main

import (
	"fmt"

	"example.com/greet"
	"example.com/lib"
	"example.com/other"
)

func main() { fmt.Println(greet.Greet(), lib.Hello(), other.Other()) }
EOF
(cd "$TMP/src/app" &&
    GOOS=linux GOARCH=amd64 go build -o "$TMP/root/bin/app-linux-amd64" . &&
    GOOS=windows GOARCH=amd64 go build -o "$TMP/root/bin/app-windows-amd64.exe" . &&
    GOOS=darwin GOARCH=arm64 go build -o "$TMP/root/bin/app-darwin-arm64" .) 2>"$TMP/go-build.log" ||
    { cat "$TMP/go-build.log" >&2; fail "go build failed"; }

# Go binaries of this machine (Debian's skopeo/umoci and whatever else is there;
# `go version` exits 0 on other files too, so its output decides)
for f in /usr/bin/skopeo /usr/bin/umoci /usr/bin/kubectl /usr/bin/*; do
    [ -f "$f" ] && [ -x "$f" ] || continue
    base=$(basename "$f")
    [ -e "$TMP/root/bin/$base" ] && continue
    [ "$(ls "$TMP/root/bin" | wc -l)" -lt 12 ] || break
    if go version "$f" 2>/dev/null | grep -q ': go'; then cp -L "$f" "$TMP/root/bin/$base"; fi
done
# setup.sh installs skopeo and umoci: Go binaries built by Debian, not here.
[ "$(ls "$TMP/root/bin" | grep -cv '^app-')" -gt 0 ] ||
    skip_part "Go binaries of this machine (none in /usr/bin: install skopeo and umoci)"

# 3. pre-1.18 layout, crafted: ELF with one RW PT_LOAD and a .go.buildinfo
#    section holding magic, pointer size, flags (bit 0 = big endian) and two
#    pointers to {data, len} string headers
python3 - "$TMP/root/bin" <<'PY'
import struct, sys, os
def craft(path, bits, big, version, modinfo):
    e = ">" if big else "<"
    W = "Q" if bits == 64 else "I"
    ps = 8 if bits == 64 else 4
    base = 0x400000
    ehsize, phsize, shsize = (64, 56, 64) if bits == 64 else (52, 32, 40)
    data_off = 0x100
    sentinel_a, sentinel_b = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6", b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
    mod = sentinel_a + modinfo + sentinel_b
    blob_off = data_off
    hdr_off = blob_off + 32                 # two string headers
    ver_off = hdr_off + 2 * 2 * ps
    mod_off = ver_off + len(version)
    end = mod_off + len(mod)
    blob = b"\xff Go buildinf:" + bytes([ps, 1 if big else 0])
    blob += struct.pack(e + W + W, base + hdr_off, base + hdr_off + 2 * ps).ljust(16, b"\0")
    blob += struct.pack(e + W + W, base + ver_off, len(version)) + struct.pack(e + W + W, base + mod_off, len(mod))
    blob += version + mod
    shstr = b"\0.go.buildinfo\0.shstrtab\0"
    shstr_off = end
    sh_off = (shstr_off + len(shstr) + 7) & ~7
    nsec = 3
    size = sh_off + nsec * shsize
    out = bytearray(size)
    ident = b"\x7fELF" + bytes([2 if bits == 64 else 1, 2 if big else 1, 1, 0]) + b"\0" * 8
    if bits == 64:
        eh = ident + struct.pack(e + "HHIQQQIHHHHHH", 2, 62, 1, base, ehsize, sh_off, 0, ehsize, phsize, 1, shsize, nsec, 2)
        ph = struct.pack(e + "IIQQQQQQ", 1, 6, 0, base, base, size, size, 0x1000)
    else:
        eh = ident + struct.pack(e + "HHIIIIIHHHHHH", 2, 8, 1, base, ehsize, sh_off, 0, ehsize, phsize, 1, shsize, nsec, 2)
        ph = struct.pack(e + "IIIIIIII", 1, 0, base, base, size, size, 6, 0x1000)
    out[0:len(eh)] = eh
    out[ehsize:ehsize + len(ph)] = ph
    out[blob_off:blob_off + len(blob)] = blob
    out[shstr_off:shstr_off + len(shstr)] = shstr
    def sec(name, typ, flags, addr, off, sz):
        if bits == 64:
            return struct.pack(e + "IIQQQQIIQQ", name, typ, flags, addr, off, sz, 0, 0, 16, 0)
        return struct.pack(e + "IIIIIIIIII", name, typ, flags, addr, off, sz, 0, 0, 16, 0)
    secs = sec(0, 0, 0, 0, 0, 0) + sec(1, 1, 3, base + blob_off, blob_off, 32) + sec(15, 3, 0, 0, shstr_off, len(shstr))
    out[sh_off:sh_off + len(secs)] = secs
    open(path, "wb").write(out)
    os.chmod(path, 0o755)
mi = (b"path\texample.com/old/cmd/tool\nmod\texample.com/old\tv1.4.0\th1:abc=\n"
      b"dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=\n"
      b"dep\tgolang.org/x/sys\tv0.0.0-20210630005230-0f9fa26af87c\n=>\tgolang.org/x/sys\tv0.1.0\th1:xyz=\n"
      b"dep\texample.com/local\tv1.0.0\n=>\t./local\t\t\n")
craft(sys.argv[1] + "/pre118-elf64le", 64, False, b"go1.16.15", mi)
craft(sys.argv[1] + "/pre118-elf32be", 32, True, b"go1.15rc2", mi)
PY

# 4. go.mod of the module, scanned as a source tree
cp "$TMP/src/app/go.mod" "$TMP/root/src/go.mod"

expect_status 0 "$VIGIL" sbom "$TMP/root" -o "cyclonedx-json=$TMP/out.json" -o "spdx-json=$TMP/out.spdx.json"
validate_cyclonedx "$TMP/out.json"
validate_spdx "$TMP/out.spdx.json"

# vigil: "location<TAB>name<TAB>version" of every golang component, once
# per place it was found (a module in several binaries is one component)
python3 - "$TMP/out.json" >"$TMP/vigil_all.tsv" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for c in doc.get("components", []):
    if not c.get("purl", "").startswith("pkg:golang/"):
        continue
    for o in c["evidence"]["occurrences"]:
        print(f"{o['location']}\t{c['name']}\t{c.get('version', '')}")
PY
grep -v $'^src/' "$TMP/vigil_all.tsv" >"$TMP/vigil_bin.tsv" || true

# reference: go version -m over every binary of the tree
for f in "$TMP"/root/bin/*; do
    go version -m "$f" 2>/dev/null || true
done | python3 -c '
import re, sys
root = sys.argv[1]
def semver(tag):
    tag = tag.split(" ")[0]
    m = re.fullmatch(r"go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta)(\d+))?", tag)
    if not m:
        return None
    v = "v%s.%s.%s" % (m.group(1), m.group(2) or 0, m.group(3) or 0)
    return v + ("-%s.%s" % (m.group(4), m.group(5)) if m.group(4) else "")
loc = None
pending = None
def flush():
    global pending
    if pending:
        print("\t".join(pending))
    pending = None
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.startswith("\t"):
        flush()
        path, _, tag = line.partition(": ")
        loc = path[len(root) + 1:]
        v = semver(tag)
        if v:
            print(f"{loc}\tstdlib\t{v}")
        continue
    f = line[1:].split("\t")
    if f[0] in ("mod", "dep"):
        flush()
        pending = [loc, f[1], "" if f[2] == "(devel)" else f[2]]
    elif f[0] == "=>":
        if f[2] in ("", "(devel)"):
            pending = [loc, pending[1], ""]
        else:
            pending = [loc, f[1], f[2]]
        flush()
flush()
' "$TMP/root" >"$TMP/go.tsv"
[ "$(cut -f1 "$TMP/go.tsv" | sort -u | wc -l)" -ge 5 ] || fail "go version -m read fewer than 5 binaries"
for b in bin/app-linux-amd64 bin/app-windows-amd64.exe bin/app-darwin-arm64 bin/pre118-elf64le bin/pre118-elf32be; do
    grep -q "^$b"$'\t' "$TMP/go.tsv" || fail "go version -m did not read $b"
done
same_lines "$TMP/vigil_bin.tsv" "$TMP/go.tsv" "golang components of binaries (vigil vs go version -m)"
grep -q $'^bin/app-darwin-arm64\tgithub.com/Fork/Other\tv0.9.0-rc.1$' "$TMP/vigil_bin.tsv" || fail "replacement not applied"
grep -q $'^bin/pre118-elf32be\tstdlib\tv1.15.0-rc.2$' "$TMP/vigil_bin.tsv" || fail "go1.15rc2 should be stdlib v1.15.0-rc.2"

# purls keep the module path's case; edges main -> deps; build settings
python3 - "$TMP/out.json" <<'PY' || fail "purl, graph or properties of the Linux binary"
import json, sys
doc = json.load(open(sys.argv[1]))
by_ref = {}
for c in doc["components"]:
    props = {p["name"]: p.get("value", "") for p in c.get("properties", [])}
    if "bin/app-linux-amd64" in [o["location"] for o in c.get("evidence", {}).get("occurrences", [])]:
        by_ref[c["bom-ref"]] = (c, props)
names = {c["name"]: (ref, c, p) for ref, (c, p) in by_ref.items()}
fork = names["github.com/Fork/Other"][1]
assert fork["purl"] == "pkg:golang/github.com/Fork/Other@v0.9.0-rc.1", fork["purl"]
assert names["github.com/Fork/Other"][2]["vigil:go:replaces"] == "example.com/other@v0.4.0"
assert names["example.com/lib"][2]["vigil:go:replaced-by"] == "../lib"
ref, app, props = names["example.com/app"]
assert props["vigil:go:build:GOOS"] == "linux" and props["vigil:go:build:GOARCH"] == "amd64", props
assert props["vigil:go:toolchain"].startswith("go1.")
deps = {d["ref"]: set(d.get("dependsOn", [])) for d in doc.get("dependencies", [])}
want = {r for r in by_ref if r != ref}
assert deps.get(ref) == want, (deps.get(ref), want)
PY

# 4. go.mod against go list -m all (the module graph, offline from the cache)
(cd "$TMP/src/app" && GOFLAGS=-mod=mod GOPROXY=off go list -m -f '{{.Path}}|{{.Version}}|{{with .Replace}}{{.Path}}|{{.Version}}{{end}}' all) |
    python3 -c '
import sys
for line in sys.stdin:
    path, version, *rep = line.rstrip("\n").split("|")
    if rep and rep[0]:
        rpath, rversion = rep
        if rversion and not rpath.startswith((".", "/")):
            path, version = rpath, rversion
        else:
            version = ""
    print(f"src/go.mod\t{path}\t{version}")
' >"$TMP/golist.tsv"
grep $'^src/' "$TMP/vigil_all.tsv" >"$TMP/vigil_mod.tsv" || true
same_lines "$TMP/vigil_mod.tsv" "$TMP/golist.tsv" "golang components of go.mod (vigil vs go list -m all)"

# 5. bad input: lying length, section table outside the file
python3 - "$TMP/root/bin/app-linux-amd64" "$TMP/bad" <<'PY'
import os, struct, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out + "/bin", exist_ok=True)
data = bytearray(open(src, "rb").read())
i = data.find(b"\xff Go buildinf:")
assert i >= 0 and data[i + 15] & 2
lying = bytearray(data)
lying[i + 32:i + 37] = bytes([0xff, 0xff, 0xff, 0xff, 0x0f])  # uvarint version length ~4 GiB
open(out + "/bin/lying-length", "wb").write(lying)
lying2 = bytearray(data)
n = lying2[i + 32]                                              # version length (one byte)
lying2[i + 33 + n:i + 36 + n] = bytes([0xff, 0xff, 0x7f])        # module info length ~2 MiB
open(out + "/bin/lying-modinfo", "wb").write(lying2)
trunc = bytearray(data[:4096])                                  # headers only: sections beyond the end
open(out + "/bin/truncated", "wb").write(trunc)
for f in ("lying-length", "lying-modinfo", "truncated"):
    os.chmod(out + "/bin/" + f, 0o755)
PY
cp "$TMP/root/bin/app-windows-amd64.exe" "$TMP/bad/bin/good.exe"
expect_status 3 "$VIGIL" sbom "$TMP/bad" -o "cyclonedx-json=$TMP/bad.json"
expect_stderr 'bin/lying-length.*(length|past)'
expect_stderr 'bin/lying-modinfo.*(length|past)'
expect_stderr 'bin/truncated.*(outside|truncated)'
python3 - "$TMP/bad.json" <<'PY' || fail "the good binary next to the bad ones was not listed"
import json, sys
doc = json.load(open(sys.argv[1]))
names = {c["name"] for c in doc["components"]}
assert {"example.com/app", "example.com/greet", "stdlib"} <= names, names
PY
echo "ok: golang: $(wc -l <"$TMP/go.tsv") binary components in $(cut -f1 "$TMP/go.tsv" | sort -u | wc -l) binaries and $(wc -l <"$TMP/golist.tsv") go.mod components match the Go toolchain"

# cargo_lock.sh — vigil's cargo components and dependency edges against
# independent readings of the same inputs:
#  1. a workspace with path dependencies whose Cargo.lock is written here
#     by cargo itself (cargo generate-lockfile --offline: no registry);
#  2. hand-written lock files of versions 1 to 4 (tests/data/cargo) with
#     crates.io, sparse, alternative-registry and git sources, v1 [metadata]
#     checksums and "name version (source)" entries;
#     reference for 1 and 2: python's tomllib over the same files, resolving
#     dependency entries as cargo does (name / name version / name version
#     (source));
#  3. cargo-auditable: `cargo auditable` is not installable offline, so a C
#     program built here with gcc carries a .dep-v0 section holding
#     zlib-compressed JSON made by python's zlib; reference: python's json
#     over the JSON it compressed;
#  4. bad input: a malformed Cargo.lock, a .dep-v0 that inflates past the
#     8 MiB cap (zip bomb) and one that is not zlib each give a warning
#     naming the file, the rest is still listed, exit status 3.
. "$(dirname "$0")/lib.sh"

need_cmd python3
need_cmd cargo
need_cmd gcc

DATA="$VIGIL_SRC/tests/data/cargo"
mkdir -p "$TMP/root/lock" "$TMP/root/bin"
cp -r "$DATA"/v1 "$DATA"/v2 "$DATA"/v3 "$DATA"/v4 "$TMP/root/lock/"

# 1. a real workspace, locked by cargo
W="$TMP/root/ws"
mkdir -p "$W/app/src" "$W/core/src" "$W/util/src"
cat >"$W/Cargo.toml" <<'EOF'
[workspace]
members = ["app", "core", "util"]
resolver = "2"
EOF
printf '[package]\nname = "ws-app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nws-core = { path = "../core" }\nws-util = { path = "../util" }\n' >"$W/app/Cargo.toml"
printf '[package]\nname = "ws-core"\nversion = "0.2.0"\nedition = "2021"\n\n[dependencies]\nws-util = { path = "../util" }\n' >"$W/core/Cargo.toml"
printf '[package]\nname = "ws-util"\nversion = "0.3.1"\nedition = "2021"\n' >"$W/util/Cargo.toml"
for d in app core util; do echo 'pub fn f() {}' >"$W/$d/src/lib.rs"; done
(cd "$W" && CARGO_HOME="$TMP/cargo-home" cargo generate-lockfile --offline) 2>"$TMP/cargo.log" ||
    { cat "$TMP/cargo.log" >&2; fail "cargo generate-lockfile failed"; }
[ -s "$W/Cargo.lock" ] || fail "cargo wrote no Cargo.lock"

# 3. cargo-auditable data in a binary made with gcc
python3 - "$TMP/auditable.json" "$TMP/dep.h" <<'PY'
import json, sys, zlib
doc = {"packages": [
    {"name": "audited-app", "version": "0.5.0", "source": "local", "dependencies": [1, 2, 4], "root": True},
    {"name": "serde", "version": "1.0.200", "source": "crates.io", "dependencies": [3]},
    {"name": "cc", "version": "1.0.99", "source": "crates.io", "kind": "build"},
    {"name": "serde_derive", "version": "1.0.200", "source": "crates.io"},
    {"name": "private-crate", "version": "3.1.4-beta.1", "source": "git"},
]}
text = json.dumps(doc).encode()
open(sys.argv[1], "wb").write(text)
z = zlib.compress(text, 9)
with open(sys.argv[2], "w") as f:
    f.write("static const unsigned char dep_v0[%d] __attribute__((section(\".dep-v0\"), used)) = {%s};\n"
            % (len(z), ",".join(str(b) for b in z)))
PY
printf '#include "dep.h"\nint main(void) { return 0; }\n' >"$TMP/audited.c"
gcc -O0 -o "$TMP/root/bin/audited" "$TMP/audited.c" -I"$TMP" || fail "gcc failed"
objdump -h "$TMP/root/bin/audited" | grep -q '\.dep-v0' || fail "gcc did not keep the .dep-v0 section"

expect_status 0 "$VIGIL" sbom "$TMP/root" -o "cyclonedx-json=$TMP/out.json" -o "spdx-json=$TMP/out.spdx.json"
validate_cyclonedx "$TMP/out.json"
validate_spdx "$TMP/out.spdx.json"

# vigil: components "C location name version app purl(percent-decoded) checksum",
# once per place the component was found, and edges "E location from -> to"
# for each place both ends were found
python3 - "$TMP/out.json" >"$TMP/vigil.txt" <<'PY'
import json, sys, urllib.parse
doc = json.load(open(sys.argv[1]))
ref = {}
for c in doc.get("components", []):
    if not c.get("purl", "").startswith("pkg:cargo/"):
        continue
    props = {p["name"]: p.get("value", "") for p in c.get("properties", [])}
    locs = [o["location"] for o in c["evidence"]["occurrences"]]
    app = "app" if c.get("type") == "application" else "lib"
    ref[c["bom-ref"]] = (locs, f"{c['name']}@{c.get('version', '')}")
    for loc in locs:
        print(f"C {loc} {c['name']} {c.get('version', '')} {app} {urllib.parse.unquote(c['purl'])} {props.get('vigil:cargo:checksum', '-')}")
for d in doc.get("dependencies", []):
    if d["ref"] not in ref:
        continue
    locs, frm = ref[d["ref"]]
    for to in d.get("dependsOn", []):
        for loc in sorted(set(locs) & set(ref.get(to, ([], ""))[0])):
            print(f"E {loc} {frm} -> {ref[to][1]}")
PY

# reference: tomllib + json
python3 - "$TMP/root" "$TMP/auditable.json" >"$TMP/ref.txt" <<'PY'
import json, os, sys, tomllib
root, audit = sys.argv[1], sys.argv[2]
CRATES = "registry+https://github.com/rust-lang/crates.io-index"
def purl(name, version, source):
    q = ""
    if source and source.startswith("git+"):
        base = source.split("?")[0].split("#")[0]
        commit = source.split("#")[1] if "#" in source else ""
        vcs = base + ("@" + commit if commit else "")
        q = "?vcs_url=" + vcs
    elif source and source not in (CRATES, "sparse+https://index.crates.io/"):
        q = "?repository_url=" + source.split("+", 1)[1]
    return f"pkg:cargo/{name}@{version}{q}"
for dirpath, _, files in sorted(os.walk(root)):
    if "Cargo.lock" not in files:
        continue
    path = os.path.join(dirpath, "Cargo.lock")
    loc = os.path.relpath(path, root)
    lock = tomllib.load(open(path, "rb"))
    meta = lock.get("metadata", {})
    pkgs = lock.get("package", [])
    def resolve(entry):
        parts = entry.split(" ", 2)
        hits = [p for p in pkgs if p["name"] == parts[0]
                and (len(parts) < 2 or p["version"] == parts[1])
                and (len(parts) < 3 or "(" + p.get("source", "") + ")" == parts[2])]
        return hits[0] if len(hits) == 1 else None
    depended = set()
    edges = []
    for p in pkgs:
        for e in p.get("dependencies", []):
            t = resolve(e)
            if t:
                depended.add(id(t))
                edges.append(f"E {loc} {p['name']}@{p['version']} -> {t['name']}@{t['version']}")
    for p in pkgs:
        app = "app" if "source" not in p and id(p) not in depended else "lib"
        ck = p.get("checksum") or meta.get(f"checksum {p['name']} {p['version']} ({p.get('source')})", "-")
        print(f"C {loc} {p['name']} {p['version']} {app} {purl(p['name'], p['version'], p.get('source'))} {ck}")
    print("\n".join(edges))
doc = json.load(open(audit))
P = doc["packages"]
for p in P:
    print(f"C bin/audited {p['name']} {p['version']} {'app' if p.get('root') else 'lib'} pkg:cargo/{p['name']}@{p['version']} -")
    for i in p.get("dependencies", []):
        print(f"E bin/audited {p['name']}@{p['version']} -> {P[i]['name']}@{P[i]['version']}")
PY
sed -i '/^$/d' "$TMP/ref.txt"
# One component per package (docs/formats.md): the copies of one purl share
# the checksum a lock file gave and are an application if any copy is one.
python3 - "$TMP/ref.txt" <<'PY'
import sys
rows = [l.split(" ") for l in open(sys.argv[1]).read().splitlines()]
ck, app = {}, set()
for r in rows:
    if r[0] == "C":
        if r[6] != "-":
            ck[r[5]] = r[6]
        if r[4] == "app":
            app.add(r[5])
with open(sys.argv[1], "w") as f:
    for r in rows:
        if r[0] == "C":
            r[4] = "app" if r[5] in app else "lib"
            r[6] = ck.get(r[5], "-")
        f.write(" ".join(r) + "\n")
PY
grep -q '^C ws/Cargo.lock ws-app 0.1.0 app ' "$TMP/ref.txt" || fail "the cargo-made workspace lock does not have ws-app as its root"
same_lines "$TMP/vigil.txt" "$TMP/ref.txt" "cargo components and edges (vigil vs tomllib/json)"
[ -z "$(grep '^C' "$TMP/vigil.txt" | sort | uniq -d)" ] || fail "duplicate cargo components"
python3 - "$TMP/out.json" <<'PY' || fail "vigil:cargo:kind=build missing on cc"
import json, sys
doc = json.load(open(sys.argv[1]))
cc = [c for c in doc["components"] if c["name"] == "cc"][0]
assert {"name": "vigil:cargo:kind", "value": "build"} in cc["properties"], cc["properties"]
PY

# 4. bad input
mkdir -p "$TMP/bad/lock" "$TMP/bad/bin"
cp "$DATA/v4/Cargo.lock" "$TMP/bad/lock/Cargo.lock"
printf '[[package]]\nname = "broken"\nversion = \n' >"$TMP/bad/Cargo.lock"
python3 - "$TMP" <<'PY'
import sys, zlib
tmp = sys.argv[1]
bomb = zlib.compress(b"[" + b" " * (64 << 20) + b"]", 9)   # 64 MiB of JSON from ~64 KiB
notz = b"this is not a zlib stream at all"
for name, blob in (("bomb", bomb), ("notzlib", notz)):
    with open(f"{tmp}/{name}.h", "w") as f:
        f.write("static const unsigned char dep_v0[%d] __attribute__((section(\".dep-v0\"), used)) = {%s};\n"
                % (len(blob), ",".join(str(b) for b in blob)))
PY
for name in bomb notzlib; do
    printf '#include "%s.h"\nint main(void) { return 0; }\n' "$name" >"$TMP/$name.c"
    gcc -O0 -o "$TMP/bad/bin/$name" "$TMP/$name.c" -I"$TMP" || fail "gcc failed"
done
expect_status 3 "$VIGIL" sbom "$TMP/bad" -o "cyclonedx-json=$TMP/bad.json"
expect_stderr 'Cargo\.lock.*(TOML|line)'
expect_stderr 'bin/bomb.*inflates past'
expect_stderr 'bin/notzlib.*zlib'
python3 - "$TMP/bad.json" <<'PY' || fail "the good lock file next to the bad inputs was not listed"
import json, sys
names = {c["name"] for c in json.load(open(sys.argv[1]))["components"]}
assert {"app-v4", "anyhow", "tokio"} <= names, names
PY
echo "ok: cargo: $(grep -c '^C' "$TMP/ref.txt") components and $(grep -c '^E' "$TMP/ref.txt") edges match tomllib/json"

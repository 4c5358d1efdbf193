# os_dependencies.sh — the OS package managers' own dependency edges in
# `vigil sbom` (SPDX DEPENDS_ON between two OS packages, and the same edges
# as CycloneDX dependsOn), against the package managers' own tools:
#  - dpkg: the Debian 12 fixture and a copy of this machine's status file;
#    the reference is dpkg-query's ${Depends}, ${Pre-Depends} and
#    ${Provides}, resolved here as dpkg does (first alternative installed,
#    by name with the architecture rules, else through Provides);
#  - apk: both Alpine fixtures; the reference reads lib/apk/db/installed
#    with awk (P, p and D lines: a name, else what provides it);
#  - rpm: the CBL-Mariner SQLite and the libuuid Berkeley DB fixtures; the
#    reference is rpm itself: `rpm -qa` for the requirements and
#    `rpm -q --whatprovides` for each (files included);
#  - CycloneDX: the target depends on the OS and the roots of the graph
#    only (not on every component), and every component is reachable from
#    it; the documents stay valid.
. "$(dirname "$0")/lib.sh"

need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
need_shared fixtures/rpmdb/cbl-mariner-2.0/rpmdb.sqlite
need_shared fixtures/rpmdb/libuuid/Packages
need_cmd dpkg-query
need_cmd rpm
need_cmd python3

# vigil_edges ROOT TYPE NAME [EMPTY-OK]: runs vigil sbom on ROOT; "from -> to"
# (package names) of every DEPENDS_ON between two TYPE packages goes to
# $TMP/NAME.vigil, after checking that CycloneDX has the same edges and a
# proper root.
vigil_edges() {
    expect_status 0 "$VIGIL" sbom "$1" -o "spdx-json=$TMP/$3.spdx.json" -o "cyclonedx-json=$TMP/$3.cdx.json"
    validate_spdx "$TMP/$3.spdx.json"
    validate_cyclonedx "$TMP/$3.cdx.json"
    python3 - "$TMP/$3.spdx.json" "$TMP/$3.cdx.json" "$2" >"$TMP/$3.vigil" <<'PY' || fail "$3: the graph of the SBOM"
import json, sys
spdx, cdx, typ = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
def is_type(purl):
    return purl.startswith(f"pkg:{typ}/")
name = {}
for p in spdx["packages"]:
    for r in p.get("externalRefs", []):
        if r["referenceType"] == "purl" and is_type(r["referenceLocator"]):
            name[p["SPDXID"]] = p["name"]
edges = sorted({f"{name[r['spdxElementId']]} -> {name[r['relatedSpdxElement']]}" for r in spdx["relationships"]
                if r["relationshipType"] == "DEPENDS_ON" and r["spdxElementId"] in name and r["relatedSpdxElement"] in name})
print("\n".join(edges))
# the same graph in CycloneDX
comp = {c["bom-ref"]: c for c in cdx["components"]}
cname = {ref: c["name"] for ref, c in comp.items() if is_type(c.get("purl", ""))}
on = {d["ref"]: d.get("dependsOn", []) for d in cdx["dependencies"]}
cedges = sorted({f"{cname[f]} -> {cname[t]}" for f, ts in on.items() if f in cname for t in ts if t in cname})
if cedges != edges:
    sys.exit(f"CycloneDX dependsOn differs from SPDX DEPENDS_ON: {set(cedges) ^ set(edges)}")
# the target depends on the OS and on the components nothing depends on
# (and one of each cycle nothing outside depends on), reaches every
# component, and no root reaches another
root = cdx["metadata"]["component"]["bom-ref"]
pointed = {t for f, ts in on.items() if f != root for t in ts}
direct = set(on[root])
packages = {ref for ref, c in comp.items() if c["type"] != "operating-system"}
if len(direct) >= len(comp) and len(comp) > 5:
    sys.exit("the target still depends on every component")
unpointed = packages - pointed
if not unpointed <= direct:
    sys.exit(f"components nothing depends on are not roots: {sorted(unpointed - direct)[:5]}")
seen, todo = set(), [root]
while todo:
    r = todo.pop()
    if r not in seen:
        seen.add(r)
        todo.extend(on.get(r, []))
if set(comp) - seen:
    sys.exit(f"not reachable from the target: {sorted(set(comp) - seen)[:5]}")
for r in direct & packages:
    reach, todo = set(), [t for x in direct - {r} for t in on.get(x, [])] + list(direct - {r})
    while todo:
        x = todo.pop()
        if x not in reach:
            reach.add(x)
            todo.extend(on.get(x, []))
    if r in reach:
        sys.exit(f"{r} is a root but another root reaches it")
PY
    [ -s "$TMP/$3.vigil" ] || [ -n "${4:-}" ] || fail "$3: vigil has no $2 dependency edges"
}

# dpkg_reference ADMINDIR: the edges dpkg-query's fields give.
dpkg_reference() {
    dpkg-query --admindir="$1" -W \
        -f='${Package}\t${Architecture}\t${db:Status-Abbrev}\t${Provides}\t${Pre-Depends}\t${Depends}\n' |
        python3 -c '
import re, sys
pkgs = []
for line in sys.stdin:
    name, arch, status, provides, pre, depends = line.rstrip("\n").split("\t")
    if status[1] not in "nc":  # not-installed and config-files are not installed
        pkgs.append((name, arch, provides, pre + "," + depends))
real, virtual = {}, {}
for name, arch, provides, _ in pkgs:
    real.setdefault(name, []).append((name, arch))
    for p in provides.split(","):
        if p.strip():
            virtual.setdefault(re.split(r"[ :(]", p.strip())[0], []).append((name, arch))
edges = set()
for name, arch, _, relations in pkgs:
    for group in relations.split(","):
        for alt in group.split("|"):
            if not alt.strip():
                continue
            want, _, qual = re.match(r"\s*([^ :(]+)(:[^ (]+)?", alt).group(1, 0, 2)
            qual = (qual or ":")[1:]
            cands = real.get(want, [])
            if qual and qual != "any":
                hit = [c for c in cands if c[1] == qual]
            else:
                hit = [c for c in cands if c[1] in ("all", arch)] or cands
            hit = hit or virtual.get(want, [])
            if hit:
                edges.update(f"{name} -> {c[0]}" for c in hit if c[0] != name)
                break
print("\n".join(sorted(edges)))
'
}

# 1. dpkg: the Debian fixture and this machine's status file
mkdir -p "$TMP/debian"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$TMP/debian"
vigil_edges "$TMP/debian" deb debian
dpkg_reference "$TMP/debian/var/lib/dpkg" >"$TMP/debian.ref"
grep -qx 'base-files -> mawk' "$TMP/debian.ref" || fail "reference: base-files Pre-Depends awk (mawk provides it)"
same_lines "$TMP/debian.vigil" "$TMP/debian.ref" "dpkg dependencies of the Debian fixture (vigil vs dpkg-query)"
if [ -s /var/lib/dpkg/status ]; then
    mkdir -p "$TMP/host/var/lib/dpkg"
    cp /var/lib/dpkg/status "$TMP/host/var/lib/dpkg/status"
    vigil_edges "$TMP/host" deb host
    dpkg_reference /var/lib/dpkg >"$TMP/host.ref"
    same_lines "$TMP/host.vigil" "$TMP/host.ref" "dpkg dependencies of this machine (vigil vs dpkg-query)"
fi

# 2. apk: both Alpine fixtures
for v in 3.10.9 3.11.13; do
    mkdir -p "$TMP/alpine-$v"
    tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-$v-x86_64.tar.gz" -C "$TMP/alpine-$v" 2>/dev/null || true
    vigil_edges "$TMP/alpine-$v" apk "alpine-$v"
    awk '
        /^P:/ { name = substr($0, 3); pkgs[++n] = name; real[name] = 1 }
        /^p:/ { m = split(substr($0, 3), a, " ")
                for (i = 1; i <= m; i++) { p = a[i]; sub(/[=<>~].*/, "", p); prov[p] = prov[p] " " name } }
        /^D:/ { deps[name] = substr($0, 3) }
        END {
            for (k = 1; k <= n; k++) {
                from = pkgs[k]; m = split(deps[from], d, " ")
                for (i = 1; i <= m; i++) {
                    t = d[i]
                    if (t ~ /^!/) continue
                    sub(/[=<>~].*/, "", t)
                    if (t in real) { if (t != from) print from " -> " t; continue }
                    c = split(prov[t], q, " ")
                    for (j = 1; j <= c; j++) if (q[j] != from) print from " -> " q[j]
                }
            }
        }' "$TMP/alpine-$v/lib/apk/db/installed" | sort -u >"$TMP/alpine-$v.ref"
    grep -qx 'busybox -> musl' "$TMP/alpine-$v.ref" || fail "reference: busybox needs so:libc.musl (musl provides it)"
    same_lines "$TMP/alpine-$v.vigil" "$TMP/alpine-$v.ref" "apk dependencies of Alpine $v (vigil vs awk)"
done

# 3. rpm: requirements resolved by rpm itself
rpm_reference() { # DBDIR [rpm options]: edges by name
    local dir=$1; shift
    rpm --dbpath "$dir" "$@" -qa --qf '[%{=NAME}\t%{REQUIRENAME}\n]' | sort -u >"$TMP/rpm.reqs"
    cut -f2 "$TMP/rpm.reqs" | grep -v '^rpmlib(' | sort -u | while IFS= read -r req; do
        # a name per provider; "no package provides X" / "file X is not
        # owned by any package" when there is none
        rpm --dbpath "$dir" "$@" -q --whatprovides "$req" --qf '%{NAME}\n' 2>/dev/null | grep -v ' ' |
            sed "s|^|$req\t|" || true
    done >"$TMP/rpm.providers"
    python3 - "$TMP/rpm.reqs" "$TMP/rpm.providers" <<'PY'
import sys
providers = {}
for line in open(sys.argv[2]):
    req, name = line.rstrip("\n").split("\t")
    providers.setdefault(req, set()).add(name)
edges = set()
for line in open(sys.argv[1]):
    name, req = line.rstrip("\n").split("\t")
    edges.update(f"{name} -> {p}" for p in providers.get(req, ()) if p != name)
print("\n".join(sorted(edges)))
PY
}
mkdir -p "$TMP/mariner/root/var/lib/rpm" "$TMP/mariner/ref"
cp "$VIGIL_SHARED/fixtures/rpmdb/cbl-mariner-2.0/rpmdb.sqlite" "$TMP/mariner/root/var/lib/rpm/"
cp "$VIGIL_SHARED/fixtures/rpmdb/cbl-mariner-2.0/rpmdb.sqlite" "$TMP/mariner/ref/"
vigil_edges "$TMP/mariner/root" rpm mariner
rpm_reference "$TMP/mariner/ref" >"$TMP/mariner.ref"
grep -qx 'bash -> glibc' "$TMP/mariner.ref" || fail "reference: bash requires libc.so.6 (glibc)"
grep -q '^[a-z-]* -> bash$' "$TMP/mariner.ref" || fail "reference: a /bin/sh requirement resolved to bash"
same_lines "$TMP/mariner.vigil" "$TMP/mariner.ref" "rpm dependencies of CBL-Mariner (vigil vs rpm --whatprovides)"

mkdir -p "$TMP/uuid/root/var/lib/rpm" "$TMP/uuid/ref"
cp "$VIGIL_SHARED/fixtures/rpmdb/libuuid/Packages" "$TMP/uuid/root/var/lib/rpm/"
cp "$VIGIL_SHARED/fixtures/rpmdb/libuuid/Packages" "$TMP/uuid/ref/"
vigil_edges "$TMP/uuid/root" rpm uuid empty-ok
rpm_reference "$TMP/uuid/ref" --define '_db_backend bdb_ro' >"$TMP/uuid.ref"
grep -q . "$TMP/rpm.reqs" || fail "reference: rpm read no requirement from the libuuid database"
same_lines "$TMP/uuid.vigil" "$TMP/uuid.ref" "rpm dependencies of the libuuid database (vigil vs rpm --whatprovides)"
echo "ok: dpkg, apk and rpm dependency edges match dpkg-query, awk and rpm"

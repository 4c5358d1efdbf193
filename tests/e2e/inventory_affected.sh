# inventory_affected.sh — `vigil inventory affected ID|PURL [--all]` over a
# store of real targets (the Alpine 3.10.9 and 3.11.13 minirootfs and
# crafted copies, npm, PyPI, Maven and Debian SBOMs and lock files of
# tests/data), each answer compared with a brute force over every stored
# snapshot:
# - ids: `vigil scan` of each snapshot's exported SBOM (`inventory export`,
#   the stored bytes) against the same database, every finding whose ids
#   name the query;
# - purls: the components of each exported CycloneDX document, read here,
#   with ranges evaluated by this script's own reading of the vers spec and
#   each ecosystem's reference order: python3-packaging (PyPI),
#   Dpkg::Version (deb, tests/tools/version-ref/dpkg.pl), the npm "semver"
#   package (tests/tools/version-ref/semver.js), Maven's ComparableVersion
#   (tests/tools/version-ref/MavenRef.java) and tests/tools/apk_ref.py (apk);
#   a version the reference cannot read must be "not evaluated" (exit 3).
# Also: first_seen and fixed times against the snapshots' times, the query
# plans on SQLite (no full scan of a link table), errors, and the same
# answers on PostgreSQL (tests/e2e/pg.sh).
source "$(dirname "$0")/lib.sh"
for f in fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz \
         vulndata/alpine-secdb/v3.10/main.json vulndata/alpine-secdb/v3.11/main.json vulndata/osv/npm vulndata/osv/PyPI; do
    need_shared "$f"
done
need_cmd jq
need_cmd python3
/usr/bin/python3 -c 'import packaging.version' 2>/dev/null || skip "python3-packaging is not installed (run ./setup.sh)"
need_cmd perl
perl -MDpkg::Version -e 1 2>/dev/null || skip "libdpkg-perl is not installed (run ./setup.sh)"
need_cmd node
[ -d "$VIGIL_SRC/tests/tools/version-ref/node_modules/semver" ] || skip "the npm semver reference is not installed (run ./setup.sh --test)"

T=$TMP
REF=$VIGIL_SRC/tests/tools/version-ref
S=$VIGIL_SHARED/vulndata
D=$VIGIL_SRC/tests/data
$VIGIL db build --from "$S/alpine-secdb/v3.10/main.json" --from "$S/alpine-secdb/v3.10/community.json" \
    --from "$S/alpine-secdb/v3.11/main.json" --from "$S/alpine-secdb/v3.11/community.json" \
    --from "$S/osv/npm" --from "$S/osv/PyPI" --db "$T/db.sqlite" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; fail "db build"; }

# The Maven reference (a JDK and Debian's maven-artifact jar) is optional.
MAVEN_JAR=/usr/share/java/maven-artifact-3.x.jar
maven=0
if have_cmd javac "Maven ranges (no JDK)" && { [ -f "$MAVEN_JAR" ] || { skip_part "Maven ranges ($MAVEN_JAR is absent)"; false; }; }; then
    mkdir "$T/classes"
    javac -d "$T/classes" -cp "$MAVEN_JAR" "$REF/MavenRef.java" || fail "javac MavenRef"
    maven=1
fi

for v in 3.10.9 3.11.13; do
    mkdir "$T/r$v"
    tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-$v-x86_64.tar.gz" -C "$T/r$v"
done
# craft ROOT COPY EDIT...: a copy of ROOT with its installed db edited.
craft() { python3 "$VIGIL_SRC/tests/tools/apk_ref.py" craft "$@" || fail "craft $2"; }
craft "$T/r3.10.9" "$T/c10" musl=1.1.22-r2 musl-utils=1.1.22-r2
craft "$T/r3.11.13" "$T/c11" musl=1.1.23-r1 musl-utils=1.1.23-r1 libcrypto1.1=1.1.1d-r2 libssl1.1=1.1.1d-r2

# A PyPI project whose Django has a version PEP 440 cannot read: vigil's
# SBOM of the Pipfile.lock project, with that one version edited.
expect_status 0 $VIGIL sbom "$D/python/pipenv" -o cyclonedx-json="$T/pipenv.cdx.json"
jq '(.components[] | select(.name == "Django")) |= (.version = "4.2-custom-build" | .purl = "pkg:pypi/django@4.2-custom-build")' \
    "$T/pipenv.cdx.json" >"$T/pipenv-custom.cdx.json"
[ "$(jq '[.components[] | select(.version == "4.2-custom-build")] | length' "$T/pipenv-custom.cdx.json")" = 1 ] ||
    fail "the Django component was not edited"

# asset, label, target
snapshots=(
    "alpine-prod|3.10.9|$T/r3.10.9"
    "alpine-prod|3.10.9-musl|$T/c10"
    "alpine-prod|3.11.13|$T/r3.11.13"
    "alpine-dev|dev|$T/c11"
    "alpine-old|old|$T/c10"
    "shop|cdxgen|$D/sbom/cdxgen-npm.cdx.json"
    "shop|lock-v1|$D/npm/lock-v1"
    "pyapp|1.0|$D/python/pipenv"
    "pyapp|1.1|$T/pipenv-custom.cdx.json"
    "pyreq|1|$D/python/requirements"
    "poetry|2|$D/python/poetry-v2"
    "debian|12|$D/sbom/syft-debian.cdx.json"
    "java|2.1.0|$D/java/pom/webapp"
)

ghsa=$(jq -r 'select(.aliases | index("CVE-2021-23337")) | .id' "$S"/osv/npm/GHSA-*.json)
[ -n "$ghsa" ] || fail "no npm advisory names CVE-2021-23337"
queries=(
    CVE-2019-14697 CVE-2019-1551 PYSEC-2023-225 CVE-2023-41164 CVE-2023-43804 CVE-2022-25883 "$ghsa" CVE-2000-0001
    pkg:apk/alpine/musl
    pkg:apk/alpine/musl@1.1.24-r3
    'pkg:apk/alpine/musl@>=1.1.22-r0,<1.1.24-r0'
    'pkg:apk/alpine/musl@>1.1.22-r2,<1.1.24-r3'
    'pkg:apk/alpine/libssl1.1@vers:alpine/<1.1.1d-r3|>=1.1.1k-r0|<1.1.1l-r0'
    'pkg:apk/alpine/busybox?arch=x86_64&distro=alpine-3.10.9'
    'pkg:pypi/django@<4.2.5'
    'pkg:pypi/urllib3@>=2.0.0,<2.0.7'
    pkg:pypi/certifi
    'pkg:pypi/certifi?repository_url=https://mirror.example.com/simple'
    'pkg:pypi/pydantic@>=2|<3'
    'pkg:pypi/mylib@>=1.0'
    pkg:npm/lodash@4.17.20
    'pkg:npm/semver@<7.5.2'
    pkg:npm/%40babel/traverse
    'pkg:npm/@babel/traverse@>=7.0.0,<7.23.2'
    'pkg:deb/debian/libc6@<2.36-9+deb12u15'
    'pkg:deb/debian/bash@vers:deb/>=5.2.15-2|<5.2.15-3'
)
if [ "$maven" = 1 ]; then
    queries+=('pkg:maven/com.fasterxml.jackson.core/jackson-core@>=2.0.0,<2.15.0'
              'pkg:maven/io.netty/netty-transport-native-epoll@<=4.1.100.Final?classifier=linux-x86_64'
              'pkg:maven/org.example/shop-web@vers:maven/2.1|>=3.0')
fi
printf '%s\n' "${queries[@]}" >"$T/queries.txt"

# reference SNAPSHOTS_JSON QUERIES: the expected rows, one JSON object per
# query and scope: {"query", "all", "matches": [[asset, seq, purl, version,
# id, severity]...], "not_evaluated": [[asset, seq, purl, version]...]}.
reference() {
    /usr/bin/python3 - "$1" "$2" "$REF" "$VIGIL_SRC/tests/tools" "$maven" "$T/classes:$MAVEN_JAR" <<'PY'
import functools, json, os, subprocess, sys, tempfile, urllib.parse
from packaging.version import InvalidVersion, Version
sys.path.insert(0, sys.argv[4])
import apk_ref

snaps = json.load(open(sys.argv[1]))
queries = [q for q in open(sys.argv[2]).read().split("\n") if q]
ref_dir, use_maven, maven_cp = sys.argv[3], sys.argv[5] == "1", sys.argv[6]

def split_purl(p):
    """(versionless purl, version or None, qualifiers) as the purl spec splits it."""
    p = p.split("#", 1)[0]
    base, _, q = p.partition("?")
    quals = dict(urllib.parse.parse_qsl(q, keep_blank_values=False))
    head, at, ver = base.rpartition("@")
    if at and head != "pkg:" and ("/" not in ver or ver.startswith("vers:")):
        return head, urllib.parse.unquote(ver), quals
    return base, None, quals

def canonical(package):
    return package.replace("pkg:npm/@", "pkg:npm/%40")

def norm(row):
    """The row with the qualifiers of its purl in sorted order (an SBOM may
    write them in any order; vigil keeps them sorted)."""
    base, q, quals = row[2].partition("?")
    return row[:2] + [base + q + "&".join(sorted(quals.split("&")))] + row[3:]

def components(doc):
    out = []
    def walk(cs):
        for c in cs or []:
            out.append(c)
            walk(c.get("components"))
    walk(json.load(open(doc)).get("components"))
    return out

# Every pair of versions a query may compare, asked of each reference at once.
pairs = {}
def want(scheme, versions):
    for a in versions:
        for b in versions:
            pairs.setdefault(scheme, set()).add((a, b))

def parse_range(text):
    """[(op, version)] of a vers or bare list, or "*"."""
    if text.startswith("vers:"):
        text = text.split("/", 1)[1]
        parts = text.split("|")
    else:
        parts = text.replace(",", "|").split("|")
    out = []
    for c in parts:
        c = c.replace(" ", "")
        if not c:
            continue
        if c == "*":
            return "*"
        for op in (">=", "<=", "!=", "<", ">"):
            if c.startswith(op):
                out.append((op, urllib.parse.unquote(c[len(op):])))
                break
        else:
            out.append(("=", urllib.parse.unquote(c)))
    return out

SCHEMES = {"pypi": "pypi", "apk": "apk", "deb": "deb", "npm": "npm", "maven": "maven"}
def scheme_of(package):
    return SCHEMES[package.split(":", 1)[1].split("/", 1)[0]]

plan = []
for q in queries:
    if not q.startswith("pkg:"):
        plan.append((q, None))
        continue
    package, version, quals = split_purl(q)
    package = canonical(package)
    rng = parse_range(version) if version is not None else None
    cands = []
    for s in snaps:
        for c in components(s["doc"]):
            if not c.get("purl"):
                continue
            cp, _, cq = split_purl(c["purl"])
            if canonical(cp) != package or any(cq.get(k) != v for k, v in quals.items()):
                continue
            cands.append((s, c))
    if rng not in (None, "*"):
        want(scheme_of(package), [v for _, v in rng] + [c["version"] for _, c in cands if c.get("version")])
    plan.append((q, (package, rng, cands)))

def run_tool(cmd, scheme):
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        ps = sorted(pairs.get(scheme, ()))
        f.write("".join(f"{a}\t{b}\n" for a, b in ps))
    out = subprocess.run(cmd + [f.name], capture_output=True, text=True, check=True).stdout.split("\n")
    os.unlink(f.name)
    return {p: out[i] for i, p in enumerate(ps)}

order = {}
def sign(x, y):
    return "<" if x < y else ">" if x > y else "="
for a, b in pairs.get("pypi", ()):
    try:
        order[("pypi", a, b)] = sign(Version(a), Version(b))
    except InvalidVersion:
        order[("pypi", a, b)] = "invalid"
for a, b in pairs.get("apk", ()):
    ka, kb = apk_ref.key(a), apk_ref.key(b)
    order[("apk", a, b)] = "invalid" if ka is None or kb is None else sign(ka, kb)
for scheme, cmd in (("deb", ["perl", f"{ref_dir}/dpkg.pl"]), ("npm", ["node", f"{ref_dir}/semver.js", "compare"]),
                    ("maven", ["java", "-cp", maven_cp, "MavenRef"])):
    if pairs.get(scheme):
        if scheme == "maven" and not use_maven:
            sys.exit("a Maven range without the Maven reference")
        for (a, b), r in run_tool(cmd, scheme).items():
            order[(scheme, a, b)] = r

def cmp(scheme, a, b):
    r = order[(scheme, a, b)]
    return None if r == "invalid" else {"<": -1, "=": 0, ">": 1}[r]

def contains(scheme, rng, v):
    """True, False, or None when the version cannot be read (vers spec,
    'Checking if a version is contained within a range')."""
    for op, c in rng:
        if c == v and op not in ("<", ">"):
            return op != "!="
    if cmp(scheme, v, v) is None:
        return None
    for op, c in rng:
        if cmp(scheme, v, c) == 0 and op not in ("<", ">"):
            return op != "!="
    if all(op == "!=" for op, _ in rng):
        return True
    bounds = sorted([(op, c) for op, c in rng if op not in ("=", "!=")],
                    key=functools.cmp_to_key(lambda x, y: cmp(scheme, x[1], y[1])))
    if not bounds:
        return False
    if bounds[0][0] in ("<", "<=") and cmp(scheme, v, bounds[0][1]) < 0:
        return True
    if bounds[-1][0] in (">", ">=") and cmp(scheme, v, bounds[-1][1]) > 0:
        return True
    for (o1, c1), (o2, c2) in zip(bounds, bounds[1:]):
        if o1 in (">", ">=") and o2 in ("<", "<=") and cmp(scheme, v, c1) > 0 and cmp(scheme, v, c2) < 0:
            return True
    return False

for q, p in plan:
    for scope_all in (False, True):
        matches, unevaluated = [], []
        if p is None:
            for s in snaps:
                if not scope_all and not s["latest"]:
                    continue
                for f in json.load(open(s["scan"]))["findings"]:
                    if q in f["ids"]:
                        matches.append([s["asset"], s["seq"], f["component"]["purl"], f["component"]["version"],
                                        f["id"], f["severity"]])
        else:
            package, rng, cands = p
            for s, c in cands:
                if not scope_all and not s["latest"]:
                    continue
                row = [s["asset"], s["seq"], c["purl"], c.get("version")]
                if rng in (None, "*"):
                    matches.append(row)
                    continue
                inside = contains(scheme_of(package), rng, c["version"]) if c.get("version") else None
                if inside is None:
                    unevaluated.append(row)
                elif inside:
                    matches.append(row)
        print(json.dumps({"query": q, "all": scope_all, "matches": sorted(map(norm, matches)),
                          "not_evaluated": sorted(map(norm, unevaluated))}, sort_keys=True, separators=(",", ":")))
PY
}

# vigil_rows FILE QUERY ALL: vigil's answer in the reference's form.
vigil_rows() {
    jq -c -S --arg q "$2" --argjson all "$3" '
        def norm: (.purl | split("?")) as $p | .purl = ($p[0] + if ($p | length) > 1 then "?" + ($p[1] | split("&") | sort | join("&")) else "" end);
        {query: $q, all: $all,
         matches: ([.matches[] | norm | [.asset, .snapshot, .purl, .version] + (if .id then [.id, .severity] else [] end)] | sort),
         not_evaluated: ([.not_evaluated[] | norm | [.asset, .snapshot, .purl, .version]] | sort)}' "$1"
}

# run_store URL NAME: stores every snapshot, exports and scans each, and
# checks every query against the reference.
run_store() {
    local url=$1 name=$2 entry asset label target i=0
    export VIGIL_STORE=$url
    for entry in "${snapshots[@]}"; do
        IFS='|' read -r asset label target <<<"$entry"
        local got=0
        $VIGIL inventory add "$target" --asset "$asset" --version "$label" --db "$T/db.sqlite" --allow-unchecked \
            -o json >"$T/add.json" 2>"$T/err" || got=$?
        [ "$got" = 0 ] || { cat "$T/err" >&2; fail "$name: add $target as $asset exited $got"; }
    done
    # The brute force: every stored snapshot exported and scanned.
    expect_status 0 $VIGIL inventory list -o json
    jq -r '.[] | "\(.name) \(.snapshots)"' "$TMP/stdout" >"$T/assets.txt"
    [ "$(wc -l <"$T/assets.txt")" = 9 ] || fail "$name: 9 assets expected"
    echo '[' >"$T/snaps.json"
    local n seq sep=''
    while read -r asset n; do
        for seq in $(seq 1 "$n"); do
            i=$((i + 1))
            expect_status 0 $VIGIL inventory export "$asset@$seq" -o cyclonedx-json="$T/$name-$i.cdx.json"
            expect_status 0 $VIGIL inventory show "$asset@$seq" -o json
            local created
            created=$(jq -r .created "$TMP/stdout")
            got=0
            $VIGIL scan "$T/$name-$i.cdx.json" --db "$T/db.sqlite" --max-db-age 100000d -o json="$T/$name-$i.scan.json" \
                2>"$T/err" || got=$?
            [ "$got" = 0 ] || [ "$got" = 3 ] || { cat "$T/err" >&2; fail "$name: scan of $asset@$seq exited $got"; }
            printf '%s{"asset": "%s", "seq": %s, "latest": %s, "created": "%s", "doc": "%s", "scan": "%s"}\n' "$sep" \
                "$asset" "$seq" "$([ "$seq" = "$n" ] && echo true || echo false)" "$created" \
                "$T/$name-$i.cdx.json" "$T/$name-$i.scan.json" >>"$T/snaps.json"
            sep=,
        done
    done <"$T/assets.txt"
    echo ']' >>"$T/snaps.json"
    [ "$i" = 13 ] || fail "$name: 13 snapshots expected, found $i"
    reference "$T/snaps.json" "$T/queries.txt" >"$T/expected.jsonl" || fail "$name: reference"

    : >"$T/vigil.jsonl"
    local q all want k=0
    for q in "${queries[@]}"; do
        for all in false true; do
            k=$((k + 1))
            want=0
            jq -e -s --arg q "$q" --argjson all "$all" \
                'map(select(.query == $q and .all == $all)) | .[0].not_evaluated | length > 0' "$T/expected.jsonl" \
                >/dev/null && want=3
            expect_status "$want" $VIGIL inventory affected "$q" $([ "$all" = true ] && echo --all) \
                -o json="$T/$name-q$k.json"
            vigil_rows "$T/$name-q$k.json" "$q" "$all" >>"$T/vigil.jsonl"
        done
    done
    same_lines "$T/vigil.jsonl" "$T/expected.jsonl" "$name: affected answers (< vigil, > brute force)"
    # The reference's answers are not all empty: each kind of query finds something.
    for q in CVE-2019-14697 PYSEC-2023-225 "$ghsa" 'pkg:apk/alpine/musl@>=1.1.22-r0,<1.1.24-r0' \
             'pkg:pypi/django@<4.2.5' 'pkg:deb/debian/libc6@<2.36-9+deb12u15' 'pkg:npm/@babel/traverse@>=7.0.0,<7.23.2'; do
        jq -e -s --arg q "$q" 'map(select(.query == $q and .all)) | .[0].matches | length > 0' "$T/expected.jsonl" \
            >/dev/null ||
            fail "$name: the brute force finds nothing for $q"
    done
    jq -e -s 'map(select(.query == "pkg:pypi/django@<4.2.5" and .all)) | .[0].not_evaluated | length == 1' \
        "$T/expected.jsonl" >/dev/null || fail "$name: the custom Django version is not the one not evaluated"

    # first_seen is the time of the first snapshot with the finding, fixed
    # that of the first one after it without, unless its package is there
    # but was not checked (then the finding stays open).
    k=0
    for q in "${queries[@]}"; do
        for all in false true; do
            k=$((k + 1))
            [ "$all" = true ] && [ "${q#pkg:}" = "$q" ] || continue
            python3 - "$T/$name-q$k.json" "$T/snaps.json" <<'PY' || fail "$name: first_seen/fixed of $q"
import json, sys
rows, snaps = json.load(open(sys.argv[1]))["matches"], json.load(open(sys.argv[2]))
created = {(s["asset"], s["seq"]): s["created"] for s in snaps}
last, unchecked = {}, set()
for s in snaps:
    last[s["asset"]] = max(last.get(s["asset"], 0), s["seq"])
    for c in json.load(open(s["scan"]))["components"]:
        if c["purl"] and c["coverage"]["status"] not in ("checked", "via-os-package", "self"):
            unchecked.add((s["asset"], s["seq"], c["purl"].split("@")[0]))
package = lambda purl: purl.split("@")[0]
for r in rows:
    a, p = r["asset"], package(r["purl"])
    same = sorted(x["snapshot"] for x in rows if x["asset"] == a and package(x["purl"]) == p)
    assert r["first_seen"] == created[(a, same[0])], (r, created[(a, same[0])])
    after = [n for n in range(same[0], last[a] + 1) if n not in same and (a, n, p) not in unchecked]
    want = created[(a, after[0])] if after else None
    assert r["fixed"] == want, (r, want)
PY
        done
    done

    # The table says what the JSON says.
    expect_status 0 $VIGIL inventory affected CVE-2019-14697
    grep -Eq '^alpine-dev +@1 +dev +1\.1\.23-r1 +pkg:apk/alpine/musl@1\.1\.23-r1\?arch=x86_64&distro=alpine-3\.11\.13  CVE-2019-14697 unknown first seen ' \
        "$TMP/stdout" || { cat "$TMP/stdout" >&2; fail "$name: table row"; }
    grep -Eq '^CVE-2019-14697: 2 assets, 2 snapshots, 4 components \(latest snapshots\)$' "$TMP/stdout" ||
        fail "$name: table summary"
    expect_status 3 $VIGIL inventory affected 'pkg:pypi/django@<4.2.5'
    expect_stderr '1 components could not be evaluated'
    grep -Eq '^pyapp +@2 +1\.1 +4\.2-custom-build +pkg:pypi/django@4\.2-custom-build$' "$TMP/stdout" ||
        { cat "$TMP/stdout" >&2; fail "$name: not evaluated row"; }

    # Bad queries: a message saying why, exit 2.
    expect_status 2 $VIGIL inventory affected 'pkg:npm/lodash@>=1.0.0,<2.0.0|<3.0.0'
    expect_stderr "use '\|' or ',' between constraints"
    expect_status 2 $VIGIL inventory affected 'pkg:npm/lodash@<1.0.0,<2.0.0'
    expect_stderr 'bounds must alternate'
    expect_status 2 $VIGIL inventory affected 'pkg:npm/lodash@>=1.0'
    expect_stderr "'1.0' is not"
    expect_status 2 $VIGIL inventory affected 'pkg:npm/lodash@vers:pypi/<1.0'
    expect_stderr 'scheme pypi is not the versioning of npm packages'
    expect_status 2 $VIGIL inventory affected 'pkg:generic/thing@>1'
    expect_stderr 'needs a version order'
    expect_status 2 $VIGIL inventory affected 'pkg:/lodash'
    expect_stderr 'not a package URL'
    expect_status 2 $VIGIL inventory affected
    expect_status 2 $VIGIL inventory affected CVE-2019-14697 -o sarif
}

run_store "sqlite:$T/store.sqlite" sqlite

# The query plans on SQLite: every statement of src/store/affected.c,
# taken from the source, reaches the link tables through an index.
python3 - "$VIGIL_SRC/src/store/affected.c" "$T/store.sqlite" "$VIGIL_SRC/src/store/store_internal.h" <<'PY' || fail "query plans"
import re, sqlite3, sys
src = open(sys.argv[1]).read()
db = sqlite3.connect(sys.argv[2])
literal = re.compile(r'"((?:[^"\\]|\\.)*)"')
# STORE_SPAN_IN(t, s) of store_internal.h, expanded where it is used
body = re.search(r'#define STORE_SPAN_IN\(t, s\)\s*\\\n(.*)', open(sys.argv[3]).read()).group(1)
src = re.sub(r'STORE_SPAN_IN\("(\w+)", "(\w+)"\)',
             lambda m: re.sub(r'\b([ts])\b(?=(?:[^"]*"[^"]*")*[^"]*$)', lambda v: '"%s"' % (m.group(1) if v.group(1) == "t" else m.group(2)), body), src)
statements = []
for m in re.finditer(r'"SELECT (?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*', src):
    sql = "".join(literal.findall(m.group(0)))
    if sql.endswith("IN ("):
        sql += "?, ?)"
    statements.append(sql)
assert len(statements) >= 5, statements
for sql in statements:
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, [1] * sql.count("?"))]
    scans = [p for p in plan if p.startswith("SCAN")]
    if scans:
        sys.exit(f"full scan in {sql}: {plan}")
print(f"{len(statements)} statements, no full scan")
PY

# PostgreSQL: a real server of its own (tests/e2e/pg.sh).
source "$(dirname "$0")/pg.sh"
pg_start
run_store "$PG_URL" pg
for f in "$T"/sqlite-q*.json; do
    p=${f/sqlite-q/pg-q}
    jq -S 'del(.matches[].created, .matches[].first_seen, .matches[].fixed, .not_evaluated[].created)' "$f" >"$T/a.json"
    jq -S 'del(.matches[].created, .matches[].first_seen, .matches[].fixed, .not_evaluated[].created)' "$p" >"$T/b.json"
    cmp -s "$T/a.json" "$T/b.json" || { diff "$T/a.json" "$T/b.json" | head -20 >&2; fail "SQLite and PostgreSQL differ: ${f##*/}"; }
done
echo "ok: ${#queries[@]} queries x 2 scopes match the brute force over 13 snapshots on SQLite and PostgreSQL"

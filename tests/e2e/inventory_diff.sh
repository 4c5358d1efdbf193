# inventory_diff.sh — `vigil inventory diff` (and the changes `inventory
# add` prints) over snapshots of the real Alpine 3.10.9 and 3.11.13
# minirootfs as versions of one asset, and crafted copies of them, checked
# against a diff computed here by an independent script from the
# lib/apk/db/installed files and the raw secdb JSON.
#
# Version reference: apk-tools is not packaged for Debian; as in
# scan_alpine.sh, tests/tools/apk_ref.py orders only the plain shape
# N(.N)*[letter]-rN (every real version here), takes a version without a
# leading digit as one apk cannot order (apk-tools requires one), and
# fails on anything else rather than guess.
#
# Snapshots of the asset "alpine" (each diff below is checked, both ways
# for some):
#   @1 3.10.9 as shipped      @2 3.11.13 as shipped
#   @3 3.11.13 crafted: musl and musl-utils lowered below the v3.11 secfix
#      (CVE-2019-14697 introduced), libcrypto1.1/libssl1.1 below theirs
#      (CVE-2019-1551), scanelf removed, a second ssl_client (1.30.1-r5)
#      added next to 1.31.1-r11, alpine-keys with another licence and
#      maintainer (same version), zlib at "x1.2.11-r3" (no apk order)
#   @4 3.11.13 as shipped again (the findings of @3 fixed; no drift from @2)
#   @5 3.10.9 with musl lowered (CVE-2019-14697 in the v3.10 secdb)
#   @6 @3 with musl at "x1.1.24" (not checked there: its finding is "not
#      checked", never "fixed")
# Then the same on PostgreSQL (tests/e2e/pg.sh), with identical answers.
source "$(dirname "$0")/lib.sh"
for f in fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz \
         vulndata/alpine-secdb/v3.10/main.json vulndata/alpine-secdb/v3.11/main.json \
         vulndata/alpine-secdb/v3.10/community.json vulndata/alpine-secdb/v3.11/community.json; do
    need_shared "$f"
done
need_cmd jq
need_cmd python3

T=$TMP
S=$VIGIL_SHARED/vulndata/alpine-secdb
$VIGIL db build --from "$S/v3.10/main.json" --from "$S/v3.10/community.json" --from "$S/v3.11/main.json" \
    --from "$S/v3.11/community.json" --db "$T/db.sqlite" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; fail "db build"; }
for v in 3.10.9 3.11.13; do
    mkdir "$T/r$v"
    tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-$v-x86_64.tar.gz" -C "$T/r$v"
done

# craft ROOT COPY EDIT...: a copy of ROOT with its installed db edited.
craft() { python3 "$VIGIL_SRC/tests/tools/apk_ref.py" craft "$@" || fail "craft $2"; }
craft "$T/r3.11.13" "$T/c3" musl=1.1.23-r1 musl-utils=1.1.23-r1 libcrypto1.1=1.1.1d-r2 libssl1.1=1.1.1d-r2 -scanelf \
    +ssl_client=1.30.1-r5 "alpine-keys:L=ISC" "alpine-keys:m=Test Maintainer <test@example.org>" zlib=x1.2.11-r3
craft "$T/r3.10.9" "$T/c5" musl=1.1.22-r2
craft "$T/c3" "$T/c6" musl=x1.1.24
roots=("$T/r3.10.9" "$T/r3.11.13" "$T/c3" "$T/r3.11.13" "$T/c5" "$T/c6")
labels=(3.10.9 3.11.13 crafted 3.11.13-again 3.10.9-musl x-musl)

# reference ROOT_A ROOT_B: the diff as lines "KIND<TAB>...", sorted.
reference() {
    python3 - "$1" "$2" "$S" "$VIGIL_SRC/tests/tools" <<'PY'
import json, re, sys
sys.path.insert(0, sys.argv[4])
from apk_ref import key, packages as read_db
def packages(root):
    return read_db(root + "/lib/apk/db/installed")
def release(root):
    for line in open(root + "/etc/os-release"):
        if line.startswith("VERSION_ID="):
            return "v" + ".".join(line.strip().split("=", 1)[1].strip('"').split(".")[:2])
def findings(root, pkgs):
    fixes = {}
    for part in ("main", "community"):
        for p in json.load(open(f"{sys.argv[3]}/{release(root)}/{part}.json"))["packages"]:
            for ver, ids in p["pkg"]["secfixes"].items():
                for s in ids:
                    for i in s.split():
                        fixes.setdefault(p["pkg"]["name"], []).append((ver, i))
    out, unchecked = {}, set()
    for p in pkgs:
        if key(p["V"]) is None:
            unchecked.add(p["P"])
            continue
        for ver, vid in fixes.get(p.get("o", p["P"]), []):
            if ver != "0" and key(p["V"]) < key(ver):
                out.setdefault((vid, p["P"]), set()).add(p["V"])
    return out, unchecked
def supplier(m):
    return re.sub(r"\s*<[^>]*>\s*$", "", m) if m else None
a, b = packages(sys.argv[1]), packages(sys.argv[2])
lines = []
for name in sorted({p["P"] for p in a} | {p["P"] for p in b}):
    A = sorted((p for p in a if p["P"] == name), key=lambda p: p["V"])
    B = sorted((p for p in b if p["P"] == name), key=lambda p: p["V"])
    paired = set()
    # 1. equal version strings
    for x in A:
        y = next((y for y in B if id(y) not in paired and y["V"] == x["V"]), None)
        if y is None:
            continue
        paired |= {id(x), id(y)}
        lines.append(f"unchanged\t{name}\t{x['V']}")
        if x.get("L") != y.get("L"):
            lines.append(f"licence\t{name}\t{x['V']}\t{x.get('L')}\t{y.get('L')}")
        if supplier(x.get("m")) != supplier(y.get("m")):
            lines.append(f"supplier\t{name}\t{x['V']}\t{supplier(x.get('m'))}\t{supplier(y.get('m'))}")
    # 2. ordered: each new version with the nearest old one below, then above
    order = sorted([(key(p["V"]), 0, p) for p in A if id(p) not in paired and key(p["V"]) is not None] +
                   [(key(p["V"]), 1, p) for p in B if id(p) not in paired and key(p["V"]) is not None],
                   key=lambda t: (t[0], t[1], t[2]["V"]))
    for seq, kind in ((order, "upgrade"), (order[::-1], "downgrade")):
        stack = []
        for k, side, p in seq:
            if id(p) in paired:
                continue
            if side == 0:
                stack.append(p)
            elif stack:
                old = stack.pop()
                paired |= {id(old), id(p)}
                lines.append(f"{kind if key(old['V']) != k else 'changed'}\t{name}\t{old['V']}\t{p['V']}")
    # 3. the rest in string order
    ra = [p for p in A if id(p) not in paired]
    rb = [p for p in B if id(p) not in paired]
    for x, y in zip(ra, rb):
        lines.append(f"changed\t{name}\t{x['V']}\t{y['V']}")
    lines += [f"removed\t{name}\t{x['V']}" for x in ra[len(rb):]]
    lines += [f"added\t{name}\t{y['V']}" for y in rb[len(ra):]]
fa, _ = findings(sys.argv[1], a)
fb, unchecked_b = findings(sys.argv[2], b)
for vid, p in sorted(set(fb) - set(fa)):
    lines.append(f"introduced\t{vid}\t{p}\t{','.join(sorted(fb[(vid, p)]))}")
for vid, p in sorted(set(fa) - set(fb)):
    lines.append(f"{'not-checked' if p in unchecked_b else 'fixed'}\t{vid}\t{p}\t{','.join(sorted(fa[(vid, p)]))}")
print("\n".join(sorted(lines)))
PY
}

# as_lines JSON: vigil's diff in the reference's lines.
as_lines() {
    jq -r '(.summary.unchanged | tostring | "unchanged-count\t" + .),
           (.added[] | "added\t\(.name)\t\(.version)"),
           (.removed[] | "removed\t\(.name)\t\(.version)"),
           (.changed[] | "\(.direction)\t\(.name)\t\(.from_version)\t\(.to_version)"),
           (.license_changes[] | "licence\t\(.name)\t\(.version)\t\(.from)\t\(.to)"),
           (.supplier_changes[] | "supplier\t\(.name)\t\(.version)\t\(.from)\t\(.to)"),
           (.vulnerabilities.introduced[] | "introduced\t\(.id)\t\(.name)\t\(.versions | join(","))"),
           (.vulnerabilities.fixed[] | "fixed\t\(.id)\t\(.name)\t\(.versions | join(","))"),
           (.vulnerabilities.not_checked[] | "not-checked\t\(.id)\t\(.name)\t\(.versions | join(","))")' "$1" |
        LC_ALL=C sort
}
# expected A B: the reference's lines, unchanged ones as a count.
expected() {
    reference "${roots[$1 - 1]}" "${roots[$2 - 1]}" >"$T/ref.raw" || fail "reference $1 $2"
    { printf 'unchanged-count\t%s\n' "$(grep -c '^unchanged	' "$T/ref.raw" || true)"; grep -v '^unchanged	' "$T/ref.raw" || true; } |
        LC_ALL=C sort
}

# run_store URL: every snapshot added to the store at URL, and each diff
# checked against the reference; the JSON answers are kept in $T/out-NAME.
run_store() {
    local url=$1 name=$2 i
    export VIGIL_STORE=$url
    for i in 1 2 3 4 5 6; do
        # @3 and @6 hold versions apk cannot order: their components are
        # not checked, hence --allow-unchecked
        expect_status 0 $VIGIL inventory add "${roots[$i - 1]}" --asset alpine --version "${labels[$i - 1]}" \
            --db "$T/db.sqlite" --allow-unchecked -o json
        cp "$TMP/stdout" "$T/add-$name-$i.json"
    done
    # The diffs, against the reference.
    for pair in "1 2" "2 3" "3 4" "4 5" "5 1" "3 2" "3 6" "2 4"; do
        set -- $pair
        expect_status 0 $VIGIL inventory diff alpine "$1" "$2" -o json="$T/out-$name-$1-$2.json"
        as_lines "$T/out-$name-$1-$2.json" >"$T/vigil.txt"
        expected "$1" "$2" >"$T/expected.txt"
        same_lines "$T/vigil.txt" "$T/expected.txt" "$name: diff alpine $1 $2"
        [ "$(jq -r '.from.snapshot, .to.snapshot, .asset' "$T/out-$name-$1-$2.json" | paste -sd' ')" = "$1 $2 alpine" ] ||
            fail "$name: diff $1 $2 names the wrong snapshots"
    done
    # What each add printed is the diff with the snapshot before it.
    for i in 2 3 4 5 6; do
        jq -S .changes "$T/add-$name-$i.json" >"$T/changes.json"
        expect_status 0 $VIGIL inventory diff alpine $((i - 1)) "$i" -o json
        jq -S 'del(.asset)' "$TMP/stdout" >"$T/diff.json"
        cmp -s "$T/changes.json" "$T/diff.json" || { diff "$T/changes.json" "$T/diff.json" | head -20 >&2; fail "$name: add @$i changes"; }
    done
    [ "$(jq .changes "$T/add-$name-1.json")" = null ] || fail "$name: the first snapshot has changes"
    # Defaults: TO is the latest, FROM the snapshot before TO; refs by label.
    expect_status 0 $VIGIL inventory diff alpine -o json
    [ "$(jq -r '"\(.from.snapshot) \(.to.snapshot)"' "$TMP/stdout")" = "5 6" ] || fail "$name: default snapshots"
    expect_status 0 $VIGIL inventory diff alpine 3 -o json
    [ "$(jq -r '"\(.from.snapshot) \(.to.snapshot)"' "$TMP/stdout")" = "3 6" ] || fail "$name: FROM alone"
    expect_status 0 $VIGIL inventory diff alpine 3.10.9 3.11.13 -o json
    jq -S 'del(.from.created, .to.created)' "$TMP/stdout" >"$T/a.json"
    jq -S 'del(.from.created, .to.created)' "$T/out-$name-1-2.json" >"$T/b.json"
    cmp -s "$T/a.json" "$T/b.json" || fail "$name: refs by label give another diff"
    # The gate: any drift, or only new vulnerabilities.
    expect_status 5 $VIGIL inventory diff alpine 2 3 --fail-on-drift
    expect_stderr 'fail-on-drift: alpine changed between @2 and @3'
    expect_status 5 $VIGIL inventory diff alpine 2 3 --fail-on-drift=vulns
    expect_status 5 $VIGIL inventory diff alpine 3 4 --fail-on-drift
    expect_status 0 $VIGIL inventory diff alpine 3 4 --fail-on-drift=vulns -o json
    [ "$(jq '.summary.vulnerabilities_fixed > 0 and .summary.vulnerabilities_introduced == 0' "$TMP/stdout")" = true ] ||
        fail "$name: 3 -> 4 should only fix vulnerabilities"
    expect_status 0 $VIGIL inventory diff alpine 2 4 --fail-on-drift -o json
    [ "$(jq -c '[.drift, .summary.unchanged, ([.summary[]] | add)]' "$TMP/stdout")" = "[false,14,14]" ] ||
        fail "$name: the same root twice is not 14 unchanged components and nothing else"
    # The table says the same as the JSON.
    expect_status 0 $VIGIL inventory diff alpine 2 3
    grep -Eq '^downgrade +musl +1\.1\.24-r3 +1\.1\.23-r1$' "$TMP/stdout" || { cat "$TMP/stdout" >&2; fail "$name: table row"; }
    grep -Eq '^introduced +musl +1\.1\.23-r1 +CVE-2019-14697 unknown$' "$TMP/stdout" || fail "$name: table vulnerability row"
    grep -Eq '^licence +alpine-keys@2\.1-r2 +MIT +ISC$' "$TMP/stdout" || fail "$name: table licence row"
    # Errors: a clear message and the documented status.
    expect_status 1 $VIGIL inventory diff nosuch
    expect_stderr 'no asset named nosuch'
    expect_status 1 $VIGIL inventory diff alpine 9 1
    expect_stderr 'asset alpine has no snapshot 9'
    expect_status 2 $VIGIL inventory diff alpine 1 2 --fail-on-drift=licences
    expect_status 2 $VIGIL inventory diff alpine 1 2 -o sarif
    expect_status 2 $VIGIL inventory diff
    expect_status 0 $VIGIL inventory add "${roots[0]}" --asset single --db "$T/db.sqlite" -o json
    expect_status 1 $VIGIL inventory diff single
    expect_stderr 'asset single has no snapshot before its latest: nothing to compare'
}

# The reference itself must see what the crafted roots were made for.
expected 2 3 >"$T/expected.txt"
for line in 'introduced	CVE-2019-14697	musl	1.1.23-r1' 'introduced	CVE-2019-1551	libssl1.1	1.1.1d-r2' \
            'removed	scanelf	1.2.4-r0' 'added	ssl_client	1.30.1-r5' 'changed	zlib	1.2.11-r3	x1.2.11-r3' \
            'downgrade	musl	1.1.24-r3	1.1.23-r1' 'licence	alpine-keys	2.1-r2	MIT	ISC' \
            'supplier	alpine-keys	2.1-r2	Natanael Copa	Test Maintainer'; do
    grep -qxF "$line" "$T/expected.txt" || fail "reference 2 -> 3 lacks '$line'"
done
expected 3 6 >"$T/expected.txt"
grep -qxF 'not-checked	CVE-2019-14697	musl	1.1.23-r1' "$T/expected.txt" || fail "reference 3 -> 6: musl not checked"

run_store "sqlite:$T/store.sqlite" sqlite

# PostgreSQL: a real server of its own (tests/e2e/pg.sh).
source "$(dirname "$0")/pg.sh"
pg_start
run_store "$PG_URL" pg
for f in "$T"/out-sqlite-*.json; do
    p=${f/out-sqlite-/out-pg-}
    jq -S 'del(.from.created, .to.created)' "$f" >"$T/a.json"
    jq -S 'del(.from.created, .to.created)' "$p" >"$T/b.json"
    cmp -s "$T/a.json" "$T/b.json" || { diff "$T/a.json" "$T/b.json" | head -20 >&2; fail "SQLite and PostgreSQL differ: ${f##*/}"; }
done
echo "ok: 8 diffs of 6 Alpine snapshots match the installed-db reference on SQLite and PostgreSQL; gates; errors"

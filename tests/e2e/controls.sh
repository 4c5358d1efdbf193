#!/bin/bash
# controls.sh — `vigil controls` on the real catalogue (policy/catalogue.json)
# against controls_ref.py, which reads the file on its own: the tree in
# document order with parents, depths and leaf counts, the counts per
# framework, --framework, and --coverage over packs written here (the
# rules' requirement lists are the test's own, so the reference knows
# them without running Lua); the JSON against docs/controls.schema.json
# with ajv; rules naming unknown requirements and broken catalogues
# (through VIGIL_POLICY_DIR) refused with the file and the problem named;
# the installed vigil reading the installed data.
. "$(dirname "$0")/lib.sh"
need_cmd python3
need_cmd jq

CAT=$VIGIL_SRC/policy/catalogue.json
REF=$VIGIL_SRC/tests/e2e/controls_ref.py
unset VIGIL_POLICY_DIR COLUMNS

# compare_ref VIGIL_JSON REF_JSON WHAT: the requirements and summary of
# vigil's document equal the reference's.
compare_ref() {
    jq -S '{requirements, summary}' "$1" >"$TMP/got.json"
    jq -S . "$2" >"$TMP/want.json"
    [ "$(jq '.requirements | length' "$TMP/want.json")" -gt 0 ] || fail "$3: the reference lists nothing"
    diff "$TMP/want.json" "$TMP/got.json" >"$TMP/diff" || { head -40 "$TMP/diff" >&2; fail "$3: vigil differs from controls_ref.py (< reference, > vigil)"; }
}

# ---- the whole tree -------------------------------------------------------------
"$VIGIL" controls -o json="$TMP/all.json" -o table="$TMP/all.txt"
python3 "$REF" "$CAT" all >"$TMP/all.ref"
compare_ref "$TMP/all.json" "$TMP/all.ref" "the whole catalogue"
validate vigil-controls "$TMP/all.json"
# The figures the catalogue's notes give, so that the reference cannot
# drift with a broken file: 12 nis2 entries (11 numbered), 219 annex
# entries (161 numbered), 23 CRA entries (22 numbered).
[ "$(jq -c '.summary.frameworks' "$TMP/all.json")" = \
  '{"cra":{"leaves":22,"requirements":23},"ir2024-2690":{"leaves":161,"requirements":219},"nis2":{"leaves":11,"requirements":12}}' ] ||
    fail "counts per framework: $(jq -c '.summary.frameworks' "$TMP/all.json")"
[ "$(jq -r '.catalogue.version' "$TMP/all.json")" = "$(jq -r .version "$CAT")" ] || fail "catalogue version"
[ "$(jq -r '.catalogue.sha256' "$TMP/all.json")" = "$(sha256sum "$CAT" | cut -d' ' -f1)" ] || fail "catalogue sha256"
[ "$(jq -c '[.sources[].celex]' "$TMP/all.json")" = '["32022L2555","32024R2690","32024R2847"]' ] || fail "sources"

# The table: one row per requirement in document order, indented two
# spaces per level, with its ref and title; then the counts.
python3 - "$TMP/all.txt" "$TMP/all.ref" <<'PY' || fail "table of the whole catalogue"
import json, re, sys
lines = open(sys.argv[1]).read().split("\n")
want = json.load(open(sys.argv[2]))["requirements"]
assert lines[0].split() == ["REQUIREMENT", "REF", "TITLE"], lines[0]
rows = lines[1:1 + len(want)]
for row, w in zip(rows, want):
    m = re.match(r"^( *)(\S+) +(.+?)  +(.*)$", row)
    assert m, row
    assert len(m.group(1)) == 2 * w["depth"], (row, w["depth"])
    assert m.group(2) == w["id"] and m.group(3) == w["ref"] and m.group(4) == w["title"], (row, w)
assert lines[1 + len(want)] == "", lines[1 + len(want)]
total = sum(1 for w in want)
leaves = sum(1 for w in want if "leaves" not in w)
tail = lines[2 + len(want)]
assert re.match(r"^catalogue [0-9.]+ \(.*catalogue\.json\): %d requirements, %d of them numbered$" % (total, leaves), tail), tail
PY

# COLUMNS (the width of a terminal, when piped) cuts the titles, never the
# ids or refs: every row fits, and a cut title ends in "...".
COLUMNS=100 "$VIGIL" controls >"$TMP/narrow.txt"
python3 - "$TMP/narrow.txt" "$TMP/all.ref" <<'PY' || fail "table at COLUMNS=100"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
want = json.load(open(sys.argv[2]))["requirements"]
cut = 0
for row, w in zip(lines[1:], want):
    assert len(row) <= 100, row
    title = row[row.index(w["ref"] + "  "):][len(w["ref"]):].strip()
    if title != w["title"]:
        assert title.endswith("...") and w["title"].startswith(title[:-3]), (title, w["title"])
        cut += 1
assert cut > 50, cut
PY

# ---- --framework ------------------------------------------------------------------
for fw in nis2 ir2024-2690 cra; do
    "$VIGIL" controls --framework "$fw" -o json="$TMP/$fw.json"
    python3 "$REF" "$CAT" "$fw" >"$TMP/$fw.ref"
    compare_ref "$TMP/$fw.json" "$TMP/$fw.ref" "--framework $fw"
    [ "$(jq -r '[.requirements[].framework] | unique | join(",")' "$TMP/$fw.json")" = "$fw" ] || fail "--framework $fw shows others"
    [ "$(jq -r '[.sources[].framework] | join(",")' "$TMP/$fw.json")" = "$fw" ] || fail "--framework $fw: sources"
    validate vigil-controls "$TMP/$fw.json"
done
"$VIGIL" controls --framework cra --framework nis2 -o json="$TMP/two.json"
python3 "$REF" "$CAT" nis2,cra >"$TMP/two.ref"
compare_ref "$TMP/two.json" "$TMP/two.ref" "--framework cra --framework nis2"
[ "$(jq -c .frameworks "$TMP/two.json")" = '["nis2","cra"]' ] || fail "frameworks in document order"

# ---- --coverage -------------------------------------------------------------------
# Two packs.  kev names one leaf of each framework; mfa an annex entry that
# implements Art. 21(2)(i) and (j); inventory a subsection (listed, counts
# for no leaf) and a leaf; sbom, in the second pack, a CRA Part II point.
mkdir -p "$TMP/packs/first" "$TMP/packs/second"
rule() { # rule DIR FILE ID REQ...
    local dir=$1 file=$2 id=$3 reqs
    shift 3
    reqs=$(printf '"%s", ' "$@")
    printf 'rule = { id = "%s", title = "%s", severity = "high",\n  requirements = { %s },\n  evidence = { "scan" } }\nfunction check(evidence) return {} end\n' \
        "$id" "$id" "${reqs%, }" >"$TMP/packs/$dir/$file"
}
rule first 10-kev.lua kev nis2:21.2.e ir2024-2690:6.10.2 cra:I.2.a
rule first 20-mfa.lua mfa ir2024-2690:11.7.1
rule first 30-inventory.lua inventory ir2024-2690:12.4 ir2024-2690:12.4.1
rule second sbom.lua sbom cra:II.1 ir2024-2690:6.10.2
cat >"$TMP/decl.json" <<'EOF'
[{"id": "kev", "requirements": ["nis2:21.2.e", "ir2024-2690:6.10.2", "cra:I.2.a"]},
 {"id": "mfa", "requirements": ["ir2024-2690:11.7.1"]},
 {"id": "inventory", "requirements": ["ir2024-2690:12.4", "ir2024-2690:12.4.1"]},
 {"id": "sbom", "requirements": ["cra:II.1", "ir2024-2690:6.10.2"]}]
EOF
"$VIGIL" controls --coverage "$TMP/packs/first" --coverage "$TMP/packs/second/" -o json="$TMP/cov.json" -o table="$TMP/cov.txt"
python3 "$REF" "$CAT" all "$TMP/decl.json" >"$TMP/cov.ref"
compare_ref "$TMP/cov.json" "$TMP/cov.ref" "--coverage"
validate vigil-controls "$TMP/cov.json"
[ "$(jq -c '[.packs[] | [.name, .rules]]' "$TMP/cov.json")" = '[["first",3],["second",1]]' ] || fail "packs: $(jq -c .packs "$TMP/cov.json")"
[ "$(jq -c '[.rules[] | [.id, .pack, (.file | sub(".*/"; ""))]]' "$TMP/cov.json")" = \
  '[["kev","first","10-kev.lua"],["mfa","first","20-mfa.lua"],["inventory","first","30-inventory.lua"],["sbom","second","sbom.lua"]]' ] ||
    fail "rules: $(jq -c .rules "$TMP/cov.json")"
# By hand, for the reference's own sake: nis2 (e) directly, (i) and (j)
# through 11.7.1 and 12.4.1 (asset management is (i)); the annex 6.10.2,
# 11.7.1, 12.4.1; CRA I.2.a and II.1: 8 of 194.
[ "$(jq '.summary.covered' "$TMP/cov.json")" = 8 ] || fail "covered: $(jq -c .summary "$TMP/cov.json")"
[ "$(jq -c '[.requirements[] | select(.covered) | .id]' "$TMP/cov.json")" = \
  '["nis2:21.2.e","nis2:21.2.i","nis2:21.2.j","ir2024-2690:6.10.2","ir2024-2690:11.7.1","ir2024-2690:12.4.1","cra:I.2.a","cra:II.1"]' ] ||
    fail "covered leaves: $(jq -c '[.requirements[] | select(.covered) | .id]' "$TMP/cov.json")"
[ "$(jq -c '.requirements[] | select(.id == "ir2024-2690:12.4") | [.rules, .covered_leaves, .leaves]' "$TMP/cov.json")" = '[["inventory"],1,3]' ] ||
    fail "a rule naming a subsection is listed there and covers none of its leaves"
[ "$(jq -c '.requirements[] | select(.id == "ir2024-2690:6.10.2") | .rules' "$TMP/cov.json")" = '["kev","sbom"]' ] || fail "rules sorted"

# The table marks every row: yes or NO for a numbered requirement,
# covered/leaves for a parent; the rules below a covered row; the summary.
python3 - "$TMP/cov.txt" "$TMP/cov.ref" <<'PY' || fail "coverage table"
import json, re, sys
lines = open(sys.argv[1]).read().split("\n")
ref = json.load(open(sys.argv[2]))
assert lines[0].split() == ["COVER", "REQUIREMENT", "REF", "TITLE"], lines[0]
i = 1
for w in ref["requirements"]:
    row = lines[i]
    i += 1
    mark = row.split()[0]
    want = ("yes" if w["covered"] else "NO") if "covered" in w else "%d/%d" % (w["covered_leaves"], w["leaves"])
    assert mark == want and row.split()[1] == w["id"], (row, want)
    parts = []
    if w["rules"]:
        parts.append("rules: " + ", ".join(w["rules"]))
    if w.get("via_annex"):
        parts.append("through the annex: " + ", ".join(w["via_annex"]))
    if parts:
        assert lines[i].strip() == "; ".join(parts), (lines[i], parts)
        i += 1
s = ref["summary"]
per = ", ".join("%s %d of %d" % (f, s["frameworks"][f]["covered"], s["frameworks"][f]["leaves"])
                for f in ("nis2", "ir2024-2690", "cra"))
want = "%d of %d numbered requirements covered (%s) by 4 rules" % (s["covered"], s["leaves"], per)
assert lines[i] == "" and lines[i + 1] == want, (lines[i + 1], want)
PY

# Coverage with --framework: the annex rules still reach the NIS2 points.
"$VIGIL" controls --framework nis2 --coverage "$TMP/packs/first" -o json="$TMP/cov-nis2.json"
head -3 "$TMP/decl.json" | sed '$ s/,$/]/' >"$TMP/decl-first.json"
python3 "$REF" "$CAT" nis2 "$TMP/decl-first.json" >"$TMP/cov-nis2.ref"
compare_ref "$TMP/cov-nis2.json" "$TMP/cov-nis2.ref" "--framework nis2 --coverage"
[ "$(jq -c '.requirements[] | select(.id == "nis2:21.2.j") | [.covered, .via_annex]' "$TMP/cov-nis2.json")" = '[true,["mfa"]]' ] ||
    fail "nis2:21.2.j through the annex"
validate vigil-controls "$TMP/cov-nis2.json"

# The schema check can fail: a coverage document without its summary count.
if have_validator; then
    jq 'del(.summary.covered)' "$TMP/cov.json" >"$TMP/bad.json"
    if node "$VIGIL_SRC/tests/tools/validate.mjs" vigil-controls "$TMP/bad.json" 2>/dev/null; then
        fail "the schema accepts a coverage document without summary.covered"
    fi
fi

# ---- refused packs: the file named, nothing written -----------------------
refused() { # refused STATUS PATTERN ARGS...: no output file, stderr matches
    local want=$1 pattern=$2
    shift 2
    rm -f "$TMP/out.json"
    expect_status "$want" "$VIGIL" controls -o json="$TMP/out.json" "$@"
    expect_stderr "$pattern"
    [ ! -e "$TMP/out.json" ] || fail "'$*' wrote its output"
}
mkdir "$TMP/packs/unknown"
rule unknown bad.lua typo nis2:21.2.e ir2024-2690:6.10.9
refused 1 "^vigil: $TMP/packs/unknown/bad.lua: rule typo names requirement \"ir2024-2690:6.10.9\", which is not in the control catalogue" \
    --coverage "$TMP/packs/unknown"
mkdir "$TMP/packs/twice"
rule twice kev.lua kev cra:II.2
# as for `vigil policy` (the engine's pack loader), two rules of one id are a usage error
refused 2 "$TMP/packs/twice/kev.lua: rule id kev is also the id of $TMP/packs/first/10-kev.lua" \
    --coverage "$TMP/packs/first" --coverage "$TMP/packs/twice"
mkdir "$TMP/packs/syntax"
printf 'rule = { id = "x", requirements = { "cra:II.2" }\n' >"$TMP/packs/syntax/x.lua"
refused 1 "$TMP/packs/syntax/x.lua" --coverage "$TMP/packs/syntax"
mkdir "$TMP/packs/norule"
printf 'function check() return {} end\n' >"$TMP/packs/norule/x.lua"
refused 1 "$TMP/packs/norule/x.lua: the rule file defines no table .rule." --coverage "$TMP/packs/norule"
mkdir "$TMP/packs/empty"
refused 1 "$TMP/packs/empty: the pack has no rule files" --coverage "$TMP/packs/empty"
refused 2 "nosuchpack: no built-in pack of that name in $VIGIL_SRC/policy" --coverage nosuchpack
refused 2 "Bad: not a pack name" --coverage Bad
refused 2 "--framework iso27001: expected nis2, ir2024-2690 or cra" --framework iso27001
refused 2 "unknown output format 'yaml'" -o yaml
refused 2 "controls takes no arguments" extra

# ---- broken catalogues, through VIGIL_POLICY_DIR ----------------------------------
# broken NAME PYTHON PATTERN: the catalogue changed by PYTHON (c is the
# document) is refused with exit 1 and a message matching PATTERN.
broken() {
    mkdir -p "$TMP/cat/$1"
    python3 - "$CAT" "$TMP/cat/$1/catalogue.json" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
r = c["requirements"]
def find(i):
    return next(e for e in r if e["id"] == i)
exec(sys.argv[3])
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
    VIGIL_POLICY_DIR=$TMP/cat/$1 expect_status 1 "$VIGIL" controls
    expect_stderr "^vigil: $TMP/cat/$1/catalogue.json: $3"
}
broken duplicate 'r.insert(5, dict(r[3]))' 'requirement nis2:21.2.c: a second requirement with this id'
broken orphan 'find("ir2024-2690:6.10.2")["parent"] = "ir2024-2690:6.11"' \
    'requirement ir2024-2690:6.10.2: parent "ir2024-2690:6.11" is not an earlier requirement'
broken late-parent 'r.append(r.pop(r.index(find("cra:I.2"))))' 'requirement cra:I.2.a: parent "cra:I.2" is not an earlier requirement'
broken framework 'find("cra:II.8")["framework"] = "dora"' 'requirement 254: unknown framework "dora"'
broken id-prefix 'find("cra:II.8")["id"] = "nis2:II.8"' 'requirement 254: "id" must be cra:NUMBER'
broken version 'c["version"] = "2026.13.1"' '"version" must be YYYY.MM.N'
broken member 'find("nis2:21.3")["note"] = "x"' 'requirement 12: unknown member "note"'
broken union 'find("ir2024-2690:11.7")["nis2"] = ["nis2:21.2.i"]' \
    'requirement ir2024-2690:11.7: "nis2" lacks nis2:21.2.j, which its child ir2024-2690:11.7.1 names'
broken nis2-missing 'del find("ir2024-2690:9.1")["nis2"]' 'requirement ir2024-2690:9.1: "nis2" must list'
broken nis2-unknown 'find("ir2024-2690:9.1")["nis2"] = ["nis2:21.2.z"]; find("ir2024-2690:9")["nis2"] = ["nis2:21.2.z"]' \
    'requirement ir2024-2690:9: "nis2" names "nis2:21.2.z", which is not a nis2 requirement'
broken title 'find("cra:I.1")["title"] = "x" * 161' 'requirement cra:I.1: "title" must be a non-empty string of at most 160 characters'
broken escape 'find("cra:I.1")["title"] = "red \u001b[31m"' 'requirement cra:I.1: "title" must be'
broken source 'c["sources"].pop()' 'requirement 232: framework cra has no entry in "sources"'
printf '{"catalogue": "vigil-controls", "version": "2026.12.1", "catalogue": 1}' >"$TMP/cat/dupkey.json"
mkdir "$TMP/cat/dupkey" && mv "$TMP/cat/dupkey.json" "$TMP/cat/dupkey/catalogue.json"
VIGIL_POLICY_DIR=$TMP/cat/dupkey expect_status 1 "$VIGIL" controls
expect_stderr "catalogue.json: not a valid JSON document .*duplicate object key"
mkdir "$TMP/cat/none"
VIGIL_POLICY_DIR=$TMP/cat/none expect_status 1 "$VIGIL" controls
expect_stderr "^vigil: $TMP/cat/none/catalogue.json: no control catalogue there"

# An unchanged copy is read from VIGIL_POLICY_DIR: the same document, but
# for its path.
mkdir "$TMP/cat/copy" && cp "$CAT" "$TMP/cat/copy/"
VIGIL_POLICY_DIR=$TMP/cat/copy "$VIGIL" controls -o json="$TMP/copy.json"
[ "$(jq -r .catalogue.path "$TMP/copy.json")" = "$TMP/cat/copy/catalogue.json" ] || fail "VIGIL_POLICY_DIR not used"
diff <(jq 'del(.catalogue.path)' "$TMP/all.json") <(jq 'del(.catalogue.path)' "$TMP/copy.json") >/dev/null ||
    fail "the copy in VIGIL_POLICY_DIR reads differently"
# A built-in pack is a directory of VIGIL_POLICY_DIR.
cp -r "$TMP/packs/first" "$TMP/cat/copy/mine"
VIGIL_POLICY_DIR=$TMP/cat/copy "$VIGIL" controls --coverage mine -o json="$TMP/builtin.json"
[ "$(jq -c '[.packs[] | [.name, .path, .rules]]' "$TMP/builtin.json")" = "[[\"mine\",\"$TMP/cat/copy/mine\",3]]" ] ||
    fail "built-in pack: $(jq -c .packs "$TMP/builtin.json")"

# ---- the installed vigil reads the installed data ---------------------------------
"$VIGIL" controls --help >"$TMP/help.txt"
grep -qx "  $VIGIL_SRC/policy" "$TMP/help.txt" || fail "the build tree's vigil does not read $VIGIL_SRC/policy"
if [ -n "${VIGIL_BUILD:-}" ] && have_cmd cmake "the installed vigil (cmake --install)"; then
    DESTDIR=$TMP/root cmake --install "$VIGIL_BUILD" >"$TMP/install.log"
    installed=$(find "$TMP/root" -path '*/bin/vigil' -type f)
    [ -x "$installed" ] || fail "cmake --install installed no bin/vigil"
    datadir=$(env -u VIGIL_POLICY_DIR "$installed" controls --help | sed -n '/^Here DIR is:$/{n;s/^  //;p}')
    case $datadir in
        /*/share/vigil/policy) ;;
        *) fail "the installed vigil's data directory is '$datadir'" ;;
    esac
    diff -r "$VIGIL_SRC/policy" "$TMP/root$datadir" || fail "the installed policy data differs from policy/"
    if [ ! -e "$datadir/catalogue.json" ]; then
        expect_status 1 env -u VIGIL_POLICY_DIR "$installed" controls
        expect_stderr "^vigil: $datadir/catalogue.json: no control catalogue there"
    fi
    VIGIL_POLICY_DIR=$TMP/root$datadir "$installed" controls -o json="$TMP/installed.json"
    diff <(jq 'del(.catalogue.path)' "$TMP/all.json") <(jq 'del(.catalogue.path)' "$TMP/installed.json") >/dev/null ||
        fail "the installed vigil reads the installed catalogue differently"
else
    skip_part "the installed vigil (VIGIL_BUILD is not set)"
fi
echo "ok: controls"

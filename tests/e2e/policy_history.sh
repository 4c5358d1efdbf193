# policy_history.sh — `vigil policy eval --scope` keeps each run in the
# store and `vigil policy history` gives back the trend of each
# requirement, since when its status holds, the results that changed from
# run to run and the kept documents byte for byte; on SQLite and on a real
# PostgreSQL, the same story and the same expected answers.
#
# The evidence is real and changes between runs: `vigil scan` of the Alpine
# 3.10.9 minirootfs with musl lowered below its fix of CVE-2019-14697
# (../shared), matched against the real v3.10 secdb with the real CISA KEV
# catalog (the finding is not in KEV), then with that catalog plus one
# made-up entry listing CVE-2019-14697 (a KEV finding appears), then the
# minirootfs as shipped (fixed).  A rule pack written here reads the scans;
# --now moves time: the KEV finding appears, is waived, the waiver expires,
# the scan grows old, the finding is fixed.  Every expected answer below is
# written by hand from that story.
#
# Also: a run that fails (status 1) is not kept; the exported document is
# the run's `-o json` byte for byte (cmp); a document altered in the store
# is refused (exit 4); documents of another version, not results, or
# altered (fingerprint, summary) are refused whole (exit 1, nothing kept);
# an unknown scope, run or requirement exits 1, a bad scope name or --last
# 2; kill -9 of the write of a 40 000-result run, at random moments and
# inside its transaction (SQLite: while it holds the write lock; PostgreSQL:
# while it waits on a lock on each table of a run), leaves the store as it
# was or with the whole run, and no row of a killed one.  The seed of the moments is
# printed ($VIGIL_TEST_SEED replays them).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
source "$(dirname "$0")/store_lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_cmd jq
need_cmd python3
pg_start

T=$TMP
V=$VIGIL_SHARED/vulndata

# ---- the evidence -------------------------------------------------------------
mkdir -p "$T/vulnerable" "$T/fixed" "$T/pack"
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$T/vulnerable"
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$T/fixed"
grep -q '^V:1.1.22-r4$' "$T/vulnerable/lib/apk/db/installed" || fail "fixture changed: musl is not 1.1.22-r4"
sed -i 's/^V:1.1.22-r4$/V:1.1.22-r2/' "$T/vulnerable/lib/apk/db/installed"
python3 - "$V/kev/known_exploited_vulnerabilities.json" "$T/kev-plus.json" <<'PY'
import copy, json, sys
kev = json.load(open(sys.argv[1]))
assert not any(v["cveID"] == "CVE-2019-14697" for v in kev["vulnerabilities"]), "CVE-2019-14697 is in KEV now"
entry = copy.deepcopy(kev["vulnerabilities"][0])
entry.update(cveID="CVE-2019-14697", vendorProject="musl-libc", product="musl", dateAdded="2026-10-30",
             dueDate="2026-11-20", vulnerabilityName="musl libc x87 floating-point stack adjustment imbalance")
kev["vulnerabilities"].append(entry)
kev["count"] = len(kev["vulnerabilities"])
json.dump(kev, open(sys.argv[2], "w"))
PY
for db in plain:"$V/kev/known_exploited_vulnerabilities.json" kev:"$T/kev-plus.json"; do
    $VIGIL db build --from "$V/alpine-secdb/v3.10/main.json" --from "${db#*:}" --db "$T/db-${db%%:*}.sqlite" \
        >/dev/null 2>"$T/err" || { cat "$T/err" >&2; fail "db build ${db%%:*}"; }
done
# scan TARGET DB WHEN OUT
scan() {
    SOURCE_DATE_EPOCH=$(date -ud "$3" +%s) $VIGIL scan "$T/$1" --db "$T/db-$2.sqlite" -o json="$T/$4" ||
        fail "scan $1 with $2"
}
scan vulnerable plain 2026-10-31T00:00:00Z scan-1.json
scan vulnerable kev 2026-11-02T00:00:00Z scan-2.json
scan fixed kev 2026-11-11T00:00:00Z scan-3.json
[ "$(jq -c '[.findings[] | [.id, .component.name, (.kev != null)]]' "$T/scan-1.json")" = \
  '[["CVE-2019-14697","musl",false],["CVE-2019-14697","musl-utils",false]]' ] || fail "scan-1: $(jq -c .findings "$T/scan-1.json")"
[ "$(jq -c '[.findings[] | [.id, .component.name, .kev.cve]]' "$T/scan-2.json")" = \
  '[["CVE-2019-14697","musl","CVE-2019-14697"],["CVE-2019-14697","musl-utils","CVE-2019-14697"]]' ] ||
    fail "scan-2 has not the KEV finding"
[ "$(jq '.findings | length' "$T/scan-3.json")" = 0 ] || fail "scan-3 has findings"

# ---- the rule pack -----------------------------------------------------------------
cat >"$T/pack/kev.lua" <<'EOF'
rule = {
  id = "kev-free", title = "No KEV-listed finding", severity = "critical",
  requirements = {"nis2:21.2.e", "ir2024-2690:6.10.2"}, evidence = {"scan"},
}
function check(evidence)
  local out = {}
  for _, doc in ipairs(evidence.scan) do
    for _, f in ipairs(doc.data.findings) do
      out[#out + 1] = {resource = "finding:" .. f.id .. ":" .. f.component.name,
                       status = f.kev ~= vigil.null and "fail" or "pass", message = f.id}
    end
  end
  if #out == 0 then out[1] = {resource = "scan", status = "pass", message = "no findings"} end
  return out
end
EOF
cat >"$T/pack/fresh.lua" <<'EOF'
rule = {
  id = "scan-fresh", title = "Scans are at most max_age_days old", severity = "medium",
  requirements = {"ir2024-2690:6.10.1"}, evidence = {"scan"}, params = {max_age_days = 7},
}
-- days since 1970-01-01 of the date that starts t (YYYY-MM-DD...)
local function days(t)
  local y, m, d = t:match("^(%d+)-(%d+)-(%d+)")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end
function check(evidence, params, run)
  local out = {}
  for _, doc in ipairs(evidence.scan) do
    local age = days(run.now) - days(doc.data.timestamp)
    out[#out + 1] = {resource = "scan", status = age <= params.max_age_days and "pass" or "fail",
                     message = age .. " days old"}
  end
  return out
end
EOF
cat >"$T/pack/named.lua" <<'EOF'
rule = {
  id = "components-named", title = "Every component has a purl", severity = "low",
  requirements = {"ir2024-2690:12.2.1"}, evidence = {"scan"},
}
function check(evidence)
  local out = {}
  for _, doc in ipairs(evidence.scan) do
    for _, c in ipairs(doc.data.components) do
      out[#out + 1] = {resource = "component:" .. c.name, status = c.purl ~= vigil.null and "pass" or "fail"}
    end
  end
  return out
end
EOF
cat >"$T/waivers.yaml" <<'EOF'
waivers:
  - rule: kev-free
    resource: "finding:CVE-2019-14697:*"
    justification: musl's x87 code is not reached on x86_64 (ticket SEC-7)
    owner: alice@example.com
    approver: ciso@example.com
    expires: 2026-11-05
EOF
cat >"$T/broken.lua" <<'EOF'
rule = {id = "broken", title = "t", severity = "low", requirements = {"nis2:21.2.e"}, evidence = {"scan"}}
function check(evidence) error("broken on purpose") end
EOF

# ---- the story, on one store ---------------------------------------------------------

# run STORE STATUS NOW SCAN OUT [OPTION...]: one eval kept under scope p/prod.
run() {
    local store=$1 status=$2 now=$3 scan=$4 out=$5
    shift 5
    VIGIL_STORE=$store expect_status "$status" $VIGIL policy eval --pack "$T/pack" --evidence scan="$T/$scan" \
        --now "$now" --scope p/prod -o json="$T/$out" "$@"
}
# history STORE OPTION...: vigil policy history on STORE, exit 0, output in $TMP/stdout.
history() {
    local store=$1
    shift
    expect_status 0 $VIGIL policy history --store "$store" "$@"
}
# trend_tsv: "id status since since_run trend" of each requirement of $TMP/stdout (JSON).
trend_tsv() {
    jq -r '.requirements[] | [.id, .status, .since, .since_run, (.trend | map(. // "-") | join(" "))] | @tsv' "$TMP/stdout"
}
# want FILE-ABOUT: $T/want (hand-written) equals $T/got.
want() { diff "$T/want" "$T/got" >&2 || fail "$1 differs from the hand-written answer (< want, > got)"; }

story() {
    local S=$1 name=$2
    rm -f "$T"/r*.json
    run "$S" 0 2026-11-01T00:00:00Z scan-1.json r1.json
    run "$S" 5 2026-11-02T00:00:00Z scan-2.json r2.json
    run "$S" 0 2026-11-03T00:00:00Z scan-2.json r3.json --waivers "$T/waivers.yaml"
    # A run that fails (a rule error: status 1) is written but not kept.
    history "$S" --scope p/prod -o json
    cp "$TMP/stdout" "$T/before-error.json"
    VIGIL_STORE=$S expect_status 1 $VIGIL policy eval --pack "$T/pack" --rule "$T/broken.lua" \
        --evidence scan="$T/scan-2.json" --now 2026-11-04T00:00:00Z --scope p/prod -o json="$T/error.json"
    [ "$(jq -r '.results[] | select(.rule == "broken") | .status' "$T/error.json")" = error ] ||
        fail "$name: the broken rule gave no error result"
    history "$S" --scope p/prod -o json
    cmp "$T/before-error.json" "$TMP/stdout" || fail "$name: a run that exited 1 was kept"
    run "$S" 5 2026-11-05T00:00:00Z scan-2.json r4.json --waivers "$T/waivers.yaml"
    [ "$(jq -r '[.results[] | select(.waiver_expired) | .resource] | join(" ")' "$T/r4.json")" = \
      "finding:CVE-2019-14697:musl finding:CVE-2019-14697:musl-utils" ] || fail "$name: the waiver did not expire"
    run "$S" 5 2026-11-10T00:00:00Z scan-2.json r5.json --waivers "$T/waivers.yaml"

    # The trend after five runs.
    history "$S" --scope p/prod -o json
    jq -r '.runs[] | [.run, .time, .summary.pass, .summary.fail, .summary.waived] | @tsv' "$TMP/stdout" >"$T/got"
    cat >"$T/want" <<'EOF'
1	2026-11-01T00:00:00Z	17	0	0
2	2026-11-02T00:00:00Z	15	2	0
3	2026-11-03T00:00:00Z	15	2	2
4	2026-11-05T00:00:00Z	15	2	0
5	2026-11-10T00:00:00Z	14	3	0
EOF
    want "$name: the runs"
    for i in 1 2 3 4 5; do
        [ "$(jq -r ".runs[$((i - 1))].document" "$TMP/stdout")" = "sha256:$(sha256sum <"$T/r$i.json" | cut -d' ' -f1)" ] ||
            fail "$name: run $i's document digest is not that of its -o json"
    done
    trend_tsv >"$T/got"
    cat >"$T/want" <<'EOF'
ir2024-2690:12.2.1	pass	2026-11-01T00:00:00Z	1	pass pass pass pass pass
ir2024-2690:6.10.1	fail	2026-11-10T00:00:00Z	5	pass pass pass pass fail
ir2024-2690:6.10.2	fail	2026-11-05T00:00:00Z	4	pass fail pass fail fail
nis2:21.2.e	fail	2026-11-05T00:00:00Z	4	pass fail pass fail fail
EOF
    want "$name: the trend of five runs"
    [ "$(jq -c '.requirements[] | select(.id == "nis2:21.2.e") | [.counts, .rules]' "$TMP/stdout")" = \
      '[{"error":0,"fail":2,"not_applicable":0,"pass":0,"skip":0,"waived":0},["kev-free"]]' ] ||
        fail "$name: counts and rules of nis2:21.2.e"
    # The table says the same.
    history "$S" --scope p/prod
    grep -E '^nis2:21.2.e +fail +2026-11-05T00:00:00Z \(run 4\) +pass fail pass fail fail$' "$TMP/stdout" >/dev/null ||
        { cat "$TMP/stdout" >&2; fail "$name: the table's line of nis2:21.2.e"; }
    # Since when looks past the window: the last two runs only.
    history "$S" --scope p/prod --last 2 -o json
    trend_tsv >"$T/got"
    cat >"$T/want" <<'EOF'
ir2024-2690:12.2.1	pass	2026-11-01T00:00:00Z	1	pass pass
ir2024-2690:6.10.1	fail	2026-11-10T00:00:00Z	5	pass fail
ir2024-2690:6.10.2	fail	2026-11-05T00:00:00Z	4	fail fail
nis2:21.2.e	fail	2026-11-05T00:00:00Z	4	fail fail
EOF
    want "$name: the trend of the last two runs"

    # One requirement: the results that changed, and those not passing now.
    history "$S" --scope p/prod --requirement nis2:21.2.e -o json
    jq -r '.changes[] | .run as $r | .previous as $p | .results[] |
           [$r, $p, .rule, .resource, (.from | if . then .status + (if .waived then "+waived" else "" end) else "-" end),
            (.to | if . then .status + (if .waived then "+waived" else "" end) else "-" end)] | @tsv' "$TMP/stdout" >"$T/got"
    cat >"$T/want" <<'EOF'
2	1	kev-free	finding:CVE-2019-14697:musl	pass	fail
2	1	kev-free	finding:CVE-2019-14697:musl-utils	pass	fail
3	2	kev-free	finding:CVE-2019-14697:musl	fail	fail+waived
3	2	kev-free	finding:CVE-2019-14697:musl-utils	fail	fail+waived
4	3	kev-free	finding:CVE-2019-14697:musl	fail+waived	fail
4	3	kev-free	finding:CVE-2019-14697:musl-utils	fail+waived	fail
EOF
    want "$name: the changes of nis2:21.2.e"
    jq -r '.results[] | [.rule, .resource, .status, .waived, .since, .since_run] | @tsv' "$TMP/stdout" >"$T/got"
    cat >"$T/want" <<'EOF'
kev-free	finding:CVE-2019-14697:musl	fail	false	2026-11-05T00:00:00Z	4
kev-free	finding:CVE-2019-14697:musl-utils	fail	false	2026-11-05T00:00:00Z	4
EOF
    want "$name: the results of nis2:21.2.e not passing now"
    local fp
    fp=$(printf 'kev-free\0finding:CVE-2019-14697:musl' | sha256sum | cut -d' ' -f1)
    [ "$(jq -r '.results[0].fingerprint' "$TMP/stdout")" = "$fp" ] || fail "$name: the fingerprint is not the run's"
    history "$S" --scope p/prod --requirement nis2:21.2.e
    grep -E '^3 +2 +kev-free +finding:CVE-2019-14697:musl +fail +fail \(waived\)$' "$TMP/stdout" >/dev/null ||
        { cat "$TMP/stdout" >&2; fail "$name: the table of changes"; }

    # Fixed: the findings go, the requirement passes again.
    run "$S" 0 2026-11-11T00:00:00Z scan-3.json r6.json --waivers "$T/waivers.yaml"
    history "$S" --scope p/prod --last 3 -o json
    trend_tsv >"$T/got"
    cat >"$T/want" <<'EOF'
ir2024-2690:12.2.1	pass	2026-11-01T00:00:00Z	1	pass pass pass
ir2024-2690:6.10.1	pass	2026-11-11T00:00:00Z	6	pass fail pass
ir2024-2690:6.10.2	pass	2026-11-11T00:00:00Z	6	fail fail pass
nis2:21.2.e	pass	2026-11-11T00:00:00Z	6	fail fail pass
EOF
    want "$name: the trend after the fix"
    history "$S" --scope p/prod --requirement ir2024-2690:6.10.2 --last 2 -o json
    jq -r '.changes[] | .results[] | [.resource, (.from.status // "-"), (.to.status // "-")] | @tsv' "$TMP/stdout" >"$T/got"
    printf '%s\t%s\t%s\n' finding:CVE-2019-14697:musl fail - finding:CVE-2019-14697:musl-utils fail - scan - pass >"$T/want"
    want "$name: the changes of the fix"
    [ "$(jq '.results | length' "$TMP/stdout")" = 0 ] || fail "$name: results not passing after the fix"

    # Another scope, with a run kept from a file whose time is earlier than
    # the scope's first: runs are ordered by their time, numbered as kept.
    VIGIL_STORE=$S expect_status 5 $VIGIL policy eval --pack "$T/pack" --evidence scan="$T/scan-2.json" \
        --now 2026-11-03T00:00:00Z --scope p/staging -o json="$T/s1.json"
    history "$S" --scope p/staging --import "$T/r1.json" -o json
    [ "$(jq -c '[.run, .time, .results, .requirements]' "$TMP/stdout")" = '[2,"2026-11-01T00:00:00Z",17,4]' ] ||
        fail "$name: import: $(cat "$TMP/stdout")"
    history "$S" --scope p/staging -o json
    jq -r '(.runs[] | [.run, .time] | @tsv), (.requirements[] | select(.id == "nis2:21.2.e") | [.since_run, (.trend | join(" "))] | @tsv)' \
        "$TMP/stdout" >"$T/got"
    printf '2\t2026-11-01T00:00:00Z\n1\t2026-11-03T00:00:00Z\n1\tpass fail\n' >"$T/want"
    want "$name: the order of the staging runs"
    # --store=URL names the store the run is kept in, whatever VIGIL_STORE
    # says (and adds the store's inventory to the evidence).
    VIGIL_STORE="sqlite:$T/elsewhere.sqlite" expect_status 5 $VIGIL policy eval --pack "$T/pack" \
        --evidence scan="$T/scan-2.json" --now 2026-11-04T00:00:00Z --store="$S" --scope p/store -o json="$T/st.json"
    [ ! -e "$T/elsewhere.sqlite" ] || fail "$name: the run went to VIGIL_STORE, not to --store's store"
    [ "$(jq -r '[.evidence[].kind] | join(" ")' "$T/st.json")" = "scan inventory" ] ||
        fail "$name: --store added no inventory: $(jq -c '[.evidence[].kind]' "$T/st.json")"
    history "$S" --scope p/store --export 1
    cmp "$TMP/stdout" "$T/st.json" || fail "$name: the run kept with --store= is not its document"
    history "$S" -o json
    jq -r '.[] | [.scope, .runs, .first, .latest] | @tsv' "$TMP/stdout" >"$T/got"
    cat >"$T/want" <<'EOF'
p/prod	6	2026-11-01T00:00:00Z	2026-11-11T00:00:00Z
p/staging	2	2026-11-01T00:00:00Z	2026-11-03T00:00:00Z
p/store	1	2026-11-04T00:00:00Z	2026-11-04T00:00:00Z
EOF
    want "$name: the scopes"

    # The kept documents, byte for byte.
    local i
    for i in 1 3 6; do
        history "$S" --scope p/prod --export "$i" -o json="$T/back.json"
        cmp "$T/back.json" "$T/r$i.json" || fail "$name: run $i exported is not its -o json"
    done
    history "$S" --scope p/prod --export latest
    cmp "$TMP/stdout" "$T/r6.json" || fail "$name: --export latest to standard output"
    history "$S" --scope p/staging --export 2 -o json="$T/back.json"
    cmp "$T/back.json" "$T/r1.json" || fail "$name: the imported document exported"
    echo "ok: $name: six runs kept, their trend, changes and documents as written by hand"
}

# ---- bad input ---------------------------------------------------------------------------

# refused STORE STATUS PATTERN CMD...: CMD exits STATUS saying PATTERN, and
# the store's policy history is as it was.
refused() {
    local S=$1 status=$2 pattern=$3
    shift 3
    history "$S" -o json
    cp "$TMP/stdout" "$T/state0"
    history "$S" --scope p/prod --last 1000 -o json
    cat "$TMP/stdout" >>"$T/state0"
    expect_status "$status" "$@"
    expect_stderr "$pattern"
    cp "$TMP/stderr" "$T/refused.err"
    history "$S" -o json
    cp "$TMP/stdout" "$T/state1"
    history "$S" --scope p/prod --last 1000 -o json
    cat "$TMP/stdout" >>"$T/state1"
    cmp "$T/state0" "$T/state1" || fail "'$*' changed the store"
    cp "$T/refused.err" "$TMP/stderr"
}

bad_input() {
    local S=$1 name=$2
    local imp="$VIGIL policy history --store $S --scope p/prod --import"
    jq '.["vigil-policy-results"] = 2' "$T/r1.json" >"$T/v2.json"
    refused "$S" 1 'v2.json: a results document of version 2; this vigil keeps version 1' $imp "$T/v2.json"
    refused "$S" 1 'scan-1.json: not a vigil policy results document' $imp "$T/scan-1.json"
    jq '.results[0].resource = "component:other"' "$T/r1.json" >"$T/fp.json"
    refused "$S" 1 'fp.json: result 1 \(components-named, component:other\): its fingerprint is not the SHA-256' \
        $imp "$T/fp.json"
    jq '.results[0].status = "fail"' "$T/r1.json" >"$T/sum.json"
    refused "$S" 1 'sum.json: the summary does not count its results \(pass: 16 results\)' $imp "$T/sum.json"
    jq '.results[1] = .results[0]' "$T/r1.json" >"$T/dup.json"
    refused "$S" 1 'dup.json: two results of rule components-named for resource component:alpine-baselayout' \
        $imp "$T/dup.json"
    jq '.requirements[0].status = "partial"' "$T/r1.json" >"$T/req.json"
    refused "$S" 1 'req.json: requirement ir2024-2690:6.10.1: status is not one of pass, fail, not_checked' \
        $imp "$T/req.json"
    head -c 100 "$T/r1.json" >"$T/cut.json"
    refused "$S" 1 'cut.json: not valid JSON \(line [0-9]+, column' $imp "$T/cut.json"
    refused "$S" 1 'no policy runs are kept for scope nope \(vigil policy history lists the scopes\)' \
        $VIGIL policy history --store "$S" --scope nope
    refused "$S" 1 'no policy runs are kept for scope nope' $VIGIL policy history --store "$S" --scope nope --export 1
    refused "$S" 1 'scope p/prod has no run 99 \(its runs are 1 to 6\)' \
        $VIGIL policy history --store "$S" --scope p/prod --export 99 -o json="$T/x.json"
    [ ! -e "$T/x.json" ] || fail "$name: --export of no run wrote a file"
    refused "$S" 1 'scope p/prod: no run of the last 6 holds requirement cra:I.1' \
        $VIGIL policy history --store "$S" --scope p/prod --requirement cra:I.1
    refused "$S" 2 'scope .*: a scope is 1 to 256 bytes of UTF-8 without control characters' \
        $VIGIL policy history --store "$S" --scope "$(printf 'a\tb')"
    refused "$S" 2 'scope .*: a scope is 1 to 256 bytes' env VIGIL_STORE="$S" $VIGIL policy eval --pack "$T/pack" \
        --evidence scan="$T/scan-1.json" --scope ""
    refused "$S" 2 '--last 0: expected a number from 1 to 1000' $VIGIL policy history --store "$S" --scope p/prod --last 0
    refused "$S" 2 'need --scope NAME' $VIGIL policy history --store "$S" --requirement nis2:21.2.e
    refused "$S" 2 'run .x.: give a run number' $VIGIL policy history --store "$S" --scope p/prod --export x
    echo "ok: $name: bad documents, scopes, runs and requirements refused with their statuses, nothing kept"
}

# prune_keeps STORE NAME: `inventory prune` deletes the SBOM of a deleted
# snapshot only when nothing else refers to it: here a document that is
# both a CycloneDX SBOM and a results document, stored by both.
prune_keeps() {
    local S=$1 name=$2
    jq -n '{bomFormat: "CycloneDX", specVersion: "1.6", version: 1,
            components: [{type: "library", name: "left-pad", version: "1.3.0", purl: "pkg:npm/left-pad@1.3.0"}],
            "vigil-policy-results": 1, time: "2026-11-20T00:00:00Z", results: [], requirements: [],
            summary: {pass: 0, fail: 0, not_applicable: 0, skip: 0, error: 0, waived: 0}}' >"$T/both.json"
    local sbom
    for sbom in "$T/both.json" "$VIGIL_SRC/tests/data/sbom/trivy-alpine.cdx.json"; do
        expect_status 0 $VIGIL inventory add "$sbom" --asset twofold --db "$T/db-plain.sqlite" --store "$S" \
            --allow-unchecked
    done
    history "$S" --scope twofold --import "$T/both.json"
    expect_status 0 $VIGIL inventory prune --keep 1 --asset twofold --store "$S" -o json
    [ "$(jq -c '[.snapshots, .documents]' "$TMP/stdout")" = "[1,0]" ] || fail "$name: prune: $(cat "$TMP/stdout")"
    history "$S" --scope twofold --export 1
    cmp "$TMP/stdout" "$T/both.json" || fail "$name: prune took the document of a policy run"
    echo "ok: $name: prune keeps the document of a policy run"
}

# tamper: a copy of the SQLite store whose run 2 document holds run 3's
# compressed bytes is refused on export (4), no file written.
tamper_sqlite() {
    local f=$1
    sqlite_sql "$f" "VACUUM INTO '$T/tampered.sqlite'"
    local d2 d3
    d2=$(jq -r '.runs[1].document' "$T/p-runs.json")
    d3=$(jq -r '.runs[2].document' "$T/p-runs.json")
    sqlite_sql "$T/tampered.sqlite" "UPDATE document SET data = (SELECT data FROM document WHERE digest = '$d3'),
        size = (SELECT size FROM document WHERE digest = '$d3') WHERE digest = '$d2'"
    expect_status 4 $VIGIL policy history --store "sqlite:$T/tampered.sqlite" --scope p/prod --export 2 -o json="$T/t.json"
    expect_stderr "document $d2 does not match its digest \(sha256:[0-9a-f]{64}\): the store was altered"
    [ ! -e "$T/t.json" ] || fail "an altered document was written"
}

S="sqlite:$T/store.sqlite"
story "$S" sqlite
history "$S" --scope p/prod -o json
cp "$TMP/stdout" "$T/p-runs.json"
bad_input "$S" sqlite
prune_keeps "$S" sqlite
tamper_sqlite "$T/store.sqlite"
[ "$(sqlite_sql "$T/store.sqlite" "PRAGMA foreign_key_check")" = "" ] || fail "foreign_key_check"
# Rows: one result key per distinct rule and resource, one row per run and result.
[ "$(sqlite_sql "$T/store.sqlite" "SELECT (SELECT count(*) FROM policy_result_key) || ' ' ||
      (SELECT count(*) FROM policy_result) || ' ' || (SELECT count(*) FROM policy_requirement)")" = "18 152 36" ] ||
    fail "row counts: $(sqlite_sql "$T/store.sqlite" "SELECT count(*) FROM policy_result_key")"

P=$(pg_new_db history)
story "$P" postgresql
bad_input "$P" postgresql
prune_keeps "$P" postgresql
# Both back ends answer alike, byte for byte.
for q in "--scope p/prod" "--scope p/prod --last 2" "--scope p/prod --requirement nis2:21.2.e" \
    "--scope p/staging --requirement ir2024-2690:6.10.1" ""; do
    # shellcheck disable=SC2086
    history "$S" $q -o json
    cp "$TMP/stdout" "$T/a.json"
    # shellcheck disable=SC2086
    history "$P" $q -o json
    cmp "$T/a.json" "$TMP/stdout" || { diff "$T/a.json" "$TMP/stdout" | head >&2; fail "SQLite and PostgreSQL differ: $q"; }
done
echo "ok: SQLite and PostgreSQL give the same answers"

# ---- kill -9 while a run is written ---------------------------------------------------------

# A pack of one rule giving 40 000 results: a run that takes a while to write.
mkdir -p "$T/big"
cat >"$T/big/many.lua" <<'EOF'
rule = {id = "many", title = "Many resources", severity = "low", requirements = {"nis2:21.2.d"},
        evidence = {"scan"}, params = {n = 40000}}
function check(evidence, params)
  local out = {}
  for i = 1, params.n do
    out[i] = {resource = "resource:" .. i, status = i % 7 == 0 and "fail" or "pass", message = "r" .. i}
  end
  return out
end
EOF
expect_status 5 $VIGIL policy eval --pack "$T/big" --evidence scan="$T/scan-1.json" --now 2026-11-01T00:00:00Z \
    -o json="$T/big.json"
[ "$(jq '.results | length' "$T/big.json")" = 40000 ] || fail "the big run has not 40 000 results"
seed=${VIGIL_TEST_SEED:-$$}
echo "seed $seed (VIGIL_TEST_SEED=$seed replays these moments)"
RANDOM=$seed
# counts STORE: "runs results keys documents" as stored.
counts() {
    local q="SELECT (SELECT count(*) FROM policy_run) || ' ' || (SELECT count(*) FROM policy_result) || ' ' ||
             (SELECT count(*) FROM policy_result_key) || ' ' || (SELECT count(*) FROM document)"
    case $1 in
    sqlite:*) sqlite_sql "${1#sqlite:}" "$q" ;;
    *) pg_psql "$1" "$q" ;;
    esac
}
# alive PID: the process runs (is neither gone nor a zombie).
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [ "$state" != Z ]
}

# after_kill STORE I: the store holds what it held (the scopes as in
# $T/k0.json) or the whole run, which is then counted in $committed.
committed=0
after_kill() {
    local store=$1 i=$2 now
    $VIGIL policy history --store "$store" -o json >"$T/k1.json"
    now=$(jq '[.[] | select(.scope == "killed") | .runs] | add // 0' "$T/k1.json")
    if [ "$now" = "$committed" ]; then
        cmp "$T/k0.json" "$T/k1.json" || fail "$store: kill $i: no new run, yet the scopes changed"
        kept=$((kept + 1))
    elif [ "$now" = $((committed + 1)) ]; then
        committed=$now
        expect_status 0 $VIGIL policy history --store "$store" --scope killed --last 1 -o json
        [ "$(jq -c '[.runs[0].run, .runs[0].summary.pass, .runs[0].summary.fail, .requirements[0].counts.fail]' \
            "$TMP/stdout")" = "[$now,34286,5714,5714]" ] || fail "$store: kill $i: run $now is partial"
        # ... and its results: the 5 714 that fail are there.
        expect_status 0 $VIGIL policy history --store "$store" --scope killed --requirement nis2:21.2.d --last 1 -o json
        [ "$(jq '.results | length' "$TMP/stdout")" = 5714 ] || fail "$store: kill $i: run $now lacks results"
        expect_status 0 $VIGIL policy history --store "$store" --scope killed --export "$now" -o json="$T/kb.json"
        cmp "$T/kb.json" "$T/big.json" || fail "$store: kill $i: run $now does not hold its document"
        whole=$((whole + 1))
    else
        fail "$store: kill $i: $now runs of 'killed', there were $committed"
    fi
}

# kill_at_random STORE N: N imports of big.json, each killed at a random
# moment between 0 and 5/4 of what a whole import takes.
kill_at_random() {
    local store=$1 n=$2 i pid kept=0 whole=0 start span
    start=${EPOCHREALTIME/./}
    $VIGIL policy history --store "$store" --scope calibration --import "$T/big.json" >/dev/null || fail "import to $store"
    span=$(((${EPOCHREALTIME/./} - start) * 5 / 4000)) # ms
    for ((i = 1; i <= n; i++)); do
        $VIGIL policy history --store "$store" -o json >"$T/k0.json"
        $VIGIL policy history --store "$store" --scope killed --import "$T/big.json" >/dev/null 2>&1 &
        pid=$! # vigil itself: a shell function run in the background would be a subshell
        local at=$(((RANDOM * 32768 + RANDOM) % (span + 1)))
        sleep "$((at / 1000)).$(printf '%03d' $((at % 1000)))"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" || true
        after_kill "$store" "$i"
    done
    echo "  $store: $n kills within 0-$span ms: $kept left the store as it was, $whole found the run kept whole"
}

# kill_writing_sqlite FILE N: N imports into the SQLite store FILE, each
# killed while it holds the store's write lock, inside its transaction.
# In WAL mode the writer's lock is byte 120 of the -shm file (the
# WAL_WRITE_LOCK, https://sqlite.org/walformat.html), which /proc/locks
# shows; the import is stopped (SIGSTOP) at each look, and killed at a
# random number (0-5) of looks after the first that sees it.
kill_writing_sqlite() {
    local file=$1 n=$2 i pid kept=0 whole=0 inode
    inode=$(stat -c %i "$file-shm") || fail "$file-shm: no shared-memory file"
    for ((i = 1; i <= n; i++)); do
        $VIGIL policy history --store "sqlite:$file" -o json >"$T/k0.json"
        $VIGIL policy history --store "sqlite:$file" --scope killed --import "$T/big.json" >/dev/null 2>&1 &
        pid=$!
        local seen=0 extra=$((RANDOM % 6)) caught=0
        while alive "$pid"; do
            kill -STOP "$pid" 2>/dev/null || break
            if awk -v p="$pid" -v i=":$inode" '$4 == "WRITE" && $5 == p && substr($6, length($6) - length(i) + 1) == i &&
                   $7 == 120' /proc/locks | grep WRITE >/dev/null; then
                if [ "$seen" -ge "$extra" ]; then
                    kill -9 "$pid"
                    caught=1
                    break
                fi
                seen=$((seen + 1))
            fi
            kill -CONT "$pid" 2>/dev/null || true
            sleep 0.005
        done
        wait "$pid" || true
        [ "$caught" = 1 ] || fail "$file: import $i was never seen writing"
        after_kill "sqlite:$file" "w$i"
    done
    echo "  $file: $n kills while writing: $kept left the store as it was, $whole found the run kept whole (killed in its commit)"
}

# kill_waiting_pg URL: for each table of a run, an import that has begun
# its transaction waits on a lock psql holds on that table, and is killed
# (-9) there; the server must roll it back on its own.
kill_waiting_pg() {
    local P=$1 table pid locker kept=0 whole=0
    for table in policy_run policy_requirement policy_result_key policy_result; do
        $VIGIL policy history --store "$P" -o json >"$T/k0.json"
        PGAPPNAME=locker psql "$P" -X -q -c "BEGIN; LOCK TABLE $table IN EXCLUSIVE MODE; SELECT pg_sleep(60)" \
            >/dev/null 2>&1 &
        locker=$!
        pg_wait "$P" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                       WHERE c.relname = '$table' AND l.mode = 'ExclusiveLock' AND l.granted" 1
        $VIGIL policy history --store "$P" --scope killed --import "$T/big.json" >/dev/null 2>&1 &
        pid=$!
        pg_wait "$P" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil' AND wait_event_type = 'Lock'" 1
        kill -9 "$pid"
        wait "$pid" || true
        pg_psql "$P" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'locker'" >/dev/null
        wait "$locker" || true
        pg_wait "$P" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vigil'" 0
        after_kill "$P" "$table"
        [ "$whole" = 0 ] || fail "$P: an import killed while waiting on $table was committed"
    done
    echo "  $P: 4 kills inside the transaction (waiting on each table of a run): the store as it was each time"
}

# Rows are never deleted: one left by any killed import would be counted.
rows_of_committed() {
    local want="$((1 + committed)) $((40000 * (1 + committed))) 40000 1"
    [ "$(counts "$1")" = "$want" ] || fail "$1: rows (runs results keys documents) $(counts "$1"), want $want"
}
kill_at_random "sqlite:$T/killed.sqlite" 6
kill_writing_sqlite "$T/killed.sqlite" 8
rows_of_committed "sqlite:$T/killed.sqlite"
[ "$(sqlite_sql "$T/killed.sqlite" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after the kills"
[ -z "$(sqlite_sql "$T/killed.sqlite" "PRAGMA foreign_key_check")" ] || fail "foreign_key_check after the kills"
P=$(pg_new_db killed)
committed=0
kill_at_random "$P" 3
kill_waiting_pg "$P"
rows_of_committed "$P"
echo "ok: kill -9 of a run being kept leaves the store as it was or with the whole run"

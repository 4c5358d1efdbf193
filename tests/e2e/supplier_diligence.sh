# supplier_diligence.sh — `vigil supplier diligence ASSET` on an inventory
# built from ../shared: the Alpine 3.10.9 minirootfs with musl lowered to
# 1.1.22-r2 (CVE-2019-14697, planted into a copy of CISA's KEV catalogue
# here so that a KEV-listed finding is counted), its SBOM given three more
# components (an npm package with a licence, an npm package without one, a
# component with neither purl nor version) and one of our own, and a
# register imported from YAML: Alpine Linux (every apk package), BusyBox
# Project (busybox*, more specific), NPM Vendor (by name, a failed
# assessment, a contract end of support in 2024), Our Company (own).
# Every check's status is computed here without vigil's code: identity and
# licence from the SBOM, open findings from the secdb (apk_secdb_ref.py)
# and the KEV copy, coverage from `vigil scan` of the same SBOM, the
# maintenance verdict from policy/data/end-of-life.json read by python, the
# attribution and assessments from the register as written here — at two
# dates, 2020-06-01 (Alpine 3.10 supported, BusyBox's assessment current)
# and 2026-12-01 (Alpine 3.10 past its end of life, BusyBox's assessment
# overdue, NPM Vendor's end of support passed), so that each check's ok,
# missing and (where it has one) fail branch is taken; and on the days
# BusyBox's assessment falls due and Alpine 3.10's life ends.  A second asset,
# the rootfs as shipped, has nothing missing at 2020-06-01: exit 0.  All of
# it twice: on SQLite and on PostgreSQL (pg.sh).  Then the nis2 pack's
# three supplier rules read the risk document `vigil supplier risk` makes of
# the same store (policy/nis2/tests/supplier.yaml tests each of their
# branches on hand-written documents; this, that they read vigil's own).  (The
# SBOM's operating-system component is the snapshot's os in the store, not
# one of its components.)
source "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_cmd jq
need_cmd python3
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (run ./setup.sh --test)"

T=$TMP
secdb=$VIGIL_SHARED/vulndata/alpine-secdb/v3.10
# The KEV catalogue with CVE-2019-14697 added (it is not listed there).
kev_with CVE-2019-14697 musl "musl libc" "$T/kev.json"
$VIGIL db build --from "$secdb/main.json" --from "$T/kev.json" --db "$T/db.sqlite" >/dev/null 2>"$T/err" ||
    { cat "$T/err" >&2; fail "db build"; }
mkdir "$T/a" "$T/b"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$T/a"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C "$T/b"
grep -q '^V:1.1.22-r4$' "$T/b/lib/apk/db/installed" || fail "fixture changed: musl is not 1.1.22-r4"
sed -i 's/^V:1.1.22-r4$/V:1.1.22-r2/' "$T/b/lib/apk/db/installed"
# "package<TAB>vulnerability" of the secdb for each rootfs (shop: b, base: a).
python3 "$VIGIL_SRC/tests/e2e/apk_secdb_ref.py" "$T/b/lib/apk/db/installed" "$secdb/main.json" >"$T/ref-shop.txt" ||
    fail "apk_secdb_ref.py"
python3 "$VIGIL_SRC/tests/e2e/apk_secdb_ref.py" "$T/a/lib/apk/db/installed" "$secdb/main.json" >"$T/ref-base.txt" ||
    fail "apk_secdb_ref.py"
grep -q "^pkg:apk/alpine/musl	CVE-2019-14697$" "$T/ref-shop.txt" || fail "the reference does not list musl"
! grep -q . "$T/ref-base.txt" || fail "the reference finds vulnerabilities in the rootfs as shipped"

# shop: b's SBOM and four components more; base: a's SBOM (nothing missing
# at 2020-06-01).
expect_status 0 $VIGIL sbom -o cyclonedx-json="$T/b.cdx.json" "$T/b"
expect_status 0 $VIGIL sbom -o cyclonedx-json="$T/a.cdx.json" "$T/a"
jq '.components += [
      {"type": "library", "bom-ref": "left-pad", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0",
       "licenses": [{"license": {"id": "WTFPL"}}]},
      {"type": "library", "bom-ref": "tiny-lib", "name": "tiny-lib", "version": "0.1.0", "purl": "pkg:npm/tiny-lib@0.1.0"},
      {"type": "library", "bom-ref": "vendor-blob", "name": "vendor-blob"},
      {"type": "application", "bom-ref": "our-app", "name": "our-app", "version": "2.0.0",
       "purl": "pkg:generic/our-app@2.0.0", "licenses": [{"license": {"id": "MIT"}}]}]' "$T/b.cdx.json" >"$T/shop.cdx.json"
cp "$T/a.cdx.json" "$T/base.cdx.json"
for a in shop base; do
    expect_status 0 $VIGIL scan --db "$T/db.sqlite" --max-db-age 100000d --allow-unchecked -o json="$T/$a.scan.json" \
        "$T/$a.cdx.json"
done

cat >"$T/register.yaml" <<'YAML'
suppliers:
  - name: Alpine Linux
    supplies: software
    criticality: high
    contacts: {security: security@alpinelinux.org}
    assessment: {date: 2019-06-01, result: pass, next_due: 2027-06-01}
    rules:
      - purl: "pkg:apk/alpine/*"
  - name: BusyBox Project
    supplies: software
    criticality: medium
    assessment: {date: 2019-01-01, result: conditional, next_due: 2021-01-01}
    rules:
      - purl: "pkg:apk/alpine/busybox*"
  - name: NPM Vendor
    supplies: software
    criticality: low
    contract: {end_of_support: 2024-12-31}
    assessment: {date: 2020-01-01, result: fail, next_due: 2030-01-01}
    rules:
      - name: left-pad
      - name: "tiny-*"
  - name: Our Company
    supplies: software
    criticality: critical
    own: true
    rules:
      - purl: "pkg:generic/our-*"
YAML

# ---- the expected statuses, without vigil --------------------------------------

# expected ASSET DATE: {component: {check: status}} and the skipped, by hand.
expected() {
    python3 - "$T/$1.cdx.json" "$T/$1.scan.json" "$T/ref-$1.txt" "$T/kev.json" \
        "$VIGIL_SRC/policy/data/end-of-life.json" "$T/register.yaml" "$2" <<'PY'
import datetime, fnmatch, json, sys
import yaml
sbom, scan, ref, kev, eol, register, at = sys.argv[1:8]
at = datetime.date.fromisoformat(at)
kev = {v["cveID"] for v in json.load(open(kev))["vulnerabilities"]}
open_by_name = {}
for line in open(ref):
    if not line.strip():
        continue
    pkg, vid = line.rstrip("\n").split("\t")
    open_by_name.setdefault(pkg.rsplit("/", 1)[1], []).append(vid)
def ckey(c):
    return c.get("purl") or f"{c['name']}@{c.get('version') or ''}"
coverage = {ckey(c): c["coverage"]["status"] for c in json.load(open(scan))["components"]}
table = json.load(open(eol))
suppliers = yaml.safe_load(open(register))["suppliers"]

def date(s):
    return s if isinstance(s, datetime.date) else datetime.date.fromisoformat(s)

def literal_prefix(glob):
    return len(glob.split("*")[0].split("?")[0])

def attribute(c):
    # purl rules (without qualifiers) first, then name rules; the longest
    # literal prefix wins (the register here needs no other tie-break).
    purl = (c.get("purl") or "").split("?")[0].split("#")[0]
    for kind, value in (("purl", purl), ("name", c.get("name") or "")):
        best = None
        for s in suppliers:
            for r in s.get("rules", []):
                g = r.get(kind)
                if g is not None and value and fnmatch.fnmatchcase(value, g):
                    if best is None or literal_prefix(g) > best[0]:
                        best = (literal_prefix(g), s)
        if best:
            return best[1]
    return None

def maintenance(c, s):
    purl = c.get("purl") or ""
    eos = s and s.get("contract", {}).get("end_of_support")
    eos_past = eos is not None and date(eos) < at
    verdict = None
    if purl.startswith("pkg:apk/") and "distro=alpine-" in purl:
        release = purl.split("distro=alpine-")[1].split("&")[0]
        cycle = ".".join(release.split(".")[:2])
        products = [p for p in table["products"] if p["name"] == "alpine"]
        for cy in products[0]["cycles"]:
            if cy["cycle"] == cycle:
                verdict = cy["eol"] is not None and date(cy["eol"]) <= at
    if verdict or eos_past:
        return "fail"
    return "missing" if verdict is None else "ok"

def assessment(s):
    if s is None or "assessment" not in s:
        return "missing"
    a = s["assessment"]
    if date(a["next_due"]) < at:
        return "missing"
    return "fail" if a["result"] == "fail" else "ok"

out, skipped = {}, []
for c in json.load(open(sbom))["components"]:
    if c["type"] == "operating-system":  # the store keeps it as the snapshot's os
        continue
    key = c.get("purl") or (f"{c['name']}@{c['version']}" if c.get("version") else c["name"])
    s = attribute(c)
    if s and s.get("own"):
        skipped.append(key)
        continue
    found = open_by_name.get(c["name"], []) if (c.get("purl") or "").startswith("pkg:apk/") else []
    cov = coverage[ckey(c)]
    vulns = "fail" if found else "ok" if cov in ("checked", "via-os-package") else "missing"
    out[key] = {
        "supplier": s["name"] if s else None,
        "identity": "ok" if c.get("purl") and c.get("version") else "missing",
        "vulnerabilities": vulns,
        "open": len(found), "kev": sum(1 for v in found if v in kev),
        "licence": "ok" if c.get("licenses") else "missing",
        "maintenance": maintenance(c, s),
        "supplier_check": assessment(s),
    }
print(json.dumps({"components": out, "skipped": skipped}, sort_keys=True, indent=1))
PY
}

# got FILE: the same shape from vigil's JSON.
got() {
    jq -S '{components: (.components | map({key: .component, value: {supplier, identity: .checks.identity.status,
        vulnerabilities: .checks.vulnerabilities.status, open: .checks.vulnerabilities.open,
        kev: .checks.vulnerabilities.kev, licence: .checks.licence.status, maintenance: .checks.maintenance.status,
        supplier_check: .checks.supplier.status}}) | from_entries), skipped: [.skipped[].component]}' "$1"
}

# check ASSET DATE STATUS: the diligence of ASSET at DATE exits STATUS and
# says what python says, in JSON and in the table.
check() {
    expect_status "$3" $VIGIL supplier diligence "$1" --at "$2" --store "$S" -o json="$T/$1-$2.json"
    expected "$1" "$2" | jq -S . >"$T/want.json"
    got "$T/$1-$2.json" >"$T/got.json"
    diff -u "$T/want.json" "$T/got.json" >&2 || fail "$1 at $2: vigil's statuses differ from the reference (- python, + vigil)"
    jq -e --arg at "$2" '.asset != null and .at == $at and .summary.third_party == (.components | length)
        and .summary.complete == ([.components[] | select(.missing == [])] | length)
        and .summary.skipped == (.skipped | length)' "$T/$1-$2.json" >/dev/null || fail "$1 at $2: summary"
    # The table: one line per component with the five statuses in order.
    expect_status "$3" $VIGIL supplier diligence "$1" --at "$2" --store "$S"
    jq -r '.components[] | .checks as $c | [.name + "@" + (.version // ""), $c.identity.status,
        $c.vulnerabilities.status, $c.licence.status, $c.maintenance.status, $c.supplier.status] | join(" ")' \
        "$T/$1-$2.json" | sed 's/@ / /' | LC_ALL=C sort >"$T/want-table.txt"
    awk 'NR > 2 && NF == 0 { exit } NR > 2 { print $1, $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF }' "$T/stdout" |
        LC_ALL=C sort >"$T/got-table.txt"
    same_lines "$T/got-table.txt" "$T/want-table.txt" "$1 at $2: the table's rows"
}

# suite STORE NAME: the inventory and the register in STORE, every check.
suite() {
    S=$1
    add() { $VIGIL inventory add --db "$T/db.sqlite" --store "$S" --allow-unchecked "$@"; }
    expect_status 0 add "$T/shop.cdx.json" --asset shop -o json
    expect_status 0 add "$T/base.cdx.json" --asset base -o json
    expect_status 0 $VIGIL supplier import "$T/register.yaml" --store "$S"

    check shop 2020-06-01 3
    check shop 2026-12-01 3
    check base 2020-06-01 0
    check base 2026-12-01 3
    # the boundaries: an assessment due on the day is current, an end of
    # life on the day has passed (Alpine 3.10: 2021-05-01)
    check base 2021-01-01 0
    check base 2021-05-01 3

    # Every branch of every check was taken (counted over the runs above).
    jq -s '[.[] | .components[] | .checks | to_entries[] | "\(.key) \(.value.status)"] | unique' \
        "$T"/shop-2020-06-01.json "$T"/shop-2026-12-01.json "$T"/base-2020-06-01.json >"$T/branches.json"
    for b in "identity ok" "identity missing" "vulnerabilities ok" "vulnerabilities missing" "vulnerabilities fail" \
        "licence ok" "licence missing" "maintenance ok" "maintenance missing" "maintenance fail" \
        "supplier ok" "supplier missing" "supplier fail"; do
        jq -e --arg b "$b" 'index($b) != null' "$T/branches.json" >/dev/null || fail "no component took the branch $b"
    done
    # The KEV-listed finding and the message of exit 3.
    jq -e '.components[] | select(.name == "musl") | .checks.vulnerabilities | .open == 1 and .kev == 1' \
        "$T/shop-2020-06-01.json" >/dev/null || fail "musl: one open finding, KEV-listed"
    expect_status 3 $VIGIL supplier diligence shop --at 2026-12-01 --store "$S" -o json="$T/x.json"
    n=$(jq '.summary.third_party - .summary.complete' "$T/x.json")
    expect_stderr "shop: $n of $(jq .summary.third_party "$T/x.json") third-party components miss a check"
    jq -e '.components[] | select(.name == "left-pad") | .checks.maintenance.end_of_support == "2024-12-31"
        and (.checks.maintenance.detail | contains("end of support 2024-12-31 (passed)"))' "$T/x.json" >/dev/null ||
        fail "left-pad: the contract's end of support"

    # The same store's risk document, read by the nis2 pack's supplier rules:
    # Alpine Linux (high, no contract in the register) lacks every clause;
    # the others are below high or our own; BusyBox and NPM Vendor have no
    # contact; vendor-blob is unmapped; Alpine Linux stands behind 15
    # distinct components (shop's 13 apk packages not busybox, and base's
    # musl and musl-utils at 1.1.22-r4).  supplier-risk-accepted follows the
    # levels the document gives (the score's own test checks them).
    expect_status 0 $VIGIL supplier risk --at 2026-12-01 --store "$S" -o json="$T/risk.json"
    expect_status 5 $VIGIL policy eval --rule "$VIGIL_SRC/policy/nis2/supplier-contracts.lua" \
        --rule "$VIGIL_SRC/policy/nis2/supplier-risk-accepted.lua" --rule "$VIGIL_SRC/policy/nis2/supplier-register.lua" \
        --evidence "$T/risk.json" --now 2026-12-02T00:00:00Z -o json="$T/eval.json"
    jq -r '.results[] | "\(.rule)|\(.resource)|\(.status)"' "$T/eval.json" >"$T/got-rules.txt"
    { printf '%s\n' "supplier-contracts|Alpine Linux|fail" "supplier-contracts|BusyBox Project|not_applicable" \
        "supplier-contracts|NPM Vendor|not_applicable" "supplier-contracts|Our Company|not_applicable" \
        "supplier-register|Alpine Linux|pass" "supplier-register|BusyBox Project|fail" \
        "supplier-register|NPM Vendor|fail" "supplier-register|Our Company|not_applicable" \
        "supplier-register|$(jq -r .target "$T/risk.json")|fail" "supplier-risk-accepted|Our Company|not_applicable"
      jq -r '.suppliers[] | select(.own | not) | "supplier-risk-accepted|\(.name)|\(if (.level == "high" or
          .level == "critical") then (if (.unaccepted | length) > 0 then "fail" else "pass" end) else "pass" end)"' \
          "$T/risk.json"; } >"$T/want-rules.txt"
    same_lines "$T/got-rules.txt" "$T/want-rules.txt" "$2: the nis2 supplier rules on vigil's risk document"
    jq -e '.unmapped == 1 and ([.suppliers[] | select(.name == "Alpine Linux")][0] | .rules == 1 and .components == 15)' \
        "$T/risk.json" >/dev/null || fail "$2: the risk document's unmapped count or Alpine Linux's rules and components"
    jq -e '[.results[] | select(.rule == "supplier-contracts" and .resource == "Alpine Linux")][0].message ==
        "missing clauses: incident_notification, vulnerability_disclosure, fix_days, right_to_audit, subcontractor_notification, sbom_delivery"' \
        "$T/eval.json" >/dev/null || fail "$2: supplier-contracts on Alpine Linux"

    # Errors and usage.
    expect_status 1 $VIGIL supplier diligence nosuch --at 2026-12-01 --store "$S"
    expect_stderr 'nosuch'
    expect_status 2 $VIGIL supplier diligence shop --at 2026-02-30 --store "$S"
    expect_stderr 'not a date'
    expect_status 2 $VIGIL supplier diligence --store "$S"
    expect_status 2 $VIGIL supplier diligence shop -o yaml --store "$S"
    # an asset whose SBOM lists nothing: nothing was checked, never "nothing missing"
    mkdir -p "$T/empty-dir"
    expect_status 3 add "$T/empty-dir" --asset empty # stored, and said to hold nothing
    expect_stderr 'no components found'
    expect_status 3 $VIGIL supplier diligence empty --at 2026-12-01 --store "$S"
    expect_stderr 'empty: the latest snapshot holds no component: nothing was checked'
    echo "ok: $2: supplier diligence says what python says of each check, at four dates; the nis2 rules read the risk document"
}

suite "sqlite:$T/store.sqlite" sqlite
pg_start
suite "$(pg_new_db diligence)" postgresql

# policy_reports.sh — the reports of `vigil policy eval` (SARIF, JUnit, the
# evidence pack) and `vigil verify --pack`, on evidence vigil makes from
# ../shared: scans of the Alpine 3.10.9 minirootfs against the real Alpine
# secdb (as shipped: no finding; with musl lowered: CVE-2019-14697 in musl
# and musl-utils), judged by a small pack written here whose rules give every
# status — pass, fail, not_applicable, skip (no SBOM given) and error (a rule
# that raises) — with one waiver in effect and one expired, against a
# baseline run (new, unchanged, updated, absent).  Each report is read back by
# a reader that is not vigil's:
#  - SARIF: ajv against the OASIS schema in ../shared/schemas/sarif (and the
#    one of @microsoft/jest-sarif), Microsoft's SARIF multitool (no error or
#    warning), and jq checks of the mapping against the results document:
#    kinds, levels, suppressions, baselineState, fingerprints, artifacts,
#    the notification of the rule that failed;
#  - JUnit: Debian's python3-junitparser, every test case's outcome and
#    every count against the results document;
#  - the evidence pack: sha256sum -c of its SHA256SUMS; its HTML opened in
#    Debian's headless Chromium (playwright-core, scripts off, network
#    refused) — the requirement ids, statuses and result counts the page
#    shows against the results document, a screenshot kept as an artefact;
#    its attestation verified by sigstore-js and by vigil verify --pack, as a
#    directory and as a zip (the same bytes twice); then a file changed, one
#    added, one removed, in the directory and in the zip: each detected with
#    the file named.
# The validators are shown to reject a broken document first, so that no
# check passes on a reader that accepts anything.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared schemas/sarif/sarif-schema-2.1.0.json
need_cmd jq
need_cmd node
need_cmd sha256sum
need_cmd unzip
/usr/bin/python3 -c 'import junitparser' 2>/dev/null || skip "python3-junitparser is not installed (run ./setup.sh --test)"
[ -x /usr/bin/chromium ] || skip "Debian's chromium is not installed (run ./setup.sh --test)"
REPORTS=$VIGIL_SRC/tests/tools/reports
INTEROP=$VIGIL_SRC/tests/interop
MULTITOOL=$REPORTS/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
[ -x "$MULTITOOL" ] && [ -d "$REPORTS/node_modules/playwright-core" ] ||
    skip "the report readers are not installed (npm ci --prefix tests/tools/reports, done by setup.sh --test)"
[ -d "$INTEROP/node_modules/@sigstore/verify" ] || skip "sigstore-js is not installed (npm ci --prefix tests/interop)"
have_validator || skip "ajv is not installed (npm ci --prefix tests/tools)"
T=$TMP
cd "$T"

# ---- evidence made by vigil from ../shared ----------------------------------------
secdb=$VIGIL_SHARED/vulndata/alpine-secdb/v3.10
$VIGIL db build --from "$secdb/main.json" --from "$secdb/community.json" --db db.sqlite >/dev/null 2>err ||
    { cat err >&2; fail "db build"; }
mkdir root fixed
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C root
tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C fixed
grep -q '^V:1.1.22-r4$' root/lib/apk/db/installed || fail "fixture changed: musl is not 1.1.22-r4"
sed -i 's/^V:1.1.22-r4$/V:1.1.22-r2/' root/lib/apk/db/installed
expect_status 0 $VIGIL scan --db db.sqlite --max-db-age 100000d -o json=scan-fixed.json fixed
expect_status 0 $VIGIL scan --db db.sqlite --max-db-age 100000d -o json=scan.json root
[ "$(jq -r '[.findings[].component.name] | sort | join(" ")' scan.json)" = "musl musl-utils" ] ||
    fail "the lowered musl should give findings in musl and musl-utils: $(jq -c '[.findings[].component.name]' scan.json)"

# ---- a pack with every status ------------------------------------------------------
mkdir pack
cat >pack/a-vulns.lua <<'EOF'
rule = {
  id = "vuln-fixed", title = "No known vulnerability with a fix left open",
  severity = "high", requirements = { "nis2:21.2.e", "ir2024-2690:6.10.2" }, evidence = { "scan" },
  rationale = "Fixable vulnerabilities are patched <promptly> & \"on time\".",
}
function check(evidence)
  local out = {}
  for _, doc in ipairs(evidence.scan) do
    local bad = {}
    for _, f in ipairs(doc.data.findings) do bad[f.component.purl] = f.id end
    for _, c in ipairs(doc.data.components) do
      if bad[c.purl] then
        out[#out + 1] = { resource = c.purl, status = "fail", message = c.name .. " is affected by " .. bad[c.purl],
                          evidence = { doc.id } }
      else
        out[#out + 1] = { resource = c.purl, status = "pass", message = "no known vulnerability", evidence = { doc.id } }
      end
    end
  end
  return out
end
EOF
cat >pack/b-clean.lua <<'EOF'
rule = { id = "scan-clean", title = "Scans find nothing", severity = "low",
         requirements = { "ir2024-2690:6.10.1" }, evidence = { "scan" } }
function check(evidence)
  local out = {}
  for _, doc in ipairs(evidence.scan) do
    local n = #doc.data.findings
    out[#out + 1] = { resource = "scan:" .. doc.id, status = n == 0 and "pass" or "fail",
                      message = n .. " findings", evidence = { doc.id } }
  end
  return out
end
EOF
cat >pack/c-sbom.lua <<'EOF'
rule = { id = "sbom-present", title = "Every release has an SBOM", severity = "medium",
         requirements = { "cra:I.2.a" }, evidence = { "sbom" } }
function check(evidence) return {} end
EOF
cat >pack/d-broken.lua <<'EOF'
rule = { id = "broken-rule", title = "A rule with a bug", severity = "critical",
         requirements = { "nis2:21.2.e" }, evidence = { "scan" } }
function check(evidence) error("index out of range <&>") end
EOF
# A reason with a control character (XML 1.0 cannot hold it), "]]>" and quotes.
cat >pack/e-windows.lua <<'EOF'
rule = { id = "windows-only", title = "Windows hosts have BitLocker", severity = "info",
         requirements = { "ir2024-2690:9.1" }, evidence = { "scan" } }
function check(evidence)
  return { { resource = "os:alpine", status = "not_applicable", message = "BitLocker",
             reason = "not a Windows host \1 ]]> 'quoted' \"x\"" } }
end
EOF
cat >waivers.yaml <<'EOF'
waivers:
  - rule: vuln-fixed
    resource: "pkg:apk/alpine/musl@*"
    justification: "musl is rebuilt next sprint"
    owner: alice
    approver: bob
    expires: "2099-01-31"
    ticket: SEC-1
  - rule: vuln-fixed
    resource: "pkg:apk/alpine/musl-utils@*"
    justification: "accepted for Q3"
    owner: carol
    approver: dave
    expires: "2026-12-02"
EOF
$VIGIL key generate --no-passphrase signer >/dev/null 2>&1 || fail "key generate"
$VIGIL key generate --no-passphrase other >/dev/null 2>&1 || fail "key generate"

# The baseline: the fixed root filesystem (no finding).  Then the run every
# report is made from: the lowered one, against that baseline.  Exit 1: a
# rule raised an error.
now=2026-12-03T10:00:00Z
expect_status 1 $VIGIL policy eval --pack ./pack --evidence scan=scan-fixed.json --now $now -o json=baseline.json
expect_status 1 $VIGIL policy eval --pack ./pack --evidence scan=scan.json --waivers waivers.yaml \
    --baseline baseline.json --now $now -o json=r.json -o sarif=r.sarif -o junit=r.xml \
    -o evidence-pack=packdir --attest signer.key
expect_status 1 $VIGIL policy eval --pack ./pack --evidence scan=scan.json --waivers waivers.yaml \
    --baseline baseline.json --now $now -o evidence-pack=pack.zip --attest signer.key
expect_status 1 $VIGIL policy eval --pack ./pack --evidence scan=scan.json --waivers waivers.yaml \
    --baseline baseline.json --now $now -o evidence-pack=again.zip --attest signer.key
cmp -s pack.zip again.zip || fail "the same run gave two different zip archives"

# The results document holds what this pack and evidence must give (written
# by hand from the fixture: 14 packages, 2 of them affected); every report is
# then compared with the document.
[ "$(jq -c '.summary' r.json)" = '{"error":1,"fail":3,"not_applicable":1,"pass":12,"skip":1,"waived":1}' ] ||
    fail "results summary: $(jq -c .summary r.json)"
[ "$(jq -r '[.results[] | select(.waiver) | .resource | split("@")[0]] | join(" ")' r.json)" = "pkg:apk/alpine/musl" ] ||
    fail "the waiver in effect should waive musl only"
[ "$(jq -r '[.results[] | select(.waiver_expired) | .resource | split("@")[0]] | join(" ")' r.json)" = \
  "pkg:apk/alpine/musl-utils" ] || fail "the expired waiver should be reported on musl-utils"
# Against the baseline: musl and musl-utils changed version (their purls are
# new ones, the old ones absent); the scan's result went from pass to fail
# (updated); the rest is unchanged.  (The engine-made skip is not checked
# here: it carries no message, see the report of this branch.)
jq -r '(.results + .absent)[] | select(.rule != "sbom-present") |
       "\(.baseline) \(.rule) \(.resource | sub("\\?.*"; ""))"' r.json | sort >marks.txt
{
    for p in alpine-baselayout@3.1.2-r0 alpine-keys@2.1-r2 apk-tools@2.10.6-r0 busybox@1.30.1-r5 \
             ca-certificates-cacert@20191127-r2 libc-utils@0.7.1-r0 libcrypto1.1@1.1.1k-r0 libssl1.1@1.1.1k-r0 \
             libtls-standalone@2.9.1-r0 scanelf@1.2.3-r0 ssl_client@1.30.1-r5 zlib@1.2.11-r1; do
        echo "unchanged vuln-fixed pkg:apk/alpine/$p"
    done
    echo "new vuln-fixed pkg:apk/alpine/musl@1.1.22-r2"
    echo "new vuln-fixed pkg:apk/alpine/musl-utils@1.1.22-r2"
    echo "absent vuln-fixed pkg:apk/alpine/musl@1.1.22-r4"
    echo "absent vuln-fixed pkg:apk/alpine/musl-utils@1.1.22-r4"
    echo "updated scan-clean scan:e1"
    echo "unchanged broken-rule *"
    echo "unchanged windows-only os:alpine"
} | sort >marks.expected
same_lines marks.txt marks.expected "baseline marks"

# ---- SARIF ---------------------------------------------------------------------------
jq '.runs[0].results[0].kind = "bogus"' r.sarif >bad.sarif
if node "$VIGIL_SRC/tests/tools/validate.mjs" sarif-2.1.0-errata01 bad.sarif 2>/dev/null; then
    fail "ajv accepted a SARIF result of kind \"bogus\""
fi
validate sarif-2.1.0-errata01 r.sarif
validate sarif-2.1.0 r.sarif
# The multitool's own report is a SARIF log: an error or a warning is a result.
multitool() { # IN OUT
    "$MULTITOOL" validate "$1" -o "$2" --level "Error;Warning" >multitool.out 2>&1 ||
        { cat multitool.out >&2; fail "sarif-multitool could not validate $1"; }
}
jq 'del(.runs[0].tool.driver.name)' r.sarif >bad.sarif
multitool bad.sarif bad.mt.sarif
[ "$(jq '[.runs[0].results[] | select(.level == "error")] | length' bad.mt.sarif)" -ge 1 ] ||
    fail "sarif-multitool accepted a driver without a name"
multitool r.sarif r.mt.sarif
[ "$(jq '.runs[0].results | length' r.mt.sarif)" = 0 ] ||
    { jq -r '.runs[0].results[] | "\(.ruleId) \(.level): \(.message.text // .message.arguments)"' r.mt.sarif >&2
      fail "sarif-multitool found errors or warnings in the SARIF report"; }

python3 - r.json r.sarif "$(sha256sum scan.json | cut -d' ' -f1)" <<'PY' || fail "the SARIF report does not say what the results say"
import json, sys
doc, log, scan_sha = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
run = log["runs"][0]
errors = []
def want(cond, what):
    if not cond:
        errors.append(what)
kind = {"pass": "pass", "fail": "fail", "not_applicable": "notApplicable", "skip": "open", "error": "review"}
level = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
want(rules == [r["id"] for r in doc["rules"]], f"rules {rules}")
for r, d in zip(run["tool"]["driver"]["rules"], doc["rules"]):
    want(r["shortDescription"]["text"] == d["title"], f"{d['id']}: shortDescription")
    want(r["defaultConfiguration"]["level"] == level[d["severity"]], f"{d['id']}: default level")
    want(r["properties"]["requirements"] == d["requirements"], f"{d['id']}: requirements")
for r, d in zip(run["tool"]["driver"]["rules"], doc["rules"]):
    want(r["fullDescription"]["text"] == (d.get("rationale") or d["title"]), f"{d['id']}: fullDescription")
results, expected = run["results"], doc["results"] + doc["absent"]
want(len(results) == len(expected), f"{len(results)} SARIF results for {len(expected)}")
for s, r in zip(results, expected):
    name = f"{r['rule']} {r['resource']}"
    want(s["ruleId"] == r["rule"], f"{name}: ruleId")
    want(rules[s["ruleIndex"]] == r["rule"] if "ruleIndex" in s else r["rule"] not in rules, f"{name}: ruleIndex")
    want(s["kind"] == kind[r["status"]], f"{name}: kind {s['kind']}")
    want(s["level"] == (level[r["severity"]] if r["status"] == "fail" else "none"), f"{name}: level {s['level']}")
    want(s["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == r["resource"], f"{name}: location")
    want(s["partialFingerprints"]["vigilPolicyResult/v1"] == r["fingerprint"], f"{name}: fingerprint")
    want(s["baselineState"] == r["baseline"], f"{name}: baselineState")
    want(isinstance(s["suppressions"], list), f"{name}: no suppressions array")
    if "waiver" in r:
        sup = s["suppressions"]
        want(len(sup) == 1 and sup[0]["kind"] == "external" and sup[0]["status"] == "accepted"
             and sup[0]["justification"] == r["waiver"]["justification"]
             and sup[0]["properties"]["owner"] == "alice" and sup[0]["properties"]["expires"] == "2099-01-31",
             f"{name}: suppression {sup}")
    else:
        want(s["suppressions"] == [], f"{name}: suppressed without a waiver")
    if "waiver_expired" in r:
        want(s["properties"]["waiverExpired"]["expires"] == "2026-12-02", f"{name}: waiverExpired")
counts = {}
for s in results:
    counts[s["kind"]] = counts.get(s["kind"], 0) + 1
want(counts == {"pass": 14, "fail": 3, "notApplicable": 1, "open": 1, "review": 1}, f"kinds {counts}")
want(sum(1 for s in results if s["suppressions"]) == doc["summary"]["waived"], "suppressed count")
states, marks = {}, {}
for s in results:
    states[s["baselineState"]] = states.get(s["baselineState"], 0) + 1
for r in expected:
    marks[r["baseline"]] = marks.get(r["baseline"], 0) + 1
want(states == marks and states["absent"] == 2 and states["new"] == 2, f"baselineState {states}, results {marks}")
inv = run["invocations"][0]
want(inv["executionSuccessful"] is False, "executionSuccessful with a rule in error")
want(inv["startTimeUtc"] == doc["time"], "startTimeUtc")
notes = inv["toolExecutionNotifications"]
want(len(notes) == 1 and notes[0]["level"] == "error" and notes[0]["associatedRule"]["id"] == "broken-rule"
     and rules[notes[0]["associatedRule"]["index"]] == "broken-rule", f"notifications {notes}")
art = run["artifacts"]
want(len(art) == 1 and art[0]["hashes"]["sha-256"] == scan_sha and art[0]["location"]["uri"] == "scan.json",
     f"artifacts {art}")
for e in errors[:30]:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

# ---- JUnit ---------------------------------------------------------------------------
/usr/bin/python3 - r.json r.xml <<'PY' || fail "the JUnit report read by junitparser does not say what the results say"
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
doc = json.load(open(sys.argv[1]))
xml = JUnitXml.fromfile(sys.argv[2])
errors = []
got = {}
suites = []
for suite in xml:
    suites.append(suite.name)
    n = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for case in suite:
        kinds = [type(r).__name__ for r in case.result]
        got[(case.classname, case.name)] = (kinds, [r.message for r in case.result])
        n["tests"] += 1
        n["failures"] += kinds == ["Failure"]
        n["errors"] += kinds == ["Error"]
        n["skipped"] += kinds == ["Skipped"]
    if (suite.tests, suite.failures, suite.errors, suite.skipped) != (n["tests"], n["failures"], n["errors"], n["skipped"]):
        errors.append(f"suite {suite.name}: counts {suite.tests} {suite.failures} {suite.errors} {suite.skipped} vs {n}")
if suites != ["pack"]:
    errors.append(f"suites {suites}")
want = {}
for r in doc["results"]:
    if "waiver" in r:
        outcome = "Skipped"
    else:
        outcome = {"pass": None, "fail": "Failure", "error": "Error", "skip": "Skipped", "not_applicable": "Skipped"}[r["status"]]
    want[("pack." + r["rule"], r["resource"])] = outcome
if set(got) != set(want):
    errors.append(f"test cases differ: {set(got) ^ set(want)}")
for key, outcome in want.items():
    kinds, messages = got.get(key, ([], []))
    if kinds != ([outcome] if outcome else []):
        errors.append(f"{key}: {kinds}, expected {outcome}")
s = doc["summary"]
if (xml.tests, xml.failures, xml.errors, xml.skipped) != (len(doc["results"]), s["fail"] - s["waived"], s["error"],
                                                         s["skip"] + s["not_applicable"] + s["waived"]):
    errors.append(f"totals {xml.tests} {xml.failures} {xml.errors} {xml.skipped} vs summary {s}")
musl_utils = next(v for k, v in got.items() if k[1].startswith("pkg:apk/alpine/musl-utils@"))
if "waiver expired on 2026-12-02" not in musl_utils[1][0]:
    errors.append(f"the expired waiver is not in the failure: {musl_utils}")
musl = next(v for k, v in got.items() if k[1].startswith("pkg:apk/alpine/musl@"))
if not musl[1][0].startswith("waived until 2099-01-31 by alice (approved by bob): musl is rebuilt"):
    errors.append(f"the waiver is not in the skipped message: {musl}")
na = got[("pack.windows-only", "os:alpine")][1][0]
if na != "not applicable: not a Windows host \ufffd ]]> 'quoted' \"x\"":
    errors.append(f"reason read back as {na!r}")
for e in errors[:30]:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

# ---- the evidence pack ---------------------------------------------------------------
[ -f packdir/index.html ] && [ -f packdir/attestation.sigstore.json ] || fail "the pack directory is incomplete"
(cd packdir && sha256sum --quiet -c SHA256SUMS) || fail "sha256sum -c SHA256SUMS fails in the pack"
cmp -s packdir/results.json r.json || fail "the pack's results.json is not the run's -o json"
[ "$(ls packdir/evidence)" = "$(sha256sum scan.json | cut -d' ' -f1)-scan.json" ] ||
    fail "evidence files: $(ls packdir/evidence)"
cmp -s packdir/evidence/*-scan.json scan.json || fail "the evidence file is not the scan byte for byte"
mkdir unzipped
(cd unzipped && unzip -q ../pack.zip) || fail "unzip pack.zip"
diff -r packdir unzipped >/dev/null || fail "the zip holds other files than the directory"

# The statement's subjects: every file of the pack but the bundle, each with
# the digest sha256sum gives.
expect_status 0 $VIGIL verify --key signer.pub --pack packdir
expect_stderr "verified evidence pack packdir: 4 files"
cp "$TMP/stdout" statement.json
jq -r '.subject[] | "\(.digest.sha256)  \(.name)"' statement.json | sort >subjects.txt
(cd packdir && find . -type f ! -name attestation.sigstore.json -printf '%P\n' | sort | xargs sha256sum) | sort >files.txt
same_lines subjects.txt files.txt "the statement's subjects and the pack's files"
[ "$(jq -r .predicateType statement.json)" = "https://vigil.dev/attestations/policy-evidence-pack/v1" ] ||
    fail "predicate type $(jq -r .predicateType statement.json)"
[ "$(jq -c '.predicate.summary' statement.json)" = "$(jq -c .summary r.json)" ] || fail "predicate summary"
node "$INTEROP/verify_bundle.mjs" packdir/attestation.sigstore.json signer.pub >js.out 2>&1 ||
    { cat js.out >&2; fail "sigstore-js rejects the pack's attestation"; }
grep -q "policy-evidence-pack/v1" js.out || fail "sigstore-js: $(cat js.out)"
expect_status 0 $VIGIL verify --key signer.pub --pack pack.zip
expect_status 4 $VIGIL verify --key other.pub --pack packdir
expect_stderr "FAILED \(signature check\)"

# Tampering: each change alone, then all three, in the directory and the zip.
tampered() { # NAME: a copy of the pack directory
    rm -rf "$1"
    cp -r packdir "$1"
}
tampered changed && printf ' ' >>changed/results.json
tampered added && echo '{}' >added/evidence/extra.json
tampered removed && rm removed/index.html
for dir in changed added removed; do
    expect_status 4 $VIGIL verify --key signer.pub --pack $dir
done
expect_status 4 $VIGIL verify --key signer.pub --pack changed
expect_stderr "pack changed: changed: results.json \(sha256 $(sha256sum changed/results.json | cut -d' ' -f1), the statement says $(sha256sum packdir/results.json | cut -d' ' -f1)\)"
expect_status 4 $VIGIL verify --key signer.pub --pack added
expect_stderr "pack added: added: evidence/extra.json"
expect_status 4 $VIGIL verify --key signer.pub --pack removed
expect_stderr "pack removed: missing: index.html"
tampered all && printf ' ' >>all/results.json && echo x >all/evidence/extra.json && rm all/index.html
expect_status 4 $VIGIL verify --key signer.pub --pack all
[ "$(grep -Ec 'pack all: (changed: results.json|added: evidence/extra.json|missing: index.html) ' "$TMP/stderr")" = 3 ] ||
    { cat "$TMP/stderr" >&2; fail "not every change to the pack was named"; }
expect_stderr "3 files differ from the signed statement"
# A link where a file was: reported, never followed.
tampered linked && rm linked/index.html && ln -s ../packdir/index.html linked/index.html
expect_status 4 $VIGIL verify --key signer.pub --pack linked
expect_stderr "pack linked: not-regular: index.html"
/usr/bin/python3 - pack.zip <<'PY' || fail "could not make the tampered zip archives"
import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
def copy(out, change):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = change(info.filename, src.read(info))
            if data is not None:
                z.writestr(info.filename, data)
        if out == "added.zip":
            z.writestr("evidence/extra.json", b"{}")
copy("changed.zip", lambda n, d: d + b" " if n == "results.json" else d)
copy("added.zip", lambda n, d: d)
copy("removed.zip", lambda n, d: None if n == "index.html" else d)
copy("rewritten.zip", lambda n, d: d)
import warnings
warnings.simplefilter("ignore")
with zipfile.ZipFile("twice.zip", "w") as z:  # results.json twice: which one would a reader take?
    for info in src.infolist():
        z.writestr(info.filename, src.read(info))
    z.writestr("results.json", b"{}")
PY
expect_status 0 $VIGIL verify --key signer.pub --pack rewritten.zip
expect_status 4 $VIGIL verify --key signer.pub --pack changed.zip
expect_stderr "pack changed.zip: changed: results.json"
expect_status 4 $VIGIL verify --key signer.pub --pack added.zip
expect_stderr "pack added.zip: added: evidence/extra.json"
expect_status 4 $VIGIL verify --key signer.pub --pack removed.zip
expect_stderr "pack removed.zip: missing: index.html"
expect_status 4 $VIGIL verify --key signer.pub --pack twice.zip
expect_stderr "twice.zip: the archive holds results.json twice"

# ---- the HTML report in Chromium -------------------------------------------------
(cd "$REPORTS" && node open_pack.mjs "$T/packdir/index.html" "$T/evidence-pack.png") >page.json 2>page.err ||
    { cat page.err >&2; fail "Chromium could not open the pack's index.html"; }
python3 - r.json page.json evidence-pack.png <<'PY' || fail "the HTML report does not show what the results say"
import json, sys
doc, page = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
png = open(sys.argv[3], "rb").read()
errors = []
def want(cond, what):
    if not cond:
        errors.append(what)
want(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, "the screenshot is not a PNG of a page")
want(page["requests"] == [], f"the page tried to fetch {page['requests']}")
want(page["counts"] == doc["summary"], f"summary shown {page['counts']}, results say {doc['summary']}")
shown = [(r["id"], r["status"]) for r in page["requirements"]]
want(shown == [(r["id"], r["status"]) for r in doc["requirements"]], f"requirements shown {shown}")
for r in page["requirements"]:
    n = {}
    for res in doc["results"]:
        if r["id"] in res["requirements"]:
            n[res["status"]] = n.get(res["status"], 0) + 1
    for status, count in n.items():
        want(f"{count} {status}" in r["results"], f"{r['id']}: shows {r['results']!r}, results have {n}")
passing = sum(r["status"] == "pass" for r in doc["requirements"])
want(page["requirementsPassing"] == f"{passing} of {len(doc['requirements'])} requirements pass.",
     page["requirementsPassing"])
want(page["rules"] == [r["id"] for r in doc["rules"]], f"rules {page['rules']}")
want(page["results"] == len(doc["results"]), f"{page['results']} result rows")
ev = doc["evidence"][0]
want(len(page["evidence"]) == 1 and ev["sha256"] in page["evidence"][0] and
     f"evidence/{ev['sha256']}-scan.json" in page["evidence"][0], f"evidence {page['evidence']}")
marks = {k: 0 for k in ("new", "unchanged", "updated", "absent")}
for r in doc["results"] + doc["absent"]:
    marks[r["baseline"]] += 1
want(page["drift"] == marks and marks["absent"] == 2, f"drift {page['drift']}, results {marks}")
want(sum(row.startswith("absent") and "musl" in row and "1.1.22-r4" in row for row in page["driftRows"]) == 2,
     f"absent rows {page['driftRows']}")
want(any("expired" in w and "carol" in w for w in page["waivers"]), f"waivers {page['waivers']}")
want("None in this run." in page["manual"][0], "manual attestations")
texts = ["index out of range <&>", "waived until 2099-01-31", "waiver expired on 2026-12-02"]
texts += [d["rationale"] for d in doc["rules"] if d.get("rationale")]
for text in texts:
    want(text in page["body"], f"the page does not show {text!r}")
for e in errors[:30]:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
artefacts=${VIGIL_BUILD:-$VIGIL_SRC/build}/test-artefacts/policy_reports
mkdir -p "$artefacts"
cp evidence-pack.png "$artefacts/evidence-pack.png"
echo "artefact: the evidence pack's index.html in Chromium: $artefacts/evidence-pack.png"

# ---- usage ---------------------------------------------------------------------------
expect_status 2 $VIGIL policy eval --pack ./pack --evidence scan=scan.json --attest signer.key -o json
expect_stderr "--attest signs the evidence pack"
expect_status 2 $VIGIL policy eval --pack ./pack --evidence scan=scan.json -o evidence-pack
expect_stderr "evidence-pack needs a place"
# A directory that holds files is never replaced.
expect_status 1 $VIGIL policy eval --pack ./pack --evidence scan=scan.json --now $now -o evidence-pack=packdir
expect_stderr "packdir already holds files"
cmp -s packdir/results.json r.json || fail "a refused pack changed the directory"
[ -z "$(find . -maxdepth 1 -name 'packdir.tmp.*')" ] || fail "a refused pack left its temporary directory"
# Without --attest a pack has no statement to verify.
expect_status 1 $VIGIL policy eval --pack ./pack --evidence scan=scan.json --now $now -o evidence-pack=plain
[ ! -e plain/attestation.sigstore.json ] && [ -f plain/SHA256SUMS ] || fail "unsigned pack"
expect_status 1 $VIGIL verify --key signer.pub --pack plain
expect_stderr "was it written with --attest"

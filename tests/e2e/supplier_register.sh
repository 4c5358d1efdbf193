# supplier_register.sh — `vigil supplier add|import|list|show|remove` (the
# register of issue 14, docs/supplier-risk.md) on SQLite and PostgreSQL:
# a YAML register and a CSV register written like a spreadsheet's export
# (CRLF, quoted fields holding commas, quotes and line breaks, a byte order
# mark) are imported, and every member `list -o json` and `show -o json`
# give back is compared (python3) with the record written here by hand, in
# the canonical member order.  Then --replace, remove, add with flags, and
# the import errors: each names FILE:LINE (the physical line where the row
# or the entry starts) and the key or column, exits 1 and leaves the
# register byte for byte as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
need_cmd python3

cd "$TMP"

# ---- the registers ----------------------------------------------------------------
cat >reg.yaml <<'EOF'
# the register of suppliers, as a person writes it
suppliers:
  - name: Acme GmbH
    supplies: software
    criticality: high
    description: Web shop components
    website: https://acme.example
    contacts:
      security: security@acme.example
      security_txt: https://acme.example/.well-known/security.txt
      psirt: https://acme.example/psirt
    contract:
      reference: C-2024-17
      incident_notification_hours: 24
      vulnerability_disclosure: true
      fix_days: 30
      sbom_delivery: true
      right_to_audit: false
      subcontractor_notification: true
      end_of_support: 2029-12-31
    certifications:
      - name: ISO/IEC 27001
        expires: 2027-03-31
    assessment:
      date: 2026-02-01
      result: pass
      next_due: 2027-02-01
    sbom_assets: [web-shop, alpine]
    rules:
      - purl: "pkg:npm/@acme/*"
      - name: "acme-*"
      - supplier: "Acme*"
    accepted:
      - component: "pkg:npm/@acme/legacy-*"
        reason: replaced in 2027
        by: CISO
        until: 2027-06-30
  - name: Cloud Hosting AG
    supplies: services
    criticality: medium
    own: false
    description:
    contacts: {psirt: "https://cloud.example/psirt"}
EOF

# As a spreadsheet exports it: CRLF between rows, a line feed inside the
# quoted description, doubled quotes, commas in quoted cells, a BOM.
printf '\xef\xbb\xbf' >reg.csv
printf '%s\r\n' \
    'name,supplies,criticality,own,description,website,contacts.security,contacts.psirt,contract.incident_notification_hours,contract.vulnerability_disclosure,contract.fix_days,contract.sbom_delivery,contract.right_to_audit,contract.end_of_support,certifications,assessment.date,assessment.result,assessment.next_due,sbom_assets,rules,accepted' \
    '"Beta Systems, Inc.",software,critical,,"Firmware and drivers, ""signed"" builds.
Second line of the note.",https://beta.example,security@beta.example,https://beta.example/psirt,48,TRUE,90,yes,no,2028-06-30,"ISO/IEC 27001@2027-03-31; SOC 2 Type II@2026-12-31",2025-11-15,conditional,2026-11-15,alpine-musl;web-shop,"purl:pkg:apk/alpine/musl*;name:beta-*;supplier:Beta Systems*","pkg:apk/alpine/zlib@*|CISO|2027-06-30|replaced in Q2, tracked in RISK-12"' \
    'Our Org,both,high,TRUE,,,,,,,,,,,,,,,,name:internal-*,' >>reg.csv

# The records as the register must keep them (docs/supplier-risk.md, "The
# record": members in this order, absent and null members left out, own
# only when true; CSV booleans TRUE/yes/no, list cells split at ';').
cat >expected.py <<'EOF'
EXPECTED = {
    "Acme GmbH": [
        ("name", "Acme GmbH"), ("supplies", "software"), ("criticality", "high"),
        ("description", "Web shop components"), ("website", "https://acme.example"),
        ("contacts", [("security", "security@acme.example"),
                      ("security_txt", "https://acme.example/.well-known/security.txt"),
                      ("psirt", "https://acme.example/psirt")]),
        ("contract", [("reference", "C-2024-17"), ("incident_notification_hours", 24),
                      ("vulnerability_disclosure", True), ("fix_days", 30), ("sbom_delivery", True),
                      ("right_to_audit", False), ("subcontractor_notification", True),
                      ("end_of_support", "2029-12-31")]),
        ("certifications", [[("name", "ISO/IEC 27001"), ("expires", "2027-03-31")]]),
        ("assessment", [("date", "2026-02-01"), ("result", "pass"), ("next_due", "2027-02-01")]),
        ("sbom_assets", ["web-shop", "alpine"]),
        ("rules", [[("purl", "pkg:npm/@acme/*")], [("name", "acme-*")], [("supplier", "Acme*")]]),
        ("accepted", [[("component", "pkg:npm/@acme/legacy-*"), ("reason", "replaced in 2027"), ("by", "CISO"),
                       ("until", "2027-06-30")]]),
    ],
    "Cloud Hosting AG": [
        ("name", "Cloud Hosting AG"), ("supplies", "services"), ("criticality", "medium"),
        ("contacts", [("psirt", "https://cloud.example/psirt")]),
    ],
    "Beta Systems, Inc.": [
        ("name", "Beta Systems, Inc."), ("supplies", "software"), ("criticality", "critical"),
        ("description", 'Firmware and drivers, "signed" builds.\nSecond line of the note.'),
        ("website", "https://beta.example"),
        ("contacts", [("security", "security@beta.example"), ("psirt", "https://beta.example/psirt")]),
        ("contract", [("incident_notification_hours", 48), ("vulnerability_disclosure", True), ("fix_days", 90),
                      ("sbom_delivery", True), ("right_to_audit", False), ("end_of_support", "2028-06-30")]),
        ("certifications", [[("name", "ISO/IEC 27001"), ("expires", "2027-03-31")],
                            [("name", "SOC 2 Type II"), ("expires", "2026-12-31")]]),
        ("assessment", [("date", "2025-11-15"), ("result", "conditional"), ("next_due", "2026-11-15")]),
        ("sbom_assets", ["alpine-musl", "web-shop"]),
        ("rules", [[("purl", "pkg:apk/alpine/musl*")], [("name", "beta-*")], [("supplier", "Beta Systems*")]]),
        ("accepted", [[("component", "pkg:apk/alpine/zlib@*"), ("reason", "replaced in Q2, tracked in RISK-12"),
                       ("by", "CISO"), ("until", "2027-06-30")]]),
    ],
    "Our Org": [
        ("name", "Our Org"), ("supplies", "both"), ("criticality", "high"), ("own", True),
        ("rules", [[("name", "internal-*")]]),
    ],
    "Delta Tools": [
        ("name", "Delta Tools"), ("supplies", "both"), ("criticality", "medium"), ("own", True),
        ("website", "https://delta.example"),
        ("contacts", [("security", "https://delta.example/security"),
                      ("security_txt", "https://delta.example/.well-known/security.txt"),
                      ("psirt", "https://delta.example/psirt")]),
        ("contract", [("reference", "D-9"), ("incident_notification_hours", 72), ("vulnerability_disclosure", False),
                      ("fix_days", 14), ("sbom_delivery", True), ("end_of_support", "2028-02-29")]),
        ("certifications", [[("name", "ISO/IEC 27001"), ("expires", "2027-01-31")],
                            [("name", "TISAX"), ("expires", "2026-06-30")]]),
        ("assessment", [("date", "2026-03-01"), ("result", "fail"), ("next_due", "2026-09-01")]),
        ("sbom_assets", ["delta-app"]),
        ("rules", [[("purl", "pkg:pypi/delta-*")], [("supplier", "Delta*")]]),
        ("accepted", [[("component", "pkg:pypi/delta-legacy*"), ("reason", "replaced in Q3 | not before"),
                       ("by", "CISO"), ("until", "2027-06-30")]]),
    ],
}
EOF

# check_record FILE NAME: FILE (show -o json) is the expected record of
# NAME, member by member and in the canonical order.
# check_list FILE NAME...: FILE (list -o json) holds exactly those records,
# sorted by name.
cat >check.py <<'EOF'
import json, sys
sys.path.insert(0, ".")
from expected import EXPECTED

def ordered(pairs):
    return pairs

def plain(v):
    if isinstance(v, list) and v and all(isinstance(x, tuple) for x in v):
        return [(k, plain(x)) for k, x in v]
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v

def check(got, name, where):
    want = plain(EXPECTED[name])
    if got != want:
        sys.exit("%s: %s differs:\n got  %r\n want %r" % (where, name, got, want))
    # a bool must stay a bool, an integer an integer
    for (k, g), (_, w) in zip(got, want):
        if type(g) is not type(w):
            sys.exit("%s: %s.%s is %r, expected %r" % (where, name, k, g, w))

def load(path):
    return json.load(open(path), object_pairs_hook=lambda p: [tuple(x) for x in p])

mode, path, names = sys.argv[1], sys.argv[2], sys.argv[3:]
doc = load(path)
if mode == "record":
    check(doc, names[0], path)
else:
    got = [dict(r)["name"] for r in doc]
    if got != sorted(names, key=lambda s: s.encode()):
        sys.exit("%s: names %r, expected %r" % (path, got, sorted(names)))
    for r in doc:
        check(r, dict(r)["name"], path)
EOF
check_record() { python3 check.py record "$@" || fail "show -o json: $1"; }
check_list() { python3 check.py list "$@" || fail "list -o json: $1"; }

# refused URL FILE PATTERN...: the import of FILE exits 1 with each
# PATTERN in its messages (kept in refused.err) and changes nothing.
refused() {
    local S=$1 file=$2 p
    shift 2
    expect_status 0 $VIGIL supplier list --store "$S" -o json
    cp "$TMP/stdout" before.json
    expect_status 1 $VIGIL supplier import "$file" --store "$S"
    for p in "$@"; do expect_stderr "$p"; done
    expect_stderr "$file: nothing (imported|written)"
    cp "$TMP/stderr" refused.err
    expect_status 0 $VIGIL supplier list --store "$S" -o json
    cmp before.json "$TMP/stdout" || fail "$file: the refused import changed the register"
}

# ---- files with errors ------------------------------------------------------------------
printf '%s\r\n' 'name,supplies,criticality,colour' 'X,software,low,red' >bad-column.csv
printf '%s\r\n' 'name,supplies,criticality,description,assessment.date,assessment.result,assessment.next_due' \
    'Good,software,low,"two' 'lines",2026-01-10,pass,2027-01-10' \
    'Bad Date,software,low,,2026-02-30,pass,2027-01-01' >bad-date.csv
printf '%s\n' 'name,supplies,criticality' 'X,software,low' 'Y,services,low' '"Z",both,medium' 'X,both,high' >dup.csv
cat >bad-key.yaml <<'EOF'
suppliers:
  - name: K
    supplies: services
    criticality: low
  - name: L
    supplies: services
    criticality: low
    contacts:
      fax: "+49 30 123456"
EOF
cat >bad-enum.yaml <<'EOF'
suppliers:
  - name: Fine
    supplies: software
    criticality: low

  - name: Wrong
    supplies: software
    criticality: severe
EOF
{
    echo 'name,supplies,criticality'
    for i in $(seq 1 60); do echo "S$i,hardware,low"; done
} >many.csv

suite() {
    local S=$1 name=$2
    expect_status 0 $VIGIL store init --store "$S"
    expect_status 0 $VIGIL supplier list --store "$S" -o json
    [ "$(cat "$TMP/stdout")" = "[]" ] || fail "$name: a new register is not empty"

    expect_status 0 $VIGIL supplier import reg.yaml --store "$S"
    grep -q '^reg.yaml: 2 suppliers added, 0 replaced' "$TMP/stdout" || fail "$name: yaml import said $(cat "$TMP/stdout")"
    expect_status 0 $VIGIL supplier import reg.csv --store "$S"
    grep -q '^reg.csv: 2 suppliers added, 0 replaced' "$TMP/stdout" || fail "$name: csv import said $(cat "$TMP/stdout")"
    expect_status 0 $VIGIL supplier list --store "$S" -o json
    cp "$TMP/stdout" list.json
    check_list list.json "Acme GmbH" "Cloud Hosting AG" "Beta Systems, Inc." "Our Org"
    for n in "Acme GmbH" "Cloud Hosting AG" "Beta Systems, Inc." "Our Org"; do
        expect_status 0 $VIGIL supplier show "$n" --store "$S" -o json
        cp "$TMP/stdout" show.json
        check_record show.json "$n"
    done
    # the table: one row per supplier, its assessment's due date and its rule count
    expect_status 0 $VIGIL supplier list --store "$S"
    grep -Eq '^NAME +SUPPLIES +CRITICALITY +ASSESSMENT DUE +RULES$' "$TMP/stdout" || fail "$name: list header"
    grep -Eq '^Acme GmbH +software +high +2027-02-01 +3$' "$TMP/stdout" || fail "$name: list row of Acme"
    grep -Eq '^Cloud Hosting AG +services +medium +- +0$' "$TMP/stdout" || fail "$name: list row of Cloud"
    [ "$(wc -l <"$TMP/stdout")" = 5 ] || fail "$name: list has $(wc -l <"$TMP/stdout") lines, expected 5"
    expect_status 0 $VIGIL supplier show "Beta Systems, Inc." --store "$S"
    grep -q '^  - purl: pkg:apk/alpine/musl\*$' "$TMP/stdout" || fail "$name: show's text lists no rule"
    grep -q '^contract:$' "$TMP/stdout" && grep -q '^  fix_days: 90$' "$TMP/stdout" || fail "$name: show's text"

    # import errors: FILE:LINE and the key or column, exit 1, nothing changed
    refused "$S" bad-column.csv 'bad-column.csv:1: column colour: unknown column'
    refused "$S" bad-date.csv "bad-date.csv:4: assessment.date: '2026-02-30' is not a calendar date"
    refused "$S" dup.csv "dup.csv:5: name: 'X' is given twice in the file: first at line 2"
    refused "$S" bad-key.yaml 'bad-key.yaml:9: contacts.fax: unknown key'
    refused "$S" bad-enum.yaml "bad-enum.yaml:8: criticality: 'severe' is none of low, medium, high, critical"
    refused "$S" reg.yaml "reg.yaml:3: name: 'Acme GmbH' is already in the register \(--replace" \
        "reg.yaml:38: name: 'Cloud Hosting AG' is already in the register"
    refused "$S" reg.csv "reg.csv:2: name: 'Beta Systems, Inc.' is already in the register" \
        "reg.csv:4: name: 'Our Org' is already in the register"
    refused "$S" many.csv "many.csv:51: supplies: 'hardware' is none of" 'and 10 more problems'
    [ "$(grep -c "supplies: 'hardware'" refused.err)" = 50 ] || fail "$name: more than 50 problems listed"

    # --replace replaces the whole record: members left out are gone
    sed -e 's/criticality: medium/criticality: critical/' -e '/contacts: {psirt/d' reg.yaml >replace.yaml
    expect_status 0 $VIGIL supplier import replace.yaml --replace --store "$S"
    grep -q '^replace.yaml: 0 suppliers added, 2 replaced' "$TMP/stdout" || fail "$name: replace said $(cat "$TMP/stdout")"
    expect_status 0 $VIGIL supplier show "Cloud Hosting AG" --store "$S" -o json
    [ "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$TMP/stdout")" = \
      '{"name": "Cloud Hosting AG", "supplies": "services", "criticality": "critical"}' ] ||
        fail "$name: the replaced record: $(cat "$TMP/stdout")"

    # remove
    expect_status 0 $VIGIL supplier remove "Cloud Hosting AG" --store "$S"
    expect_status 1 $VIGIL supplier show "Cloud Hosting AG" --store "$S"
    expect_stderr "no supplier 'Cloud Hosting AG'"
    expect_status 1 $VIGIL supplier remove "Cloud Hosting AG" --store "$S"
    expect_stderr "no supplier 'Cloud Hosting AG'"

    # add from flags, checked as an import row is
    local add=(supplier add "Delta Tools" --supplies both --criticality medium --own --website https://delta.example
        --security-contact https://delta.example/security --security-txt https://delta.example/.well-known/security.txt
        --psirt https://delta.example/psirt --rule 'purl:pkg:pypi/delta-*' --rule 'supplier:Delta*'
        --cert 'ISO/IEC 27001@2027-01-31' --cert TISAX@2026-06-30 --assessed 2026-03-01 --result fail
        --next-due 2026-09-01 --clause reference=D-9 --clause incident_notification_hours=72
        --clause vulnerability_disclosure=false --clause fix_days=14 --clause sbom_delivery
        --end-of-support 2028-02-29 --sbom-asset delta-app
        --accept 'pkg:pypi/delta-legacy*|CISO|2027-06-30|replaced in Q3 | not before' --store "$S")
    expect_status 0 $VIGIL "${add[@]}"
    expect_status 0 $VIGIL supplier show "Delta Tools" --store "$S" -o json
    cp "$TMP/stdout" show.json
    check_record show.json "Delta Tools"
    expect_status 1 $VIGIL "${add[@]}"
    expect_stderr "name: 'Delta Tools' is already in the register"
    expect_status 0 $VIGIL "${add[@]}" --replace
    expect_status 0 $VIGIL supplier list --store "$S" -o json
    cp "$TMP/stdout" before.json
    # values the record check refuses: usage errors, nothing written
    expect_status 2 $VIGIL supplier add Epsilon --supplies software --criticality low --assessed 2026-02-29 \
        --result pass --next-due 2027-02-28 --store "$S"
    expect_stderr "add: assessment.date: '2026-02-29' is not a calendar date"
    expect_status 2 $VIGIL supplier add Epsilon --supplies hardware --criticality low --clause fix_days=0 --store "$S"
    expect_stderr "add: supplies: 'hardware' is none of software, services, both"
    expect_stderr 'add: contract.fix_days: must be an integer from 1 to 3650'
    expect_status 2 $VIGIL supplier add Epsilon --supplies software --criticality low --rule 'vendor:x*' --store "$S"
    expect_stderr "add: rules\[0\].vendor: unknown key"
    expect_status 2 $VIGIL supplier add Epsilon --supplies software --criticality low --accept 'x*|CISO' --store "$S"
    expect_stderr "add: --accept takes GLOB|BY|UNTIL|REASON"
    expect_status 2 $VIGIL supplier add Epsilon --supplies software --criticality low \
        --accept 'x*|CISO|2027-02-30|why' --store "$S"
    expect_stderr "add: accepted\[0\].until: '2027-02-30' is not a calendar date"
    expect_status 0 $VIGIL supplier list --store "$S" -o json
    cmp before.json "$TMP/stdout" || fail "$name: a refused add changed the register"
    check_list before.json "Acme GmbH" "Beta Systems, Inc." "Our Org" "Delta Tools"
    echo "ok: $name: YAML and CSV registers imported member by member, 8 refused imports naming FILE:LINE and the key, replace, remove, add"
}

suite "sqlite:$TMP/store.sqlite" sqlite
pg_start
suite "$(pg_new_db register)" postgresql

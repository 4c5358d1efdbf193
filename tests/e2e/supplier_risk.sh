# supplier_risk.sh — `vigil supplier risk` and `vigil supplier unmapped`
# over an inventory of the real Alpine 3.10.9 minirootfs (as shipped, and
# with musl lowered below its real secfixes entry) matched against a secdb
# derived from the real v3.10 one (inventory_fixture.py: a finding for
# every package) and a copy of the real CISA KEV catalogue that lists
# CVE-2019-14697 (musl), in four assets of different criticality, one of
# them signed; a register of four suppliers imported from YAML, with rules
# attributing the real packages; a security.txt fetched over HTTPS from
# loopback by `vigil collect securitytxt`.
#
# Every factor and the total of each supplier are computed here, by the
# formulas of docs/supplier-risk.md, from inputs read independently of
# vigil's scoring: the open findings and their severities from the store
# with sqlite3, the fixed findings' times set here, the NTIA rows of each
# SBOM from `vigil sbom check`, the criticality tags set here.  The
# arithmetic is written out in the comments.  Then: determinism, a weight
# changed in vigil.toml, --fail-on, unmapped against the SBOMs (python),
# PostgreSQL giving the same document as SQLite, ajv against
# docs/supplier-risk.schema.json, and unreadable evidence (exit 3).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tls_lib.sh"
source "$(dirname "$0")/pg.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_cmd jq
need_cmd python3
need_cmd sqlite3
need_cmd openssl

T=$TMP
python3 "$VIGIL_SRC/tests/e2e/inventory_fixture.py" "$T" "$VIGIL_SHARED" "$VIGIL" || fail "inventory_fixture.py"
cd "$T" || fail "cd $T"

# The secdb with a finding for every package (plus.json) and the real KEV
# catalogue plus CVE-2019-14697 (not listed today: checked first).
kev_with CVE-2019-14697 musl-libc musl kev-plus.json || fail "kev_with"
$VIGIL db build --from plus.json --from kev-plus.json --db db.sqlite >/dev/null 2>err || { cat err >&2; fail "db build"; }

# A signed SBOM of the rootfs as shipped, for the asset "legacy".
expect_status 0 $VIGIL sbom -o cyclonedx-json=a.cdx.json a
setsid -w $VIGIL key generate --type ecdsa-p256 k 2>/dev/null || fail "key generate"
expect_status 0 $VIGIL attest --key k.key --type cyclonedx --predicate a.cdx.json --subject a.cdx.json -o a.bundle

# store URL: the inventory.  web: musl lowered (its findings open),
# criticality critical; api: musl lowered, then as shipped (the musl
# findings fixed), high; batch: as shipped, criticality "urgent" (no level:
# counted as medium); legacy: the signed SBOM, no criticality tag.
store() {
    local add=($VIGIL inventory add --db db.sqlite --store "$1")
    expect_status 0 "${add[@]}" b --asset web --tag criticality=critical
    expect_status 0 "${add[@]}" b --asset api --tag criticality=high
    expect_status 0 "${add[@]}" a --asset api
    expect_status 0 "${add[@]}" a --asset batch --tag criticality=urgent
    expect_status 0 "${add[@]}" a.cdx.json --asset legacy --bundle a.bundle --key k.pub
}

# craft.sql: severities on the open findings (the secdb gives none: every
# one is "unknown"), one suppressed, and the times of the four fixed musl
# findings of api (first seen 2026-03-01, fixed 10, 20, 40 and 100 days
# later).  Plain SQL: the same file is run on SQLite and PostgreSQL.
day=86400
t0=1772323200 # 2026-03-01T00:00:00Z
{
    sev() { echo "UPDATE finding_span SET severity = '$2' WHERE finding_id IN (SELECT id FROM finding WHERE vuln = '$1');"; }
    sev CVE-2099-1001 critical # alpine-baselayout
    sev CVE-2099-3001 high     # alpine-baselayout
    sev CVE-2099-1002 high     # alpine-keys
    sev CVE-2099-1003 medium   # apk-tools
    sev CVE-2099-1004 high     # busybox, ssl_client
    sev CVE-2099-1005 low      # ca-certificates-cacert (suppressed below)
    sev CVE-2099-1007 medium   # libtls-standalone
    sev CVE-2099-1008 medium   # musl, musl-utils
    sev CVE-2099-1009 critical # libssl1.1, libcrypto1.1
    sev CVE-2099-1010 critical # scanelf
    sev CVE-2099-1011 high     # zlib
    sev CVE-2099-2008 low      # musl, musl-utils (b only)
    # CVE-2099-1006 (libc-utils) and CVE-2019-14697 (musl, KEV) keep "unknown"
    # busybox's finding is critical on web only: the pair counts at its highest
    echo "UPDATE finding_span SET severity = 'critical' WHERE finding_id IN (SELECT f.id FROM finding f JOIN asset a ON"
    echo " a.id = f.asset_id WHERE a.name = 'web' AND f.package = 'pkg:apk/alpine/busybox' AND f.vuln = 'CVE-2099-1004');"
    echo "UPDATE finding_span SET suppressed = 1 WHERE finding_id IN (SELECT id FROM finding WHERE vuln = 'CVE-2099-1005');"
    fix() { echo "UPDATE finding SET first_seen = $t0, fixed_at = $((t0 + $3 * day)) WHERE package = 'pkg:apk/alpine/$1' AND vuln = '$2' AND fixed_at IS NOT NULL;"; }
    fix musl CVE-2019-14697 10
    fix musl CVE-2099-2008 20
    fix musl-utils CVE-2019-14697 40
    fix musl-utils CVE-2099-2008 100
} >craft.sql

# A security.txt served over HTTPS from loopback (a self-signed
# certificate, passed with --ca), collected as the evidence of the musl
# project's contacts.security_txt.
mkdir -p "$TLS" www/.well-known
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TLS/site.key" -out "$TLS/site.pem" \
    -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null || fail "openssl req -x509"
port=$(tls_free_port)
site=https://127.0.0.1:$port
printf 'Contact: mailto:security@musl.example\nExpires: 2027-06-01T00:00:00Z\n' >www/.well-known/security.txt
(cd www && exec openssl s_server -accept "127.0.0.1:$port" -WWW -quiet -cert "$TLS/site.pem" -key "$TLS/site.key" \
    </dev/null >"$T/s_server.log" 2>&1) &
server=$!
at_exit "kill $server 2>/dev/null; wait $server 2>/dev/null"
tls_wait_port "$port"
expect_status 0 $VIGIL collect securitytxt --ca "$TLS/site.pem" --timeout 5 "$site/.well-known/security.txt" -o st.json
[ "$(jq -c '[.status, .unchecked]' st.json)" = '["checked",[]]' ] || fail "security.txt not collected: $(cat st.json)"

# The register.  Rules: purl globs for musl, name globs for OpenSSL and
# BusyBox, a supplier (maintainer) glob for the rest of Alpine's packages;
# libtls-standalone (no maintainer) is reached by none.
cat >register.yaml <<YAML
suppliers:
  - name: Musl Project
    supplies: software
    criticality: critical
    contacts:
      security: mailto:security@musl.example
      security_txt: $site/.well-known/security.txt
    contract:
      incident_notification_hours: 24
      vulnerability_disclosure: true
      fix_days: 30
      sbom_delivery: true
      right_to_audit: true
    certifications:
      - name: ISO/IEC 27001
        expires: 2027-06-30
    assessment:
      date: 2026-06-01
      result: pass
      next_due: 2027-06-01
    sbom_assets: [legacy]
    rules:
      - purl: "pkg:apk/alpine/musl*"
    accepted:
      - component: "pkg:apk/alpine/musl-utils@*"
        reason: statically linked tools only
        by: CISO
        until: 2027-12-31
      - component: "pkg:apk/alpine/musl@*"
        reason: expired acceptance
        by: CISO
        until: 2026-12-31
  - name: OpenSSL Project
    supplies: software
    criticality: high
    contacts:
      psirt: https://openssl.example/psirt
    contract:
      incident_notification_hours: 72
      fix_days: 120
      end_of_support: 2026-12-31
    certifications:
      - name: SOC 2
        expires: 2026-01-01
    assessment:
      date: 2025-01-01
      result: fail
      next_due: 2026-01-01
    rules:
      - name: "libssl*"
      - name: "libcrypto*"
  - name: BusyBox
    supplies: software
    criticality: medium
    contacts:
      security_txt: https://busybox.example/.well-known/security.txt
    assessment:
      date: 2026-09-01
      result: conditional
      next_due: 2027-12-31
    sbom_assets: [web, gone]
    rules:
      - name: busybox
      - name: ssl_client
  - name: Alpine Infrastructure
    supplies: services
    criticality: low
    contacts:
      security: security@alpinelinux.example
    contract:
      incident_notification_hours: 12
      vulnerability_disclosure: true
      fix_days: 14
      right_to_audit: true
      subcontractor_notification: true
    certifications:
      - name: ISO/IEC 27001
        expires: 2028-01-31
    assessment:
      date: 2026-10-01
      result: pass
      next_due: 2027-10-01
    rules:
      - supplier: "natanael*"
YAML

AT=2027-01-15
S=sqlite:$T/store.sqlite
store "$S"
sqlite3 "$T/store.sqlite" <craft.sql
expect_status 0 $VIGIL supplier import register.yaml --store "$S"
risk() { $VIGIL supplier risk --store "$S" --at $AT "$@"; }
expect_status 0 risk --evidence st.json -o json=risk.json -o table=risk.txt
have_validator && validate vigil-supplier-risk risk.json

# The inputs, read from the store and the SBOMs without vigil's scoring:
# the open findings (not suppressed) of each supplier's packages in the
# latest snapshots, one per (component, vulnerability) at its highest
# severity; the NTIA rows of the SBOMs of legacy and web (`vigil sbom
# check`); the end-of-life date of Alpine 3.10 in the shipped table.
expect_status 0 $VIGIL inventory export web --store "$S" -o cyclonedx-json=web.cdx.json
$VIGIL sbom check a.cdx.json -o json >check-legacy.json || true
$VIGIL sbom check web.cdx.json -o json >check-web.json || true
python3 - "$T/store.sqlite" "$VIGIL_SRC/policy/data/end-of-life.json" check-legacy.json check-web.json >inputs.txt <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rank = {"unknown": 0, "none": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
pairs = {}
for purl, name, vuln, sev, kev in db.execute(
        "SELECT c.purl, c.name, f.vuln, x.severity, x.kev FROM finding_span x JOIN finding f ON f.id = x.finding_id"
        " JOIN component c ON c.id = x.component_id JOIN asset a ON a.id = x.asset_id"
        " WHERE x.since <= a.latest_snapshot AND (x.until IS NULL OR x.until > a.latest_snapshot) AND x.suppressed = 0"):
    s, k = pairs.get((purl, vuln), ("unknown", 0))
    pairs[(purl, vuln)] = (max(s, sev, key=rank.get), k or kev)
for (purl, vuln), (sev, kev) in sorted(pairs.items()):
    print("pair", purl.split("?")[0].split("/")[-1], vuln, sev, "kev" if kev else "-")
for name in sys.argv[3:]:
    fails = [r["id"] for r in json.load(open(name))["results"] if r["standard"] == "ntia" and r["level"] == "required"
             and r["verdict"] == "fail"]
    print("ntia", name, " ".join(fails) or "-")
eol = json.load(open(sys.argv[2]))
print("eol alpine 3.10", [c for p in eol["products"] if p["name"] == "alpine" for c in p["cycles"] if c["cycle"] == "3.10"][0]["eol"])
PY
# The inputs the expectations below were worked out from; a change of the
# fixture or of the feeds shows here first.
cat >inputs-want.txt <<'TXT'
pair alpine-baselayout@3.1.2-r0 CVE-2099-1001 critical -
pair alpine-baselayout@3.1.2-r0 CVE-2099-3001 high -
pair alpine-keys@2.1-r2 CVE-2099-1002 high -
pair apk-tools@2.10.6-r0 CVE-2099-1003 medium -
pair busybox@1.30.1-r5 CVE-2099-1004 critical -
pair libc-utils@0.7.1-r0 CVE-2099-1006 unknown -
pair libcrypto1.1@1.1.1k-r0 CVE-2099-1009 critical -
pair libssl1.1@1.1.1k-r0 CVE-2099-1009 critical -
pair libtls-standalone@2.9.1-r0 CVE-2099-1007 medium -
pair musl-utils@1.1.22-r2 CVE-2019-14697 unknown kev
pair musl-utils@1.1.22-r2 CVE-2099-1008 medium -
pair musl-utils@1.1.22-r2 CVE-2099-2008 low -
pair musl-utils@1.1.22-r4 CVE-2099-1008 medium -
pair musl@1.1.22-r2 CVE-2019-14697 unknown kev
pair musl@1.1.22-r2 CVE-2099-1008 medium -
pair musl@1.1.22-r2 CVE-2099-2008 low -
pair musl@1.1.22-r4 CVE-2099-1008 medium -
pair scanelf@1.2.3-r0 CVE-2099-1010 critical -
pair ssl_client@1.30.1-r5 CVE-2099-1004 high -
pair zlib@1.2.11-r1 CVE-2099-1011 high -
ntia check-legacy.json ntia.supplier ntia.version ntia.identifiers
ntia check-web.json ntia.supplier ntia.version ntia.identifiers
eol alpine 3.10 2021-05-01
TXT
diff inputs.txt inputs-want.txt >&2 || fail "the inputs of the expected scores changed"

# expect FILE: checks every factor (value to 1e-4, points to 0.1, measured),
# the measured weight, the total and the level of the suppliers below in
# the risk document FILE, against the values worked out by hand here from
# the inputs above (score = sum of value x weight over the measured factors,
# rounded half up to 0.1; default weights exposure 20, vulnerabilities 25,
# remediation 10, hygiene 15, contract 20, lifecycle 10; WEIGHTS overrides).
expect() {
    python3 - "$1" "${2:-}" <<'PY'
import json, sys
from fractions import Fraction as F
doc = json.load(open(sys.argv[1]))
w = {"exposure": 20, "vulnerabilities": 25, "remediation": 10, "hygiene": 15, "contract": 20, "lifecycle": 10}
w.update(json.loads(sys.argv[2] or "{}"))
# Exposure, asset points: web critical 4, api high 3, batch "urgent" 2
# (counted as medium), legacy untagged 2 (counted as medium).
# Lifecycle: every package is an Alpine 3.10 package (distro=alpine-3.10.9),
# whose release ended on 2021-05-01 < 2027-01-15: past end of life.
want = {
    "Musl Project": {  # musl, musl-utils: 1.1.22-r2 on web, 1.1.22-r4 on api, batch, legacy (4 components)
        # exposure: assets 4+3+2+2 = 11 of 20 = 0.55; supplier critical 1; max = 1
        "exposure": F(1),
        # vulnerabilities: 2 KEV pairs (CVE-2019-14697 on musl, musl-utils r2) 2 x 10 = 20,
        # medium CVE-2099-1008 on the 4 components 4 x 1 = 4, low CVE-2099-2008 on r2 2 x 0.25 = 0.5:
        # 24.5 of 50 = 0.49
        "vulnerabilities": F(49, 100),
        # remediation: fixed after 10, 20, 40, 100 days: median by nearest rank (rank ceil(4/2) = 2) 20 days,
        # 20 / 90 = 0.2222
        "remediation": F(20, 90),
        # hygiene (software, of 5): SBOM of legacy in the inventory 0; its NTIA rows fail (supplier,
        # version, identifiers) 1; legacy's latest snapshot has a verified attestation 0; security.txt
        # verified by st.json 0; security contact 0: 1 of 5 = 0.2
        "hygiene": F(1, 5),
        # contract (software, of 6 + 1 + 4 = 11): subcontractor_notification missing 1; ISO/IEC 27001
        # current (2027-06-30 >= 2027-01-15) 0; assessment pass, next due 2027-06-01, not overdue 0: 1/11
        "contract": F(1, 11),
        # lifecycle: no end_of_support; 4 components past end of life: min(1, 4 x 0.25) = 1
        "lifecycle": F(1),
        # 20 + 12.25 + 2.2222 + 3 + 1.8182 + 10 = 49.2904 -> 49.3, medium; every factor measured: 100
        "score": 49.3, "level": "medium", "measured_weight": 100, "components": 4, "rules": 1,
    },
    "OpenSSL Project": {  # libssl1.1, libcrypto1.1 on all four assets (2 components)
        # exposure: 11 of 20 = 0.55; supplier high 0.75; max = 0.75
        "exposure": F(3, 4),
        # vulnerabilities: CVE-2099-1009 critical on both: 2 x 5 = 10 of 50 = 0.2
        "vulnerabilities": F(1, 5),
        # remediation: no fixed finding: not measured
        "remediation": None,
        # hygiene (of 5): no sbom_assets 1; no SBOM to check 0; no attestation 1; no security.txt URL 1;
        # a PSIRT 0: 3 of 5
        "hygiene": F(3, 5),
        # contract (of 11): incident notification 72 h > 24 1, vulnerability_disclosure 1, fix_days 120 > 90 1,
        # sbom_delivery 1, right_to_audit 1, subcontractor_notification 1; SOC 2 expired 2026-01-01 1;
        # assessment overdue (next due 2026-01-01) 2, result fail 2: 11 of 11
        "contract": F(1),
        # lifecycle: end_of_support 2026-12-31 < 2027-01-15: 1
        "lifecycle": F(1),
        # 15 + 5 + 9 + 20 + 10 = 59.0, high; measured 100 - 10 = 90
        "score": 59.0, "level": "high", "measured_weight": 90, "components": 2, "rules": 2,
    },
    "BusyBox": {  # busybox, ssl_client on all four assets
        # exposure: 11 of 20 = 0.55; supplier medium 0.5; max = 0.55
        "exposure": F(55, 100),
        # vulnerabilities: CVE-2099-1004 critical on busybox (critical on web, high elsewhere: the highest) 5,
        # high on ssl_client 3: 8 of 50 = 0.16
        "vulnerabilities": F(16, 100),
        "remediation": None,
        # hygiene (of 5): web is an sbom_asset in the inventory 0 ("gone" is not); web's SBOM fails NTIA 1;
        # web has no attestation 1; security.txt recorded, no evidence of it 1; no contact or PSIRT 1: 4 of 5
        "hygiene": F(4, 5),
        # contract (of 11): no contract: 6 clauses; no certification 1; assessment not overdue 0,
        # conditional 1: 8 of 11
        "contract": F(8, 11),
        # lifecycle: 2 components past end of life: 2 x 0.25 = 0.5
        "lifecycle": F(1, 2),
        # 11 + 4 + 12 + 14.5455 + 5 = 46.5455 -> 46.5, medium
        "score": 46.5, "level": "medium", "measured_weight": 90, "components": 2, "rules": 2,
    },
    "Alpine Infrastructure": {  # services; maintainer Natanael Copa: alpine-baselayout, alpine-keys, apk-tools,
        # ca-certificates-cacert, libc-utils, scanelf, zlib (7 components; busybox and ssl_client go to
        # BusyBox: name rules come before supplier rules)
        # exposure: 11 of 20 = 0.55; supplier low 0.25; max = 0.55
        "exposure": F(55, 100),
        # vulnerabilities: critical 1001, 1010: 2 x 5; high 3001, 1002, 1011: 3 x 3; medium 1003: 1;
        # unknown 1006: 1; 1005 suppressed: 0 => 10 + 9 + 1 + 1 = 21 of 50 = 0.42
        "vulnerabilities": F(42, 100),
        "remediation": None,
        # hygiene (services, of 2): no security.txt 1; a security contact 0: 1 of 2
        "hygiene": F(1, 2),
        # contract (services, of 5 + 1 + 4 = 10): every clause (24 h >= 12, 14 days <= 90); certification
        # current; assessment pass, not overdue: 0
        "contract": F(0),
        # lifecycle: 7 components past end of life: min(1, 1.75) = 1
        "lifecycle": F(1),
        # 11 + 10.5 + 7.5 + 0 + 10 = 39.0, medium
        "score": 39.0, "level": "medium", "measured_weight": 90, "components": 7, "rules": 1,
    },
}
def half_up(x):  # to 0.1
    return float(int(x * 10 + F(1, 2))) / 10
bad = []
got = {s["name"]: s for s in doc["suppliers"]}
for name, exp in want.items():
    s = got[name]
    total, measured = F(0), 0
    for f in s["factors"]:
        v = exp[f["name"]]
        if v is None:
            if f["measured"] or f["points"] != 0:
                bad.append(f"{name} {f['name']}: measured")
            continue
        total += v * w[f["name"]]
        measured += w[f["name"]]
        if not f["measured"] or abs(f["value"] - float(v)) > 0.00005 or f["points"] != half_up(v * w[f["name"]]) \
                or f["weight"] != w[f["name"]]:
            bad.append(f"{name} {f['name']}: {f['value']} {f['points']} {f['measured']}, want {float(v)} "
                       f"{half_up(v * w[f['name']])}")
    want_score = exp["score"] if not sys.argv[2] else half_up(total)
    if half_up(total) != want_score:
        bad.append(f"{name}: the hand-computed score {exp['score']} is not the sum {float(total)}")
    want_level = ["low", "medium", "high", "critical"][sum(want_score >= t for t in (25, 50, 75))]
    for key, value in (("score", want_score), ("level", want_level), ("measured_weight", measured),
                       ("components", exp["components"]), ("rules", exp["rules"])):
        if s[key] != value:
            bad.append(f"{name} {key}: {s[key]}, want {value}")
names = [s["name"] for s in doc["suppliers"]]
if names != sorted(names, key=lambda n: (-got[n]["score"], n)):
    bad.append(f"suppliers not sorted by score, then name: {names}")
if bad:
    sys.exit("\n".join(bad))
PY
}
expect risk.json || fail "the scores are not the ones worked out by hand"
check() { jq -e "$2" "$1" >/dev/null || fail "$3: $(jq -c "$2" "$1" 2>&1 | head -c 300)"; }
# The evidence behind the numbers.
check risk.json '.suppliers[] | select(.name == "Musl Project") | .factors[2].evidence
    | .fixed == 4 and .median_seconds == 1728000 and .median_days == 20 and .advisory_to_fix.computed == false' \
    "remediation evidence"
check risk.json '[.suppliers[] | select(.name == "Musl Project") | .factors[1].evidence | .kev, .medium, .low, .findings_open]
    == [2, 4, 2, 8]' "vulnerability counts"
check risk.json '.suppliers[] | select(.name == "BusyBox") | [.factors[3].evidence.checks[] | [.check, .points]]
    == [["sbom", 0], ["sbom_quality", 1], ["attestation", 1], ["security_txt", 1], ["security_contact", 1]]' \
    "hygiene checks"
check risk.json '.suppliers[] | select(.name == "OpenSSL Project") | .contract.missing_clauses == ["incident_notification",
    "vulnerability_disclosure", "fix_days", "sbom_delivery", "right_to_audit", "subcontractor_notification"]
    and .contract.assessment.overdue and (.contract.certifications[0].current | not)' "contract summary"
check risk.json '.suppliers[] | select(.name == "BusyBox") | .assets == [{name: "api", criticality: "high"},
    {name: "batch", criticality: "urgent"}, {name: "legacy", criticality: null}, {name: "web", criticality: "critical"}]
    and .factors[0].evidence.counted_as_medium == ["batch", "legacy"]' "exposure assets"
# unaccepted: only at or above accept_level (high): OpenSSL, with no acceptance.
check risk.json '[.suppliers[] | select(.unaccepted) | .name] == ["OpenSSL Project"]' "unaccepted only at high"
check risk.json '.suppliers[] | select(.name == "OpenSSL Project") | .unaccepted == [
    "pkg:apk/alpine/libcrypto1.1@1.1.1k-r0?arch=x86_64&distro=alpine-3.10.9&upstream=openssl",
    "pkg:apk/alpine/libssl1.1@1.1.1k-r0?arch=x86_64&distro=alpine-3.10.9&upstream=openssl"]' "unaccepted"
check risk.json '.unmapped == 1 and .at == "2027-01-15" and .unchecked == []' "unmapped count"
grep -Eq '^OpenSSL Project +59\.0 high +15\.0 +5\.0 +- +9\.0 +20\.0 +10\.0$' risk.txt || { cat risk.txt; fail "table"; }

# Determinism: the same inputs give the same bytes.
expect_status 0 risk --evidence st.json -o json=risk2.json
cmp risk.json risk2.json || fail "two runs differ"

# One supplier named: its explanation, and the document of it alone.
expect_status 0 risk "Musl Project" --evidence st.json
grep -q '^remediation: 2.2 of 10 points' "$T/stdout" && grep -q '4 fixed findings, median 20 days' "$T/stdout" ||
    { cat "$T/stdout"; fail "explanation"; }
expect_status 0 risk "Musl Project" --evidence st.json -o json
[ "$(jq -c '[.suppliers[].name]' "$T/stdout")" = '["Musl Project"]' ] || fail "one supplier"
expect_status 1 risk "Nobody"
expect_stderr 'no supplier named "Nobody"'

# --components: musl 1.1.22-r2 (web only), by the component weights
# exposure 25, vulnerabilities 40, lifecycle 15, supplier 20:
#   exposure: web critical 4 of 20 = 0.2 x 25 = 5
#   vulnerabilities: KEV 10 + medium 1 + low 0.25 = 11.25 of 50 = 0.225 x 40 = 9
#   lifecycle: past end of life 1 x 15 = 15
#   supplier: Musl Project's 49.3 / 100 = 0.493 x 20 = 9.86
#   5 + 9 + 15 + 9.86 = 38.86 -> 38.9, medium
# libtls-standalone (no supplier): 1 x 20 for the supplier factor.
expect_status 0 risk --components --evidence st.json -o json=comp.json
check comp.json '.components[] | select(.component | startswith("pkg:apk/alpine/musl@1.1.22-r2"))
    | .score == 38.9 and .level == "medium" and ([.factors[].points] == [5, 9, 15, 9.9])' "component score"
check comp.json '.components[] | select(.name == "libtls-standalone") | .supplier == null and .factors[3].value == 1' \
    "component without a supplier"
have_validator && validate vigil-supplier-risk comp.json

# Weights from vigil.toml: contract 40 instead of 20 moves OpenSSL to
# 15 + 5 + 9 + 40 + 10 = 79.0 (critical); accept_level medium lists the
# unaccepted components of every supplier at medium or above: Musl's
# musl-utils are accepted until 2027-12-31, musl's acceptance ended on
# 2026-12-31.
printf '[supplier]\naccept_level = "medium"\n[supplier.weights]\ncontract = 40\n' >vigil.toml
expect_status 0 risk --evidence st.json -o json=weighted.json
expect weighted.json '{"contract": 40}' || fail "the weighted scores"
check weighted.json '.weights.contract == 40 and (.suppliers[0] | .name == "OpenSSL Project" and .score == 79 and .level == "critical")' \
    "weighted OpenSSL"
check weighted.json '.suppliers[] | select(.name == "Musl Project") | .unaccepted == [
    "pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64&distro=alpine-3.10.9", "pkg:apk/alpine/musl@1.1.22-r4?arch=x86_64&distro=alpine-3.10.9"]' \
    "acceptances"
printf '[supplier.weights]\nexposur = 10\n' >bad.toml
expect_status 2 risk --config bad.toml
expect_stderr "bad.toml: \[supplier.weights\] has no key 'exposur'"
printf '[supplier.levels]\nmedium = 60\nhigh = 50\n' >bad.toml
expect_status 2 risk --config bad.toml
expect_stderr "bad.toml: supplier.levels: medium < high < critical does not hold"
expect_status 2 risk --config "$T/none.toml"
rm vigil.toml

# --fail-on: OpenSSL is high.
expect_status 5 risk --evidence st.json --fail-on high -o json=failon.json
expect_stderr 'supplier OpenSSL Project is at level high'
cmp risk.json failon.json || fail "--fail-on did not write the same document"
expect_status 0 risk --evidence st.json --fail-on critical

# Evidence that cannot be read, or is no securitytxt document: written, exit 3, listed.
expect_status 3 risk --evidence st.json --evidence "$T/missing.json" --evidence a.cdx.json -o json=unchecked.json
check unchecked.json '[.unchecked[].what] == ["'"$T"'/missing.json", "a.cdx.json"]' "unchecked evidence"
jq -e --slurpfile r risk.json '.suppliers == $r[0].suppliers' unchecked.json >/dev/null ||
    fail "unreadable evidence changed the scores"

# unmapped: the components of the SBOMs of the four assets' latest
# snapshots that no rule reaches, by python: purl globs musl*, names
# libssl*, libcrypto*, busybox, ssl_client, maintainers natanael*
# (case-insensitive).  The operating system is the snapshot's, not a
# component of the store.
expect_status 0 $VIGIL supplier unmapped --store "$S" -o json=unmapped.json
for a in web api batch legacy; do
    expect_status 0 $VIGIL inventory export "$a" --store "$S" -o cyclonedx-json="sbom-$a.json"
done
python3 - sbom-*.json >unmapped-want.txt <<'PY'
import fnmatch, json, sys
out = set()
for name in sys.argv[1:]:
    for c in json.load(open(name))["components"]:
        if c["type"] == "operating-system":
            continue
        purl = c.get("purl", "")
        supplier = (c.get("supplier") or {}).get("name") or c.get("author") or ""
        if purl.split("?")[0].startswith("pkg:apk/alpine/musl") or c["name"].startswith(("libssl", "libcrypto")) \
                or c["name"] in ("busybox", "ssl_client") or fnmatch.fnmatch(supplier.lower(), "natanael*"):
            continue
        out.add(purl or f"{c['name']}@{c.get('version', '')}")
print("\n".join(sorted(out)))
PY
jq -r '.[].component' unmapped.json >unmapped-got.txt
same_lines unmapped-got.txt unmapped-want.txt "unmapped components"
check unmapped.json '.[0].assets == ["api", "batch", "legacy", "web"]' "unmapped assets"
expect_status 0 $VIGIL supplier unmapped --store "$S" --asset web
grep -q libtls-standalone "$T/stdout" || fail "unmapped --asset web"
expect_status 1 $VIGIL supplier unmapped --store "$S" --asset nowhere

# inventory show: each component of web's latest snapshot with the
# supplier the same precedence gives it, by python on web's SBOM (purl
# musl* first, then the names, then the maintainer), and the counts.
expect_status 0 $VIGIL inventory show web --store "$S" -o json=show.json
python3 - show.json sbom-web.json <<'PY' || fail "inventory show: attribution"
import fnmatch, json, sys
show, sbom = (json.load(open(p)) for p in sys.argv[1:])
want = {}
for c in sbom["components"]:
    if c["type"] == "operating-system":
        continue
    purl = c.get("purl", "")
    supplier = (c.get("supplier") or {}).get("name") or c.get("author") or ""
    if purl.split("?")[0].startswith("pkg:apk/alpine/musl"):
        who = "Musl Project"
    elif c["name"].startswith(("libssl", "libcrypto")):
        who = "OpenSSL Project"
    elif c["name"] in ("busybox", "ssl_client"):
        who = "BusyBox"
    elif fnmatch.fnmatch(supplier.lower(), "natanael*"):
        who = "Alpine Infrastructure"
    else:
        who = None
    want[purl] = who
got = {c["purl"]: c["attributed_to"] for c in show["component_list"]}
assert got == want, {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
counts = {}
for who in want.values():
    if who:
        counts[who] = counts.get(who, 0) + 1
assert show["suppliers"] == [{"name": n, "components": counts[n]} for n in sorted(counts)], show["suppliers"]
assert show["unmapped"] == sum(1 for w in want.values() if not w), show["unmapped"]
PY
expect_status 0 $VIGIL inventory show web --store "$S"
grep -q "^suppliers  Alpine Infrastructure ([0-9]*), BusyBox (2), Musl Project (2), OpenSSL Project (2); [0-9]* unmapped$" \
    "$T/stdout" || fail "inventory show: the suppliers line: $(grep ^suppliers "$T/stdout")"

# An empty store: nothing scored is said (exit 3, both in unchecked), and
# the register rule of the nis2 pack skips the store instead of passing
# its unmapped count of 0.
E=sqlite:$T/empty.sqlite
expect_status 0 $VIGIL store init --store "$E"
expect_status 3 $VIGIL supplier risk --store "$E" --at $AT -o json=empty.json
check empty.json '.suppliers == [] and ([.unchecked[].what] == ["the supplier register", "the inventory"])' \
    "an empty store's risk document"
grep -q "not checked: the supplier register: it is empty" "$T/stderr" || fail "empty register not said"
expect_status 1 $VIGIL supplier unmapped --store "$E"
grep -q "no asset of the store has a snapshot" "$T/stderr" || fail "unmapped on an empty store: $(cat "$T/stderr")"
$VIGIL policy eval --rule "$VIGIL_SRC/policy/nis2/supplier-register.lua" --evidence empty.json \
    --now 2027-01-15T00:00:00Z -o json=empty-eval.json >/dev/null 2>&1 || true
check empty-eval.json '[.results[] | .status] == ["skip"]' "supplier-register on an empty store"

# PostgreSQL: the same inventory, crafted the same way, gives the same
# document but for its target.
pg_start
P=$(pg_new_db risk)
store "$P"
psql "$P" -X -q -v ON_ERROR_STOP=1 -f craft.sql >/dev/null || fail "craft.sql on PostgreSQL"
expect_status 0 $VIGIL supplier import register.yaml --store "$P"
expect_status 0 $VIGIL supplier risk --store "$P" --at $AT --evidence st.json --components -o json=pg.json
jq 'del(.target)' pg.json >pg-notarget.json
jq 'del(.target)' comp.json >sqlite-notarget.json
cmp pg-notarget.json sqlite-notarget.json || { diff pg-notarget.json sqlite-notarget.json | head -20 >&2; fail "PostgreSQL and SQLite differ"; }
echo ok

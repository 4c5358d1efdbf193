# incident_cra_candidates.sh — `vigil inventory rescan` flags the CRA
# Art. 14(1) candidates: findings that are KEV-listed (actively exploited)
# in the assets tagged cra=product (the manufacturer's own products), until
# an incident is opened about them (`vigil incident open --kind
# vulnerability --finding ASSET:VULN`).
#
# Real data: the Alpine 3.10.9 minirootfs with musl lowered to 1.1.22-r2
# (CVE-2019-14697, fixed in r3, per the real v3.10 secdb), the real CISA
# KEV catalogue, and a copy of it that lists CVE-2019-14697 (it is not
# listed today: the test checks that first), as if CISA had added it.
source "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_cmd jq
need_cmd python3
V=$VIGIL_SHARED/vulndata
export VIGIL_STORE="sqlite:$TMP/store.sqlite" VIGIL_ACTOR="e2e cra"
cd "$TMP" || fail "cd $TMP"

mkdir fw
tar -xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz" -C fw
grep -q '^V:1.1.22-r4$' fw/lib/apk/db/installed || fail "fixture changed: musl is not 1.1.22-r4"
sed -i 's/^V:1.1.22-r4$/V:1.1.22-r2/' fw/lib/apk/db/installed
kev_with CVE-2019-14697 musl-libc musl kev-plus.json || fail "kev_with"
for db in plain:"$V/kev/known_exploited_vulnerabilities.json" kev:kev-plus.json; do
    "$VIGIL" db build --from "$V/alpine-secdb/v3.10/main.json" --from "${db#*:}" --db "db-${db%%:*}.sqlite" \
        >/dev/null 2>err || { cat err >&2; fail "db build ${db%%:*}"; }
done

# The same firmware as the manufacturer's product and as an office machine.
expect_status 0 "$VIGIL" inventory add fw --asset router-fw --tag cra=product --db db-plain.sqlite
expect_status 0 "$VIGIL" inventory add fw --asset office-pc --db db-plain.sqlite
expect_status 0 "$VIGIL" inventory show router-fw -o json
[ "$(jq -r '[.finding_list[] | select(.id == "CVE-2019-14697")] | length' "$TMP/stdout")" = 2 ] ||
    fail "the fixture has not CVE-2019-14697"

# A database without the KEV catalogue cannot tell: no list, said, exit 3
# (--allow-unchecked accepts it, and still gives no list).
"$VIGIL" db build --from "$V/alpine-secdb/v3.10/main.json" --db db-nokev.sqlite >/dev/null 2>err ||
    { cat err >&2; fail "db build nokev"; }
expect_status 3 "$VIGIL" inventory rescan --db db-nokev.sqlite -o json
expect_stderr "CRA Art. 14 candidates not checked: the vulnerability database holds no CISA KEV catalogue"
[ "$(jq -c '[.cra_candidates, (.cra_unchecked | length > 0)]' "$TMP/stdout")" = "[null,true]" ] ||
    fail "no KEV: $(jq -c '{cra_candidates, cra_unchecked}' "$TMP/stdout")"
expect_status 0 "$VIGIL" inventory rescan --db db-nokev.sqlite --allow-unchecked
grep -q "CRA Art. 14 candidates: not checked" "$TMP/stdout" || { cat "$TMP/stdout"; fail "the table does not say so"; }

# Not in KEV: no candidate.
expect_status 0 "$VIGIL" inventory rescan --db db-plain.sqlite -o json
[ "$(jq -c .cra_candidates "$TMP/stdout")" = "[]" ] || fail "candidates without a KEV listing: $(jq -c .cra_candidates "$TMP/stdout")"

# Listed in KEV: the product's two packages are candidates, the office machine is not.
expect_status 0 "$VIGIL" inventory rescan --db db-kev.sqlite -o json
[ "$(jq -c '[.cra_candidates[] | [.asset, .vuln, .package]]' "$TMP/stdout")" = \
  '[["router-fw","CVE-2019-14697","pkg:apk/alpine/musl"],["router-fw","CVE-2019-14697","pkg:apk/alpine/musl-utils"]]' ] ||
    fail "candidates: $(jq -c .cra_candidates "$TMP/stdout")"
expect_status 0 "$VIGIL" inventory rescan --db db-kev.sqlite
grep -q "CRA Art. 14 candidates" "$TMP/stdout" || { cat "$TMP/stdout"; fail "the table does not say so"; }
grep -Eq '! CVE-2019-14697 +router-fw \(pkg:apk/alpine/musl\)' "$TMP/stdout" || { cat "$TMP/stdout"; fail "the table does not list it"; }

# An incident about it takes it off the list; an incident about another asset does not.
expect_status 0 "$VIGIL" incident open --kind vulnerability --title "musl CVE-2019-14697 exploited" \
    --aware-at 2026-10-30T12:00:00Z --finding office-pc:CVE-2019-14697
expect_status 0 "$VIGIL" inventory rescan --db db-kev.sqlite -o json
[ "$(jq '.cra_candidates | length' "$TMP/stdout")" = 2 ] || fail "an incident of another asset took the candidates"
expect_status 0 "$VIGIL" incident update INC-0001 --finding router-fw:CVE-2019-14697
expect_status 0 "$VIGIL" inventory rescan --db db-kev.sqlite -o json
[ "$(jq -c .cra_candidates "$TMP/stdout")" = "[]" ] || fail "still candidates after the incident: $(jq -c .cra_candidates "$TMP/stdout")"
expect_status 0 "$VIGIL" incident verify
echo ok

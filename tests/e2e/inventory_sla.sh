# inventory_sla.sh — `vigil inventory sla` over the findings of the real
# Alpine 3.10.9 minirootfs (as shipped, and with musl lowered) against a
# secdb derived from the real v3.10 one (inventory_fixture.py).  Their
# severities and times (first_seen, fixed_at) are then set in the store
# with SQL, deterministically, so that the ages fall on both sides of each
# limit and the fixed ones took known times; the report must equal what
# an independent Python computation gives (breaches at the report's "now",
# median and 90th percentile by nearest rank), on SQLite and on
# PostgreSQL alike.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd jq
need_cmd python3
need_cmd sqlite3

T=$TMP
python3 "$VIGIL_SRC/tests/e2e/inventory_fixture.py" "$T" "$VIGIL_SHARED" "$VIGIL"

# craft.sql: for each finding of the reference, a severity (high for half
# of them, so that some groups are large), a first_seen (whole days plus
# half a day before now, around each default limit) and, for three in
# four, a fixed_at after it; craft.tsv holds the same facts for the
# expected report.  The groups of fixed findings must include sizes where
# the nearest rank differs from rounding (6 to 9) and even sizes (the
# median is the lower middle value).
python3 - "$T" <<'PY'
import random, sys, time
T = sys.argv[1]
rng = random.Random(9)
now = int(time.time())
levels = ["critical", "high", "medium", "low", "unknown"]
ages = {"critical": [3, 6, 7, 10], "high": [29, 30, 45], "medium": [60, 89, 90], "low": [179, 180, 200],
        "unknown": [400, 5]}
sql, tsv = [], []
for asset, tree in (("alpine", "a"), ("alpine-musl", "b")):
    for n, line in enumerate(open(f"{T}/ref-{tree}-plus.txt").read().split("\n")):
        if not line:
            continue
        package, vuln = line.split("\t")
        severity = levels[n % 5] if n % 2 else "high"
        first = now - rng.choice(ages[severity]) * 86400 - 43200
        fixed = first + rng.randint(3600, 200 * 86400) if n % 4 else None
        sql.append(f"UPDATE finding SET severity = '{severity}', first_seen = {first}, fixed_at = "
                   f"{fixed if fixed else 'NULL'} WHERE asset_id = (SELECT id FROM asset WHERE name = '{asset}')"
                   f" AND package = '{package}' AND vuln = '{vuln}';")
        tsv.append(f"{asset}\t{package}\t{vuln}\t{severity}\t{first}\t{fixed or ''}")
sizes = {}
for line in tsv:
    asset, _, _, severity, _, fixed = line.split("\t")
    if fixed:
        for group in ((asset, severity), severity):
            sizes[group] = sizes.get(group, 0) + 1
if not any(6 <= n <= 9 for n in sizes.values()) or not any(n % 2 == 0 for n in sizes.values()):
    sys.exit(f"the crafted groups do not exercise the percentiles: {sizes}")
open(f"{T}/craft.sql", "w").write("\n".join(sql) + "\n")
open(f"{T}/craft.tsv", "w").write("\n".join(tsv) + "\n")
PY

# expected CRAFT SLA_JSON DAYS [ASSET...]: the report the crafted facts
# call for at the "now" of SLA_JSON, without "now".
expected() {
    python3 - "$@" <<'PY'
import json, sys, time, calendar
craft, report, days_arg = sys.argv[1:4]
only = set(sys.argv[4:])
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
now = calendar.timegm(time.strptime(json.load(open(report))["now"], "%Y-%m-%dT%H:%M:%SZ"))
days = {"critical": 7, "high": 30, "medium": 90, "low": 180}
for item in filter(None, days_arg.split(",")):
    level, _, value = item.partition("=")
    if value == "off":
        days.pop(level, None)
    else:
        days[level] = int(value)
def stats(values):
    v = sorted(values)
    rank = lambda p: v[-(-p * len(v) // 100) - 1]  # nearest rank: ceil(p n / 100)
    return {"fixed": len(v), "median_seconds": rank(50), "p90_seconds": rank(90)}
assets, fixes = {}, {}
for line in open(craft).read().split("\n"):
    if not line:
        continue
    asset, package, vuln, severity, first, fixed = line.split("\t")
    if only and asset not in only:
        continue
    a = assets.setdefault(asset, {"asset": asset, "open": 0, "breaches": [], "time_to_fix": {}})
    first = int(first)
    if fixed:
        fixes.setdefault((asset, severity), []).append(int(fixed) - first)
        continue
    a["open"] += 1
    if severity in days and now - first > days[severity] * 86400:
        a["breaches"].append({"id": vuln, "package": package, "severity": severity, "first_seen": iso(first),
                              "due": iso(first + days[severity] * 86400), "allowed_days": days[severity],
                              "age_days": (now - first) // 86400})
all_ = {"assets": len(assets), "open": sum(a["open"] for a in assets.values()),
        "breaches": sum(len(a["breaches"]) for a in assets.values()), "time_to_fix": {}}
by_level = {}
for (asset, severity), values in fixes.items():
    assets[asset]["time_to_fix"][severity] = stats(values)
    by_level.setdefault(severity, []).extend(values)
for severity, values in by_level.items():
    all_["time_to_fix"][severity] = stats(values)
for a in assets.values():
    a["breaches"].sort(key=lambda b: (b["first_seen"], b["id"], b["package"]))
print(json.dumps({"days": days, "assets": sorted(assets.values(), key=lambda a: a["asset"]), "all": all_},
                 indent=2, sort_keys=True))
PY
}

# check URL DAYS [ASSET...]: the report of the store at URL with --days
# DAYS (and --asset ...) against the expected one; leaves it in $T/sla.json.
check() {
    local url=$1 days=$2
    shift 2
    local args=()
    [ -n "$days" ] && args+=(--days "$days")
    for a in "$@"; do args+=(--asset "$a"); done
    expect_status 0 $VIGIL inventory sla --store "$url" "${args[@]}" -o json="$T/sla.json"
    expected "$T/craft.tsv" "$T/sla.json" "$days" "$@" >"$T/want.json"
    jq -S 'del(.now)' "$T/sla.json" >"$T/got.json"
    cmp -s "$T/got.json" "$T/want.json" || { diff "$T/got.json" "$T/want.json" | head -30 >&2 || true; fail "sla $days $* on $url"; }
}

# store URL: the two assets, with the findings the secdb gives them.
store() {
    expect_status 0 $VIGIL inventory add "$T/a" --asset alpine --db "$T/db-plus.sqlite" --store "$1"
    expect_status 0 $VIGIL inventory add "$T/b" --asset alpine-musl --db "$T/db-plus.sqlite" --store "$1"
}

S=sqlite:$T/store.sqlite
store "$S"
sqlite3 "$T/store.sqlite" <"$T/craft.sql"
[ "$(sqlite3 "$T/store.sqlite" "SELECT count(*) FROM finding WHERE first_seen < strftime('%s','now') - 86400")" = \
    "$(grep -c . "$T/craft.tsv")" ] || fail "the crafted times did not reach every finding"
check "$S" ""
[ "$(jq '.all.breaches > 0 and (.all.time_to_fix | length) == 5 and .all.open > 0' "$T/sla.json")" = true ] ||
    fail "the crafted data does not exercise the report: $(jq -c .all "$T/sla.json")"
cp "$T/sla.json" "$T/sla-default.json"
check "$S" "critical=1,high=off,unknown=30"
check "$S" "" alpine-musl
[ "$(jq '.all.assets' "$T/sla.json")" = 1 ] || fail "--asset"

# Exit statuses: 5 only with --fail-on-breach and a breach.
expect_status 5 $VIGIL inventory sla --store "$S" --fail-on-breach
expect_stderr 'fail-on-breach: [0-9]+ open findings? past the allowed age'
expect_status 0 $VIGIL inventory sla --store "$S" --fail-on-breach --days critical=off,high=off,medium=off,low=off
expect_status 2 $VIGIL inventory sla --store "$S" --days critical=soon
expect_stderr 'days critical=soon: expected LEVEL=DAYS'
expect_status 2 $VIGIL inventory sla --store "$S" --days urgent=3
expect_status 1 $VIGIL inventory sla --store "$S" --asset nosuch
expect_stderr 'no asset named nosuch'

# The table says the same as the JSON.
expect_status 0 $VIGIL inventory sla --store "$S"
grep -Eq "^\(all\) +$(jq .all.open "$T/sla-default.json") +$(jq .all.breaches "$T/sla-default.json")$" "$TMP/stdout" ||
    fail "table totals: $(cat "$TMP/stdout")"
jq -r '.all.time_to_fix.critical | "\(.fixed) \(.median_seconds) \(.p90_seconds)"' "$T/sla-default.json" |
    awk '{ printf "%s %.1f %.1f\n", $1, $2 / 86400, $3 / 86400 }' >"$T/crit"
grep -E '^\(all\) +critical ' "$TMP/stdout" | awk '{ print $3, $4, $5 }' | cmp -s - "$T/crit" ||
    fail "table time to fix: $(grep critical "$TMP/stdout"), want $(cat "$T/crit")"

# PostgreSQL: the same facts, the same report.
pg_start
store "$PG_URL"
psql "$PG_URL" -X -q -v ON_ERROR_STOP=1 -f "$T/craft.sql" >/dev/null || fail "crafting on PostgreSQL"
check "$PG_URL" ""
jq -S 'del(.now)' "$T/sla-default.json" | cmp -s - "$T/got.json" || fail "SQLite and PostgreSQL differ"
check "$PG_URL" "critical=1,high=off,unknown=30"
echo ok

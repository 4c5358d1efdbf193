# inventory_import.sh — `vigil inventory import MANIFEST` on real SBOMs:
# vigil's own SBOMs of the two Alpine minirootfs of ../shared (as two
# versions of one asset) and the Syft, Trivy and cdxgen SBOMs of
# tests/data/sbom.  The reference is `vigil inventory add` of the same
# documents one by one into a second store: every snapshot's `inventory
# show -o json` must be the same, times aside.  Bad lines are each named by
# their number and stored nothing; a manifest on standard input gives the
# same store; times are taken from the manifest; a store that fails under
# the import (a file size limit: the disk is "full") stops it at that line
# and keeps what was stored before.  The same import into PostgreSQL
# (tests/e2e/pg.sh) stores the same snapshots.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/alpine-secdb/v3.11/main.json
need_shared vulndata/osv/npm
need_cmd jq
need_cmd python3
need_cmd sqlite3

T=$TMP
data=$VIGIL_SRC/tests/data/sbom
$VIGIL db build --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" \
    --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.11/main.json" --from "$VIGIL_SHARED/vulndata/osv/npm" \
    --db "$T/db.sqlite" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; fail "db build"; }
mkdir "$T/sboms"
for v in 3.10.9 3.11.13; do
    mkdir "$T/rootfs-$v"
    tar xzf "$VIGIL_SHARED/fixtures/rootfs/alpine-minirootfs-$v-x86_64.tar.gz" -C "$T/rootfs-$v"
    $VIGIL sbom -q "$T/rootfs-$v" -o cyclonedx-json="$T/sboms/alpine-$v.cdx.json"
done
cp "$data/trivy-alpine.cdx.json" "$data/syft-debian.cdx.json" "$data/syft-debian.spdx.json" \
    "$data/cdxgen-npm.cdx.json" "$data/bad-truncated.cdx.json" "$T/sboms/"

# The manifest: good lines and, between them, lines that must fail alone.
long=$(python3 -c 'print("x" * 70000)')
cat >"$T/manifest.ndjson" <<EOF
{"asset": "alpine", "version": "3.10.9", "sbom": "sboms/alpine-3.10.9.cdx.json", "tags": {"team": "platform"}, "time": "2026-11-30T08:00:00Z"}
not json at all
{"asset": "alpine", "version": "3.11.13", "sbom": "sboms/alpine-3.11.13.cdx.json", "time": 1796342400, "kind": "image"}

{"asset": "debian", "sbom": "sboms/missing.cdx.json"}
{"asset": "debian", "version": "syft-cdx", "sbom": "sboms/syft-debian.cdx.json", "owner": "ops", "environment": "prod"}
{"asset": "debian", "verison": "typo", "sbom": "sboms/syft-debian.cdx.json"}
{"asset": "debian", "version": "syft-spdx", "sbom": "sboms/syft-debian.spdx.json", "tags": {"team": "base", "tier": "1"}}
{"asset": "broken", "sbom": "sboms/bad-truncated.cdx.json"}
{"asset": "web", "sbom": "sboms/cdxgen-npm.cdx.json", "time": "2026-13-01"}
{"asset": "web", "version": "0.1.0", "sbom": "sboms/cdxgen-npm.cdx.json", "time": "2026-12-01"}
{"asset": "long", "sbom": "$long"}
{"asset": "trivy", "sbom": "sboms/trivy-alpine.cdx.json", "tags": {"team": 7}}
{"asset": "trivy", "sbom": "sboms/trivy-alpine.cdx.json", "tags": {"scanner": "trivy"}}
EOF
good="1 3 6 8 11 14"

# 1. Import: exit 3, each bad line named with its number, the good ones stored.
expect_status 3 $VIGIL inventory import --db "$T/db.sqlite" --store "sqlite:$T/import.sqlite" --allow-unchecked \
    -o json "$T/manifest.ndjson"
cp "$T/stdout" "$T/import.ndjson"
reported() { # LINE ERE: the import named manifest line LINE, saying ERE
    grep -E "manifest.ndjson:$1: .*($2)" "$T/stderr" >/dev/null || { cat "$T/stderr" >&2; fail "line $1 not reported as '$2'"; }
}
reported 2 "not JSON"
reported 5 "missing.cdx.json: cannot open"
reported 7 'unknown member "verison"'
reported 9 "bad-truncated.cdx.json: not a valid JSON document"
reported 10 '"time" must be Unix seconds or an RFC 3339'
reported 12 "line longer than 65536 bytes"
reported 13 'tag "team"'
expect_stderr "6 of 13 snapshots imported .*; 7 failed"
[ "$(jq -r .line "$T/import.ndjson" | tr '\n' ' ')" = "$good " ] || fail "stored lines: $(jq -c .line "$T/import.ndjson")"
[ "$(grep -c 'manifest.ndjson:[0-9]*: ' "$T/stderr")" = 7 ] || fail "more than the bad lines were reported"

# 2. The reference: the same documents with inventory add, one by one.
add() { $VIGIL inventory add --db "$T/db.sqlite" --store "sqlite:$T/add.sqlite" --allow-unchecked "$@" >/dev/null; }
add "$T/sboms/alpine-3.10.9.cdx.json" --asset alpine --version 3.10.9 --tag team=platform
add "$T/sboms/alpine-3.11.13.cdx.json" --asset alpine --version 3.11.13 --kind image
add "$T/sboms/syft-debian.cdx.json" --asset debian --version syft-cdx --owner ops --environment prod
add "$T/sboms/syft-debian.spdx.json" --asset debian --version syft-spdx --tag team=base --tag tier=1
add "$T/sboms/cdxgen-npm.cdx.json" --asset web --version 0.1.0
add "$T/sboms/trivy-alpine.cdx.json" --asset trivy --tag scanner=trivy
# show -o json of every snapshot of a store, times removed, one per line
dump() {
    for ref in alpine@1 alpine@2 debian@1 debian@2 web@1 trivy@1; do
        $VIGIL inventory show "$ref" --store "$1" -o json |
            jq -c --arg ref "$ref" '{ref: $ref} + (walk(if type == "object"
                then del(.created, .matched, .db_time, .first_seen, .fixed) else . end))'
    done
}
dump "sqlite:$T/add.sqlite" >"$T/add.dump"
dump "sqlite:$T/import.sqlite" >"$T/import.dump"
same_lines "$T/import.dump" "$T/add.dump" "import and add, snapshot by snapshot"
[ "$(jq -s '[.[].component_list | length] | add' "$T/add.dump")" -gt 30 ] || fail "too few components compared"
[ "$(jq -s '[.[].finding_list | length] | add' "$T/add.dump")" -gt 0 ] || fail "no finding compared"
# and the list of assets: nothing of the bad lines (no asset "broken", "long")
$VIGIL inventory list --store "sqlite:$T/add.sqlite" -o json | jq -c 'map(del(.latest.created, .latest.matched, .latest.db_time, .created))' >"$T/add.list"
$VIGIL inventory list --store "sqlite:$T/import.sqlite" -o json | jq -c 'map(del(.latest.created, .latest.matched, .latest.db_time, .created))' >"$T/import.list"
same_lines "$T/import.list" "$T/add.list" "inventory list after import and after add"
# the stored bytes are the files given
expect_status 0 $VIGIL inventory export debian@2 -o sbom="$T/out.spdx.json" --store "sqlite:$T/import.sqlite"
cmp -s "$T/out.spdx.json" "$T/sboms/syft-debian.spdx.json" || fail "export of an imported SPDX SBOM"

# 2b. The same manifest into PostgreSQL: the same lines fail, the same
# snapshots are stored.
pg_start
expect_status 3 $VIGIL inventory import --db "$T/db.sqlite" --store "$PG_URL" --allow-unchecked -o json \
    "$T/manifest.ndjson"
[ "$(jq -r .line "$T/stdout" | tr '\n' ' ')" = "$good " ] || fail "PostgreSQL: stored lines: $(jq -c .line "$T/stdout")"
expect_stderr "6 of 13 snapshots imported .*; 7 failed"
dump "$PG_URL" >"$T/pg.dump"
same_lines "$T/pg.dump" "$T/import.dump" "import into PostgreSQL and into SQLite"

# 3. Times from the manifest: RFC 3339, Unix seconds and a date alone.
for want in "alpine@1 2026-11-30T08:00:00Z" "alpine@2 2026-12-04T00:00:00Z" "web@1 2026-12-01T00:00:00Z"; do
    expect_status 0 $VIGIL inventory show "${want% *}" --store "sqlite:$T/import.sqlite" -o json
    [ "$(jq -r .created "$T/stdout")" = "${want#* }" ] || fail "${want% *} created $(jq -r .created "$T/stdout")"
done

# 4. Standard input, absolute paths, table output, the good lines only: the
# same store again, and exit 0.
sed -n "$(echo $good | sed 's/\([0-9]*\)/\1p;/g')" "$T/manifest.ndjson" |
    sed "s|\"sboms/|\"$T/sboms/|" >"$T/good.ndjson"
[ "$(wc -l <"$T/good.ndjson")" = 6 ] || fail "good.ndjson"
expect_status 0 $VIGIL inventory import --db "$T/db.sqlite" --store "sqlite:$T/stdin.sqlite" --allow-unchecked - \
    <"$T/good.ndjson"
[ "$(grep -c '^[0-9]' "$T/stdout")" = 6 ] && grep -E '^4 +debian@2 +9 +9 +0 +0$' "$T/stdout" >/dev/null ||
    fail "table output: $(cat "$T/stdout")"
dump "sqlite:$T/stdin.sqlite" >"$T/stdin.dump"
same_lines "$T/stdin.dump" "$T/add.dump" "import from standard input and add"

# 5. Without --allow-unchecked, lines stored with unchecked components
# (Debian packages, no Debian data here) make the exit status 3, each named.
expect_status 3 $VIGIL inventory import --db "$T/db.sqlite" --store "sqlite:$T/unchecked.sqlite" "$T/good.ndjson"
expect_stderr 'good.ndjson:3: stored, but [0-9]+ of [0-9]+ components could not be checked'
expect_stderr '6 of 6 snapshots imported'

# 6. The store fails under the import (file size limit, like a full disk):
# the import stops at that line, the store keeps what came before.
python3 - "$T/big.cdx.json" <<'PY'
import json, os, sys
# 3 000 components with incompressible hashes: a document zstd cannot shrink
comps = [{"type": "library", "name": f"big-{i}", "version": "1.0.0", "purl": f"pkg:npm/big-{i}@1.0.0",
          "properties": [{"name": "vigil:npm:integrity", "value": os.urandom(300).hex()}]} for i in range(3000)]
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps}, open(sys.argv[1], "w"))
PY
printf '%s\n' "{\"asset\": \"small\", \"sbom\": \"$T/sboms/trivy-alpine.cdx.json\"}" \
    "{\"asset\": \"big\", \"sbom\": \"$T/big.cdx.json\"}" \
    "{\"asset\": \"after\", \"sbom\": \"$T/sboms/trivy-alpine.cdx.json\"}" >"$T/full.ndjson"
$VIGIL store init --store "sqlite:$T/full.sqlite" 2>/dev/null
status=0
(trap '' XFSZ; ulimit -f 1024; exec $VIGIL inventory import --db "$T/db.sqlite" --store "sqlite:$T/full.sqlite" \
    --allow-unchecked "$T/full.ndjson") >"$T/stdout" 2>"$T/stderr" || status=$?
[ "$status" = 3 ] || { cat "$T/stderr" >&2; fail "import into a full store exited $status, expected 3"; }
expect_stderr 'full.ndjson:2: .*(disk is full|disk I/O error|write)'
expect_stderr 'stopped at line 2: the lines after it were not imported'
grep -E 'full.ndjson:3' "$T/stderr" >/dev/null && fail "line 3 was tried after the store failed"
[ "$(sqlite3 "$T/full.sqlite" 'PRAGMA integrity_check')" = ok ] || fail "store damaged"
expect_status 0 $VIGIL inventory list --store "sqlite:$T/full.sqlite" -o json
[ "$(jq -r 'map(.name) | join(" ")' "$T/stdout")" = small ] || fail "after the failure: $(cat "$T/stdout")"

# The same from a manifest on standard input that stays open (a pipe whose
# writer has more to say): the import stops at the failing line all the
# same, without waiting for the next line.
mkfifo "$T/open.fifo"
exec 7<>"$T/open.fifo"
head -n 2 "$T/full.ndjson" >&7
$VIGIL store init --store "sqlite:$T/full2.sqlite" 2>/dev/null
status=0
(trap '' XFSZ; ulimit -f 1024; exec timeout 60 $VIGIL inventory import --db "$T/db.sqlite" \
    --store "sqlite:$T/full2.sqlite" --allow-unchecked - <"$T/open.fifo") >"$T/stdout" 2>"$T/stderr" || status=$?
exec 7>&-
[ "$status" = 3 ] || { cat "$T/stderr" >&2; fail "import from an open pipe into a full store exited $status, expected 3 (124: it waited)"; }
expect_stderr 'stopped at line 2: the lines after it were not imported'
expect_status 0 $VIGIL inventory list --store "sqlite:$T/full2.sqlite" -o json
[ "$(jq -r 'map(.name) | join(" ")' "$T/stdout")" = small ] || fail "after the failure (pipe): $(cat "$T/stdout")"

# 7. Usage: -o FORMAT=FILE is refused (results stream), a missing manifest
# stores nothing, an empty one says so.
expect_status 2 $VIGIL inventory import -o json="$T/x.json" --db "$T/db.sqlite" --store "sqlite:$T/u.sqlite" "$T/good.ndjson"
expect_stderr 'stream to standard output'
expect_status 1 $VIGIL inventory import --db "$T/db.sqlite" --store "sqlite:$T/u.sqlite" "$T/nosuch.ndjson"
expect_stderr 'nosuch.ndjson: cannot open the manifest'
printf '\n  \n' >"$T/empty.ndjson"
expect_status 3 $VIGIL inventory import --db "$T/db.sqlite" --store "sqlite:$T/u.sqlite" "$T/empty.ndjson"
expect_stderr 'no snapshots in the manifest'
echo ok

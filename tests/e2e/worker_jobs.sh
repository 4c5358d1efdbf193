# worker_jobs.sh — `vigil worker`: a fleet of workers sharing one job table,
# two of them killed with SIGKILL at random moments, leaves the store
# exactly as one worker running the same jobs alone does.
#
# On PostgreSQL (a real PostgreSQL 15, pg.sh) four workers, on SQLite two
# (one machine), run 1 000 queued jobs: ingests of the SBOMs of real
# targets (vigil's own of the ../shared root filesystems and RPM databases
# and of the lock-file projects of tests/data, and third-party SBOMs of
# tests/data/sbom) spread over many assets, and a rescan of every asset,
# against a vulnerability database with more sources than the first
# snapshots were matched with (so rescans find new findings).  The queue is
# copied before the fleet starts (CREATE DATABASE ... TEMPLATE on
# PostgreSQL, the SQLite backup API), and the copy is run by one worker:
# the two stores must hold the same snapshots, components, findings and
# finding histories, and give the same `inventory list` and `show` of every
# asset (times left out), and every job must report the same effect.
#
# The queue is grown in SQL: the few dozen jobs `inventory add --enqueue`
# queued are copied under other asset names (the same documents and
# facts), since 1 000 processes would take half a minute of this test.
#
# Then, on PostgreSQL, a worker whose lease runs out while it is held up
# (the document table locked) loses its job to another worker, and keeps
# nothing of it; and on both back ends a job with an SBOM that is not one,
# or with a payload that does not parse, fails after its attempts, with the
# message, and nothing is stored for it, as for a job whose workers all
# died holding it; SIGTERM lets the job under way
# finish; `inventory add TARGET --enqueue` run by a worker stores the
# snapshot `inventory add TARGET` stores; and `inventory prune` keeps the
# document of a job still queued.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_shared fixtures/rpmdb/cbl-mariner-2.0/rpmdb.sqlite
need_shared vulndata/alpine-secdb/v3.11/main.json
need_shared vulndata/osv/PyPI
need_cmd jq
need_cmd python3
need_cmd zstd
need_cmd sha256sum

T=$TMP
S=$VIGIL_SHARED
D=$VIGIL_SRC/tests/data

# ---- data ---------------------------------------------------------------------
# db0 matches the first snapshots; db1, with more sources, the jobs under test.
$VIGIL db build --from "$S/vulndata/alpine-secdb/v3.10/main.json" --db "$T/db0.sqlite" >/dev/null 2>"$T/err" ||
    { cat "$T/err" >&2; fail "db build db0"; }
$VIGIL db build --from "$S/vulndata/alpine-secdb/v3.10/main.json" --from "$S/vulndata/alpine-secdb/v3.11/main.json" \
    --from "$S/vulndata/osv/npm" --from "$S/vulndata/osv/PyPI" --from "$S/vulndata/osv/crates.io" \
    --from "$S/vulndata/osv/AlmaLinux" --db "$T/db1.sqlite" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; fail "db build db1"; }

mkdir "$T/sboms"
targets=("$S"/fixtures/rootfs/*.tar.gz)
for rpmdb in "$S"/fixtures/rpmdb/*/; do
    name=$(basename "$rpmdb")
    mkdir -p "$T/rpm/$name/var/lib/rpm"
    cp "$rpmdb"/* "$T/rpm/$name/var/lib/rpm/"
    targets+=("$T/rpm/$name")
done
for project in "$D"/cargo/v* "$D"/npm/lock-v1 "$D"/npm/pnpm-v* "$D"/npm/yarn-* "$D"/python/* "$D"/php/* "$D"/ruby/* \
    "$D"/java/* "$D"/dotnet/*; do
    targets+=("$project")
done
for target in "${targets[@]}"; do
    name=$(basename "$(dirname "$target")")-$(basename "$target" .tar.gz)
    $VIGIL sbom "$target" -o "cyclonedx-json=$T/sboms/$name.cdx.json" 2>/dev/null ||
        [ $? = 3 ] || fail "vigil sbom $target"
done
cp "$D"/sbom/cdxgen-npm.cdx.json "$D"/sbom/syft-debian.* "$D"/sbom/trivy-alpine.* "$T/sboms/"
sboms=("$T"/sboms/*.json)
[ "${#sboms[@]}" -ge 30 ] || fail "only ${#sboms[@]} SBOMs"

# sql URL QUERY: the rows of QUERY, "a|b|c" a line (NULL as ""), on either back end.
sql() {
    case $1 in
    postgresql:*) pg_psql "$1" "$2" ;;
    sqlite:*)
        python3 - "${1#sqlite:}" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
c.commit()
PY
        ;;
    esac
}

# grow URL JOBS ASSETS STEP: queues JOBS more ingests, the i-th of asset
# asset-(1000 + i % ASSETS) with the SBOM and facts of seed job (i * STEP)
# % seeds (whose document is its snapshot's once it is done).
grow() {
    sql "$1" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $2 - 1),
        seed AS (SELECT COALESCE(j.document, s.sbom_digest) AS document, j.payload, j.enqueued_at,
                        row_number() OVER (ORDER BY j.id) - 1 AS k, count(*) OVER () AS m
                 FROM job j LEFT JOIN snapshot s ON s.job_key = 'job/' || j.id
                 WHERE j.kind = 'ingest' AND j.asset LIKE 'seed-%')
        INSERT INTO job(kind, asset, document, payload, state, enqueued_at, attempts)
        SELECT 'ingest', 'asset-' || (1000 + n.i % $3), seed.document, seed.payload, 'queued', seed.enqueued_at, 0
        FROM n JOIN seed ON seed.k = (n.i * $4) % seed.m ORDER BY n.i"
}

# status URL FIELD: a count of `vigil worker --status -o json`.
status() {
    $VIGIL worker --status --store "$1" -o json >"$T/status.json" || fail "worker --status --store $1"
    jq -r ".$2" "$T/status.json"
}

# ---- the queue ------------------------------------------------------------------
# queue URL: the seed jobs (one `inventory add --enqueue` per SBOM), 100
# assets' first snapshots (matched with db0 by one worker), then the 1 000
# jobs under test: ingests, a rescan of every asset, more ingests.
queue() {
    local url=$1 i=0 sbom
    for sbom in "${sboms[@]}"; do
        i=$((i + 1))
        expect_status 0 $VIGIL inventory add "$sbom" --asset "seed-$i" --version "v$i" --tag "n=$i" --enqueue \
            --store "$url" -o json
        [ "$(jq -r '.kind, .asset' "$TMP/stdout" | tr '\n' ' ')" = "ingest seed-$i " ] || fail "enqueue: $(cat "$TMP/stdout")"
    done
    grow "$url" 100 100 1
    expect_status 0 $VIGIL worker --store "$url" --db "$T/db0.sqlite" --until-empty
    [ "$(status "$url" done)" = $((${#sboms[@]} + 100)) ] || fail "first snapshots: $(cat "$T/status.json")"
    grow "$url" 300 150 7
    expect_status 0 $VIGIL inventory rescan --enqueue --store "$url" -o json
    rescans=$(jq .jobs "$TMP/stdout")
    [ "$rescans" = $((${#sboms[@]} + 100)) ] || fail "rescan --enqueue: $(cat "$TMP/stdout")"
    # a second one adds nothing: every asset's rescan is queued already
    expect_status 0 $VIGIL inventory rescan --enqueue --store "$url" -o json
    [ "$(jq -r '.jobs, .already_queued' "$TMP/stdout" | tr '\n' ' ')" = "0 $rescans " ] ||
        fail "second rescan --enqueue: $(cat "$TMP/stdout")"
    grow "$url" $((1000 - 300 - rescans)) 200 13
    [ "$(status "$url" queued)" = 1000 ] || fail "queue: $(cat "$T/status.json")"
}

# fleet URL WORKERS KILLS: WORKERS workers (lease 2 s) run the queue;
# KILLS of them are killed with SIGKILL at random moments; the others must
# finish it (bounded) and exit 0.
fleet() {
    local url=$1 n=$2 kills=$3 k pids=()
    for k in $(seq 1 "$n"); do
        $VIGIL worker --store "$url" --db "$T/db1.sqlite" --lease 2s --until-empty --id "w$k" 2>"$T/w$k.err" &
        pids+=($!)
    done
    for k in $(seq 1 "$kills"); do
        local tenths=$((RANDOM % 25 + 3))
        sleep "$((tenths / 10)).$((tenths % 10))"
        kill -9 "${pids[k - 1]}" 2>/dev/null || echo "note: worker w$k had finished before it could be killed" >&2
    done
    local deadline=$((SECONDS + 240))
    for k in $(seq $((kills + 1)) "$n"); do
        while kill -0 "${pids[k - 1]}" 2>/dev/null; do
            [ $SECONDS -lt $deadline ] || fail "the workers did not empty the queue in 240 s: $(status "$url" queued) queued"
            sleep 0.2
        done
        wait "${pids[k - 1]}" || { cat "$T/w$k.err" >&2; fail "worker w$k exited $?"; }
        # piped, a worker says nothing but errors; a lease that ran out is one
        if grep -v 'its lease of 2s ran out' "$T/w$k.err" >&2; then
            fail "worker w$k printed errors"
        fi
    done
    for k in $(seq 1 "$kills"); do wait "${pids[k - 1]}" 2>/dev/null || true; done
}

# dump URL DIR: the store's content by natural keys (names, numbers,
# purls), without ids and times, one file per table; list and show JSON.
dump() {
    local url=$1 dir=$2
    mkdir -p "$dir"
    sql "$url" "SELECT a.name, s.seq, s.sbom_digest, s.source, s.version_label, s.target_kind, s.target_digest, s.os,
                s.components, s.findings, s.unchecked FROM snapshot s JOIN asset a ON a.id = s.asset_id
                ORDER BY a.name, s.seq" >"$dir/snapshots"
    sql "$url" "SELECT a.name, s.seq, c.package, c.name, c.version, c.licenses, c.supplier, c.hashes, sc.layer, sc.coverage
                FROM component_span sc JOIN snapshot s ON sc.asset_id = s.asset_id AND sc.since <= s.id
                AND (sc.until IS NULL OR sc.until > s.id) JOIN asset a ON a.id = s.asset_id
                JOIN component c ON c.id = sc.component_id" | LC_ALL=C sort >"$dir/components"
    sql "$url" "SELECT a.name, s.seq, f.package, f.vuln, sf.severity, sf.fix_state, sf.fixed_versions, sf.kev,
                sf.suppressed, c.version FROM finding_span sf JOIN snapshot s ON sf.asset_id = s.asset_id
                AND sf.since <= s.id AND (sf.until IS NULL OR sf.until > s.id)
                JOIN asset a ON a.id = s.asset_id JOIN finding f ON f.id = sf.finding_id
                JOIN component c ON c.id = sf.component_id" | LC_ALL=C sort >"$dir/snapshot_findings"
    sql "$url" "SELECT a.name, f.package, f.vuln, f.severity, fs.seq, xs.seq FROM finding f JOIN asset a ON a.id = f.asset_id
                LEFT JOIN snapshot fs ON fs.id = f.first_snapshot LEFT JOIN snapshot xs ON xs.id = f.fixed_snapshot" |
        LC_ALL=C sort >"$dir/findings"
    sql "$url" "SELECT f.vuln, f.package, a.name, fa.alias FROM finding_alias fa JOIN finding f ON f.id = fa.finding_id
                JOIN asset a ON a.id = f.asset_id" | LC_ALL=C sort >"$dir/aliases"
    local untimed='walk(if type == "object" then del(.created, .matched, .db_time, .first_seen, .fixed) else . end)'
    # what each job reported it did
    sql "$url" "SELECT id, kind, asset, state FROM job ORDER BY id" >"$dir/jobs"
    sql "$url" "SELECT result FROM job ORDER BY id" | jq -c -S "$untimed" >"$dir/results"
    $VIGIL inventory list --store "$url" -o json | jq -S "$untimed" >"$dir/list.json"
    jq -r '.[].name' "$dir/list.json" >"$dir/assets"
    mkdir "$T/show"
    xargs -P 2 -I{} sh -c "'$VIGIL' inventory show '{}' --store '$url' -o json >'$T/show/{}.json'" <"$dir/assets" ||
        fail "inventory show of an asset of $url"
    # one line per asset, by name
    (cd "$T/show" && jq -c -S "$untimed" $(sed 's/$/.json/' "$dir/assets")) >"$dir/show.jsonl"
    rm -r "$T/show"
}

# check_same A B WHAT: the two dumps are equal; each part holds something.
check_same() {
    local part
    for part in snapshots components snapshot_findings findings aliases jobs results list.json assets show.jsonl; do
        [ -s "$1/$part" ] || fail "$3: $part is empty: nothing would be compared"
        diff "$1/$part" "$2/$part" >"$T/diff" || { sed -n 1,20p "$T/diff" >&2; fail "$3: $part differ (< fleet, > one worker)"; }
    done
    [ "$(wc -l <"$1/show.jsonl")" = "$(wc -l <"$1/assets")" ] || fail "$3: not every asset was shown"
}

# exactly_once URL: one snapshot per ingest job and none other; no effect
# applied twice (a second run of an ingest would say "duplicate").
exactly_once() {
    local url=$1
    [ "$(sql "$url" "SELECT state, count(*) FROM job GROUP BY state")" = "done|$(sql "$url" "SELECT count(*) FROM job")" ] ||
        fail "$url: not every job is done: $(sql "$url" "SELECT state, count(*) FROM job GROUP BY state")"
    local ingests snapshots keyed
    ingests=$(sql "$url" "SELECT count(*) FROM job WHERE kind = 'ingest'")
    snapshots=$(sql "$url" "SELECT count(*) FROM snapshot")
    keyed=$(sql "$url" "SELECT count(*) FROM snapshot s JOIN job j ON s.job_key = 'job/' || j.id WHERE j.kind = 'ingest'")
    [ "$snapshots" = "$ingests" ] && [ "$keyed" = "$ingests" ] ||
        fail "$url: $ingests ingest jobs, $snapshots snapshots, $keyed of them of an ingest job"
    [ "$(sql "$url" "SELECT count(*) FROM job WHERE result LIKE '%\"duplicate\":true%'")" = 0 ] ||
        fail "$url: a job was applied twice"
    [ "$(sql "$url" "SELECT count(*) FROM job WHERE kind = 'rescan'")" -gt 100 ] || fail "$url: no rescans ran"
}

# scenario NAME URL_FLEET URL_ONE WORKERS KILLS
scenario() {
    local name=$1 fleet_url=$2 one_url=$3
    queue "$fleet_url"
    copy_store "$fleet_url" "$one_url"
    fleet "$fleet_url" "$4" "$5"
    expect_status 0 $VIGIL worker --store "$one_url" --db "$T/db1.sqlite" --until-empty
    exactly_once "$fleet_url"
    exactly_once "$one_url"
    [ "$(sql "$fleet_url" "SELECT count(*) FROM job WHERE attempts > 1")" -gt 0 ] ||
        echo "note: $name: no job had to be taken again (the killed workers held none)" >&2
    dump "$fleet_url" "$T/$name-fleet"
    dump "$one_url" "$T/$name-one"
    check_same "$T/$name-fleet" "$T/$name-one" "$name: $4 workers, $5 killed, and one worker"
    # the rescans found what db1 adds to the first snapshots' db0
    [ "$(sql "$fleet_url" "SELECT count(*) FROM job WHERE kind = 'rescan' AND result NOT LIKE '%\"new_findings\":[]%'")" -gt 0 ] ||
        fail "$name: no rescan found a new finding"
}

# failures URL: a job whose SBOM is not one, and one whose payload does not
# parse, fail after VG_STORE_JOB_ATTEMPTS (3) attempts with their messages.
failures() {
    local url=$1 bad=$D/sbom/bad-not-sbom.json digest hex doc
    digest=sha256:$(sha256sum "$bad" | cut -d' ' -f1)
    hex=$(zstd -q -c "$bad" | od -An -v -tx1 | tr -d ' \n')
    case $url in postgresql:*) doc="decode('$hex', 'hex')" ;; *) doc="X'$hex'" ;; esac
    sql "$url" "INSERT INTO document(digest, media_type, size, compression, data)
                VALUES ('$digest', 'application/vnd.cyclonedx+json', $(stat -c %s "$bad"), 'zstd', $doc)"
    sql "$url" "INSERT INTO job(kind, asset, document, payload, state, enqueued_at, attempts) VALUES
                ('ingest', 'broken', '$digest', '{\"time\": 1700000000, \"source\": \"bad-not-sbom.json\"}', 'queued', 0, 0)"
    # a good SBOM (the first snapshot's) with a payload that does not parse
    sql "$url" "INSERT INTO job(kind, asset, document, payload, state, enqueued_at, attempts)
                SELECT 'ingest', 'garbled', sbom_digest, '{\"time\": \"yesterday\"}', 'queued', 0, 0 FROM snapshot
                WHERE id = (SELECT min(id) FROM snapshot)"
    expect_status 3 $VIGIL worker --store "$url" --db "$T/db1.sqlite" --until-empty
    [ "$(grep -c 'job [0-9]* ingest broken: attempt [12] of 3 failed, to be retried: .*not an SBOM' "$TMP/stderr")" = 2 ] &&
        [ "$(grep -c 'job [0-9]* ingest broken: failed after 3 attempts: .*not an SBOM' "$TMP/stderr")" = 1 ] &&
        [ "$(grep -c 'ingest garbled: failed after 3 attempts: job payload: "time" is not' "$TMP/stderr")" = 1 ] ||
        { cat "$TMP/stderr" >&2; fail "$url: failed jobs: messages"; }
    [ "$(status "$url" failed)" = 2 ] || fail "$url: --status: $(cat "$T/status.json")"
    [ "$(jq -r '.failed_jobs[] | "\(.asset) \(.attempts)"' "$T/status.json" | sort | tr '\n' ' ')" = "broken 3 garbled 3 " ] &&
        jq -e '.failed_jobs[] | select(.asset == "broken") | .error | test("not an SBOM")' "$T/status.json" >/dev/null ||
        fail "$url: --status failed jobs: $(cat "$T/status.json")"
    [ "$(sql "$url" "SELECT count(*) FROM asset WHERE name IN ('broken', 'garbled')")" = 0 ] ||
        fail "$url: a failed job stored something"
}

# ---- PostgreSQL -------------------------------------------------------------------
pg_start
copy_store() {
    case $1 in
    postgresql:*) pg_psql "$PG_URL" "CREATE DATABASE ${2##*/} TEMPLATE ${1##*/}" ;;
    sqlite:*) python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' \
        "${1#sqlite:}" "${2#sqlite:}" ;;
    esac
}
fleet_pg=$(pg_new_db fleet)
one_pg=postgresql://vigil@127.0.0.1:$PG_PORT/one
scenario pg "$fleet_pg" "$one_pg" 4 2

# A worker held up past its lease (the document table locked, so that it
# waits reading its job's SBOM) loses the job to another, and keeps nothing.
expect_status 0 $VIGIL inventory add "${sboms[0]}" --asset held --enqueue --store "$one_pg" -o json
held=$(jq .job "$TMP/stdout")
# lock_documents / unlock_documents: a session holding the document table
# locked, so that a worker that took a job waits reading its SBOM.
lock_documents() {
    rm -f "$T/lock.in" "$T/lock.out"
    mkfifo "$T/lock.in"
    psql "$one_pg" -X -q -At -v ON_ERROR_STOP=1 <"$T/lock.in" >"$T/lock.out" 2>&1 &
    lock_pid=$!
    exec 3>"$T/lock.in"
    echo "BEGIN; LOCK TABLE document IN ACCESS EXCLUSIVE MODE; SELECT 'locked';" >&3
    local deadline=$((SECONDS + 30))
    until grep -q locked "$T/lock.out"; do [ $SECONDS -lt $deadline ] || fail "the lock was not taken"; sleep 0.1; done
}
unlock_documents() {
    echo "COMMIT;" >&3
    exec 3>&-
    wait "$lock_pid"
}
# wait_for URL QUERY WANT WHAT: polls (bounded) until QUERY answers WANT.
wait_for() {
    local deadline=$((SECONDS + 60))
    until [ "$(sql "$1" "$2")" = "$3" ]; do
        [ $SECONDS -lt $deadline ] || fail "waited 60 s for $4"
        sleep 0.1
    done
}
lock_documents
$VIGIL worker --store "$one_pg" --db "$T/db1.sqlite" --lease 1s --max-jobs 1 --id held-a 2>"$T/held-a.err" &
a_pid=$!
wait_for "$one_pg" "SELECT worker, state FROM job WHERE id = $held" "held-a|running" "held-a to take the job"
now="CAST(floor(EXTRACT(EPOCH FROM clock_timestamp())) AS BIGINT)"
wait_for "$one_pg" "SELECT lease_until < $now FROM job WHERE id = $held" "t" "held-a's lease to run out"
$VIGIL worker --store "$one_pg" --db "$T/db1.sqlite" --lease 60s --max-jobs 1 --id held-b 2>"$T/held-b.err" &
b_pid=$!
wait_for "$one_pg" "SELECT worker, attempts FROM job WHERE id = $held" "held-b|2" "held-b to take the job again"
unlock_documents
wait "$a_pid" || fail "held-a exited $?"
wait "$b_pid" || fail "held-b exited $?"
grep -q "job $held ingest held: its lease of 1s ran out before it finished: nothing of it was kept" "$T/held-a.err" ||
    { cat "$T/held-a.err" >&2; fail "held-a did not report its lost lease"; }
[ ! -s "$T/held-b.err" ] || { cat "$T/held-b.err" >&2; fail "held-b printed errors"; }
[ "$(sql "$one_pg" "SELECT state, worker, attempts FROM job WHERE id = $held")" = "done|held-b|2" ] ||
    fail "held job: $(sql "$one_pg" "SELECT state, worker, attempts, result FROM job WHERE id = $held")"
[ "$(sql "$one_pg" "SELECT count(*), min(s.job_key) FROM snapshot s JOIN asset a ON a.id = s.asset_id WHERE a.name = 'held'")" = "1|job/$held" ] ||
    fail "held: $(sql "$one_pg" "SELECT s.seq, s.job_key FROM snapshot s JOIN asset a ON a.id = s.asset_id WHERE a.name = 'held'")"
sql "$one_pg" "SELECT result FROM job WHERE id = $held" | jq -e '.duplicate == false and .snapshot == 1' >/dev/null ||
    fail "held: result $(sql "$one_pg" "SELECT result FROM job WHERE id = $held")"

# SIGTERM: the job under way is finished, no other is taken, exit 0.
expect_status 0 $VIGIL inventory add "${sboms[1]}" --asset term --enqueue --store "$one_pg" -o json
term=$(jq .job "$TMP/stdout")
expect_status 0 $VIGIL inventory add "${sboms[2]}" --asset term-next --enqueue --store "$one_pg" -o json
lock_documents
$VIGIL worker --store "$one_pg" --db "$T/db1.sqlite" --id term 2>"$T/term.err" &
term_pid=$!
wait_for "$one_pg" "SELECT worker, state FROM job WHERE id = $term" "term|running" "the worker to take the job"
kill -TERM "$term_pid"
unlock_documents
wait "$term_pid" || { cat "$T/term.err" >&2; fail "the worker stopped by SIGTERM exited $?"; }
[ "$(sql "$one_pg" "SELECT asset, state FROM job WHERE id >= $term ORDER BY id")" = "term|done
term-next|queued" ] || fail "SIGTERM: $(sql "$one_pg" "SELECT id, asset, state FROM job WHERE id >= $term")"
expect_status 0 $VIGIL worker --store "$one_pg" --db "$T/db1.sqlite" --until-empty

failures "$one_pg"

# A job whose workers all die holding it (killed while they wait for its
# SBOM) is failed when it would be taken a fourth time, naming the last.
expect_status 0 $VIGIL inventory add "${sboms[3]}" --asset doomed --enqueue --store "$one_pg" -o json
doomed=$(jq .job "$TMP/stdout")
lock_documents
for n in 1 2 3; do
    $VIGIL worker --store "$one_pg" --db "$T/db1.sqlite" --lease 1s --id "doomed-$n" 2>/dev/null &
    pid=$!
    wait_for "$one_pg" "SELECT worker, attempts FROM job WHERE id = $doomed" "doomed-$n|$n" "doomed-$n to take the job"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    wait_for "$one_pg" "SELECT lease_until < $now FROM job WHERE id = $doomed" "t" "doomed-$n's lease to run out"
done
unlock_documents
expect_status 3 $VIGIL worker --store "$one_pg" --db "$T/db1.sqlite" --until-empty
expect_stderr "job $doomed ingest doomed: failed after 3 attempts: taken 3 times and never finished: .*\(last: doomed-3\)"
[ "$(sql "$one_pg" "SELECT state, attempts FROM job WHERE id = $doomed")" = "failed|3" ] ||
    fail "doomed: $(sql "$one_pg" "SELECT state, attempts, result FROM job WHERE id = $doomed")"
[ "$(sql "$one_pg" "SELECT count(*) FROM asset WHERE name = 'doomed'")" = 0 ] || fail "doomed: something was stored"

# ---- SQLite: one machine, two workers ---------------------------------------------------
scenario sqlite "sqlite:$T/fleet.sqlite" "sqlite:$T/one.sqlite" 2 1
failures "sqlite:$T/one.sqlite"
# the same answers on both back ends
for part in snapshots components snapshot_findings findings aliases list.json show.jsonl; do
    diff "$T/pg-one/$part" "$T/sqlite-one/$part" >"$T/diff" || { sed -n 1,20p "$T/diff" >&2; fail "$part: PostgreSQL and SQLite differ"; }
done

# add TARGET --enqueue and a worker store what add TARGET stores: the
# target scanned where it is (its kind and digest, not the SBOM's), the
# facts, and --distro (the 3.10.9 rootfs matched as Alpine 3.11 has
# findings it has not as 3.10).
rootfs=$S/fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
facts=(--asset a --version v1 --tag team=x --owner ops --kind image --environment prod --distro alpine:3.11)
expect_status 0 $VIGIL inventory add "$rootfs" "${facts[@]}" --db "$T/db1.sqlite" --store "sqlite:$T/direct.sqlite"
expect_status 0 $VIGIL inventory add "$rootfs" "${facts[@]}" --enqueue --store "sqlite:$T/queued.sqlite"
expect_status 0 $VIGIL worker --store "sqlite:$T/queued.sqlite" --db "$T/db1.sqlite" --until-empty
for s in direct queued; do
    $VIGIL inventory show a --store "sqlite:$T/$s.sqlite" -o json |
        jq -S 'del(.created, .matched, .db_time) | .finding_list |= map(del(.first_seen))' >"$T/$s.json"
done
diff "$T/direct.json" "$T/queued.json" >"$T/diff" || { cat "$T/diff" >&2; fail "add --enqueue and add store other snapshots"; }
[ "$(jq -r '.target_kind, .tags.team, .version, .environment' "$T/queued.json" | tr '\n' ' ')" = "rootfs-archive x v1 prod " ] &&
    [ "$(jq '.target_digest | test("^sha256:")' "$T/queued.json")" = true ] &&
    [ "$(jq '.finding_list | length' "$T/queued.json")" -gt 0 ] &&
    [ "$(jq -r .distro "$T/queued.json")" = alpine:3.11 ] || fail "the queued snapshot: $(cat "$T/queued.json")"
# a rescan of named assets only; an unknown one queues nothing
expect_status 0 $VIGIL inventory rescan --enqueue --asset a --store "sqlite:$T/direct.sqlite" -o json
[ "$(jq -r '.jobs, .already_queued' "$TMP/stdout" | tr '\n' ' ')" = "1 0 " ] || fail "rescan --enqueue --asset: $(cat "$TMP/stdout")"
expect_status 1 $VIGIL inventory rescan --enqueue --asset nope --store "sqlite:$T/direct.sqlite"
expect_stderr "no asset named nope with a snapshot"
[ "$(sql "sqlite:$T/direct.sqlite" "SELECT kind, asset, state FROM job")" = "rescan|a|queued" ] ||
    fail "rescan --enqueue --asset: $(sql "sqlite:$T/direct.sqlite" "SELECT kind, asset, state FROM job")"
# that rescan job matches the snapshot as Alpine 3.11 again, as its add did
expect_status 0 $VIGIL worker --store "sqlite:$T/direct.sqlite" --db "$T/db1.sqlite" --until-empty
$VIGIL inventory show a --store "sqlite:$T/direct.sqlite" -o json |
    jq -S 'del(.created, .matched, .db_time) | .finding_list |= map(del(.first_seen))' >"$T/rescanned.json"
diff "$T/direct.json" "$T/rescanned.json" >"$T/diff" || { cat "$T/diff" >&2; fail "the rescan job matched otherwise than the add"; }

# Prune deletes the documents of the snapshots it deletes, but not one a
# queued ingest job still needs (the same SBOM queued again).
prune_store="sqlite:$T/prune.sqlite"
expect_status 0 $VIGIL inventory add "${sboms[4]}" --asset p --enqueue --store "$prune_store"
expect_status 0 $VIGIL worker --store "$prune_store" --db "$T/db1.sqlite" --until-empty
expect_status 0 $VIGIL inventory add "${sboms[5]}" --asset p --db "$T/db1.sqlite" --allow-unchecked --store "$prune_store"
expect_status 0 $VIGIL inventory add "${sboms[4]}" --asset q --enqueue --store "$prune_store"
expect_status 0 $VIGIL inventory prune --keep 1 --store "$prune_store" -o json
[ "$(jq -r '.snapshots, .documents' "$TMP/stdout" | tr '\n' ' ')" = "1 0 " ] || fail "prune: $(cat "$TMP/stdout")"
expect_status 0 $VIGIL worker --store "$prune_store" --db "$T/db1.sqlite" --until-empty
expect_status 0 $VIGIL inventory export q --store "$prune_store" -o "cyclonedx-json=$T/q.cdx.json" -q
cmp "$T/q.cdx.json" "${sboms[4]}" || fail "prune: the queued SBOM did not survive"

# collect_backup.sh — `vigil collect backup` on real repositories made here:
# a restic repository (restic init, three snapshots of www on host web1 and
# two of db on host db1, their times set with `restic backup --time`) and a
# borg repository (borg init -e repokey; archives mail-..., wiki-... with
# `borg create --timestamp`, which borg reads as UTC), read back with
# `restic snapshots --json` and `borg list --json` as the tools write them
# (restic keeps the offset of the zone it ran in, db1's from TZ=Europe/Berlin;
# borg 1.2 writes a local time without zone, listed with TZ=UTC and Berlin), and a restore-test log written here in the
# format of docs/collect.md.  SOURCE_DATE_EPOCH is the collection time;
# every expected fact is written by hand from the times given to the tools.
# A repository password planted in the environment and a user:password@
# location must not reach the documents.  Malformed and huge inputs: a
# message naming the file, exit 1 (2 for a zone-less time without
# --borg-timezone), nothing written.  Documents validated against
# docs/collect-backup.schema.json.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1756166400 # 2025-08-26T00:00:00Z
need_cmd jq
need_cmd restic
need_cmd borg
cd "$TMP"

check() {
    jq -e "$2" "$1" >/dev/null || { jq . "$1" >&2; fail "$1: $3"; }
}

SECRET=planted-Pw-7f3a9c
export RESTIC_PASSWORD=$SECRET BORG_PASSPHRASE=$SECRET
export XDG_CACHE_HOME=$TMP/cache BORG_BASE_DIR=$TMP/borgbase RESTIC_CACHE_DIR=$TMP/cache/restic
mkdir -p src/www src/db src/mail src/wiki
echo '<h1>hello</h1>' >src/www/index.html
echo 'CREATE TABLE t (x int);' >src/db/dump.sql
echo 'From: a@example.com' >src/mail/1.eml
echo '= Wiki =' >src/wiki/Main

# ---- restic ----------------------------------------------------------------
export TZ=UTC
restic init -q -r restic-repo >/dev/null || fail "restic init"
snap() { restic -q -r restic-repo backup --host "$1" --time "$2" ${3:+--tag "$3"} "$4" >/dev/null || fail "restic backup $*"; }
snap web1 "2025-08-01 00:00:00" "" src/www
snap web1 "2025-08-20 06:00:00" daily src/www
snap web1 "2025-08-25 12:00:00" daily src/www
# db1 backs up from Berlin: restic reads --time in the local zone and keeps its offset
TZ=Europe/Berlin snap db1 "2025-07-01 02:00:00" weekly src/db
TZ=Europe/Berlin snap db1 "2025-08-10 02:00:00" weekly src/db
restic -r restic-repo snapshots --json >restic.json || fail "restic snapshots --json"
[ "$(jq '[.[] | select(.time | endswith("+02:00"))] | length' restic.json)" = 2 ] ||
    fail "restic did not write Berlin's offset for db1"
www=$TMP/src/www db=$TMP/src/db

expect_status 0 $VIGIL collect backup --location "rest:https://backup:$SECRET@rest.example.com:8000/vigil" \
    --restic restic.json -o restic-doc.json
validate vigil-collect-backup restic-doc.json
check restic-doc.json '.target == "restic.json" and .unchecked == [] and .restore_tests == []' "target, nothing unchecked"
check restic-doc.json '.inputs == [{location: "rest:https://backup@rest.example.com:8000/vigil", credentials_removed: true,
    snapshots: 5, tool: "restic", path: "restic.json"}]' "the input, its password removed"
check restic-doc.json "[.sources[].name] == [\"db1:$db\", \"web1:$www\"]" "one source per host and paths"
check restic-doc.json ".sources[1] | .host == \"web1\" and .paths == [\"$www\"] and .snapshots == 3
    and .latest == \"2025-08-25T12:00:00Z\" and .latest_age_days == 0 and .oldest == \"2025-08-01T00:00:00Z\"
    and .retention_days == 24 and .tags == [\"daily\"] and .tool == \"restic\"" "web1: latest 12 hours old, 24 days kept"
check restic-doc.json '.sources[0] | .snapshots == 2 and .latest == "2025-08-10T00:00:00Z" and .latest_age_days == 16
    and .oldest == "2025-07-01T00:00:00Z" and .retention_days == 40 and .tags == ["weekly"]' "db1: 16 days old, 40 days kept"
latest_web=$(restic -r restic-repo snapshots --json --host web1 --latest 1 | jq -r '.[0].short_id')
check restic-doc.json ".sources[1].latest_id == \"$latest_web\"" "the latest snapshot's short id (restic snapshots --latest 1)"

# ---- borg ------------------------------------------------------------------
borg init -e repokey borg-repo 2>/dev/null || fail "borg init"
arch() { borg create --timestamp "$2" "borg-repo::$1" "src/$3" || fail "borg create $1"; }
arch mail-2025-08-24T00:00 2025-08-24T00:00:00 mail
arch mail-2025-08-25T06:00 2025-08-25T06:00:00 mail
arch wiki-2025-06-01 2025-06-01T00:00:00 wiki
arch wiki-2025-08-01 2025-08-01T00:00:00 wiki
borg list --json borg-repo >borg.json || fail "borg list --json"
TZ=Europe/Berlin borg list --json borg-repo >borg-berlin.json || fail "borg list --json (Berlin)"
jq -e '.archives[] | select(.name == "mail-2025-08-24T00:00") | .start == "2025-08-24T02:00:00.000000"' borg-berlin.json >/dev/null ||
    fail "borg list: not the zone-less local time this collector expects"
repo_id=$(jq -r .repository.id borg.json)

# a zone-less time without --borg-timezone: refused, exit 2, nothing written
echo old >borg-doc.json
expect_status 2 $VIGIL collect backup --borg borg.json -o borg-doc.json
expect_stderr 'borg.json: archive 1: "start" 2025-06-01T00:00:00.000000 has no time zone .*--borg-timezone'
[ "$(cat borg-doc.json)" = old ] || fail "borg-doc.json changed by a refused collection"
expect_status 2 $VIGIL collect backup --borg borg.json --borg-timezone Europe/Berlin
expect_stderr 'borg-timezone Europe/Berlin: expected UTC'

expect_status 0 $VIGIL collect backup --borg borg.json --borg-timezone UTC -o borg-doc.json
validate vigil-collect-backup borg-doc.json
check borg-doc.json ".inputs == [{location: \"$TMP/borg-repo\", credentials_removed: false, repository_id: \"$repo_id\",
    encryption: \"repokey\", archives: 4, tool: \"borg\", path: \"borg.json\"}] and .borg_timezone == \"UTC\"" "the borg input"
check borg-doc.json '[.sources[].name] == ["mail", "wiki"] and ([.sources[].tool] | unique) == ["borg"]' "sources by name prefix"
check borg-doc.json '.sources[0] | .snapshots == 2 and .latest == "2025-08-25T06:00:00Z" and .latest_age_days == 0
    and .oldest == "2025-08-24T00:00:00Z" and .retention_days == 1 and .host == null and .paths == []' "mail"
check borg-doc.json '.sources[1] | .snapshots == 2 and .latest == "2025-08-01T00:00:00Z" and .latest_age_days == 25
    and .retention_days == 61' "wiki: 25 days old, 61 days kept"
wiki_id=$(jq -r '.archives[] | select(.name == "wiki-2025-08-01") | .id' borg.json)
check borg-doc.json ".sources[1].latest_id == \"$wiki_id\"" "the latest archive's id"
expect_status 0 $VIGIL collect backup --borg borg-berlin.json --borg-timezone +02:00 -o borg-berlin-doc.json
[ "$(jq -c .sources borg-doc.json)" = "$(jq -c .sources borg-berlin-doc.json)" ] ||
    fail "Berlin's local times read at +02:00 give other facts"
expect_status 0 env TZ=Europe/Berlin $VIGIL collect backup --borg borg-berlin.json --borg-timezone local -o borg-local-doc.json
[ "$(jq -c .sources borg-doc.json)" = "$(jq -c .sources borg-local-doc.json)" ] ||
    fail "Berlin's local times read in the machine's zone (TZ=Europe/Berlin) give other facts"

# a remote location with a password: in borg's own output, and given with --location
jq --arg l "ssh://backup:$SECRET@borg.example.com:2222/./repo" '.repository.location = $l' borg.json >borg-remote.json
expect_status 0 $VIGIL collect backup --borg borg-remote.json --borg-timezone UTC \
    --location "rest:http://backup:$SECRET@10.0.0.5:8000/" --restic restic.json -o remote-doc.json
validate vigil-collect-backup remote-doc.json
check remote-doc.json '.inputs[0].location == "ssh://backup@borg.example.com:2222/./repo" and .inputs[0].credentials_removed
    and .sources[0].location == "ssh://backup@borg.example.com:2222/./repo"
    and .inputs[1].location == "rest:http://backup@10.0.0.5:8000/" and .sources[3].location == "rest:http://backup@10.0.0.5:8000/"' \
    "borg's own location and a restic --location without their password"

# ---- the restore-test log --------------------------------------------------
www_name="web1:$www"
cat >restore.log <<LOG
# restore tests, one JSON object a line (docs/collect.md, "backup")
{"time": "2025-06-01T10:00:00Z", "source": "$www_name", "tool": "restic", "result": "success", "restored_bytes": 15, "verified": "checksum"}
{"time": "2025-08-01T10:00:00+02:00", "source": "$www_name", "tool": "restic", "result": "success", "restored_bytes": 15, "verified": "checksum"}
{"time": "2025-08-10T00:00:00Z", "source": "$www_name", "tool": "restic", "result": "failure"}

{"time": "2025-08-12T00:00:00Z", "source": "mail", "tool": "borg", "result": "failure", "verified": "none"}
{"time": "2025-08-13T00:00:00Z", "source": "mail", "tool": "borg", "result": "failure"}
LOG
expect_status 0 $VIGIL collect backup --restic restic.json --borg borg.json --borg-timezone UTC --log restore.log -o all.json
validate vigil-collect-backup all.json
check all.json '.target == "restic.json, borg.json, restore.log" and .inputs[2] == {restore_tests: 5, tool: "log", path: "restore.log"}' \
    "three inputs"
check all.json '(.sources | length) == 4' "four sources"
check all.json ".restore_tests == [
    {source: \"mail\", tool: \"borg\", tests: 2, last_success: null, last_success_age_days: null, last_success_verified: null,
     last_success_restored_bytes: null, last_failure: \"2025-08-13T00:00:00Z\", failures_since_success: 2},
    {source: \"$www_name\", tool: \"restic\", tests: 3, last_success: \"2025-08-01T08:00:00Z\", last_success_age_days: 24,
     last_success_verified: \"checksum\", last_success_restored_bytes: 15, last_failure: \"2025-08-10T00:00:00Z\",
     failures_since_success: 1}]" "restore tests per source"

# ---- secrets ---------------------------------------------------------------
for f in *.json; do
    ! grep -q "$SECRET" "$f" || case $f in borg-remote.json) ;; *) fail "$f: the planted password reached it" ;; esac
done

# ---- malformed and huge inputs: a message naming the file, exit 1, nothing written -------
bad() { # bad FILE OPTION PATTERN: refused with PATTERN, out.json untouched
    echo keep >out.json
    expect_status 1 $VIGIL collect backup "$2" "$1" --borg-timezone UTC -o out.json
    expect_stderr "$3"
    [ "$(cat out.json)" = keep ] || fail "$1: out.json changed by a refused collection"
}
echo 'restic: no such repository' >notjson.txt
bad notjson.txt --restic '^vigil: notjson.txt: not valid JSON'
echo '{"archives": []}' >obj.json
bad obj.json --restic 'obj.json: not the output of restic snapshots --json'
bad restic.json --borg 'restic.json: not the output of borg list --json'
jq '.[1].paths = "/srv"' restic.json >paths.json
bad paths.json --restic 'paths.json: snapshot 2: "paths" is not an array'
jq '.[0].hostname = 7' restic.json >host.json
bad host.json --restic 'host.json: snapshot 1: "hostname" is not a string'
jq '.[2].time = "2025-02-30T00:00:00Z"' restic.json >badtime.json
bad badtime.json --restic 'badtime.json: snapshot 3: "time" 2025-02-30T00:00:00Z is not an RFC 3339 date-time'
jq '.archives[1].start = "yesterday"' borg.json >borgtime.json
bad borgtime.json --borg 'borgtime.json: archive 2: "start" yesterday is not an RFC 3339'
jq '.archives[0].name = ""' borg.json >noname.json
bad noname.json --borg 'noname.json: archive 1: "name" is empty'
printf '{"time": "2025-08-01T00:00:00Z", "source": "s", "result": "ok"}\n' >result.log
bad result.log --log 'result.log: line 1: "result" is "ok", not "success" or "failure"'
printf '# a comment\n{"time": "2025-08-01T00:00:00", "source": "s", "result": "success"}\n' >zone.log
bad zone.log --log 'zone.log: line 2: "time" 2025-08-01T00:00:00 has no time zone'
printf '{"time": "2025-08-01T00:00:00Z", "source": "s", "result": "success"\n' >trunc.log
bad trunc.log --log '^vigil: trunc.log: line 1: not valid JSON'
printf '{"time": "2025-08-01T00:00:00Z", "source": "s", "result": "success", "restored_bytes": -1}\n' >bytes.log
bad bytes.log --log 'bytes.log: line 1: "restored_bytes" is not a whole number'
python3 -c 'print("[" + ",".join(["{}"] * 200001) + "]")' >many.json
bad many.json --restic 'many.json: more than 200000 snapshots'
jq --arg p "/$(head -c 5000 /dev/zero | tr '\0' a)" '.[0].paths = [$p]' restic.json >longpath.json
bad longpath.json --restic 'longpath.json: snapshot 1: "paths" item 1 is not a string of 1 to 4096 bytes'
truncate -s 70M huge.json
bad huge.json --restic 'huge.json: the restic snapshot list is larger than 67108864 bytes'
bad missing.json --restic 'missing.json: cannot open'

# ---- usage -------------------------------------------------------------------
expect_status 2 $VIGIL collect backup
expect_stderr 'name at least one --restic, --borg or --log'
expect_status 2 $VIGIL collect backup --restic restic.json --location x
expect_stderr '--location x is not followed by --restic or --borg'
expect_status 2 $VIGIL collect backup --location x --log restore.log
expect_status 0 $VIGIL collect backup --help
grep -q -- '--borg-timezone ZONE' "$TMP/stdout" || fail "--help does not describe --borg-timezone"
echo "collect_backup: ok"

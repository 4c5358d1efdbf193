# db_safety.sh — `vigil db update` / `db build` never damage what is not
# theirs (docs/vulndb.md), against loopback servers (feeds/server.py):
#  1. redirects: an https mirror (a certificate made here with openssl,
#     trusted with --ca-cert or SSL_CERT_FILE) that redirects to another
#     https URL is followed; one that redirects to http is refused (the
#     http server never sees the request) and the database is unchanged;
#     http to https is followed; without the CA the download fails;
#  2. links are never followed when cleaning up or reusing the cache: a
#     DB.fetch-* link to a directory of someone else's, a cached feed
#     replaced by a link to a file, the NVD cache directory replaced by a
#     link, a cached NVD page replaced by a link: what they lead to is left
#     as it was, and the update downloads afresh;
#  3. a file that is no vigil database (text, another program's SQLite, a
#     damaged vigil database) is never replaced without --force, and the
#     advice printed works when followed literally (the exact command with
#     --force, quoting a path with a space; or the exact file to remove);
#     hints name --db when the path is not the default one, and only then;
#  4. the database replaced by a foreign file while an update runs: the
#     update installs nothing and leaves that file;
#  5. the lock file is gone after every command, failed ones too; after
#     kill -9 it stays (harmless: the next update takes it and removes it).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/feeds/lib.sh"

need_shared vulndata/kev/known_exploited_vulnerabilities.json
need_shared vulndata/nvd/cve
need_shared vulndata/alpine-secdb/v3.10/main.json
need_cmd python3
need_cmd openssl

V="$VIGIL_SHARED/vulndata"
KEVFILE="$V/kev/known_exploited_vulnerabilities.json"
mkdir -p "$TMP/mirror/alpine/v3.10"
ln -s "$V/kev" "$TMP/mirror/kev"
ln -s "$V/alpine-secdb/v3.10/main.json" "$TMP/mirror/alpine/v3.10/main.json"
kev_rows() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from kev").fetchone()[0])' "$1"; }
n_kev=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vulnerabilities"]))' "$KEVFILE")
no_lock() { ! ls -a "$(dirname "$1")" | grep -q "^$(basename "$1")\.lock$" || fail "$1.lock is left after the command"; }

# 1. redirects.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null || fail "openssl could not make a certificate"
start_feed_server plain "$TMP/mirror"
start_feed_server tls2 "$TMP/mirror" --tls "$TMP/cert.pem" "$TMP/key.pem"
start_feed_server tls "$TMP/mirror" --tls "$TMP/cert.pem" "$TMP/key.pem" \
    --redirect /ok/ "$tls2_URL" --redirect /down/ "$plain_URL"
start_feed_server up "$TMP/mirror" --redirect /up/ "$tls2_URL"
DB="$TMP/tls/vulndb.sqlite"
expect_status 1 "$VIGIL" db update --mirror "$tls2_URL" --source kev --db "$DB"
expect_stderr 'certificate'
expect_status 0 "$VIGIL" db update --mirror "$tls2_URL" --source kev --db "$DB" --ca-cert "$TMP/cert.pem"
[ "$(kev_rows "$DB")" = "$n_kev" ] || fail "the https download did not fill the database"
cp "$DB" "$TMP/before.sqlite"
: >"$TMP/tls2.log"
SSL_CERT_FILE="$TMP/cert.pem" expect_status 0 "$VIGIL" db update --mirror "${tls_URL}ok/" --source kev --db "$DB"
grep -q $'^/ok/kev/known_exploited_vulnerabilities.json\t.*\t302\t' "$TMP/tls.log" &&
    grep -q $'^/kev/known_exploited_vulnerabilities.json\t.*\t\\(200\\|304\\)\t' "$TMP/tls2.log" ||
    fail "the https to https redirect was not followed"
cp "$DB" "$TMP/before.sqlite"
expect_status 1 "$VIGIL" db update --mirror "${tls_URL}down/" --source kev --db "$DB" --ca-cert "$TMP/cert.pem"
expect_stderr "down/kev/known_exploited_vulnerabilities.json: redirected to ${plain_URL}kev/known_exploited_vulnerabilities.json: refused, a download from an https URL must stay on https"
[ ! -s "$TMP/plain.log" ] || fail "the http server was asked after a redirect from https: $(cat "$TMP/plain.log")"
cmp -s "$TMP/before.sqlite" "$DB" || fail "a refused redirect changed the database"
expect_status 0 "$VIGIL" db update --mirror "${up_URL}up/" --source kev --db "$TMP/up.sqlite" --ca-cert "$TMP/cert.pem"
[ "$(kev_rows "$TMP/up.sqlite")" = "$n_kev" ] || fail "the http to https redirect was not followed"
no_lock "$DB"

# 2. links in the cache and among the temporary directories.
DB="$TMP/links/vulndb.sqlite"
mkdir -p "$TMP/victim/dir" "$TMP/victim/nvd"
echo "someone else's" >"$TMP/victim/dir/keep.txt"
echo "someone else's feed" >"$TMP/victim/kev.json"
echo "vigil-nvd-cache 1" >"$TMP/victim/nvd/state"
echo '{"not": "a page"}' >"$TMP/victim/nvd/0000000001.json"
cp -r "$TMP/victim" "$TMP/victim.orig"
mkdir -p "$TMP/links" "$TMP/nvd"
ln -s "$V/nvd/cve" "$TMP/nvd/cve"
start_feed_server feeds "$TMP/mirror" --nvd "$TMP/nvd"
expect_status 0 "$VIGIL" db update --mirror "$feeds_URL" --source kev,alpine:v3.10/main,nvd --db "$DB"
ln -s "$TMP/victim/dir" "$DB.fetch-planted"
rm "$DB.feeds/kev"
ln -s "$TMP/victim/kev.json" "$DB.feeds/kev"
page=$(sed -n 's/^page //p' "$DB.feeds/nvd/state" | sed -n 1p)
[ -n "$page" ] || fail "no NVD page in the cache"
rm "$DB.feeds/nvd/$page"
ln -s "$TMP/victim/nvd/0000000001.json" "$DB.feeds/nvd/$page"
: >"$TMP/feeds.log"
expect_status 0 "$VIGIL" db update --mirror "$feeds_URL" --source kev,alpine:v3.10/main,nvd --db "$DB"
diff -r "$TMP/victim.orig" "$TMP/victim" >&2 || fail "a file behind a planted link changed"
[ ! -e "$DB.fetch-planted" ] && [ ! -L "$DB.fetch-planted" ] || fail "the planted DB.fetch-* link was left"
[ -f "$DB.feeds/kev" ] && [ ! -L "$DB.feeds/kev" ] || fail "the cached feed is still a link"
grep -q $'^/kev/known_exploited_vulnerabilities.json\t-\t-\t200\t' "$TMP/feeds.log" ||
    fail "the linked cache file was used for a conditional request"
[ ! -L "$DB.feeds/nvd/$page" ] || fail "the linked NVD page is still in the cache"
grep -q $'^/nvd/rest/json/cves/2.0\t.*\tresultsPerPage=2000&startIndex=0\t' "$TMP/feeds.log" ||
    fail "a cache with a linked page was not downloaded again"
[ "$(kev_rows "$DB")" = "$n_kev" ] || fail "the update after the planted links lost data"
rm -r "$DB.feeds/nvd"
ln -s "$TMP/victim/nvd" "$DB.feeds/nvd"
expect_status 0 "$VIGIL" db update --mirror "$feeds_URL" --source kev,alpine:v3.10/main,nvd --db "$DB"
diff -r "$TMP/victim.orig" "$TMP/victim" >&2 || fail "the linked NVD cache directory was followed"
[ -d "$DB.feeds/nvd" ] && [ ! -L "$DB.feeds/nvd" ] && grep -q '^page ' "$DB.feeds/nvd/state" ||
    fail "the NVD cache was not made again as a directory"
no_lock "$DB"

# 3. foreign files and the advice given.
mkdir -p "$TMP/bin" "$TMP/x"
ln -s "$VIGIL" "$TMP/bin/vigil"
FOREIGN="$TMP/x/my db.sqlite"
printf 'not a database at all\n' >"$FOREIGN"
expect_status 1 "$VIGIL" db build --from "$V/kev" --db "$FOREIGN"
expect_stderr "refusing to replace it without --force"
[ "$(cat "$FOREIGN")" = "not a database at all" ] || fail "the foreign file was replaced"
no_lock "$FOREIGN"
advice=$(sed -n 's/^vigil: to replace it, run: //p' "$TMP/stderr")
[ "$advice" = "vigil db build --from $V/kev --db '$FOREIGN' --force" ] || fail "advice: $advice"
PATH="$TMP/bin:$PATH" eval "$advice" >/dev/null || fail "the advice did not work: $advice"
expect_status 0 "$VIGIL" db status --db "$FOREIGN"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' "$TMP/x/other.sqlite"
mkdir -p "$TMP/local/kev"
cp "$KEVFILE" "$TMP/local/kev/"
expect_status 1 "$VIGIL" db update --from "$TMP/local" --source kev --db "$TMP/x/other.sqlite"
expect_stderr 'other\.sqlite: an SQLite file, but not a vigil vulnerability database'
advice=$(sed -n 's/^vigil: to replace it, run: //p' "$TMP/stderr")
PATH="$TMP/bin:$PATH" eval "$advice" >/dev/null || fail "the advice did not work: $advice"
[ "$(kev_rows "$TMP/x/other.sqlite")" = "$n_kev" ] || fail "following the advice did not build the database"
cp "$TMP/x/other.sqlite" "$TMP/x/damaged.sqlite"
truncate -s 4096 "$TMP/x/damaged.sqlite"
expect_status 1 "$VIGIL" db status --db "$TMP/x/damaged.sqlite"
expect_stderr "damaged.sqlite: a damaged vigil vulnerability database .*: replace it with vigil db update --db $TMP/x/damaged.sqlite --force"
victim=$(sed -n 's/.*, or remove \(.*\)$/\1/p' "$TMP/stderr")
[ "$victim" = "$TMP/x/damaged.sqlite" ] || fail "the file to remove is not named: $victim"
rm "$victim"
expect_status 0 "$VIGIL" db build --from "$V/kev" --db "$TMP/x/damaged.sqlite"
export XDG_CACHE_HOME="$TMP/cache"
mkdir -p "$XDG_CACHE_HOME/vigil"
printf 'junk\n' >"$XDG_CACHE_HOME/vigil/vulndb.sqlite"
expect_status 1 "$VIGIL" db status
expect_stderr 'replace it with vigil db update --force \(or'
expect_status 1 "$VIGIL" scan --db "$TMP/absent.sqlite" "$TMP/x"
expect_stderr "no vulnerability database: run vigil db update --db $TMP/absent.sqlite "
expect_status 1 "$VIGIL" db status --db "$TMP/x/future.sqlite"
expect_stderr "future.sqlite: no vulnerability database: run vigil db update --db $TMP/x/future.sqlite "
cp "$TMP/x/other.sqlite" "$TMP/x/future.sqlite"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma user_version=99"); c.commit()' "$TMP/x/future.sqlite"
expect_status 1 "$VIGIL" db status --db "$TMP/x/future.sqlite"
expect_stderr "schema version 99 is newer than this vigil's \([0-9]+\): run vigil db update --db $TMP/x/future.sqlite$"

# 4. the database replaced by a foreign file during the update.
DB="$TMP/swap/vulndb.sqlite"
expect_status 0 "$VIGIL" db build --from "$V/kev" --db "$DB"
start_feed_server stall "$TMP/mirror" --stall "$TMP/stall"
echo /kev/known_exploited_vulnerabilities.json >"$TMP/stall"
"$VIGIL" db update --mirror "$stall_URL" --source kev --db "$DB" >/dev/null 2>"$TMP/swap.err" &
UPDATER=$!
for _ in $(seq 300); do grep -q $'\t999\t' "$TMP/stall.log" && break; sleep 0.1; done
grep -q $'\t999\t' "$TMP/stall.log" || { kill $UPDATER; fail "the update never reached the stalled download"; }
printf 'a file of someone else\n' >"$TMP/swap/other"
mv "$TMP/swap/other" "$DB"
rm "$TMP/stall"
st=0
wait $UPDATER || st=$?
[ "$st" = 1 ] || { cat "$TMP/swap.err" >&2; fail "the update over a swapped database exited $st"; }
grep -q 'was replaced by another file while the database was built; left as it is' "$TMP/swap.err" ||
    { cat "$TMP/swap.err" >&2; fail "no message about the swapped database"; }
[ "$(cat "$DB")" = "a file of someone else" ] || fail "the swapped-in file was replaced"
ls "$TMP/swap" | grep -Eq '\.(new|fetch)-' && fail "temporary files left: $(ls "$TMP/swap")"
no_lock "$DB"

# 5. the lock after kill -9: left, taken and removed by the next update.
DB="$TMP/kill/vulndb.sqlite"
echo /kev/known_exploited_vulnerabilities.json >"$TMP/stall"
"$VIGIL" db update --mirror "$stall_URL" --source kev --db "$DB" >/dev/null 2>&1 &
UPDATER=$!
: >"$TMP/stall.log"
for _ in $(seq 300); do grep -q $'\t999\t' "$TMP/stall.log" && break; sleep 0.1; done
kill -9 $UPDATER
wait $UPDATER 2>/dev/null || true
rm "$TMP/stall"
[ -e "$DB.lock" ] || fail "expected the killed update's lock file"
expect_status 0 "$VIGIL" db update --mirror "$stall_URL" --source kev --db "$DB"
no_lock "$DB"
[ -z "$(ls "$TMP/kill" | grep -v '^vulndb.sqlite\(.feeds\)\?$')" ] || fail "left in the directory: $(ls "$TMP/kill")"
echo "db_safety: redirects, links, foreign files, swapped databases and locks handled"

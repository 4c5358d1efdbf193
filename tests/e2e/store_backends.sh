# store_backends.sh — the same inventory on SQLite and on PostgreSQL 15 (a
# real server started by pg.sh) gives the same answers, and both are right.
#
# On each back end: the Alpine 3.10.9 then 3.11.13 minirootfs as two
# snapshots of one asset (with --version labels, tags, kind, owner), then
# two SBOMs given directly (Trivy's CycloneDX of an Alpine image, with
# findings, and Syft's SPDX of a Debian system).  Then, between the back
# ends: the output of every add, `inventory list -o json`, `inventory show
# -o json` of every snapshot (by number, label and latest) and the bytes of
# `inventory export` must be identical once the times of the runs are
# normalised (nothing else is).  And against independent truth: each
# rootfs snapshot's components are the packages of its
# lib/apk/db/installed, read here by Python from the tarball; each
# exported document hashes to the digest vigil printed and stored, and an
# SBOM given is given back byte for byte.  Also runs the db.h unit test
# (tests/unit/store_db.c) against the PostgreSQL server.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg.sh"
need_shared fixtures/rootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
need_shared fixtures/rootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz
need_shared vulndata/alpine-secdb/v3.10/main.json
need_shared vulndata/alpine-secdb/v3.11/main.json
need_cmd jq
need_cmd python3
pg_start

T=$TMP
roots=$VIGIL_SHARED/fixtures/rootfs
r310=$roots/alpine-minirootfs-3.10.9-x86_64.tar.gz
r311=$roots/alpine-minirootfs-3.11.13-x86_64.tar.gz
trivy=$VIGIL_SRC/tests/data/sbom/trivy-alpine.cdx.json
syft=$VIGIL_SRC/tests/data/sbom/syft-debian.spdx.json
$VIGIL db build --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.10/main.json" \
    --from "$VIGIL_SHARED/vulndata/alpine-secdb/v3.11/main.json" --db "$T/db.sqlite" >/dev/null 2>"$T/err" ||
    { cat "$T/err" >&2; fail "db build"; }

# 0. The SQL layer itself on this server.
if [ -n "${VIGIL_BUILD:-}" ] && [ -x "$VIGIL_BUILD/tests/unit_store_db" ]; then
    VIGIL_TEST_PG_URL=$(pg_new_db unit) "$VIGIL_BUILD/tests/unit_store_db" || fail "tests/unit/store_db.c on PostgreSQL"
else
    skip_part "tests/unit/store_db.c on PostgreSQL (VIGIL_BUILD does not hold tests/unit_store_db)"
fi

# run BACKEND STORE: the whole sequence into $T/BACKEND/.
run() {
    local b=$1 store=$2 d=$T/$1
    mkdir "$d"
    expect_status 0 $VIGIL store init --store "$store"
    expect_stderr 'store created \(schema version 6\)'
    local add="$VIGIL inventory add --db $T/db.sqlite --store $store -o json"
    expect_status 0 $add "$r310" --asset web --version 3.10.9 --tag env=prod --tag team=core --kind image \
        --owner ops --environment production
    cp "$T/stdout" "$d/add1.json"
    expect_status 0 $add "$r311" --asset web --version 3.11.13 --tag env=staging
    cp "$T/stdout" "$d/add2.json"
    expect_status 0 $add "$trivy" --asset app --version 1.0 --tag source=trivy
    cp "$T/stdout" "$d/add3.json"
    # Syft's Debian packages have no Debian data in this database: stored,
    # and said so (exit 3) unless accepted.
    expect_status 3 $add "$syft" --asset Debian --version 12
    expect_stderr 'stored, but 9 of 9 components could not be checked'
    cp "$T/stdout" "$d/add4.json"

    local q="$VIGIL inventory --store $store"
    expect_status 0 $VIGIL inventory list --store "$store" -o json
    cp "$T/stdout" "$d/list.json"
    for ref in web@1 web@2 web@3.10.9 web@latest web app@1 Debian; do
        expect_status 0 $VIGIL inventory show "$ref" --store "$store" -o json
        cp "$T/stdout" "$d/show-$ref.json"
    done
    for ref in web@1 web@2 app@1; do
        expect_status 0 $VIGIL inventory export "$ref" --store "$store" -o cyclonedx-json="$d/export-$ref"
        grep -Eo 'sha256:[0-9a-f]{64}' "$T/stderr" >"$d/export-$ref.printed"
    done
    expect_status 0 $VIGIL inventory export Debian --store "$store" -o sbom="$d/export-Debian"
    grep -Eo 'sha256:[0-9a-f]{64}' "$T/stderr" >"$d/export-Debian.printed"
}
run sqlite "sqlite:$T/store.sqlite"
# A database sorting text as most servers do (ICU, en-US: "app" before
# "Debian"), not as the test cluster's C locale: the store must sort as
# SQLite does whatever the database's locale.
run postgresql "$(pg_new_db inventory --locale-provider=icu --icu-locale=en-US -T template0)"

# The times of the runs, and only they, may differ.
normalise() {
    jq -S 'walk(if type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
                then "TIME" else . end)' "$1"
}
compared=0
for f in "$T"/sqlite/*; do
    name=${f##*/}
    [ -e "$T/postgresql/$name" ] || fail "$name: written on SQLite only"
    case $name in
    *.json)
        normalise "$f" >"$T/a.json"
        normalise "$T/postgresql/$name" >"$T/b.json"
        diff "$T/a.json" "$T/b.json" >&2 || fail "$name differs between SQLite (<) and PostgreSQL (>)"
        ;;
    *) cmp "$f" "$T/postgresql/$name" || fail "$name: the bytes differ between SQLite and PostgreSQL" ;;
    esac
    compared=$((compared + 1))
done
[ "$compared" = 20 ] || fail "compared $compared files, expected 20"
# Only the times were normalised: the runs' own times are there to be.
jq -e '.[0].created != null and .[0].latest.matched != null' "$T/sqlite/list.json" >/dev/null ||
    fail "list: no times to normalise?"

# From here on both are the same: check one against the truth.
S=$T/sqlite

# The components of each rootfs snapshot are the packages of its apk db.
apk_installed() {
    python3 - "$1" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    m = next(m for m in t.getmembers() if m.name.lstrip("./") == "lib/apk/db/installed")
    text = t.extractfile(m).read().decode()
for stanza in text.split("\n\n"):
    f = {l[0]: l[2:] for l in stanza.splitlines() if l[1:2] == ":"}
    if "P" in f:
        print(f"{f['P']}\t{f['V']}")
PY
}
for pair in "1 $r310" "2 $r311"; do
    set -- $pair
    apk_installed "$2" >"$T/apk$1.txt"
    jq -r '.component_list[] | select(.type == "apk") | "\(.name)\t\(.version)"' "$S/show-web@$1.json" >"$T/show$1.txt"
    same_lines "$T/show$1.txt" "$T/apk$1.txt" "components of web@$1 and lib/apk/db/installed of ${2##*/}"
    [ "$(jq '.components' "$S/show-web@$1.json")" = "$(wc -l <"$T/apk$1.txt")" ] ||
        fail "web@$1: component count is not the apk package count"
    cdx_packages "$S/export-web@$1" apk | cut -f1,2 >"$T/export$1.txt"
    same_lines "$T/export$1.txt" "$T/apk$1.txt" "exported SBOM of web@$1 and lib/apk/db/installed"
done
cmp -s "$S/show-web@1.json" "$S/show-web@2.json" && fail "web@1 and web@2 are the same snapshot"
# References: a label names the snapshot it labels, the asset its latest.
cmp "$S/show-web@3.10.9.json" "$S/show-web@1.json" || fail "web@3.10.9 is not web@1"
cmp "$S/show-web.json" "$S/show-web@2.json" || fail "web is not its latest snapshot web@2"
cmp "$S/show-web@latest.json" "$S/show-web@2.json" || fail "web@latest is not web@2"
[ "$(jq -r '[.os, .version, .target_kind] | join(" ")' "$S/show-web@1.json")" = "alpine:3.10.9 3.10.9 rootfs-archive" ] ||
    fail "web@1: os, version or target kind wrong: $(jq -c '[.os, .version, .target_kind]' "$S/show-web@1.json")"

# Every document hashes to the digest printed on add, on export and stored.
for pair in "web@1 add1" "web@2 add2" "app@1 add3" "Debian add4"; do
    set -- $pair
    sum=sha256:$(sha256sum "$S/export-$1" | cut -d' ' -f1)
    [ "$sum" = "$(jq -r .sbom_digest "$S/$2.json")" ] || fail "$1: exported bytes do not hash to the digest add printed"
    [ "$sum" = "$(cat "$S/export-$1.printed")" ] || fail "$1: exported bytes do not hash to the digest export printed"
    [ "$sum" = "$(jq -r .sbom_digest "$S/show-$1.json")" ] || fail "$1: exported bytes do not hash to the stored digest"
done
cmp "$S/export-app@1" "$trivy" || fail "the Trivy SBOM given is not given back byte for byte"
cmp "$S/export-Debian" "$syft" || fail "the Syft SPDX given is not given back byte for byte"
validate_cyclonedx "$S/export-web@2"

# The list: what was given, with tags set and replaced by key, sorted by
# name byte by byte.
jq -c '[.[] | {name, kind, owner, environment, snapshots, tags, version: .latest.version}]' "$S/list.json" >"$T/got"
cat >"$T/want" <<'EOF'
[{"name":"Debian","kind":null,"owner":null,"environment":null,"snapshots":1,"tags":{},"version":"12"},{"name":"app","kind":null,"owner":null,"environment":null,"snapshots":1,"tags":{"source":"trivy"},"version":"1.0"},{"name":"web","kind":"image","owner":"ops","environment":"production","snapshots":2,"tags":{"env":"staging","team":"core"},"version":"3.11.13"}]
EOF
diff "$T/got" "$T/want" >&2 || fail "inventory list is not what was added"
# Findings were compared too: there are some to compare (the Trivy SBOM
# lists musl 1.1.22-r2, below the secdb's fix 1.1.22-r3 of CVE-2019-14697).
[ "$(jq -r '[.finding_list[] | "\(.id) \(.name)@\(.version)"] | join(",")' "$S/show-app@1.json")" = \
    "CVE-2019-14697 musl-utils@1.1.22-r2,CVE-2019-14697 musl@1.1.22-r2" ] ||
    fail "app@1: findings $(jq -c '[.finding_list[] | [.id, .name, .version]]' "$S/show-app@1.json")"
echo "ok: SQLite and PostgreSQL agree on $compared outputs, and the content matches the apk databases and the SBOMs given"

# store_lib.sh — sourced after lib.sh by the tests of the inventory store:
#
#   make_sbom FILE N SEED [FILE N SEED]...
#                           a CycloneDX 1.6 JSON SBOM of N npm components,
#                           half of them shared by every SEED, half its own
#                           (so that each SEED stores new component rows);
#                           several at once in one Python run
#   store_state STORE OUT   everything a user can read back from STORE, into
#                           OUT: `inventory list -o json`, then `show -o json`
#                           and the sha256 of `export` of every snapshot of
#                           every asset: two states compare equal when
#                           nothing stored was lost or changed
#   sqlite_sql FILE SQL     runs SQL on the SQLite file FILE with Python's
#                           sqlite3 module (not vigil), rows as a|b|c

make_sbom() {
    python3 - "$@" <<'PY'
import json, sys
args = sys.argv[1:]
for path, n, seed in zip(args[0::3], map(int, args[1::3]), args[2::3]):
    comps = []
    for j in range(n):
        version = f"1.{j}.0" if j % 2 else f"2.{j}.{seed}"
        comps.append({"type": "library", "bom-ref": f"c{j}", "name": f"pkg{j}", "version": version,
                      "purl": f"pkg:npm/pkg{j}@{version}"})
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"timestamp": "2024-01-01T00:00:00Z"}, "components": comps}
    with open(path, "w") as f:
        json.dump(doc, f)
PY
}

store_state() {
    local store=$1 out=$2 name n i
    $VIGIL inventory list --store "$store" -o json >"$out" || fail "store_state: list of $store"
    jq -r '.[] | "\(.name)\t\(.snapshots)"' "$out" >"$out.assets"
    while IFS=$'\t' read -r name n; do
        for ((i = 1; i <= n; i++)); do
            $VIGIL inventory show "$name@$i" --store "$store" -o json >>"$out" || fail "store_state: show $name@$i"
            $VIGIL inventory export "$name@$i" --store "$store" -o sbom="$out.doc" -q ||
                fail "store_state: export $name@$i"
            sha256sum <"$out.doc" >>"$out"
        done
    done <"$out.assets"
    rm -f "$out.assets" "$out.doc"
}

sqlite_sql() {
    python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
db.commit()
PY
}

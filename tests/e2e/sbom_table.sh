# sbom_table.sh — `vigil sbom -o table`: one row per package, checked
# against the CycloneDX document of the same run (Python's json):
#  - piped, without COLUMNS: one row per component with its name, version,
#    type and number of places (len(evidence.occurrences)), nothing cut,
#    rows sorted by name without regard to case (Python's str.lower), no
#    colour;
#  - --wide: every place of each package, the first on its row and the
#    others on lines of their own under it;
#  - COLUMNS=N, and a terminal N columns wide (script(1) gives the pty,
#    stty sets its size; the terminal wins over COLUMNS): no line longer
#    than N code points, cells cut with "…" but never a version, and no
#    colour even on a terminal;
#  - written to a file, the table is not cut.
# The target: the Debian fixture (long versions) and a project installed by
# npm (node_modules and package-lock.json: packages found twice).
. "$(dirname "$0")/lib.sh"
need_shared fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz
need_cmd python3
need_cmd script
need_cmd stty
TOOLS=$VIGIL_SRC/tests/tools
[ -d "$TOOLS/node_modules/ajv" ] || skip "tests/tools/node_modules is not installed (npm ci, done by setup.sh)"

R=$TMP/root
mkdir -p "$R/srv/a-project-directory-with-a-long-name"
tar xzf "$VIGIL_SHARED/fixtures/rootfs/debian-bookworm-minbase-pkgdb.tar.gz" -C "$R"
cp -rL "$TOOLS/node_modules" "$TOOLS/package.json" "$TOOLS/package-lock.json" "$R/srv/a-project-directory-with-a-long-name/"

expect_status 0 "$VIGIL" sbom "$R" -o "cyclonedx-json=$TMP/doc.json"
env -u COLUMNS "$VIGIL" sbom -q "$R" -o table >"$TMP/piped.txt" || fail "vigil sbom -o table (piped)"
env -u COLUMNS "$VIGIL" sbom -q "$R" -o table --wide >"$TMP/wide.txt" || fail "vigil sbom -o table --wide (piped)"
COLUMNS=80 "$VIGIL" sbom -q "$R" -o table --wide >"$TMP/cols80.txt" || fail "COLUMNS=80 vigil sbom -o table --wide"
COLUMNS=60 "$VIGIL" sbom -q "$R" -o table >"$TMP/cols60.txt" || fail "COLUMNS=60 vigil sbom -o table"
COLUMNS=50 "$VIGIL" sbom -q "$R" -o "table=$TMP/file.txt" --wide || fail "vigil sbom -o table=FILE"
# a terminal 72 columns wide; COLUMNS says otherwise and loses
COLUMNS=200 TERM=xterm-256color script -qec "stty cols 72 rows 40; '$VIGIL' sbom -q '$R' -o table --wide" /dev/null \
    >"$TMP/tty.raw" || fail "vigil sbom -o table on a terminal"
tr -d '\r' <"$TMP/tty.raw" >"$TMP/tty.txt"

python3 - "$TMP/doc.json" "$TMP" <<'PY' || fail "the table"
import json, sys
doc, tmp = json.load(open(sys.argv[1])), sys.argv[2]
errors = []
comps = [c for c in doc["components"] if c["type"] != "operating-system"]
def ctype(c):
    return next(p["value"] for p in c["properties"] if p["name"] == "vigil:package:type")
def places(c):
    return [o["location"] for o in c["evidence"]["occurrences"]]
want = sorted(comps, key=lambda c: (c["name"].lower(), c["name"], c.get("version", ""), ctype(c)))
if sum(len(places(c)) > 1 for c in comps) < 10:
    errors.append("fixture: fewer than 10 packages found in several places")

def read(name):
    text = open(f"{tmp}/{name}", encoding="utf-8").read()
    if "\x1b" in text:
        errors.append(f"{name}: colour or other escape sequences in the table")
    lines = text.splitlines()
    if not lines[0].startswith("Target: ") or f"Packages: {len(comps)}" not in lines[0]:
        errors.append(f"{name}: summary line {lines[0]!r}")
    head = lines[1]
    cols = [head.index(t) for t in ("NAME", "VERSION", "TYPE", "ARCH", "LOCATIONS")]
    rows, cont = [], {}
    for l in lines[2:]:
        cells = [l[a:b].strip() for a, b in zip(cols, cols[1:] + [None])]
        if not cells[0]:  # another place of the row above
            cont.setdefault(len(rows) - 1, []).append(cells[-1])
        else:
            rows.append(cells)
    return lines, rows, cont

# piped: everything, nothing cut
lines, rows, _ = read("piped.txt")
got = [(r[0], r[1], r[2], r[4]) for r in rows]
exp = [(c["name"], c.get("version", "-"), ctype(c), str(len(places(c)))) for c in want]
if got != exp:
    diff = [(g, e) for g, e in zip(got, exp) if g != e][:3]
    errors.append(f"piped table: {len(got)} rows, expected {len(exp)}; first differences {diff}")
if any("…" in l for l in lines):
    errors.append("piped table without COLUMNS was cut")

# --wide: every place
lines, rows, cont = read("wide.txt")
for i, (r, c) in enumerate(zip(rows, want)):
    if [r[4]] + cont.get(i, []) != places(c):
        errors.append(f"--wide: {r[0]} lists {[r[4]] + cont.get(i, [])}, its places are {places(c)}")
        break

# fitted: COLUMNS, a terminal, and a file (not fitted)
for name, limit in (("cols80.txt", 80), ("cols60.txt", 60), ("tty.txt", 72), ("file.txt", None)):
    lines, rows, cont = read(name)
    longest = max(len(l) for l in lines[1:])
    if limit and longest > limit:
        errors.append(f"{name}: a line of {longest} code points is wider than {limit}")
    if limit and not any("…" in l for l in lines[1:]):
        errors.append(f"{name}: nothing was cut to fit {limit} columns")
    if not limit and any("…" in l for l in lines):
        errors.append(f"{name}: a table written to a file was cut")
    if [r[1] for r in rows] != [c.get("version", "-") for c in want]:
        errors.append(f"{name}: a version was cut or rows differ")
    for r, c in zip(rows, want):
        if r[0] != c["name"] and not (r[0].endswith("…") and c["name"].startswith(r[0][:-1])):
            errors.append(f"{name}: name {r[0]!r} is not {c['name']!r} nor its start")
            break
for e in errors[:20]:
    print(e, file=sys.stderr)
sys.exit(bool(errors))
PY
echo "ok: $(($(wc -l <"$TMP/piped.txt") - 2)) rows, one per package, sorted, fitted to 80, 72 and 60 columns"

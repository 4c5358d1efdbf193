# difflib.sh — shared by tests/e2e/version_*.sh (sourced after lib.sh):
# runs vigil's comparators and a reference implementation over the same
# generated pairs and fails on any disagreement.
REF_DIR="$VIGIL_SRC/tests/tools/version-ref"
: "${VIGIL_BUILD:?VIGIL_BUILD must name the build directory}"
DRIVER="$VIGIL_BUILD/tests/unit_version_compare"
[ -x "$DRIVER" ] || fail "$DRIVER is missing (build the unit_version_compare target)"
need_cmd python3

# gen_pairs SCHEME COUNT SEED FILE: generated pairs (fixed seed).
gen_pairs() {
    python3 "$REF_DIR/gen.py" "$1" "$2" "$3" >"$4"
}

# vigil_compare ECOSYSTEM PAIRS OUT / vigil_range PAIRS OUT
vigil_compare() { "$DRIVER" --compare "$1" "$2" >"$3"; }
vigil_range() { "$DRIVER" --range "$1" >"$2"; }

# agree PAIRS VIGIL_OUT REF_OUT WHAT MIN [SKIP]: every line agrees, and at
# least MIN lines were ordered by both sides (not "invalid"), with each
# outcome ("<", "=", ">"; for ranges "0" and "1") at least MIN/100 times:
# a generator that yields nothing, or only invalid or equal pairs, fails.
# SKIP=1: lines that vigil or the reference refuses are not compared but
# counted (the reference accepts a different set, e.g. npm for Cargo);
# SKIP=2: lines vigil refuses are not compared (the reference orders every
# string), but a line vigil orders must be one the reference orders.
# Prints a summary line.
agree() {
    local pairs=$1 mine=$2 ref=$3 what=$4 min=$5 skip=${6:-0}
    [ "$(wc -l <"$pairs")" = "$(wc -l <"$mine")" ] || fail "$what: vigil gave $(wc -l <"$mine") results for $(wc -l <"$pairs") lines"
    [ "$(wc -l <"$pairs")" = "$(wc -l <"$ref")" ] || fail "$what: the reference gave $(wc -l <"$ref") results for $(wc -l <"$pairs") lines"
    paste "$mine" "$ref" "$pairs" | awk -F '\t' -v what="$what" -v skip="$skip" -v min="$min" '
        { n++ }
        skip == 1 && ($1 == "invalid" || $2 == "invalid") { skipped++; next }
        skip == 2 && $1 == "invalid" { skipped++; next }
        $1 == $2 { ok++; if ($1 == "invalid") inval++; else outcome[$1]++; next }
        { bad++; if (bad <= 25) printf "DISAGREE %s: [%s] vs [%s]: vigil %s, reference %s\n", what, $3, $4, $1, $2 > "/dev/stderr" }
        END {
            printf "%s: %d lines, %d agree (%d both invalid), %d skipped, %d disagree\n", what, n, ok, inval, skipped, bad
            if (bad > 0) exit 1
            ranges = ("0" in outcome || "1" in outcome)
            split(ranges ? "0 1" : "< = >", want, " ")
            for (i in want) {
                if (outcome[want[i]] < min / 100) {
                    printf "%s: outcome %s only %d times, expected %d or more\n", what, want[i], outcome[want[i]], min / 100 > "/dev/stderr"
                    exit 1
                }
            }
            if (ok - inval < min) {
                printf "%s: only %d pairs ordered by both sides, expected %d or more\n", what, ok - inval, min > "/dev/stderr"
                exit 1
            }
        }' || fail "$what: vigil and the reference disagree, or too few pairs were compared"
}

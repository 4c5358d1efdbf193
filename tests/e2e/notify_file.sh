#!/usr/bin/env bash
# notify_file.sh — the NDJSON file sink of `vigil monitor`
# (vg_notify_file, src/store/notify.c), through unit_notify's append mode
# since the monitor command does not exist yet.  Python's json module is
# the reference reader: every line of the file must be one JSON text.
# Cases: a new file (exact bytes, mode), two concurrent writers of 64 KB
# lines (none lost, none interleaved, each writer's lines in order), a file
# left without its final newline by another program, bodies that are not
# one JSON line, a symbolic link, a FIFO, a directory, a missing directory,
# and a full disk (RLIMIT_FSIZE) that must leave the file as it was.
source "$(dirname "$0")/lib.sh"
need_cmd python3
need_cmd jq
DRIVER=${VIGIL_BUILD:?}/tests/unit_notify
[ -x "$DRIVER" ] || fail "$DRIVER is not built"

# append NAME PATH ARGS...: one run of the driver; its result in $TMP/NAME.json.
append() {
    local name=$1
    shift
    timeout 120 "$DRIVER" append "$@" >"$TMP/$name.json" || fail "$name: unit_notify failed"
}
# expect NAME STATUS ERE: the result has that status and a message matching ERE.
expect() {
    local st msg
    st=$(jq -r .status "$TMP/$1.json")
    msg=$(jq -r .error "$TMP/$1.json")
    [ "$st" = "$2" ] || fail "$1: status $st ($msg), expected $2"
    grep -Eq -- "$3" <<<"$msg" || fail "$1: message '$msg' does not match '$3'"
}
# ndjson_check FILE: every line is a JSON object, the file ends with "\n";
# prints "WRITER<TAB>COUNT<TAB>IN_ORDER" per writer, then "switches<TAB>N",
# the number of times consecutive lines come from different writers.
ndjson_check() {
    python3 - "$1" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
if not data.endswith(b"\n"):
    sys.exit("%s does not end with a newline" % sys.argv[1])
seqs, last, switches = {}, None, 0
for number, line in enumerate(data[:-1].split(b"\n"), 1):
    try:
        doc = json.loads(line)
    except ValueError as e:
        sys.exit("line %d is not JSON (%s): %.80r" % (number, e, line))
    w = doc["writer"]
    seqs.setdefault(w, []).append(doc["seq"])
    if last is not None and w != last:
        switches += 1
    last = w
for w in sorted(seqs):
    print("%s\t%d\t%s" % (w, len(seqs[w]), seqs[w] == list(range(len(seqs[w])))))
print("switches\t%d" % switches)
PY
}

mkdir "$TMP/state"
LOG=$TMP/state/notifications.ndjson

# A new file: exactly the body and a newline, mode 0640 under umask 022.
printf '%s' '{"type":"vigil.findings.new","data":{"asset":"façade","findings":[]}}' >"$TMP/one.json"
(umask 022 && append new "$LOG" --body-file "$TMP/one.json")
expect new 0 '^$'
{ cat "$TMP/one.json"; printf '\n'; } >"$TMP/want"
cmp "$LOG" "$TMP/want" || fail "the new file is not the body and a newline"
[ "$(stat -c %a "$LOG")" = 640 ] || fail "the new file has mode $(stat -c %a "$LOG"), expected 640"
rm "$LOG"

# Two writers at once, into a file neither has created yet.
N=400
append writer_a "$LOG" --writer A --count $N --pad 65536 &
A=$!
append writer_b "$LOG" --writer B --count $N --pad 65536 &
B=$!
wait $A || fail "writer A failed"
wait $B || fail "writer B failed"
expect writer_a 0 '^$'
expect writer_b 0 '^$'
ndjson_check "$LOG" >"$TMP/check"
printf 'A\t%d\tTrue\nB\t%d\tTrue\n' $N $N >"$TMP/want"
grep -v '^switches' "$TMP/check" >"$TMP/got"
same_lines "$TMP/got" "$TMP/want" "lines per writer (count, in order)"
# The writers did run at the same time: their lines alternate somewhere.
switches=$(sed -n 's/^switches\t//p' "$TMP/check")
[ "$switches" -gt 0 ] || fail "the two writers did not overlap: concurrency was not exercised"

# A file another program left without its final newline: vigil's line
# starts on a line of its own.
printf '{"writer":"X","seq":0}\n{"writer":"X","seq":1,"cut' >"$TMP/cut.ndjson"
printf '%s' '{"writer":"Y","seq":0}' >"$TMP/y.json"
append cut "$TMP/cut.ndjson" --body-file "$TMP/y.json"
expect cut 0 '^$'
[ "$(sed -n 3p "$TMP/cut.ndjson")" = '{"writer":"Y","seq":0}' ] || fail "the appended line is not on a line of its own"
[ "$(sed -n 2p "$TMP/cut.ndjson")" = '{"writer":"X","seq":1,"cut' ] || fail "the cut line was changed"
[ "$(wc -l <"$TMP/cut.ndjson")" = 3 ] || fail "the file does not end with the appended line"

# Bodies that are not one JSON line are refused; the file is not touched.
cp "$LOG" "$TMP/before"
printf '{"a":\n1}' >"$TMP/multiline.json"
printf '{"a":1' >"$TMP/truncated.json"
printf '"a string"' >"$TMP/string.json"
: >"$TMP/empty.json"
for body in multiline truncated string empty; do
    append "bad_$body" "$LOG" --body-file "$TMP/$body.json"
done
expect bad_multiline 8 "^$LOG: the notification holds a line break; an NDJSON line must be compact JSON$"
expect bad_truncated 8 "^$LOG: the notification is not a JSON object or array"
expect bad_string 8 "^$LOG: the notification is not a JSON object or array"
expect bad_empty 8 "^$LOG: the notification is empty$"
cmp "$LOG" "$TMP/before" || fail "a refused notification changed the file"

# Paths that are not a regular file of their own.
ln -s "$LOG" "$TMP/state/link.ndjson"
append symlink "$TMP/state/link.ndjson" --body-file "$TMP/one.json"
expect symlink 6 "^$TMP/state/link.ndjson: cannot open the notification file: .*: it is a symbolic link; give the real path$"
cmp "$LOG" "$TMP/before" || fail "the file behind a symbolic link was changed"
mkfifo "$TMP/state/fifo"
append fifo "$TMP/state/fifo" --body-file "$TMP/one.json"
expect fifo 6 "^$TMP/state/fifo: .*not a regular file"
mkdir "$TMP/state/dir.ndjson"
append directory "$TMP/state/dir.ndjson" --body-file "$TMP/one.json"
expect directory 2 "^$TMP/state/dir.ndjson: cannot open the notification file: Is a directory$"
append nodir "$TMP/missing/notifications.ndjson" --body-file "$TMP/one.json"
expect nodir 3 "^$TMP/missing/notifications.ndjson: cannot open the notification file: No such file or directory: create its directory first$"
[ ! -e "$TMP/missing" ] || fail "the missing directory was created"

# A full disk: the write is cut short (RLIMIT_FSIZE, 100 bytes past the
# end); the partial line is removed again.
size=$(stat -c %s "$LOG")
append full "$LOG" --writer Z --count 1 --pad 1000 --fsize-limit $((size + 100))
expect full 2 "^$LOG: cannot append the notification: File too large; the file is left as it was$"
cmp "$LOG" "$TMP/before" || fail "a failed append left $(($(stat -c %s "$LOG") - size)) bytes behind"
ndjson_check "$LOG" >/dev/null
echo "ok: $((2 * N)) concurrent lines ($switches alternations), and every refusal left the file as it was"

#!/usr/bin/python3
"""datetime_ref.py — Python's datetime as the reference for the date
functions of the policy rules' vigil library (vigil.time, vigil.date,
vigil.days_between), for tests/e2e/policy_stdlib_time.sh.

  datetime_ref.py gen SEED COUNT REAL > inputs.json
      REAL holds real timestamps, one a line (OSV, KEV, NVD).  Writes
      {"times": [...], "documented": N, "numbers": [...], "pairs": [[a, b],
      ...]}: the first N times are the real
      timestamps; COUNT strings of the forms vigil documents (RFC 3339
      date-times and dates, "t"/"z", a space, hh:mm, ',' fractions of 1 to
      9 digits, offsets +hh:mm, +hhmm, +hh, no offset, leap seconds), each
      also mutated once (a byte changed, dropped or added, a field out of
      range); COUNT numbers of seconds in and around years 0001 to 9999;
      COUNT pairs of generated strings for days_between.

  datetime_ref.py compare inputs.json vigil.txt
      vigil.txt is what tests/data/policy/stdlib/time.lua printed.  Checks:
      - every string vigil accepts, Python's datetime.fromisoformat()
        accepts with the same instant (to the microsecond, printed as the
        same double); before asking Python, "t" and "z" are written in
        upper case and a leap second ":60" as ":59" plus one second, the
        parts of RFC 3339 Python does not read;
      - every string of the documented forms is accepted (none refused);
      - vigil.date(n) is Python's isoformat of the instant n rounded to the
        microsecond (halves away from zero, as docs/policy.md says), in
        UTC with "Z" and the fraction's trailing zeros cut, and an error
        where Python has no such date (outside years 1 to 9999);
      - vigil.days_between(a, b) is Python's (b - a) / timedelta(days=1):
        the same double when the span fits in 2^53 microseconds (285
        years), else within a relative 1e-15.
      Prints a summary, and the strings Python reads and vigil leaves out
      (ISO 8601 forms docs/policy.md lists as not read) as a count.  Exits
      1 on any disagreement.
"""
import json
import math
import random
import sys
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICRO = timedelta(microseconds=1)


def python_time(s):
    """Microseconds since the epoch of s as Python reads it, or None."""
    t = s.replace("t", "T", 1) if len(s) > 10 and s[10] == "t" else s
    if t.endswith("z"):
        t = t[:-1] + "Z"
    leap = 0
    if len(t) >= 19 and t[13] == ":" and t[16:19] == ":60":
        t = t[:17] + "59" + t[19:]
        leap = 1
    try:
        d = datetime.fromisoformat(t)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return (d - EPOCH) // MICRO + leap * 1000000


def seconds_text(micros):
    """How time.lua prints what vigil.time returns for micros."""
    if micros % 1000000 == 0:
        return "%d" % (micros // 1000000)
    return "%.17g" % (micros / 1e6)


def gen(seed, count, real_path):
    rng = random.Random(seed)
    with open(real_path, encoding="utf-8") as f:
        real = [line.rstrip("\n") for line in f if line.strip()]

    def one():
        y = rng.choice([rng.randint(1, 9999), rng.randint(1960, 2100), rng.choice([1, 1970, 2000, 2024, 9999])])
        m = rng.randint(1, 12)
        d = rng.randint(1, 31 if m in (1, 3, 5, 7, 8, 10, 12) else 30 if m != 2 else 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28)
        s = "%04d-%02d-%02d" % (y, m, d)
        if rng.random() < 0.15:
            return s
        s += rng.choice("TTTTt ")
        h, mi = rng.randint(0, 23), rng.randint(0, 59)
        s += "%02d:%02d" % (h, mi)
        if rng.random() < 0.9:
            s += ":%02d" % (60 if rng.random() < 0.02 else rng.randint(0, 59))
            if rng.random() < 0.4:
                s += rng.choice("...,") + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 9)))
        r = rng.random()
        if r < 0.45:
            s += rng.choice("ZZZz")
        elif r < 0.85:
            oh, om = rng.randint(0, 23), rng.choice([0, 0, 30, 45, rng.randint(0, 59)])
            sign = rng.choice("+-")
            s += rng.choice(["%s%02d:%02d" % (sign, oh, om)] * 3 + ["%s%02d%02d" % (sign, oh, om), "%s%02d" % (sign, oh)])
        return s

    def mutate(s):
        i = rng.randrange(len(s))
        r = rng.random()
        junk = rng.choice("0123456789:-+.,TZtz WX\x00\xe9")
        if r < 0.35:
            return s[:i] + junk + s[i + 1:]
        if r < 0.6:
            return s[:i] + s[i + 1:]
        if r < 0.8:
            return s[:i] + junk + s[i:]
        # a field out of range: month, day, hour, minute, second, offset
        fields = [(5, 7, "13"), (8, 10, "32"), (8, 10, "00"), (11, 13, "24"), (14, 16, "60"), (17, 19, "61")]
        a, b, v = rng.choice(fields)
        return s[:a] + v + s[b:] if len(s) >= b else s + "X"

    made = [one() for _ in range(count)]
    times = real + made + [mutate(s) for s in made]
    numbers = []
    for _ in range(count):
        r = rng.random()
        if r < 0.3:
            numbers.append(rng.randint(-62135596800, 253402300799))
        elif r < 0.9:
            numbers.append(rng.randint(-62135596800000000, 253402300799999999) / 1e6)
        else:
            numbers.append(rng.choice([-62135596800, -62135596801, 253402300799, 253402300800, 0, -1,
                                       253402300799.9999999, -62135596800.0000001, 1e300, -1e300]))
    pairs = [[rng.choice(made), rng.choice(made)] for _ in range(count)]
    json.dump({"times": times, "documented": len(real) + count, "numbers": numbers, "pairs": pairs}, sys.stdout)


def date_text(x):
    """vigil.date(x) as Python writes it, or "error"."""
    if not math.isfinite(x):
        return "error"
    v = x * 1e6
    micros = math.floor(v + 0.5) if v >= 0 else math.ceil(v - 0.5)
    try:
        d = EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        return "error"
    if d.year < 1:
        return "error"
    s = d.strftime("%Y-%m-%dT%H:%M:%S")
    s = "%04d" % d.year + s[s.index("-"):]
    if d.microsecond:
        s += (".%06d" % d.microsecond).rstrip("0")
    return s + "Z"


def compare(inputs_path, vigil_path):
    with open(inputs_path, encoding="utf-8") as f:
        inputs = json.load(f)
    with open(vigil_path, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().removesuffix("\n").split("\n")
    times, numbers, pairs = inputs["times"], inputs["numbers"], inputs["pairs"]
    if len(lines) != len(times) + len(numbers) + len(pairs):
        print("vigil gave %d lines for %d inputs" % (len(lines), len(times) + len(numbers) + len(pairs)))
        return 1
    bad = accepted = refused = python_only = 0
    python_only_sample = []

    def disagree(what):
        nonlocal bad
        bad += 1
        if bad <= 25:
            print("DISAGREE " + what, file=sys.stderr)

    for i, (s, line) in enumerate(zip(times, lines)):
        ref = python_time(s)
        if i < inputs["documented"] and not line.startswith("ok\t"):
            disagree("vigil.time(%r) refused a string of a documented form: %s" % (s, line))
        if line.startswith("ok\t"):
            accepted += 1
            if ref is None or line[3:] != seconds_text(ref):
                disagree("vigil.time(%r): vigil %s, Python %s" % (s, line[3:], None if ref is None else seconds_text(ref)))
        else:
            refused += 1
            if ref is not None:
                python_only += 1
                if len(python_only_sample) < 5:
                    python_only_sample.append(s)
    for x, line in zip(numbers, lines[len(times):]):
        if line != date_text(x):
            disagree("vigil.date(%r): vigil %s, Python %s" % (x, line, date_text(x)))
    for (a, b), line in zip(pairs, lines[len(times) + len(numbers):]):
        ma, mb = python_time(a), python_time(b)
        days = (mb - ma) / 86400000000
        if abs(mb - ma) < 2 ** 53:
            ok = line == "%.17g" % days
        else:
            ok = abs(float(line) - days) <= 1e-15 * abs(days)
        if not ok:
            disagree("vigil.days_between(%r, %r): vigil %s, Python %.17g" % (a, b, line, days))

    print("dates: %d strings, %d accepted (all as Python reads them), %d refused (%d of them read by Python: ISO 8601 "
          "forms vigil leaves out, e.g. %s); %d vigil.date, %d days_between; %d disagree"
          % (len(times), accepted, refused, python_only, python_only_sample, len(numbers), len(pairs), bad))
    # The mutations give both outcomes.
    if accepted < inputs["documented"] + len(times) // 20 or refused < len(times) // 10:
        print("too few strings accepted (%d) or refused (%d)" % (accepted, refused), file=sys.stderr)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3]))

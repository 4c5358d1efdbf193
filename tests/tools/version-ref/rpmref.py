#!/usr/bin/python3
"""rpmref.py — reference for the rpm comparator: rpm's own rpmvercmp through
python3-rpm's rpm.labelCompare().  Reads "A<TAB>B" lines from FILE and
prints "<", "=" or ">" per line.  The [epoch:]version[-release] split is
rpm's parseEVR() (leading digits before ':' are the epoch, the release
follows the last '-'); a missing epoch is "0", a missing release None, as
vigil documents.  rpm orders almost any string; "invalid" is printed where
labelCompare raises ValueError."""
import sys
import rpm


def evr(s):
    i = 0
    while i < len(s) and s[i].isdigit():
        i += 1
    epoch, rest = "0", s
    if i < len(s) and s[i] == ":":
        epoch, rest = s[:i] or "0", s[i + 1:]
    if "-" in rest:
        v, _, rel = rest.rpartition("-")
        return (epoch, v, rel)
    return (epoch, rest, None)


with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as f:
    out = []
    for line in f:
        a, b = line.rstrip("\n").split("\t", 1)
        try:
            r = rpm.labelCompare(evr(a), evr(b))
        except ValueError:  # rpm refuses it (e.g. an empty version)
            out.append("invalid")
            continue
        out.append("<" if r < 0 else ">" if r > 0 else "=")
print("\n".join(out))

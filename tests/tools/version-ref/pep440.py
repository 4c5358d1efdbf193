#!/usr/bin/python3
"""pep440.py — reference for the PEP 440 comparator: python3-packaging's
packaging.version.Version.  Reads "A<TAB>B" lines from FILE and prints "<",
"=", ">" or "invalid" per line."""
import sys
from packaging.version import InvalidVersion, Version

out = []
with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as f:
    for line in f:
        a, b = line.rstrip("\n").split("\t", 1)
        try:
            va, vb = Version(a), Version(b)
        except InvalidVersion:
            out.append("invalid")
            continue
        out.append("<" if va < vb else ">" if va > vb else "=")
print("\n".join(out))

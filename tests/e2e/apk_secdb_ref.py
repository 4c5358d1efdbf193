#!/usr/bin/env python3
"""apk_secdb_ref.py — the reference side of the inventory tests on Alpine
(inventory_add.sh, and through inventory_fixture.py the rescan, monitor,
SLA and prune tests): which vulnerabilities the Alpine secdb files give for
the packages of an apk installed database, read independently of vigil.

    apk_secdb_ref.py INSTALLED SECDB.json...

prints one line per (package, vulnerability): "pkg:apk/alpine/NAME<TAB>ID",
sorted.  A package is affected by a secfixes entry of its origin package
("o:", else its own name) whose fixed version is above the installed one;
"0" means never affected; an entry's string may hold several ids separated
by spaces.  Versions are ordered only in the shape N(.N)*[letter]-rN: any
other shape stops the script rather than guess.
"""
import json
import re
import sys

SHAPE = re.compile(r"^(\d+(?:\.\d+)*)([a-z]?)-r(\d+)$")


def key(v):
    m = SHAPE.match(v)
    if not m:
        sys.exit(f"version {v!r} is outside the shape this reference orders")
    return ([int(x) for x in m.group(1).split(".")], m.group(2), int(m.group(3)))


def installed_packages(path):
    """The package entries ({"P": name, "V": version, "o": origin ...}) of an apk installed database."""
    blocks = open(path).read().split("\n\n")
    return [p for p in (dict((l[0], l[2:]) for l in b.split("\n") if l[1:2] == ":") for b in blocks) if "P" in p]


def findings(installed, secdbs):
    """The sorted "pkg:apk/alpine/NAME<TAB>ID" lines."""
    fixes = {}
    for path in secdbs:
        for p in json.load(open(path))["packages"]:
            for ver, ids in p["pkg"]["secfixes"].items():
                for s in ids:
                    for i in s.split():
                        fixes.setdefault(p["pkg"]["name"], []).append((ver, i))
    out = set()
    for p in installed_packages(installed):
        for ver, vid in fixes.get(p.get("o", p["P"]), []):
            if ver != "0" and key(p["V"]) < key(ver):
                out.add(f"pkg:apk/alpine/{p['P']}\t{vid}")
    return sorted(out)


if __name__ == "__main__":
    print("\n".join(findings(sys.argv[1], sys.argv[2:])))

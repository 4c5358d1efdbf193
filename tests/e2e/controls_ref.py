#!/usr/bin/env python3
"""controls_ref.py — the reference for tests/e2e/controls.sh: what
`vigil controls -o json` must say, computed from policy/catalogue.json by
the rules docs/controls.md states, without vigil's code.

Usage: controls_ref.py CATALOGUE FRAMEWORKS [DECLARATIONS]
  FRAMEWORKS    comma-separated, or "all"
  DECLARATIONS  a JSON array of {"id": RULE, "requirements": [IDS]}: the
                rules of the packs, as the test wrote them; with it the
                coverage members are computed too.
Prints {"requirements": [...], "summary": {...}} in vigil's shape.
"""
import json
import sys

catalogue = json.load(open(sys.argv[1]))
entries = catalogue["requirements"]
shown = None if sys.argv[2] == "all" else set(sys.argv[2].split(","))
rules = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else None

by_id = {e["id"]: e for e in entries}
children = {e["id"]: [] for e in entries}
for e in entries:
    if e["parent"] is not None:
        children[e["parent"]].append(e["id"])


def depth(e):
    d = 0
    while e["parent"] is not None:
        e = by_id[e["parent"]]
        d += 1
    return d


def leaves_below(i):
    """The numbered requirements (leaves) at or below id i."""
    if not children[i]:
        return [i]
    return [leaf for c in children[i] for leaf in leaves_below(c)]


# Coverage as docs/controls.md defines it: a rule covers the requirements it
# names; a numbered nis2 point is also covered by a rule that names an
# annex entry whose "nis2" list has that point.
direct = {e["id"]: set() for e in entries}
via = {e["id"]: set() for e in entries}
for r in rules or []:
    for req in r["requirements"]:
        direct[req].add(r["id"])
        for point in by_id[req].get("nis2", []):
            via[point].add(r["id"])


def covered(i):
    return bool(direct[i] or via[i])


out = []
summary = {"requirements": 0, "leaves": 0, "frameworks": {}}
if rules is not None:
    summary["covered"] = 0
order = [f for f in ("nis2", "ir2024-2690", "cra") if shown is None or f in shown]
for f in order:
    summary["frameworks"][f] = {"requirements": 0, "leaves": 0}
    if rules is not None:
        summary["frameworks"][f]["covered"] = 0
for e in entries:
    f = e["framework"]
    if f not in summary["frameworks"]:
        continue
    i = e["id"]
    o = {k: e[k] for k in ("id", "framework", "ref", "title", "parent")}
    o["depth"] = depth(e)
    if "nis2" in e:
        o["nis2"] = e["nis2"]
    leaf = not children[i]
    if not leaf:
        o["leaves"] = len(leaves_below(i))
    counts = summary["frameworks"][f]
    counts["requirements"] += 1
    summary["requirements"] += 1
    if leaf:
        counts["leaves"] += 1
        summary["leaves"] += 1
    if rules is not None:
        o["rules"] = sorted(direct[i])
        if leaf:
            o["covered"] = covered(i)
            if f == "nis2":
                o["via_annex"] = sorted(via[i])
            counts["covered"] += o["covered"]
            summary["covered"] += o["covered"]
        else:
            o["covered_leaves"] = sum(covered(x) for x in leaves_below(i))
    out.append(o)
json.dump({"requirements": out, "summary": summary}, sys.stdout, indent=1, sort_keys=True)
print()

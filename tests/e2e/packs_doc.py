#!/usr/bin/env python3
"""packs_doc.py — the part of docs/packs.md that describes each built-in
rule, made from what vigil and plain Lua say about the rule files, so that
the page cannot drift from the rules.

    packs_doc.py RULES.json PARAMS.tsv check DOC.md POLICY.yaml
    packs_doc.py RULES.json PARAMS.tsv print

RULES.json is `vigil policy rules -o json` of the four packs; PARAMS.tsv
is "id<TAB>name<TAB>JSON value" for each default of each rule's `params`,
as lua5.4 reads the rule file (tests/e2e/policy_packs.sh).  print writes
the block of every rule; check fails unless DOC.md holds each block as it
is, describes no other rule, and POLICY.yaml (policy/vigil-policy.yaml)
gives each parameter its rule's default under "parameters".
"""
import json
import re
import sys

import yaml


def blocks(rules, params):
    out = {}
    for r in rules:
        own = params.get(r["id"], {})
        evidence = [k + (" (optional)" if k in r.get("optional", []) else "") for k in r["evidence"]]
        shown = "<br>".join(f"`{k}` = `{json.dumps(v, separators=(', ', ': '))}`" for k, v in sorted(own.items()))
        out[r["id"]] = "\n".join([
            f"### `{r['id']}` — {r['title']}",
            "",
            "| pack | severity | requirements | evidence | parameters (defaults) |",
            "|---|---|---|---|---|",
            f"| {r['pack']} | {r['severity']} | {', '.join(r['requirements'])} | {', '.join(evidence)} | {shown or '—'} |",
            "",
            r["rationale"],
            "",
        ])
    return out


def main():
    rules = json.load(open(sys.argv[1]))
    params = {}
    for line in open(sys.argv[2]):
        rid, name, value = line.rstrip("\n").split("\t")
        params.setdefault(rid, {})[name] = json.loads(value)
    made = blocks(rules, params)
    if sys.argv[3] == "print":
        for r in rules:
            print(made[r["id"]])
        return 0
    doc = open(sys.argv[4]).read()
    errors = []
    for rid, block in made.items():
        if block not in doc:
            errors.append(f"{sys.argv[4]}: the block of rule {rid} is missing or differs; it should read:\n{block}")
    described = set(re.findall(r"^### `([a-z0-9._-]+)`", doc, re.M))
    for rid in sorted(described - set(made)):
        errors.append(f"{sys.argv[4]}: describes rule {rid}, which no pack has")
    config = yaml.safe_load(open(sys.argv[5]))
    defaults = {}
    for rid, own in params.items():
        for name, value in own.items():
            if name in defaults and defaults[name] != value:
                errors.append(f"parameter {name} has two defaults ({defaults[name]!r}, {value!r} in {rid})")
            defaults[name] = value
    if config.get("parameters") != defaults:
        errors.append(f"{sys.argv[5]}: parameters {config.get('parameters')!r}, the rules' defaults {defaults!r}")
    if config.get("packs") != sorted({r["pack"] for r in rules}, key=["nis2", "cra", "hardening", "licences"].index):
        errors.append(f"{sys.argv[5]}: packs {config.get('packs')!r}")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

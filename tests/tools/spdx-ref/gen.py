#!/usr/bin/python3
"""gen.py — licence expressions and allow-lists for
tests/e2e/policy_stdlib_license.sh.

    gen.py DECLARED SCHEMA KNOWN SEED COUNT > cases.json

DECLARED holds the licences real packages declare, one a line (the test
takes them from the SBOMs vigil makes of ../shared's fixtures and from
the package.json files of the npm tools the tests install).  SCHEMA is
CycloneDX's spdx.schema.json, the SPDX License List: its "enum" holds the
licence ids, then the exception ids (each part in case-insensitive order).
KNOWN lists the ids the reference knows (ref.js --ids): generated
expressions use only ids of both lists, for a difference of list versions
is no difference of behaviour (the declared strings are used as they are).

Writes {"cases": [{"expression": E, "allowed": [ENTRY, ...]}, ...]}:
every declared string with 4 allow-lists, then COUNT expressions made of
1 to 6 terms joined by AND and OR, with parentheses, a "+", "-only" or
"-or-later" forms and WITH an exception, each with 3 allow-lists.  Terms
are the listed ids that the declared strings name, and the listed ids
that share their first four characters (other versions of the same
licence, so that "or later" meets other versions); allow-list entries are
single terms (what spdx-satisfies accepts): ids of that pool, some with
"+" or an exception, and terms of the expression itself, so that each
outcome is frequent; one in fifty is two terms joined by OR, which both
sides must refuse.  A fixed SEED gives the same cases.
"""
import json
import random
import re
import sys


def main():
    declared_path, schema_path, known_path = sys.argv[1:4]
    seed, count = int(sys.argv[4]), int(sys.argv[5])
    with open(declared_path, encoding="utf-8") as f:
        declared = [line.rstrip("\n") for line in f if line.strip()]
    with open(schema_path, encoding="utf-8") as f:
        enum = json.load(f)["enum"]
    # The exception ids start where the case-insensitive order starts over.
    split = next(i for i in range(1, len(enum)) if enum[i].lower() < enum[i - 1].lower())
    with open(known_path, encoding="utf-8") as f:
        known = set(line.strip() for line in f)
    licences = [i for i in enum[:split] if i in known]
    exceptions = [i for i in enum[split:] if i in known]
    listed = set(licences)

    named = set()
    for text in declared:
        for word in re.split(r"[\s()]+", text):
            word = word.rstrip("+")
            if word in listed:
                named.add(word)
    pool = set(named)
    for word in named:
        pool.update(l for l in licences if l[:4] == word[:4])
    pool = sorted(pool)
    rng = random.Random(seed)
    used_exceptions = sorted(e for e in exceptions if any(e in text for text in declared)) or exceptions[:3]
    some_exceptions = sorted(set(used_exceptions + rng.sample(exceptions, 6)))

    def term():
        t = rng.choice(pool)
        r = rng.random()
        if r < 0.15 and not t.endswith(("-only", "-or-later", "+")):
            t += "+"
        if rng.random() < 0.12:
            t += " WITH " + rng.choice(some_exceptions)
        return t

    def expression(n):
        if n == 1:
            return term()
        left = rng.randint(1, n - 1)
        op = rng.choice(["AND", "OR"])
        a, b = expression(left), expression(n - left)
        if " " in a and rng.random() < 0.7:
            a = "(" + a + ")"
        if " " in b and rng.random() < 0.7:
            b = "(" + b + ")"
        return a + " " + op + " " + b

    def terms_of(e):
        return [t.strip() for t in re.split(r"\(|\)|\bAND\b|\bOR\b", e) if t.strip()]

    def allow_list(e):
        own = terms_of(e)
        entries = []
        for _ in range(rng.randint(0, 5)):
            r = rng.random()
            if r < 0.4 and own:
                entries.append(rng.choice(own))
            elif r < 0.42:
                entries.append(term() + " OR " + term())  # not one licence: refused
            else:
                entries.append(term())
        return entries

    cases = []
    for text in declared:
        for _ in range(4):
            cases.append({"expression": text, "allowed": allow_list(text)})
    for _ in range(count):
        e = expression(rng.randint(1, 6))
        for _ in range(3):
            cases.append({"expression": e, "allowed": allow_list(e)})
    json.dump({"cases": cases}, sys.stdout)


main()

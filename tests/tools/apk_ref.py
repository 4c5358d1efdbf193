#!/usr/bin/python3
"""apk_ref.py — what the inventory tests need from Alpine's package database,
written independently of vigil: an apk version order and an editor for
crafted copies of lib/apk/db/installed.

Version reference: apk-tools is not packaged for Debian, so key() orders only
the plain shape N(.N)*[letter]-rN (every real version of the Alpine fixtures
and their secfixes), returns None for a version without a leading digit
(apk-tools requires one: no order), and stops the test on anything else
rather than guess.

usage: apk_ref.py craft ROOT COPY EDIT...   COPY: a copy of the root
       filesystem ROOT whose lib/apk/db/installed is edited: P=V sets
       package P's version, -P removes P, +P=V adds a copy of P at version V,
       P:K=X sets field K.
"""
import re
import shutil
import sys

SHAPE = re.compile(r"^(\d+(?:\.\d+)*)([a-z]?)-r(\d+)$")


def key(v):
    m = SHAPE.match(v)
    if m:
        return ([int(x) for x in m.group(1).split(".")], m.group(2), int(m.group(3)))
    if not re.match(r"\d", v):
        return None
    sys.exit(f"apk_ref: version {v!r} is outside the shape this reference orders")


def packages(path):
    """The records of an installed db: one dict of field letter -> value each."""
    out, cur = [], {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            if cur:
                out.append(cur)
            cur = {}
        elif line[1:2] == ":":
            cur[line[0]] = line[2:]
    if cur:
        out.append(cur)
    return out


def edit(path, edits):
    blocks = [b for b in open(path, encoding="utf-8").read().split("\n\n") if b.strip()]

    def field(b, k):
        return next((l[2:] for l in b.split("\n") if l.startswith(k + ":")), None)

    def setf(b, k, v):
        return "\n".join(f"{k}:{v}" if l.startswith(k + ":") else l for l in b.split("\n"))

    for e in edits:
        if e.startswith("-"):
            n = len(blocks)
            blocks = [b for b in blocks if field(b, "P") != e[1:]]
            if len(blocks) != n - 1:
                sys.exit(f"apk_ref: {e}: no single package {e[1:]}")
        elif e.startswith("+"):
            p, v = e[1:].split("=", 1)
            blocks.append(setf(next(b for b in blocks if field(b, "P") == p), "V", v))
        else:
            target, v = e.split("=", 1)
            p, _, k = target.partition(":")
            hits = [i for i, b in enumerate(blocks) if field(b, "P") == p]
            if len(hits) != 1:
                sys.exit(f"apk_ref: {e}: no single package {p}")
            blocks[hits[0]] = setf(blocks[hits[0]], k or "V", v)
    open(path, "w", encoding="utf-8").write("\n\n".join(blocks) + "\n\n")


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] != "craft":
        sys.exit(__doc__)
    shutil.copytree(sys.argv[2], sys.argv[3], symlinks=True)
    edit(sys.argv[3] + "/lib/apk/db/installed", sys.argv[4:])

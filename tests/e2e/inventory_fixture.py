#!/usr/bin/env python3
"""inventory_fixture.py — the real data the rescan, monitor, SLA and prune
tests share, made in their temporary directory.

    inventory_fixture.py OUT SHARED VIGIL

(SHARED is ../shared, VIGIL the vigil binary) writes into OUT:
  a/        the Alpine 3.10.9 minirootfs as shipped
  b/        the same with musl lowered from 1.1.22-r4 to 1.1.22-r2, below
            its real secfixes entry 1.1.22-r3 (CVE-2019-14697)
  main.json the real v3.10 secdb, as it is
  plus.json the real secdb with, for every origin package installed in a,
            one entry fixed one release above the installed version
            (CVE-2099-1NNN, affecting a and b; the first one's string names
            two ids, "CVE-2099-1001 CVE-2099-3001") and one fixed in the
            installed release (CVE-2099-2NNN: affecting b's musl only)
  minus.json plus.json without the entry of CVE-2099-1001 and CVE-2099-3001
  ref-X-DB.txt  for X in a, b and DB in main, plus, minus: the findings the
            secdb DB gives for X (apk_secdb_ref.py), "pkg:apk/alpine/NAME<TAB>ID"
  db-DB.sqlite  the vulnerability database `vigil db build` makes of DB.json
The CVE-2099 ids are made up; everything else is real.
"""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apk_secdb_ref  # noqa: E402

out, shared, vigil = sys.argv[1:4]
tarball = os.path.join(shared, "fixtures", "rootfs", "alpine-minirootfs-3.10.9-x86_64.tar.gz")
main = os.path.join(shared, "vulndata", "alpine-secdb", "v3.10", "main.json")
for tree in ("a", "b"):
    with tarfile.open(tarball) as t:
        t.extractall(os.path.join(out, tree), filter="tar")
installed_b = os.path.join(out, "b", "lib", "apk", "db", "installed")
text = open(installed_b).read()
if "\nV:1.1.22-r4\n" not in text:
    sys.exit("fixture changed: musl is not 1.1.22-r4")
open(installed_b, "w").write(text.replace("\nV:1.1.22-r4\n", "\nV:1.1.22-r2\n"))
shutil.copy(main, os.path.join(out, "main.json"))

doc = json.load(open(main))
by_name = {p["pkg"]["name"]: p for p in doc["packages"]}
origins = {}
for p in apk_secdb_ref.installed_packages(os.path.join(out, "a", "lib", "apk", "db", "installed")):
    origins.setdefault(p.get("o", p["P"]), p["V"])
for n, (origin, ver) in enumerate(sorted(origins.items()), 1):
    m = re.match(r"^(.*)-r(\d+)$", ver)
    above = f"{m.group(1)}-r{int(m.group(2)) + 1}"
    if origin not in by_name:
        by_name[origin] = {"pkg": {"name": origin, "secfixes": {}}}
        doc["packages"].append(by_name[origin])
    fixes = by_name[origin]["pkg"]["secfixes"]
    fixes.setdefault(above, []).append(f"CVE-2099-{1000 + n}" + (" CVE-2099-3001" if n == 1 else ""))
    fixes.setdefault(ver, []).append(f"CVE-2099-{2000 + n}")
json.dump(doc, open(os.path.join(out, "plus.json"), "w"), indent=1)
minus = copy.deepcopy(doc)
for p in minus["packages"]:
    for ver, ids in p["pkg"]["secfixes"].items():
        p["pkg"]["secfixes"][ver] = [s for s in ids if not s.startswith("CVE-2099-1001")]
json.dump(minus, open(os.path.join(out, "minus.json"), "w"), indent=1)

for tree in ("a", "b"):
    for db in ("main", "plus", "minus"):
        lines = apk_secdb_ref.findings(os.path.join(out, tree, "lib", "apk", "db", "installed"),
                                       [os.path.join(out, db + ".json")])
        with open(os.path.join(out, f"ref-{tree}-{db}.txt"), "w") as f:
            f.write("".join(line + "\n" for line in lines))

for db in ("main", "plus", "minus"):
    built = subprocess.run([vigil, "db", "build", "--from", os.path.join(out, db + ".json"),
                            "--db", os.path.join(out, f"db-{db}.sqlite")], capture_output=True, text=True)
    if built.returncode:
        sys.exit(f"vigil db build of {db}.json failed: {built.stderr}")

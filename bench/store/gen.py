#!/usr/bin/env python3
"""bench/store/gen.py — a deterministic set of CycloneDX 1.6 SBOMs for the
store benchmarks, and the NDJSON manifest `vigil inventory import` reads.

    bench/store/gen.py OUT [--products P] [--versions V] [--components M]
                           [--seed S] [--prefix NAME] [--shared DIR]

writes OUT/sboms/pPPP/vVVV.cdx.json (P x V documents of about M components)
and OUT/manifest.ndjson (one line per document, version-major: every
product's version 1, then every product's version 2 ..., one hour apart);
the assets are named NAME-001, NAME-002 ... (default "product").
The same arguments give the same bytes.  Generated data belongs in a
temporary directory, never in the repository.

What the documents hold, so that the store sees what a fleet gives it:
- Real package names and versions.  deb: the source packages and versions
  of the Debian security tracker lists (bullseye entries and the fixed
  versions), as pkg:deb/debian/NAME@VERSION?arch=amd64&distro=debian-11 with
  a Debian 11 operating-system component; golang, pypi, cargo: the packages
  of the OSV records in ../shared/vulndata/osv with the versions their
  ranges and lists name (so that some are affected and some fixed); npm:
  those of ../shared/vulndata/osv/npm and of the repository's
  package-lock.json files; maven: the coordinates of the repository's Gradle
  lock files and POMs and the Maven entries of the npm advisories (few).
- Heavy sharing.  Every product is a Debian base (a third of its
  components, drawn from one fleet-wide base of 400 packages) plus
  libraries of a main ecosystem (npm, pypi, golang, maven or cargo) and some
  of the others; each version changes about 2 % of the components of the
  previous one (mostly version bumps, some packages swapped for others).
- The facts real tools write: licences on most components, hashes on the
  npm, maven and cargo ones, group for maven and golang.
"""
import argparse
import glob
import hashlib
import json
import os
import random
import re
import sys
import time
import uuid
from urllib.parse import quote

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "GPL-2.0-only", "LGPL-2.1-or-later", "MPL-2.0", "BSD-2-Clause"]
EPOCH = 1767225600  # 2026-01-01T00:00:00Z: the time of every product's version 1


def osv_pool(shared, folder, ecosystem):
    """{name: sorted versions} of the packages of ecosystem in an OSV folder."""
    pool = {}
    for path in sorted(glob.glob(os.path.join(shared, "vulndata", "osv", folder, "*.json"))):
        with open(path) as f:
            record = json.load(f)
        for a in record.get("affected", []):
            p = a.get("package", {})
            if p.get("ecosystem") != ecosystem or not p.get("name"):
                continue
            versions = set(a.get("versions") or [])
            for r in a.get("ranges") or []:
                for e in r.get("events", []):
                    for k, v in e.items():
                        if k in ("introduced", "fixed", "last_affected") and v != "0":
                            versions.add(v)
            # git commits and placeholder versions are not package versions
            versions = {v for v in versions if re.match(r"^[0-9][0-9A-Za-z.+~_-]*$", v) and not v.startswith("0.0.0-0")}
            if versions:
                pool.setdefault(p["name"], set()).update(versions)
    return {k: sorted(v) for k, v in pool.items()}


def debian_pool(shared):
    """{source package: versions} from the tracker lists: the bullseye fixes of
    a package, else its fixes in the other releases."""
    bullseye, other = {}, {}
    line = re.compile(r"^\s+\[(\w+)\] - (\S+) (\d\S*)")
    for path in sorted(glob.glob(os.path.join(shared, "vulndata", "debian-security-tracker", "*", "list"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            for text in f:
                m = line.match(text)
                if m:
                    (bullseye if m.group(1) == "bullseye" else other).setdefault(m.group(2), set()).add(m.group(3))
    return {k: sorted(bullseye.get(k) or other[k]) for k in set(bullseye) | set(other)}


def npm_pool(shared):
    pool = {k: set(v) for k, v in osv_pool(shared, "npm", "npm").items()}
    for path in sorted(glob.glob(os.path.join(REPO, "tests", "**", "package-lock.json"), recursive=True)):
        if "node_modules" in path:
            continue
        with open(path) as f:
            lock = json.load(f)
        for where, p in (lock.get("packages") or {}).items():
            if where and "version" in p and not p.get("link"):
                pool.setdefault(where.split("node_modules/")[-1], set()).add(p["version"])
    return {k: sorted(v) for k, v in pool.items()}


def maven_pool(shared):
    pool = {}
    for name, versions in osv_pool(shared, "npm", "Maven").items():
        pool.setdefault(name, set()).update(versions)
    for path in sorted(glob.glob(os.path.join(REPO, "tests", "data", "java", "**", "*.lockfile"), recursive=True)):
        with open(path) as f:
            for text in f:
                m = re.match(r"^([\w.-]+):([\w.-]+):([\w.-]+)", text)
                if m:
                    pool.setdefault(m.group(1) + ":" + m.group(2), set()).add(m.group(3))
    for path in sorted(glob.glob(os.path.join(REPO, "tests", "data", "java", "**", "pom.xml"), recursive=True)):
        with open(path) as f:
            text = f.read()
        for g, a, v in re.findall(r"<dependency>\s*<groupId>([\w.-]+)</groupId>\s*<artifactId>([\w.-]+)</artifactId>"
                                  r"\s*<version>([\w.-]+)</version>", text):
            pool.setdefault(g + ":" + a, set()).add(v)
    return {k: sorted(v) for k, v in pool.items()}


def version_key(v):
    """A natural order of version strings, good enough to find the newest."""
    return [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.findall(r"\d+|[A-Za-z]+", v)]


def component(eco, name, version, rng_key):
    """The CycloneDX component of one package; rng_key seeds its licence and hash."""
    h = hashlib.sha256(f"{eco}\0{name}\0{version}\0{rng_key}".encode()).digest()
    c = {"type": "library"}
    if eco == "deb":
        purl = f"pkg:deb/debian/{quote(name, safe='')}@{quote(version, safe='+~')}?arch=amd64&distro=debian-11"
        c.update(name=name, version=version)
    elif eco == "npm":
        scope, _, base = name.rpartition("/")
        purl = "pkg:npm/" + (quote(scope, safe="") + "/" if scope else "") + f"{quote(base, safe='')}@{quote(version, safe='+')}"
        if scope:
            c["group"] = scope
        c.update(name=base, version=version)
        c["hashes"] = [{"alg": "SHA-512", "content": hashlib.sha512(h).hexdigest()}]
    elif eco == "pypi":
        norm = re.sub(r"[-_.]+", "-", name).lower()
        purl = f"pkg:pypi/{quote(norm, safe='')}@{quote(version, safe='+')}"
        c.update(name=name, version=version)
    elif eco == "golang":
        ns, _, base = name.rpartition("/")
        purl = f"pkg:golang/{ns}/{base}@v{version}" if ns else f"pkg:golang/{base}@v{version}"
        if ns:
            c["group"] = ns
        c.update(name=base, version="v" + version)
    elif eco == "maven":
        g, a = name.split(":", 1)
        purl = f"pkg:maven/{g}/{a}@{version}"
        c.update(group=g, name=a, version=version)
        c["hashes"] = [{"alg": "SHA-256", "content": hashlib.sha256(h).hexdigest()}]
    else:  # cargo
        purl = f"pkg:cargo/{name}@{version}"
        c.update(name=name, version=version)
        c["hashes"] = [{"alg": "SHA-256", "content": h.hex()}]
    c["bom-ref"] = purl
    c["purl"] = purl
    if h[0] % 10 < 8:  # most components state a licence
        c["licenses"] = [{"license": {"id": LICENSES[h[1] % len(LICENSES)]}}]
    return c


def document(product, version, serial, timestamp, comps):
    os_comp = {"type": "operating-system", "bom-ref": "os:debian@11", "name": "debian", "version": "11"}
    items = [os_comp] + [component(e, n, v, product) for e, n, v in sorted(comps)]
    # one bom-ref per document: a package twice (two versions) stays two components
    seen = set()
    for c in items:
        if c["bom-ref"] in seen:
            c["bom-ref"] += "#" + str(len(seen))
        seen.add(c["bom-ref"])
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:" + serial,
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {"components": [{"type": "application", "name": "bench-store-gen", "version": "1"}]},
            "component": {"type": "application", "bom-ref": "product", "name": product, "version": version},
        },
        "components": items,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--products", type=int, default=100)
    ap.add_argument("--versions", type=int, default=100)
    ap.add_argument("--components", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="product")
    ap.add_argument("--shared", default=os.environ.get("VIGIL_SHARED", os.path.join(REPO, "..", "shared")))
    args = ap.parse_args()
    if args.products < 1 or args.versions < 1 or args.components < 10:
        sys.exit("gen.py: need at least 1 product, 1 version and 10 components")
    rng = random.Random(args.seed)
    pools = {
        "deb": debian_pool(args.shared),
        "npm": npm_pool(args.shared),
        "pypi": osv_pool(args.shared, "PyPI", "PyPI"),
        "golang": osv_pool(args.shared, "Go", "Go"),
        "maven": maven_pool(args.shared),
        "cargo": osv_pool(args.shared, "crates.io", "crates.io"),
    }
    for eco, pool in pools.items():
        if not pool:
            sys.exit(f"gen.py: no {eco} packages found under {args.shared}")
    names = {eco: sorted(pool) for eco, pool in pools.items()}
    base = rng.sample(names["deb"], min(max(400, args.components // 3), len(names["deb"])))
    mains = ["npm", "pypi", "golang", "maven", "cargo"]

    def version_of(eco, n):
        """Mostly the newest version known (fixed), one in ten any (maybe affected)."""
        versions = pools[eco][n]
        return rng.choice(versions) if rng.random() < 0.1 else max(versions, key=version_key)

    def other_versions(comps, eco, n):
        """The versions of package n that comps does not have yet."""
        used = {v for (e, m, _), v in comps.items() if (e, m) == (eco, n)}
        return [v for v in pools[eco][n] if v not in used]

    def pick(eco, taken):
        """A package of eco not in taken, or None when none is left."""
        for _ in range(100):
            n = rng.choice(names[eco])
            if (eco, n, 0) not in taken:
                return n
        left = [n for n in names[eco] if (eco, n, 0) not in taken]
        return rng.choice(left) if left else None

    # Each product: its components as {(eco, name, copy): version}; copy > 0
    # is another version of a package the product has already (as npm
    # nests them), only once every pool is used up.
    products = []
    for p in range(args.products):
        main_eco = mains[p % len(mains)]
        comps = {}
        ndeb = args.components // 3
        for n in rng.sample(base, min(ndeb, len(base))):
            comps[("deb", n, 0)] = version_of("deb", n)
        nmain = (args.components - len(comps)) * 2 // 3
        others = [e for e in mains if e != main_eco]
        spent = set()  # ecosystems whose pool this product has used up
        while len(comps) < args.components:
            open_ecos = [e for e in pools if e not in spent]
            if not open_ecos:
                eco, n, _ = rng.choice(sorted(comps))
                free = other_versions(comps, eco, n)
                if free:
                    copies = [c for e, m, c in comps if (e, m) == (eco, n)]
                    comps[(eco, n, max(copies) + 1)] = rng.choice(free)
                continue
            if nmain > 0 and main_eco not in spent:
                eco = main_eco
            else:  # the others, Go and PyPI twice as often (their pools are big)
                eco = rng.choice([e for e in others + ["golang", "pypi"] if e not in spent] or open_ecos)
            n = pick(eco, comps)
            if n is None:
                spent.add(eco)
                continue
            comps[(eco, n, 0)] = version_of(eco, n)
            nmain -= eco == main_eco
        products.append(comps)

    os.makedirs(os.path.join(args.out, "sboms"), exist_ok=True)
    manifest = open(os.path.join(args.out, "manifest.ndjson"), "w")
    nchange = max(1, args.components * 2 // 100)
    for v in range(1, args.versions + 1):
        for p, comps in enumerate(products):
            if v > 1:  # ~2 % changed: mostly bumps, one in five swapped
                for key in rng.sample(sorted(comps), nchange):
                    eco, n, copy = key
                    new = None if rng.random() < 0.8 or copy else pick(eco, comps)
                    if new is None and copy:  # a copy stays a version of its own
                        free = other_versions(comps, eco, n)
                        comps[key] = rng.choice(free) if free else comps[key]
                    elif new is None:
                        comps[key] = version_of(eco, n)
                    else:
                        del comps[key]
                        comps[(eco, new, 0)] = version_of(eco, new)
            product = f"{args.prefix}-{p + 1:03d}"
            label = f"1.{v - 1}.0"
            t = EPOCH + ((v - 1) * args.products + p) * 3600
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
            serial = str(uuid.UUID(bytes=hashlib.sha256(f"{args.seed}/{product}/{label}".encode()).digest()[:16], version=4))
            doc = document(product, label, serial, stamp, [(e, n, ver) for (e, n, _), ver in comps.items()])
            rel = os.path.join("sboms", f"p{p + 1:03d}", f"v{v:03d}.cdx.json")
            os.makedirs(os.path.join(args.out, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(args.out, rel), "w") as f:
                json.dump(doc, f, separators=(",", ":"))
            line = {"asset": product, "version": label, "sbom": rel, "time": t,
                    "tags": {"team": f"team-{p % 7 + 1}", "stack": mains[p % len(mains)]}}
            manifest.write(json.dumps(line, separators=(",", ":")) + "\n")
    manifest.close()


if __name__ == "__main__":
    main()

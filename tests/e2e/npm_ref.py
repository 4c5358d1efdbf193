#!/usr/bin/env python3
"""npm_ref.py — the reference side of the npm e2e tests (npm_real.sh,
npm_lockfiles.sh).  Reads a lock file with an independent parser (PyYAML for
yarn berry and pnpm, json for package-lock, the JSON that @yarnpkg/lockfile
made of a yarn v1 lock, `npm ls --all --json --long` output) and prints the
packages and edges the lock file records, one per line, following the
identity rules of docs/formats.md ("npm"):

    C<TAB>name<TAB>version<TAB>scope      a package (scope: required,
                                          optional, dev or "")
    A<TAB>name<TAB>version                the application
    E<TAB>name@version<TAB>name@version   DEPENDS_ON

`vigil CDX SPDX` prints the same lines from vigil's CycloneDX and SPDX
documents, so that the test compares the two with same_lines.
"""
import json
import sys


def split_desc(d):
    """'NAME@RANGE' at the first '@' after the first character."""
    at = d.find("@", 1)
    return (d[:at], d[at + 1:]) if at > 0 else (d, "")


def is_git(spec):
    spec = spec or ""
    return spec.startswith(("git+", "git:", "git@", "github:", "gitlab:", "bitbucket:")) or (
        spec.startswith("http") and "#" in spec and ("commit=" in spec or ".git#" in spec))


def is_local(spec):
    return (spec or "").startswith(("file:", "link:", "workspace:", "portal:", "exec:", "./", "../", "/"))


def commit_of(spec):
    frag = spec.partition("#")[2]
    if "commit=" in frag:
        frag = frag.split("commit=", 1)[1]
    return frag.split("&")[0]


def ident(name, version, resolved):
    """(name, version) per the identity rules: git → commit."""
    if is_git(resolved):
        return name, commit_of(resolved)
    return name, version or ""


def out(lines):
    for line in sorted(set(lines)):
        print(line)


def vigil(cdx_path, spdx_path, mode="lock"):
    """mode "installed": C lines carry the package directory (from the
    component's evidence.occurrences) instead of the scope, one per place
    the component was found."""
    cdx = json.load(open(cdx_path))
    lines = []
    scopes = {"required": "required", "optional": "optional", "excluded": "dev"}
    for c in cdx.get("components", []):
        if not c.get("purl", "").startswith("pkg:npm/"):
            continue
        if c.get("type") == "application":
            lines.append(f"A\t{c['name']}\t{c.get('version', '')}")
        elif mode == "installed":
            for o in c["evidence"]["occurrences"]:
                loc = o["location"]
                lines.append(f"C\t{c['name']}\t{c.get('version', '')}\t{loc.rsplit('/package.json', 1)[0]}")
        else:
            lines.append(f"C\t{c['name']}\t{c.get('version', '')}\t{scopes.get(c.get('scope'), '')}")
    spdx = json.load(open(spdx_path))
    ids = {p["SPDXID"]: f"{p['name']}@{p.get('versionInfo', '')}" for p in spdx.get("packages", [])
           if any(r.get("referenceLocator", "").startswith("pkg:npm/") for r in p.get("externalRefs", []))}
    for r in spdx.get("relationships", []):
        a, b = r["spdxElementId"], r["relatedSpdxElement"]
        if r["relationshipType"] == "DEPENDS_ON" and a in ids and b in ids:
            lines.append(f"E\t{ids[a]}\t{ids[b]}")
    if mode == "installed":
        for line in sorted(l for l in lines if l.startswith("C")):
            print(line)  # every component: a duplicate would show
        out([l for l in lines if not l.startswith("C")])
        return
    out(lines)


def yarn1(parsed_path):
    lock = json.load(open(parsed_path))["object"]
    lines, idents = [], {}
    for desc, e in lock.items():
        name, rng = split_desc(desc)
        if rng.startswith("npm:"):
            name = split_desc(rng[4:])[0]
        resolved = e.get("resolved") or (rng if is_git(rng) else "")
        n, v = ident(name, e.get("version"), resolved)
        if is_local(rng) or (resolved and not is_git(resolved) and "/-/" not in resolved):
            v = e.get("version", "")  # local / tarball: declared version
        idents[desc] = f"{n}@{v}"
        lines.append(f"C\t{n}\t{v}\t")
    for desc, e in lock.items():
        for kind in ("dependencies", "optionalDependencies"):
            for dn, dr in (e.get(kind) or {}).items():
                to = idents.get(f"{dn}@{dr}")
                if to and to != idents[desc]:
                    lines.append(f"E\t{idents[desc]}\t{to}")
    out(lines)


def berry(path):
    import yaml
    doc = yaml.safe_load(open(path))
    lines, idents = [], {}
    for key, e in doc.items():
        if key == "__metadata" or not isinstance(e, dict):
            continue
        name, ref = split_desc(e["resolution"])
        version = str(e.get("version", ""))
        app = False
        if ref.startswith("workspace:"):
            app = ref == "workspace:."
            if version == "0.0.0-use.local":
                version = ""
        elif is_git(ref):
            version = commit_of(ref)
        ident_s = f"{name}@{version}"
        for d in key.split(","):
            idents[d.strip()] = ident_s
        lines.append(f"A\t{name}\t{version}" if app else f"C\t{name}\t{version}\t")
    for key, e in doc.items():
        if key == "__metadata" or not isinstance(e, dict):
            continue
        frm = idents[key.split(",")[0].strip()]
        for dn, dr in (e.get("dependencies") or {}).items():
            to = idents.get(f"{dn}@{dr}") or idents.get(f"{dn}@npm:{dr}")
            if to and to != frm:
                lines.append(f"E\t{frm}\t{to}")
    out(lines)


def pnpm(path):
    import yaml
    doc = yaml.safe_load(open(path))
    major = int(str(doc["lockfileVersion"]).split(".")[0])

    def base(key):
        if major >= 6:
            return key.split("(")[0]
        if not key.startswith("/"):
            return key
        parts = key.split("/")
        i = 3 if parts[1].startswith("@") else 2
        return "/".join(parts[:i] + [parts[i].split("_")[0]]) if len(parts) > i else key

    def name_version(b, e):
        k = b[1:] if b.startswith("/") else b
        if major >= 6 or not b.startswith("/"):
            n, v = split_desc(k)
        else:
            n, _, v = k.rpartition("/")
        keyv = v
        n = e.get("name") or n
        v = str(e.get("version") or v)
        res = e.get("resolution") or {}
        if res.get("type") == "git":
            return n, res["commit"]
        if is_local(keyv) and not e.get("version"):
            v = ""
        return n, v

    packages = doc.get("packages") or {}
    graph = doc.get("snapshots") if major >= 9 and doc.get("snapshots") else packages
    ids = {}
    for k, e in packages.items():
        ids.setdefault(base(k), "%s@%s" % name_version(base(k), e or {}))
    nodes = {k: (e or {}) for k, e in graph.items() if base(k) in ids}

    def resolve(name, value):
        v = value if isinstance(value, str) else (value or {}).get("version")
        if not v or str(v).startswith("link:"):
            return None
        v = str(v)
        first = f"{name}@{v}" if major >= 9 else (f"/{name}@{v}" if major >= 6 else f"/{name}/{v}")
        for cand in (first, v):
            if cand in nodes or base(cand) in ids:
                return cand
        return None

    # scope: the lock's dev flag (5.x/6.0), else reachability from importers
    mark = {}
    importers = doc.get("importers") or {".": doc}
    later = []
    for pass_, (lst, scope) in enumerate((("dependencies", "required"), ("optionalDependencies", "optional"),
                                          ("devDependencies", "dev"))):
        stack = []
        if pass_ == 1:
            for n in later:
                if n not in mark:
                    mark[n] = "optional"
                    stack.append(n)
        for imp in importers.values():
            for dn, dv in ((imp or {}).get(lst) or {}).items():
                k = resolve(dn, dv)
                if k in nodes and k not in mark:
                    mark[k] = scope
                    stack.append(k)
        while stack:
            k = stack.pop()
            for opt, lst2 in ((False, "dependencies"), (True, "optionalDependencies")):
                for dn, dv in (nodes[k].get(lst2) or {}).items():
                    t = resolve(dn, dv)
                    if t not in nodes or t in mark:
                        continue
                    if scope == "required" and opt:
                        later.append(t)
                        continue
                    mark[t] = scope
                    stack.append(t)
    order = {"required": 0, "optional": 1, "dev": 2}
    scope_of = {}
    for k in nodes:
        if k in mark:
            b = base(k)
            if b not in scope_of or order[mark[k]] < order[scope_of[b]]:
                scope_of[b] = mark[k]
    lines = []
    for k, e in packages.items():
        b = base(k)
        e = e or {}
        s = scope_of.get(b, "")
        if "dev" in e and isinstance(e["dev"], bool):
            s = "dev" if e["dev"] else ("optional" if e.get("optional") else "required")
        n, v = ids[b].rsplit("@", 1) if not ids[b].startswith("@") else ("@" + ids[b][1:].rsplit("@", 1)[0],
                                                                           ids[b].rsplit("@", 1)[1])
        lines.append(f"C\t{n}\t{v}\t{s}")
    for k, e in nodes.items():
        for lst in ("dependencies", "optionalDependencies"):
            for dn, dv in (e.get(lst) or {}).items():
                t = resolve(dn, dv)
                if t and ids.get(base(t)) != ids[base(k)]:
                    lines.append(f"E\t{ids[base(k)]}\t{ids[base(t)]}")
    # one scope per identity: the widest
    best = {}
    for line in lines:
        if line.startswith("C"):
            _, n, v, s = line.split("\t")
            cur = best.get((n, v))
            if cur is None or (s and (cur == "" or order[s] < order[cur])):
                best[(n, v)] = s
    out([l for l in lines if not l.startswith("C")] + [f"C\t{n}\t{v}\t{s}" for (n, v), s in best.items()])


def npmlock(path):
    """package-lock.json: v1 tree (v2/v3 come from real npm and npm ls)."""
    doc = json.load(open(path))
    lines, entries = [], {}
    if doc.get("name"):
        lines.append(f"A\t{doc['name']}\t{doc.get('version', '')}")

    def walk(deps, prefix):
        for key, e in deps.items():
            path_ = f"{prefix}node_modules/{key}"
            name, version = key, e.get("version", "")
            if version.startswith("npm:"):
                name, version = split_desc(version[4:])
            if is_git(version):
                version = commit_of(version)
            elif is_local(version) or version.startswith("http"):
                version = ""
            scope = "dev" if e.get("dev") else "optional" if e.get("optional") else "required"
            entries[path_] = (f"{name}@{version}", e)
            lines.append(f"C\t{name}\t{version}\t{scope}")
            walk(e.get("dependencies") or {}, path_ + "/")

    walk(doc.get("dependencies") or {}, "")
    for p, (ident_s, e) in entries.items():
        for dn in (e.get("requires") or {}):
            d = p
            while True:
                cand = f"{d}/node_modules/{dn}" if d else f"node_modules/{dn}"
                if cand in entries:
                    lines.append(f"E\t{ident_s}\t{entries[cand][0]}")
                    break
                if not d:
                    break
                d = d.rsplit("/node_modules/", 1)[0] if "/node_modules/" in d else ""
    out(lines)


def npmls(ls_path, omit_dev_path, mode, root=""):
    """`npm ls --all --json --long`: mode "installed" prints one C line per
    install path (scope ""), mode "lock" one per name@version with the dev
    scope from the --omit=dev listing (optional from the long listing), plus
    the application and the edges of the tree."""
    tree = json.load(open(ls_path))
    prod = set()

    def paths(node):
        for c in (node.get("dependencies") or {}).values():
            if c.get("path"):
                prod.add(c["path"])
            paths(c)

    paths(json.load(open(omit_dev_path)))
    seen, lines = {}, []

    def walk(node, parent):
        for c in (node.get("dependencies") or {}).values():
            p = c.get("path")
            ident_s = f"{c['name']}@{c['version']}"
            if parent:
                lines.append(f"E\t{parent}\t{ident_s}")
            if p in seen:
                continue
            seen[p] = c
            if mode == "installed":
                lines.append(f"C\t{c['name']}\t{c['version']}\t{p[len(root):].lstrip('/')}")
            else:
                scope = "required" if p in prod else "dev"
                if scope == "required" and c.get("optional"):
                    scope = "optional"
                lines.append(f"C\t{c['name']}\t{c['version']}\t{scope}")
            walk(c, ident_s)

    walk(tree, f"{tree['name']}@{tree['version']}" if mode == "lock" else None)
    if mode == "lock":
        lines.append(f"A\t{tree['name']}\t{tree['version']}")
    if mode == "installed":
        for line in sorted(l for l in lines if l.startswith("C")):
            print(line)  # one per install path
        out([l for l in lines if l.startswith("E")])
        return
    out(lines)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"vigil": vigil, "yarn1": yarn1, "berry": berry, "pnpm": pnpm, "npmlock": npmlock, "npmls": npmls}[cmd](*args)

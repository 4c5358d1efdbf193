#!/bin/bash
# python_locks.sh — poetry.lock (1.1 and 2.x, with pyproject.toml roots),
# uv.lock (workspace, git, path, alternative registry, a package at two
# versions, optional and dev groups), Pipfile.lock and requirements*.txt
# fixtures (tests/data/python/).  The reference reads the same files with
# independent parsers — Python's tomllib and json, and pip's own
# requirements-file parser with packaging's specifiers — and derives the
# components, scopes and edges the documented rules give (docs/formats.md,
# "Python"); vigil's CycloneDX (scope) and SPDX (relationships) must match.
. "$(dirname "$0")/lib.sh"
need_cmd python3
DATA="$VIGIL_SRC/tests/data/python"

# vigil's view of one fixture directory: component lines and edge lines.
vigil_view() {
    python3 - "$1" "$2" <<'PY'
import json, sys, urllib.parse
cdx = json.load(open(sys.argv[1])); spdx = json.load(open(sys.argv[2]))
def ident(purl):
    base, _, q = purl.partition("?")
    quals = ",".join(f"{k}={v}" for k, v in sorted(urllib.parse.parse_qsl(q)))
    return f"{urllib.parse.unquote(base)} {quals}".strip()
for c in cdx.get("components", []):
    if c.get("purl", "").startswith("pkg:pypi/"):
        print("C", c["name"], c.get("version", "-"), c.get("scope", "-"), c["type"], ident(c["purl"]))
purl = {}
for p in spdx["packages"]:
    for r in p.get("externalRefs", []):
        if r["referenceType"] == "purl" and r["referenceLocator"].startswith("pkg:pypi/"):
            purl[p["SPDXID"]] = ident(r["referenceLocator"])
for r in spdx.get("relationships", []):
    a, b = purl.get(r["spdxElementId"]), purl.get(r["relatedSpdxElement"])
    if a and b:
        print("E", a, r["relationshipType"], b)
PY
}

# The reference for one fixture directory.
reference_view() {
    python3 - "$1" <<'PY'
import json, os, re, sys, tomllib
d = sys.argv[1]
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
def ident(name, version, quals={}):
    q = ",".join(f"{k}={v}" for k, v in sorted(quals.items()) if v)
    return f"pkg:pypi/{norm(name)}" + (f"@{version}" if version else "") + (f" {q}" if q else "")
def git(url, commit):
    url = re.split(r"[?#]", url)[0]
    return f"git+{url}" + (f"@{commit}" if commit else "")
out = []
def comp(name, version, scope, ident_, app=False):
    out.append(f"C {name} {version or '-'} {scope} {'application' if app else 'library'} {ident_}")
def edge(a, kind, b):
    out.append(f"E {a} {kind} {b}")
def pep508_name(s):
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", s)
    return norm(m.group(1)) if m else None

if os.path.exists(f"{d}/poetry.lock"):
    lock = tomllib.load(open(f"{d}/poetry.lock", "rb"))
    ids, own = {}, []
    for p in lock.get("package", []):
        scope = "required"
        if p.get("category") == "dev" or (p.get("groups") and "main" not in p["groups"]):
            scope = "excluded"
        elif p.get("optional"):
            scope = "optional"
        src = p.get("source", {})
        q = {}
        if src.get("type") == "git":
            q["vcs_url"] = git(src["url"], src.get("resolved_reference") or src.get("reference"))
        if src.get("type") == "legacy":
            q["repository_url"] = src["url"]
        own.append(ident(p["name"], p["version"], q))
        ids.setdefault(norm(p["name"]), []).append(own[-1])
        comp(p["name"], p["version"], scope, own[-1])
    for p, me in zip(lock.get("package", []), own):
        for dep in p.get("dependencies", {}):
            for t in ids.get(norm(dep), []):
                if t != me:
                    edge(me, "DEPENDS_ON", t)
    if os.path.exists(f"{d}/pyproject.toml"):
        pp = tomllib.load(open(f"{d}/pyproject.toml", "rb"))
        proj, poetry = pp.get("project", {}), pp.get("tool", {}).get("poetry", {})
        name, version = (proj.get("name"), proj.get("version")) if "name" in proj else (poetry.get("name"), poetry.get("version"))
        root = ident(name, version)
        comp(name, version, "-", root, app=True)
        deps = set()
        for s in proj.get("dependencies", []) + [x for v in proj.get("optional-dependencies", {}).values() for x in v] \
                 + [x for v in pp.get("dependency-groups", {}).values() for x in v]:
            deps.add(pep508_name(s))
        for table in [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})] + \
                     [g.get("dependencies", {}) for g in poetry.get("group", {}).values()]:
            deps.update(norm(k) for k in table)
        deps.discard("python")
        for dep in deps:
            for t in ids.get(dep, []):
                edge(root, "DEPENDS_ON", t)
        for lst in ids.values():
            for t in lst:
                edge(root, "CONTAINS", t)

if os.path.exists(f"{d}/uv.lock"):
    lock = tomllib.load(open(f"{d}/uv.lock", "rb"))
    pkgs = lock.get("package", [])
    info = []
    for p in pkgs:
        src = p.get("source", {})
        q, local = {}, False
        kind = next((k for k in ["registry", "git", "url", "path", "directory", "editable", "virtual"] if k in src), None)
        if kind == "registry" and src["registry"] != "https://pypi.org/simple":
            q["repository_url"] = src["registry"]
        if kind == "git":
            q["vcs_url"] = git(src["git"], src["git"].partition("#")[2] or None)
        if kind == "url":
            q["download_url"] = src["url"]
        local = kind in ("path", "directory", "editable", "virtual")
        root = kind in ("editable", "virtual") and src[kind] == "."
        info.append(dict(p=p, id=ident(p["name"], None if local else p.get("version"), q), root=root, scope="-"))
    def targets(entry):
        return [i for i in info if norm(i["p"]["name"]) == norm(entry["name"])
                and ("version" not in entry or i["p"].get("version") == entry["version"])]
    for i in info:
        p = i["p"]
        for entry in p.get("dependencies", []) + [e for v in p.get("optional-dependencies", {}).values() for e in v] \
                     + [e for v in p.get("dev-dependencies", {}).values() for e in v]:
            for t in targets(entry):
                if t is not i:
                    edge(i["id"], "DEPENDS_ON", t["id"])
    for scope, key in [("required", None), ("optional", "optional-dependencies"), ("excluded", "dev-dependencies")]:
        for r in [i for i in info if i["root"]]:
            start = r["p"].get("dependencies", []) if key is None else [e for v in r["p"].get(key, {}).values() for e in v]
            queue = []
            for entry in start:
                for t in targets(entry):
                    if t["scope"] == "-" and not t["root"]:
                        t["scope"] = scope; queue.append(t)
            while queue:
                cur = queue.pop(0)
                for entry in cur["p"].get("dependencies", []):
                    for t in targets(entry):
                        if t["scope"] == "-" and not t["root"]:
                            t["scope"] = scope; queue.append(t)
    for i in info:
        comp(i["p"]["name"], i["p"].get("version"), i["scope"], i["id"], app=i["root"])
        if i["root"]:
            for t in info:
                if t is not i:
                    edge(i["id"], "CONTAINS", t["id"])

if os.path.exists(f"{d}/Pipfile.lock"):
    lock = json.load(open(f"{d}/Pipfile.lock"))
    for section, scope in [("default", "required"), ("develop", "excluded")]:
        for name, e in lock.get(section, {}).items():
            if section == "develop" and name in lock.get("default", {}):
                continue
            v = e.get("version", "")
            m = re.fullmatch(r"===?([^*,;<>!~ ]+)", v)
            if m:
                comp(name, m.group(1), scope, ident(name, m.group(1)))
            elif e.get("git") and e.get("ref"):
                comp(name, None, scope, ident(name, None, {"vcs_url": git(e["git"], e["ref"])}))

reqs = sorted(f for f in os.listdir(d) if f.startswith("requirements") and f.endswith(".txt"))
if reqs:
    # pip's own parser (it follows -r and -c: keep only lines of the file itself)
    from pip._internal.req.req_file import parse_requirements
    from pip._internal.network.session import PipSession
    from pip._vendor.packaging.requirements import Requirement
    for f in reqs:
        path = os.path.join(d, f)
        for pr in parse_requirements(path, session=PipSession()):
            if pr.is_editable or not pr.comes_from.endswith(f"{path} (line {pr.comes_from.rpartition('line ')[2]}") \
                    or pr.constraint:
                continue
            try:
                req = Requirement(pr.requirement)
            except Exception:
                continue
            specs = list(req.specifier)
            if req.url or len(specs) != 1 or specs[0].operator not in ("==", "===") or "*" in specs[0].version:
                continue
            comp(req.name, specs[0].version, "-", ident(req.name, specs[0].version))
print("\n".join(out))
PY
}

checked=0
for dir in "$DATA"/*/; do
    name=$(basename "$dir")
    if [ "$name" = requirements ] && ! python3 -c 'import pip._internal.req.req_file' 2>/dev/null; then
        skip_part "requirements files (pip is not importable by python3: Debian python3-pip)"
        continue
    fi
    "$VIGIL" sbom "$dir" -o cyclonedx-json="$TMP/$name.cdx.json" -o spdx-json="$TMP/$name.spdx.json" 2>"$TMP/warnings" \
        || { cat "$TMP/warnings" >&2; fail "vigil sbom $name"; }
    [ -s "$TMP/warnings" ] && { cat "$TMP/warnings" >&2; fail "warnings on fixture $name"; }
    validate_cyclonedx "$TMP/$name.cdx.json"
    validate_spdx "$TMP/$name.spdx.json"
    vigil_view "$TMP/$name.cdx.json" "$TMP/$name.spdx.json" | sort -u >"$TMP/$name.vigil"
    reference_view "$dir" | sort -u >"$TMP/$name.ref" || fail "reference for $name"
    [ "$(grep -c '^C' "$TMP/$name.ref")" -ge 3 ] || fail "reference found too little in $name"
    same_lines "$TMP/$name.vigil" "$TMP/$name.ref" "components and edges of $name"
    checked=$((checked + $(wc -l <"$TMP/$name.ref")))
done

# Determinism: two runs give the same bytes.
"$VIGIL" sbom "$DATA/uv/" -o cyclonedx-json="$TMP/again.json"
cmp -s "$TMP/again.json" "$TMP/uv.cdx.json" || fail "uv.lock output is not deterministic"

# Broken lock files are warnings naming the file and line; the scan goes on
# (exit status 3) and keeps what the other files give.
mkdir -p "$TMP/bad/a" "$TMP/bad/b" "$TMP/bad/c"
printf '[[package]]\nname = "x"\nversion = "1"\n[[package]]\nname = \n' >"$TMP/bad/a/poetry.lock"
printf '{"default": {"x": {"version": "==1"}, "x": {}}}' >"$TMP/bad/b/Pipfile.lock"
printf 'version = 1\n[[package]]\nname = "ok"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\n' >"$TMP/bad/c/uv.lock"
expect_status 3 "$VIGIL" sbom "$TMP/bad" -o cyclonedx-json="$TMP/bad.json"
expect_stderr 'a/poetry.lock.*invalid TOML.*:5: expected a value'
expect_stderr 'b/Pipfile.lock.*invalid JSON at line 1.*duplicate'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [c["purl"] for c in d["components"]] == ["pkg:pypi/ok@1.0"], d["components"]' \
    "$TMP/bad.json" || fail "the valid uv.lock next to broken ones"
echo "python_locks: $checked reference lines matched"

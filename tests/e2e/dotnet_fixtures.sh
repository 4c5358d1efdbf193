# dotnet_fixtures.sh — vigil's nuget components and edges from hand-written
# *.deps.json and packages.lock.json files in the formats the .NET SDK
# writes (the SDK is not packaged for Debian bookworm: apt-cache knows no
# dotnet-sdk-8.0 or dotnet8), against python's json over the same files:
#  - deps.json: libraries of type "package" (and "project" as the
#    application), not "runtimepack"; edges from the runtimeTarget's
#    target (not the framework-only one), names matched without case;
#  - packages.lock.json: one component per (id, resolved) over both target
#    frameworks, Project entries left out, edges to the version resolved in
#    the same framework;
#  - malformed JSON and a lock file with duplicate keys give warnings naming
#    the file, the rest is listed, exit status 3.
. "$(dirname "$0")/lib.sh"

need_cmd python3
DATA="$VIGIL_SRC/tests/data/dotnet"
mkdir -p "$TMP/root"
cp -r "$DATA"/app "$DATA"/lock "$TMP/root/"

expect_status 0 "$VIGIL" sbom "$TMP/root" -o "cyclonedx-json=$TMP/out.json" -o "spdx-json=$TMP/out.spdx.json"
validate_cyclonedx "$TMP/out.json"
validate_spdx "$TMP/out.spdx.json"

python3 - "$TMP/out.json" >"$TMP/vigil.txt" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
ref = {}
for c in doc.get("components", []):
    if not c.get("purl", "").startswith("pkg:nuget/"):
        continue
    props = {p["name"]: p.get("value", "") for p in c.get("properties", [])}
    loc = props.get("vigil:location", "")
    ref[c["bom-ref"]] = (loc, f"{c['name']}@{c['version']}")
    app = "app" if c.get("type") == "application" else "lib"
    print(f"C {loc} {c['name']} {c['version']} {app} {c['purl']}")
for d in doc.get("dependencies", []):
    if d["ref"] in ref:
        loc, frm = ref[d["ref"]]
        for to in d.get("dependsOn", []):
            if to in ref:
                print(f"E {loc} {frm} -> {ref[to][1]}")
PY

python3 - "$TMP/root" >"$TMP/ref.txt" <<'PY'
import json, sys
root = sys.argv[1]
# deps.json
loc = "app/WebApp.deps.json"
doc = json.load(open(f"{root}/{loc}"))
libs = {k: v for k, v in doc["libraries"].items() if v["type"] in ("package", "project")}
lower = {k.lower(): k for k in libs}
for k, v in libs.items():
    name, ver = k.rsplit("/", 1)
    print(f"C {loc} {name} {ver} {'app' if v['type'] == 'project' else 'lib'} pkg:nuget/{name}@{ver}")
target = doc["targets"][doc["runtimeTarget"]["name"]]
for k, entry in target.items():
    if k.lower() not in lower:
        continue
    for dep, ver in entry.get("dependencies", {}).items():
        to = lower.get(f"{dep}/{ver}".lower())
        if to and to != lower[k.lower()]:
            print(f"E {loc} {lower[k.lower()].replace('/', '@')} -> {to.replace('/', '@')}")
# packages.lock.json
loc = "lock/packages.lock.json"
doc = json.load(open(f"{root}/{loc}"))
seen = {}
for fw, pkgs in doc["dependencies"].items():
    for name, p in pkgs.items():
        if p.get("type") == "Project":
            continue
        key = f"{name}/{p['resolved']}".lower()
        if key not in seen:
            seen[key] = f"{name}@{p['resolved']}"
            print(f"C {loc} {name} {p['resolved']} lib pkg:nuget/{name}@{p['resolved']}")
edges = set()
for fw, pkgs in doc["dependencies"].items():
    low = {n.lower(): p for n, p in pkgs.items()}
    for name, p in pkgs.items():
        if p.get("type") == "Project":
            continue
        for dep in p.get("dependencies", {}):
            t = low.get(dep.lower())
            if t and t.get("type") != "Project":
                frm = seen[(name + "/" + p["resolved"]).lower()]
                to = seen[(dep + "/" + t["resolved"]).lower()]
                edges.add(f"E {loc} {frm} -> {to}")
print("\n".join(sorted(edges)))
PY
same_lines "$TMP/vigil.txt" "$TMP/ref.txt" "nuget components and edges (vigil vs python json)"
grep -q '^E app/WebApp.deps.json Shared.Lib@1.0.0 -> Serilog@3.1.1$' "$TMP/vigil.txt" || fail "case-insensitive dependency edge missing"
grep -q 'runtimepack' "$TMP/vigil.txt" && fail "a runtimepack library became a component"

# bad input
mkdir -p "$TMP/bad/a" "$TMP/bad/b" "$TMP/bad/ok"
printf '{"libraries": {"X/1.0": {"type": "package"}' >"$TMP/bad/a/Broken.deps.json"
printf '{"version": 1, "dependencies": {"net8.0": {}, "net8.0": {}}}' >"$TMP/bad/b/packages.lock.json"
cp "$DATA/lock/packages.lock.json" "$TMP/bad/ok/"
expect_status 3 "$VIGIL" sbom "$TMP/bad" -o "cyclonedx-json=$TMP/bad.json"
expect_stderr 'a/Broken\.deps\.json.*JSON'
expect_stderr 'b/packages\.lock\.json.*(duplicate|JSON)'
python3 - "$TMP/bad.json" <<'PY' || fail "the good lock file next to the bad ones was not listed"
import json, sys
names = {c["name"] for c in json.load(open(sys.argv[1]))["components"]}
assert "Microsoft.Extensions.Logging" in names, names
PY
echo "ok: dotnet: $(grep -c '^C' "$TMP/ref.txt") components and $(grep -c '^E' "$TMP/ref.txt") edges match python's json"

#!/usr/bin/env python3
"""gen_engine.py OUT — the inputs of bench/policy/engine.sh (issue 10's
policy benchmark): a 5 000-component CycloneDX 1.6 SBOM, a `vigil scan -o
json` document with 20 000 findings (the shape of docs/scan-json.md), 50
other documents (host facts as issue 11's collectors will write them) and
a pack of 300 rules:
  - 10 rules that walk every finding or component in Lua (KEV, SLA by
    severity, licences, suppliers, versions, hashes...),
  - 20 rules that search the findings with vigil.where / vigil.count,
  - 270 rules that each read a few facts of the host documents,
as a pack mixing a portfolio's own rules with a NIS2 pack.  Deterministic."""
import json, os, random, sys

out = sys.argv[1]
random.seed(10)
os.makedirs(f"{out}/pack", exist_ok=True)
os.makedirs(f"{out}/hosts", exist_ok=True)

licences = ["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only", "LGPL-2.1-or-later", "MPL-2.0", "ISC"]
components = []
for i in range(5000):
    name = f"lib{i}"
    components.append({
        "bom-ref": f"pkg:deb/debian/{name}@1.{i % 10}-{i % 3}?arch=amd64",
        "type": "library", "name": name, "version": f"1.{i % 10}-{i % 3}",
        "supplier": {"name": f"Debian maintainer {i % 50}"} if i % 17 else None,
        "purl": f"pkg:deb/debian/{name}@1.{i % 10}-{i % 3}?arch=amd64&distro=debian-12",
        "licenses": [{"expression": random.choice(licences) + (" OR MIT" if i % 5 == 0 else "")}],
        "hashes": [{"alg": "SHA-256", "content": f"{i:064x}"}],
    })
components = [{k: v for k, v in c.items() if v is not None} for c in components]
sbom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "metadata": {"timestamp": "2026-12-01T00:00:00Z", "component": {"type": "application", "name": "product"}},
        "components": components,
        "dependencies": [{"ref": "product", "dependsOn": [c["bom-ref"] for c in components[:50]]}]}
json.dump(sbom, open(f"{out}/sbom.cdx.json", "w"))

sev = ["critical", "high", "medium", "low"]
findings = []
for i in range(20000):
    c = components[i % 5000]
    fixed = i % 3 != 0
    findings.append({
        "id": f"CVE-2024-{10000 + i}", "ids": [f"CVE-2024-{10000 + i}", f"DSA-{5000 + i % 900}-1"],
        "advisories": [f"DSA-{5000 + i % 900}-1"],
        "component": {"bomRef": c["bom-ref"], "type": "deb", "name": c["name"], "version": c["version"],
                      "purl": c["purl"], "sourceName": c["name"], "sourceVersion": c["version"],
                      "location": "var/lib/dpkg/status", "layer": None, "layerDiffID": None},
        "ecosystem": "Debian:12", "package": c["name"], "installedVersion": c["version"],
        "comparedVersion": c["version"], "fixedVersions": [c["version"] + "+deb12u1"] if fixed else [],
        "fixState": "fixed" if fixed else "unfixed", "severity": sev[i % 4], "severitySource": "cvss",
        "cvss": {"type": "CVSS_V3", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "score": 9.8 - (i % 4) * 2},
        "kev": {"cve": f"CVE-2024-{10000 + i}", "dateAdded": "2026-01-15", "dueDate": "2026-02-05",
                "knownRansomwareCampaignUse": "Unknown", "requiredAction": "Apply updates."} if i % 400 == 0 else None,
        "summary": f"issue {i} in {c['name']}", "vex": None,
    })
scan = {"format": "vigil-scan", "formatVersion": 1, "tool": {"name": "vigil", "version": "0.1.0"},
        "timestamp": "2026-11-30T00:00:00Z", "target": {"name": "product", "kind": "sbom", "digest": None, "imageID": None},
        "os": {"id": "debian", "versionID": "12", "codename": "bookworm", "prettyName": "Debian 12", "ecosystem": "Debian:12"},
        "database": {"fetchedAt": "2026-11-29T00:00:00Z"},
        "summary": {"components": 5000, "findings": 20000}, "findings": findings, "components": []}
json.dump(scan, open(f"{out}/scan.json", "w"))

for h in range(50):
    doc = {"vigil-evidence": "host", "schema": 1, "host": f"host{h}",
           "sshd": {"PermitRootLogin": "no" if h % 7 else "yes", "PasswordAuthentication": "no", "Ciphers": ["aes256-gcm@openssh.com"]},
           "accounts": [{"name": f"user{a}", "uid": 1000 + a, "emptyPassword": a == 3 and h % 9 == 0} for a in range(30)],
           "packages": {"repositories": [{"uri": "http://deb.debian.org/debian", "signedBy": "/usr/share/keyrings/debian.gpg"}]},
           "services": [f"svc{s}" for s in range(40)], "autoUpdates": h % 5 != 0, "ntp": True}
    json.dump(doc, open(f"{out}/hosts/host{h}.json", "w"))

RULE = 'rule = {{id = "{id}", title = "{title}", severity = "{sev}", requirements = {{{reqs}}}, evidence = {{"{kind}"}}}}\n'
walks = {
    "kev": ("scan", 'for _, f in ipairs(d.data.findings) do if f.kev ~= vigil.null then n = n + 1 end end'),
    "sla-critical": ("scan", 'for _, f in ipairs(d.data.findings) do if f.severity == "critical" and f.fixState == "fixed" then n = n + 1 end end'),
    "sla-high": ("scan", 'for _, f in ipairs(d.data.findings) do if f.severity == "high" and #f.fixedVersions > 0 then n = n + 1 end end'),
    "unfixed": ("scan", 'for _, f in ipairs(d.data.findings) do if f.fixState == "unfixed" then n = n + 1 end end'),
    "cvss": ("scan", 'for _, f in ipairs(d.data.findings) do if f.cvss ~= vigil.null and f.cvss.score >= 9 then n = n + 1 end end'),
    "licences": ("sbom", 'for _, c in ipairs(d.data.components) do local l = c.licenses and c.licenses[1] if l and l.expression:find("GPL", 1, true) then n = n + 1 end end'),
    "suppliers": ("sbom", 'for _, c in ipairs(d.data.components) do if not c.supplier then n = n + 1 end end'),
    "versions": ("sbom", 'for _, c in ipairs(d.data.components) do if not c.version or c.version == "" then n = n + 1 end end'),
    "hashes": ("sbom", 'for _, c in ipairs(d.data.components) do if not c.hashes then n = n + 1 end end'),
    "purls": ("sbom", 'for _, c in ipairs(d.data.components) do if not c.purl:match("^pkg:") then n = n + 1 end end'),
}
def write(rid, kind, body, sev="high", reqs='"nis2:21.2.e", "ir2024-2690:6.10.2"'):
    with open(f"{out}/pack/{rid}.lua", "w") as f:
        f.write(RULE.format(id=rid, title=rid, sev=sev, reqs=reqs, kind=kind))
        f.write("function check(e)\n  local out = {}\n  for _, d in ipairs(e.%s) do\n    local n = 0\n    %s\n"
                "    out[#out + 1] = {resource = d.path, status = n == 0 and \"pass\" or \"fail\", message = n .. \" found\", evidence = {d.id}}\n"
                "  end\n  return out\nend\n" % (kind, body))
for rid, (kind, body) in walks.items():
    write("walk-" + rid, kind, body)
queries = [("kev", None), ("severity", '"critical"'), ("severity", '"high"'), ("fixState", '"unfixed"'),
           ("cvss.score", "9.8"), ("component.name", '"lib7"'), ("ecosystem", '"Debian:12"'), ("vex", None),
           ("component.layer", None), ("severitySource", '"cvss"')]
for q in range(20):
    path, value = queries[q % len(queries)]
    arg = f'"{path}"' + (f", {value}" if value else "")
    write(f"query-{q}", "scan", f"n = vigil.count(d.data.findings, {arg})" if q % 2 else f"n = #vigil.where(d.data.findings, {arg})")
facts = [
    'if d.data.sshd.PermitRootLogin ~= "no" then n = n + 1 end',
    'if d.data.sshd.PasswordAuthentication ~= "no" then n = n + 1 end',
    'for _, a in ipairs(d.data.accounts) do if a.emptyPassword then n = n + 1 end end',
    'if not d.data.autoUpdates then n = n + 1 end',
    'if not d.data.ntp then n = n + 1 end',
    'for _, r in ipairs(d.data.packages.repositories) do if not r.signedBy then n = n + 1 end end',
    'if #d.data.services > 100 then n = n + 1 end',
    'for _, c in ipairs(d.data.sshd.Ciphers) do if c:find("cbc", 1, true) then n = n + 1 end end',
    'for _, a in ipairs(d.data.accounts) do if a.uid == 0 and a.name ~= "root" then n = n + 1 end end',
]
for r in range(270):
    write(f"host-{r:03d}", "host", facts[r % len(facts)], sev="medium", reqs='"nis2:21.2.j", "ir2024-2690:11.1.1"')

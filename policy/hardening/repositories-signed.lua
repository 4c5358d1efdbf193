-- repositories-signed.lua — every enabled package repository is verified
-- with a signing key.
--
-- Reads vigil's host evidence (docs/collect.md, "host"): repositories[],
-- each with "signed" as the collector decides it: APT sources unless
-- trusted=yes or allow-insecure=yes (apt then takes unsigned indexes),
-- yum/dnf repositories with gpgcheck (the [main] default when the
-- repository says nothing), apk repositories when /etc/apk/keys holds a
-- key.  Disabled repositories are left out.  One resource per host (its
-- hostname, else the collected root), judged by its newest document.
-- Leaves out: whether the key itself is the publisher's; yum's
-- repo_gpgcheck (metadata signatures).

rule = {
  id = "repositories-signed",
  title = "Every enabled package repository is verified with a signing key",
  severity = "high",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.6.1", "cra:II.7" },
  evidence = { "host" },
  rationale = "Patches must come from trusted sources with their integrity checked (Implementing Regulation "
    .. "2024/2690, 6.6.1) and updates be distributed securely (CRA Annex I, Part II (7)). A repository whose "
    .. "packages are installed without a signature check lets whoever controls the network path or the mirror "
    .. "install code as root.",
}

local text = vigil.text

-- The name of the host a document describes.
local function host_name(d)
  return text(d.hostname) or text(d.target)
end

-- "TYPE URI SUITE (FILE:LINE, why)" of repository r.
local function describe(r)
  local why = r.trusted == true and "trusted=yes" or r.allowInsecure == true and "allow-insecure=yes"
    or r.type == "yum" and "gpgcheck off" or r.type == "apk" and "no key in /etc/apk/keys" or "not signed"
  local uri = type(r.uris) == "table" and text(r.uris[1]) or "?"
  local suite = type(r.suites) == "table" and text(r.suites[1]) or text(r.id) or ""
  return string.format("%s %s%s (%s:%s, %s)", tostring(r.type), uri, suite ~= "" and " " .. suite or "",
    tostring(r.file), tostring(r.line), why)
end

function check(evidence, params, run)
  local out = {}
  for _, h in ipairs(vigil.newest(evidence.host, host_name)) do
    local name = h.resource
    local d = type(h.doc.data) == "table" and h.doc.data or {}
    local r = { resource = name, evidence = h.evidence }
    local repos = type(d.repositories) == "table" and d.repositories or {}
    local bad, n = {}, 0
    for _, repo in ipairs(repos) do
      if type(repo) == "table" and repo.enabled ~= false then
        n = n + 1
        if repo.signed ~= true then
          bad[#bad + 1] = describe(repo)
        end
      end
    end
    if n == 0 then
      r.status, r.reason = "not_applicable", "no enabled package repository"
    elseif #bad > 0 then
      r.status = "fail"
      r.message = string.format("%d of %d repositories not verified: %s", #bad, n, table.concat(bad, "; "))
    else
      r.status, r.message = "pass", string.format("all %d repositories verified with a signing key", n)
    end
    out[#out + 1] = r
  end
  return out
end

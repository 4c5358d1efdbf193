-- tls-configuration.lua — every TLS endpoint accepts only current protocol
-- versions and no weak cipher suite, and presents a certificate that
-- verifies, matches its name and does not expire soon.
--
-- Reads `vigil collect tls` documents (docs/collect.md, "tls"): per
-- endpoint, the versions accepted (below tls_min_version fails), the
-- suites accepted with each (a suite of a family in tls_weak_suites
-- fails; families are told by the suite's IANA name: RC4, DES, 3DES,
-- NULL, EXPORT, anon, CBC-SHA1, MD5), and the leaf certificate: its
-- chain must verify against the trust store of the collection, it must
-- match the name the endpoint was reached by, and its notAfter must be at
-- least tls_expiry_days after the run.  One result per endpoint; an
-- endpoint in several documents gets the worst of them.
-- An endpoint the collector could not check skips, with its reason; so
-- does one where a version below the minimum, a suite list or the
-- certificate was left unchecked by a timeout.  What the collector's
-- OpenSSL cannot offer at all (SSLv3, RC4 suites in Debian's build) is
-- named in the message of a pass, not hidden.
-- Leaves out: key sizes, signature algorithms, OCSP stapling and HSTS
-- (in the evidence, not judged here).

rule = {
  id = "tls-configuration",
  title = "TLS endpoints accept only current protocols and strong suites, with a valid certificate",
  severity = "high",
  requirements = { "nis2:21.2.h", "ir2024-2690:9.2", "cra:I.2.e" },
  evidence = { "tls" },
  params = {
    tls_min_version = "TLSv1.2",
    tls_weak_suites = { "RC4", "DES", "3DES", "NULL", "EXPORT", "anon" },
    tls_expiry_days = 30,
  },
  rationale = "Data in transit must be protected with approved, state-of-the-art protocols and algorithms "
    .. "(Implementing Regulation 2024/2690, 9.2; CRA Annex I, Part I (2)(e)). SSLv3, TLS 1.0 and 1.1 are "
    .. "deprecated (RFC 8996); RC4, DES, 3DES, NULL, export-grade and anonymous suites give no or broken "
    .. "protection; a certificate that does not verify, does not match or has expired lets clients be "
    .. "intercepted or stop them from connecting.",
}

local VERSIONS = { ["SSLv3"] = 0, ["TLSv1"] = 1, ["TLSv1.1"] = 2, ["TLSv1.2"] = 3, ["TLSv1.3"] = 4 }

-- Each family: whether a suite (IANA name, and the collector's fields)
-- belongs to it.
local FAMILIES = {
  ["RC4"] = function(s) return s.name:find("_RC4_", 1, true) end,
  ["DES"] = function(s) return s.name:find("_DES_", 1, true) or s.name:find("_DES40_", 1, true) end,
  ["3DES"] = function(s) return s.name:find("_3DES_", 1, true) end,
  ["NULL"] = function(s) return s.name:find("_WITH_NULL_", 1, true) or s.cipher == "none" end,
  ["EXPORT"] = function(s) return s.name:find("_EXPORT", 1, true) end,
  ["anon"] = function(s) return s.name:find("_anon_", 1, true) or s.auth == "none" end,
  ["CBC-SHA1"] = function(s) return s.name:find("_CBC_SHA$") end,
  ["MD5"] = function(s) return s.name:find("_MD5$") end,
}

local text, items = vigil.text, vigil.items

-- The weak families of suite s among those asked for.
local function weak_families(s, wanted)
  local hit = {}
  for _, family in ipairs(wanted) do
    if FAMILIES[family]({ name = text(s.name) or "", cipher = s.cipher, auth = s.auth }) then
      hit[#hit + 1] = family
    end
  end
  return hit
end

local function list(t, max)
  max = max or 10
  return table.concat(t, ", ", 1, math.min(#t, max)) .. (#t > max and ", …" or "")
end

-- What the document leaves unchecked about the endpoint named name.
local function endpoint_unchecked(d, name)
  local out = {}
  for _, u in ipairs(items(d.unchecked)) do
    local what = type(u) == "table" and text(u.what)
    if what and what:sub(1, #name + 1) == name .. " " then
      out[#out + 1] = what:sub(#name + 2) .. ": " .. (text(u.reason) or "unchecked")
    end
  end
  return out
end

-- The certificate's faults, and what a pass message says of it.
local function certificate(e, params, run)
  local leaf = items(e.certificates)[1]
  if type(leaf) ~= "table" then
    return { "it sends no certificate" }, nil
  end
  local faults = {}
  local chain, host = items(e.chain), items(e.hostname)
  if chain.verified ~= true then
    faults[#faults + 1] = "its certificate does not verify (" .. (text(chain.error) or "not verified") .. ")"
  end
  if host.match ~= true then
    faults[#faults + 1] = "its certificate does not match " .. (text(host.name) or "the endpoint's name")
  end
  local after = text(leaf.not_after) and vigil.time(leaf.not_after)
  local days = after and math.floor(vigil.days_between(run.now, after))
  if not days then
    faults[#faults + 1] = "its certificate has no readable notAfter"
  elseif days < 0 then
    faults[#faults + 1] = string.format("its certificate expired on %s", leaf.not_after)
  elseif days < params.tls_expiry_days then
    faults[#faults + 1] = string.format("its certificate expires in %d days (%s; less than %s)", days, leaf.not_after,
      params.tls_expiry_days)
  end
  return faults, days and string.format("a certificate that verifies and expires in %d days", days)
end

-- One endpoint of one document: status, message or reason.
local function judge(d, e, params, run)
  local name = text(e.endpoint) or "?"
  if e.status ~= "checked" then
    return "skip", nil, "not checked: " .. (text(e.reason) or "the collector could not reach it")
  end
  local min = VERSIONS[params.tls_min_version]
  local faults, old, accepted, legacy = {}, {}, {}, false
  local weak, weak_names = {}, {} -- suite name -> {families, versions}
  local library = {}
  for _, u in ipairs(items(items(d.library).unchecked)) do
    if type(u) == "table" and text(u.what) then
      library[u.what] = true
    end
  end
  local gaps = {}
  for _, p in ipairs(items(e.protocols)) do
    local rank = type(p) == "table" and VERSIONS[p.version]
    if rank and p.status == "accepted" then
      accepted[#accepted + 1] = p.version
      legacy = legacy or rank < 4
      if rank < min then
        old[#old + 1] = p.version
      end
      for _, s in ipairs(items(p.suites)) do
        local hit = type(s) == "table" and weak_families(s, params.tls_weak_suites) or {}
        if #hit > 0 then
          local suite = text(s.name) or text(s.openssl_name) or "?"
          if not weak[suite] then
            weak[suite] = { families = hit, versions = {} }
            weak_names[#weak_names + 1] = suite
          end
          table.insert(weak[suite].versions, p.version)
        end
      end
    elseif rank and rank < min and p.status == "unchecked" and library[p.version] then
      gaps[#gaps + 1] = p.version
    end
  end
  if #old > 0 then
    faults[#faults + 1] = "it accepts " .. list(old) .. " (below " .. params.tls_min_version .. ")"
  end
  if #weak_names > 0 then
    table.sort(weak_names)
    local parts = {}
    for _, suite in ipairs(weak_names) do
      parts[#parts + 1] = suite .. " (" .. list(weak[suite].families) .. ": " .. list(weak[suite].versions) .. ")"
    end
    faults[#faults + 1] = "it accepts weak suites " .. list(parts, 6)
  end
  local cert_faults, cert_note = certificate(e, params, run)
  for _, f in ipairs(cert_faults) do
    faults[#faults + 1] = f
  end
  local unknown = endpoint_unchecked(d, name)
  if #faults > 0 then
    return "fail", table.concat(faults, "; ") .. (#unknown > 0 and "; not checked: " .. list(unknown, 3) or "")
  end
  if #unknown > 0 then
    return "skip", nil, "not checked: " .. list(unknown, 3)
  end
  if legacy then
    for _, family in ipairs(params.tls_weak_suites) do
      if library[family .. " cipher suites"] then
        gaps[#gaps + 1] = family .. " suites"
      end
    end
  end
  return "pass", "accepts " .. list(accepted) .. " with no weak suite; " .. cert_note
    .. (#gaps > 0 and "; this vigil's OpenSSL cannot test " .. list(gaps) or "")
end

local RANK = { pass = 1, skip = 2, fail = 3 }

function check(evidence, params, run)
  if not VERSIONS[params.tls_min_version] then
    error("tls_min_version: " .. tostring(params.tls_min_version) .. " is none of SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3")
  end
  for i = 1, #params.tls_weak_suites do
    local family = params.tls_weak_suites[i]
    if family == nil then
      error("tls_weak_suites: entry " .. i .. " is null (in YAML, write \"NULL\" in quotes)")
    elseif not FAMILIES[family] then
      error("tls_weak_suites: unknown family " .. tostring(family)
        .. " (known: RC4, DES, 3DES, NULL, EXPORT, anon, CBC-SHA1, MD5)")
    end
  end
  local out, seen = {}, {}
  for _, doc in ipairs(evidence.tls) do
    local d = type(doc.data) == "table" and doc.data or {}
    for _, e in ipairs(items(d.endpoints)) do
      if type(e) == "table" and text(e.endpoint) then
        local status, message, reason = judge(d, e, params, run)
        local prior = seen[e.endpoint]
        if not prior then
          prior = { resource = e.endpoint, status = status, message = message, reason = reason, evidence = {} }
          seen[e.endpoint] = prior
          out[#out + 1] = prior
        elseif RANK[status] > RANK[prior.status] then
          prior.status, prior.message, prior.reason = status, message, reason
        end
        if prior.evidence[#prior.evidence] ~= doc.id then
          prior.evidence[#prior.evidence + 1] = doc.id
        end
      end
    end
  end
  return out
end

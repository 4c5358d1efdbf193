-- licences-allowed.lua — every component of an SBOM is licensed under
-- licences of the allow-list.
--
-- The licence of a component: CycloneDX licenses[] (license.id,
-- license.name when it is an SPDX expression, expression; several entries
-- all apply, as AND); SPDX 2 licenseConcluded, else licenseDeclared (NONE:
-- no licence; NOASSERTION: unknown).  The expression is evaluated by
-- vigil.license_allowed (SPDX 2.3 Annex D): a component passes when some
-- choice among the OR operands uses only allowed licences ("+" and WITH
-- as the allow-list's entries say).  A component with no licence, or one
-- that is no SPDX expression (a free-text name such as "GPL2"), fails: it
-- cannot be shown to be allowed.  Components are one resource per purl
-- without qualifiers (name@version without purl) whatever SBOMs list them;
-- the SBOM's subject, operating-system components (an aggregate whose
-- packages are listed one by one) and CycloneDX file components are not
-- judged.
-- Leaves out: SPDX 3 documents (their licences are relationships to
-- licence elements; the SBOM gets one not_applicable result), file-level
-- licences, and whether the declared licence is the real one.

rule = {
  id = "licences-allowed",
  title = "Components are licensed under licences of the allow-list",
  severity = "medium",
  requirements = { "nis2:21.2.d", "ir2024-2690:6.1.1" },
  evidence = { "sbom" },
  params = { allowed = { "0BSD", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0", "CC0-1.0", "ISC", "MIT",
                         "MIT-0", "PostgreSQL", "Python-2.0", "Unlicense", "Zlib" } },
  rationale = "Acquiring ICT products brings the obligations of their licences for their whole life cycle "
    .. "(Implementing Regulation 2024/2690, 6.1.1); a component under a licence the organisation has not "
    .. "approved, or whose licence is unknown, is a supply-chain risk (NIS2 Art. 21(2)(d)) to be decided by "
    .. "people, with a waiver when it is accepted.",
}

local text, items = vigil.text, vigil.items

local sbom_resource = vigil.sbom_name

-- The resource of a component: its purl without qualifiers, else name@version.
local function component_resource(purl, name, version)
  local base = text(purl) and text(purl:match("^[^?#]*"))
  if base then
    return base
  end
  return (text(name) or "(no name)") .. "@" .. (text(version) or "(no version)")
end

-- Components of an SBOM: {resource, licence (an expression, or nil), why (when none)}.
local function components(d)
  local out = {}
  if text(d.bomFormat) == "CycloneDX" then
    local function walk(c, depth)
      if type(c) ~= "table" or depth >= 32 then
        return
      end
      if c.type ~= "operating-system" and c.type ~= "file" then
        local parts, bad = {}, nil
        for _, l in ipairs(items(c.licenses)) do
          local lic = type(l) == "table" and type(l.license) == "table" and l.license or {}
          local e = type(l) == "table" and text(l.expression) or text(lic.id) or text(lic.name)
          if e and vigil.license_valid(e) then
            parts[#parts + 1] = "(" .. e .. ")"
          else
            bad = bad or e or "an entry without id, name or expression"
          end
        end
        local entry = { resource = component_resource(c.purl, c.name, c.version) }
        if bad then
          entry.why = "licence '" .. bad .. "' is not an SPDX licence expression"
        elseif #parts == 0 then
          entry.why = "no licence declared"
        else
          entry.licence = #parts == 1 and parts[1]:sub(2, -2) or table.concat(parts, " AND ")
        end
        out[#out + 1] = entry
      end
      for _, sub in ipairs(items(c.components)) do
        walk(sub, depth + 1)
      end
    end
    for _, c in ipairs(items(d.components)) do
      walk(c, 0)
    end
  elseif d.spdxVersion ~= nil then
    local roots = {}
    for _, id in ipairs(items(d.documentDescribes)) do
      roots[id] = true
    end
    for _, r in ipairs(items(d.relationships)) do
      if type(r) == "table" and r.spdxElementId == "SPDXRef-DOCUMENT" and r.relationshipType == "DESCRIBES"
          and r.relatedSpdxElement ~= nil then
        roots[r.relatedSpdxElement] = true
      end
    end
    for _, p in ipairs(items(d.packages)) do
      if type(p) == "table" and not roots[p.SPDXID] and p.primaryPackagePurpose ~= "OPERATING_SYSTEM" then
        local purl
        for _, ref in ipairs(items(p.externalRefs)) do
          purl = purl or (type(ref) == "table" and ref.referenceType == "purl" and text(ref.referenceLocator)) or nil
        end
        local concluded, declared = text(p.licenseConcluded), text(p.licenseDeclared)
        local e = (concluded ~= "NOASSERTION" and concluded) or declared
        local entry = { resource = component_resource(purl, p.name, p.versionInfo) }
        if not e or e == "NOASSERTION" then
          entry.why = "no licence declared (NOASSERTION)"
        elseif e == "NONE" then
          entry.why = "licence NONE: no licence grants its use"
        elseif not vigil.license_valid(e) then
          entry.why = "licence '" .. e .. "' is not an SPDX licence expression"
        else
          entry.licence = e
        end
        out[#out + 1] = entry
      end
    end
  end
  return out
end

function check(evidence, params, run)
  local results, order, out = {}, {}, {}
  for _, doc in ipairs(evidence.sbom) do
    local d = type(doc.data) == "table" and doc.data or {}
    if text(d.bomFormat) ~= "CycloneDX" and d.spdxVersion == nil then
      local resource = sbom_resource(doc)
      if not results[resource] then
        results[resource] = { resource = resource, status = "not_applicable", evidence = {},
          reason = "neither CycloneDX nor SPDX 2: its licences are not read" }
        order[#order + 1] = resource
      end
      table.insert(results[resource].evidence, doc.id)
    end
    for _, c in ipairs(components(d)) do
      local status, message = "fail", c.why
      if c.licence then
        local ok, refused = vigil.license_allowed(c.licence, params.allowed)
        status = ok and "pass" or "fail"
        message = ok and c.licence .. ": allowed"
          or c.licence .. ": not allowed (" .. table.concat(refused, ", ") .. " is in no allowed choice)"
      end
      local r = results[c.resource]
      if not r then
        r = { resource = c.resource, status = status, message = message, evidence = {} }
        results[c.resource] = r
        order[#order + 1] = c.resource
      elseif status == "fail" and r.status == "pass" then
        r.status, r.message = status, message
      end
      if r.evidence[#r.evidence] ~= doc.id then
        r.evidence[#r.evidence + 1] = doc.id
      end
    end
  end
  for _, resource in ipairs(order) do
    out[#out + 1] = results[resource]
  end
  return out
end

-- sbom-suppliers.lua — every component of an SBOM names its supplier.
--
-- CycloneDX: each component (components at any depth) has a supplier or
-- manufacturer with a name or a URL, or a publisher — the fields the NTIA
-- minimum elements map "supplier name" to.  SPDX 2: each package but the
-- ones the document DESCRIBES has a supplier other than NOASSERTION.
-- SPDX 3: each software_Package that is no root element has suppliedBy.
-- The subject of the SBOM (metadata.component, the described packages) is
-- the product itself and is not judged.
-- Leaves out: whether the supplier named is the real one, and a register
-- of suppliers (Implementing Regulation 2024/2690, 5.2), which is the
-- organisation's own.

rule = {
  id = "sbom-suppliers",
  title = "Every component of an SBOM names its supplier",
  severity = "medium",
  requirements = { "cra:II.1", "nis2:21.3", "ir2024-2690:6.1.2" },
  evidence = { "sbom" },
  rationale = "Supply-chain measures must weigh each supplier's vulnerabilities and practices (NIS2 Art. 21(3)) "
    .. "and an SBOM identifies components (CRA Annex I, Part II (1)); a component whose supplier is unknown "
    .. "cannot be traced to anyone who fixes it. The supplier is one of the NTIA minimum elements of an SBOM.",
}

local text, items = vigil.text, vigil.items

local sbom_resource = vigil.sbom_name

local function entity(e)
  return type(e) == "table" and (text(e.name) or (#items(e.url) > 0 and text(e.url[1]))) or nil
end

local function label(name, version)
  return (text(name) or "(no name)") .. (text(version) and " " .. version or "")
end

-- The components of an SBOM without supplier: total, {labels}.
local function missing(d)
  local total, without = 0, {}
  if text(d.bomFormat) == "CycloneDX" then
    local function walk(c, depth)
      if type(c) == "table" and depth < 32 then
        total = total + 1
        if not (entity(c.supplier) or entity(c.manufacturer) or text(c.publisher)) then
          without[#without + 1] = label(c.name, c.version)
        end
        for _, sub in ipairs(items(c.components)) do
          walk(sub, depth + 1)
        end
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
      if type(p) == "table" and not roots[p.SPDXID] then
        total = total + 1
        local s = text(p.supplier)
        if not s or s == "NOASSERTION" then
          without[#without + 1] = label(p.name, p.versionInfo)
        end
      end
    end
  else
    local roots = {}
    for _, e in ipairs(items(d["@graph"])) do
      if type(e) == "table" and e.type == "SpdxDocument" then
        for _, id in ipairs(items(e.rootElement)) do
          roots[id] = true
        end
      end
    end
    for _, e in ipairs(items(d["@graph"])) do
      if type(e) == "table" and e.type == "software_Package" and not roots[e.spdxId] then
        total = total + 1
        if not text(e.suppliedBy) then
          without[#without + 1] = label(e.name, e.software_packageVersion)
        end
      end
    end
  end
  return total, without
end

function check(evidence, params, run)
  local out, seen = {}, {}
  for _, doc in ipairs(evidence.sbom) do
    local d = type(doc.data) == "table" and doc.data or {}
    local total, without = missing(d)
    local result = { resource = sbom_resource(doc), evidence = { doc.id } }
    if total == 0 then
      result.status, result.reason = "not_applicable", "the SBOM lists no component"
    elseif #without == 0 then
      result.status, result.message = "pass", "all " .. total .. " components name their supplier"
    else
      result.status = "fail"
      result.message = string.format("%d of %d components name no supplier: %s%s", #without, total,
        table.concat(without, ", ", 1, math.min(#without, 10)), #without > 10 and ", …" or "")
    end
    local prior = seen[result.resource]
    if prior then
      prior.evidence[#prior.evidence + 1] = doc.id
      local rank = { not_applicable = 1, pass = 2, fail = 3 }
      if rank[result.status] > rank[prior.status] then
        prior.status, prior.message, prior.reason = result.status, result.message, result.reason
      end
    else
      seen[result.resource] = result
      out[#out + 1] = result
    end
  end
  return out
end

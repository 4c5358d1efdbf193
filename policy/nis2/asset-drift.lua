-- asset-drift.lua — nothing shows up in the evidence that the inventory
-- does not know.
--
-- Reads the inventory (docs/store.md: assets[].name and latest.source,
-- latest.target_digest, latest.sbom_digest) and the subjects of scans
-- (target.name, target.digest, target.imageID) and SBOMs (CycloneDX
-- metadata.component.name and its hashes; SPDX 2 name; SPDX 3 the
-- SpdxDocument's name).  A subject is known when an asset has its name,
-- when an asset's latest snapshot was made from it (the source path or
-- image given to `vigil inventory add`), has its image digest, or was
-- stored from that very SBOM (same SHA-256).  Each subject is one
-- resource, whatever documents show it.
-- Leaves out: the reverse drift (assets the evidence no longer shows) and
-- hosts, accounts or repositories, which the collector evidence of issue
-- 11 brings.

rule = {
  id = "asset-drift",
  title = "No asset appears in the evidence that the inventory does not know",
  severity = "medium",
  requirements = { "nis2:21.2.i", "ir2024-2690:12.4.1", "ir2024-2690:12.4.2" },
  evidence = { "inventory", "scan", "sbom" },
  optional = { "scan", "sbom" },
  rationale = "The asset inventory must be complete, accurate and current (Implementing Regulation 2024/2690, "
    .. "12.4.1): a system that is scanned or described by an SBOM but absent from the inventory has no owner, "
    .. "no classification and no finding history, and escapes every rule that reads the inventory.",
}

local text, items = vigil.text, vigil.items

-- The subject of an SBOM: its name and the digests ("sha256:HEX") it gives.
local function sbom_subject(d)
  if text(d.bomFormat) == "CycloneDX" then
    local c = type(d.metadata) == "table" and type(d.metadata.component) == "table" and d.metadata.component or {}
    local digests = {}
    for _, h in ipairs(items(c.hashes)) do
      if type(h) == "table" and h.alg == "SHA-256" and text(h.content) then
        digests[#digests + 1] = "sha256:" .. h.content:lower()
      end
    end
    return text(c.name), digests
  elseif text(d.spdxVersion) then
    return text(d.name), {}
  end
  for _, e in ipairs(items(d["@graph"])) do
    if type(e) == "table" and e.type == "SpdxDocument" then
      return text(e.name), {}
    end
  end
  return nil, {}
end

function check(evidence, params, run)
  if #evidence.scan == 0 and #evidence.sbom == 0 then
    return { { resource = "*", status = "skip", reason = "no scan or SBOM to compare with the inventory" } }
  end
  local known = {} -- names, sources and digests -> asset name
  local inventory = {}
  for _, doc in ipairs(evidence.inventory) do
    inventory[#inventory + 1] = doc.id
    local d = type(doc.data) == "table" and doc.data or {}
    for _, asset in ipairs(items(d.assets)) do
      local name = type(asset) == "table" and text(asset.name)
      if name then
        local latest = type(asset.latest) == "table" and asset.latest or {}
        for _, key in ipairs({ name, text(latest.source) or "", text(latest.target_digest) or "",
                               text(latest.sbom_digest) or "" }) do
          if key ~= "" and not known[key] then
            known[key] = name
          end
        end
      end
    end
  end
  local subjects, order = {}, {}
  local function seen(name, keys, doc)
    local s = subjects[name]
    if not s then
      s = { evidence = { table.unpack(inventory) } }
      subjects[name] = s
      order[#order + 1] = name
    end
    s.evidence[#s.evidence + 1] = doc.id
    for _, key in ipairs(keys) do
      s.asset = s.asset or known[key]
    end
  end
  for _, doc in ipairs(evidence.scan) do
    local t = type(doc.data) == "table" and type(doc.data.target) == "table" and doc.data.target or {}
    local name = text(t.name)
    if name then
      seen(name, { name, text(t.digest) or "", text(t.imageID) or "" }, doc)
    end
  end
  for _, doc in ipairs(evidence.sbom) do
    local name, digests = sbom_subject(type(doc.data) == "table" and doc.data or {})
    if name then
      table.insert(digests, 1, name)
      digests[#digests + 1] = "sha256:" .. doc.sha256
      seen(name, digests, doc)
    end
  end
  local out = {}
  for _, name in ipairs(order) do
    local s = subjects[name]
    if s.asset then
      out[#out + 1] = { resource = name, status = "pass", message = "inventory asset " .. s.asset,
        evidence = s.evidence }
    else
      out[#out + 1] = { resource = name, status = "fail", evidence = s.evidence,
        message = "not in the inventory: no asset has this name, source, image digest or SBOM" }
    end
  end
  return out
end

-- component-version.lua — every component of an SBOM has one exact
-- version.
--
-- CycloneDX: version of each component (components at any depth); SPDX 2:
-- versionInfo of each package the document does not DESCRIBE.  A version
-- is missing when absent, empty or NOASSERTION, and not pinned when it
-- reads as a range or a moving name: it starts with ^ or ~ (npm, Cargo),
-- holds one of < > = * | or a space, an "x" or "X" as a dotted part
-- (1.x), is a Maven range ([1.0,2.0)), or is "latest".  CycloneDX
-- components of type file (a file is identified by its hashes) are not
-- judged.  One result per SBOM, naming the components at fault.
-- Leaves out: SPDX 3 documents (not_applicable), and whether a version
-- that looks exact is valid in its ecosystem (a scan's coverage says
-- bad-version; see scan-coverage).

rule = {
  id = "component-version",
  title = "Every SBOM component has one exact version",
  severity = "low",
  requirements = { "cra:II.1", "ir2024-2690:6.10.1" },
  evidence = { "sbom" },
  rationale = "A component without a version, or with a range, cannot be matched against vulnerability data "
    .. "(Implementing Regulation 2024/2690, 6.10.1) nor identified in the SBOM the CRA asks for (Annex I, "
    .. "Part II (1)): whatever version is really installed goes unchecked.",
}

local text, items = vigil.text, vigil.items

local sbom_resource = vigil.sbom_name

-- nil when v is one exact version, else why not.
local function fault(v)
  v = text(v)
  if not v or v == "NOASSERTION" then
    return "no version"
  end
  if v:find("^[%^~]") or v:find("[<>=%*| ]") or v:find("^[%[%(].*,") or v:lower() == "latest"
      or ("." .. v .. "."):find("%.[xX]%.") then
    return "not pinned (" .. v .. ")"
  end
  return nil
end

function check(evidence, params, run)
  local out, seen = {}, {}
  for _, doc in ipairs(evidence.sbom) do
    local d = type(doc.data) == "table" and doc.data or {}
    local total, faults = 0, {}
    local function judge(cname, version)
      total = total + 1
      local why = fault(version)
      if why then
        faults[#faults + 1] = (text(cname) or "(no name)") .. ": " .. why
      end
    end
    if text(d.bomFormat) == "CycloneDX" then
      local function walk(comp, depth)
        if type(comp) == "table" and depth < 32 then
          if comp.type ~= "file" then
            judge(comp.name, comp.version)
          end
          for _, sub in ipairs(items(comp.components)) do
            walk(sub, depth + 1)
          end
        end
      end
      for _, comp in ipairs(items(d.components)) do
        walk(comp, 0)
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
          judge(p.name, p.versionInfo)
        end
      end
    end
    local result = { resource = sbom_resource(doc), evidence = { doc.id } }
    if text(d.bomFormat) ~= "CycloneDX" and d.spdxVersion == nil then
      result.status, result.reason = "not_applicable", "neither CycloneDX nor SPDX 2: its versions are not read"
    elseif total == 0 then
      result.status, result.reason = "not_applicable", "the SBOM lists no component"
    elseif #faults == 0 then
      result.status, result.message = "pass", "all " .. total .. " components have an exact version"
    else
      result.status = "fail"
      result.message = string.format("%d of %d components: %s%s", #faults, total,
        table.concat(faults, "; ", 1, math.min(#faults, 10)), #faults > 10 and "; …" or "")
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

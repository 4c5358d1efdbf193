-- sbom-dependencies.lua — every SBOM states the top-level dependencies of
-- what it describes, and its dependency references resolve.
--
-- CycloneDX: the dependencies entry of metadata.component's bom-ref lists
-- what it depends on directly (an empty list says "none", which passes
-- only when the document lists no components), and every ref and
-- dependsOn of dependencies names a bom-ref of the document.
-- SPDX 2: the document DESCRIBES (or documentDescribes) its root(s); a
-- root CONTAINS or DEPENDS_ON packages (or they are CONTAINED_BY or a
-- *DEPENDENCY_OF it), and every element a relationship names is the
-- document, one of its packages, files or snippets, NONE, NOASSERTION or
-- an external DocumentRef-.
-- SPDX 3: an SpdxDocument root element is the "from" of a contains or
-- dependsOn relationship (references to other documents are not
-- resolved).
-- Leaves out: whether the dependencies below the top level are complete.

rule = {
  id = "sbom-dependencies",
  title = "SBOMs state the top-level dependencies of what they describe",
  severity = "medium",
  requirements = { "cra:II.1", "ir2024-2690:6.1.2" },
  evidence = { "sbom" },
  rationale = "The CRA's SBOM must cover at least the product's top-level dependencies (Annex I, Part II (1)). "
    .. "A list of components without the relationship to the product does not say which of them the product "
    .. "ships, and a reference that names nothing is a broken graph that consumers resolve differently.",
}

local text, items = vigil.text, vigil.items

local sbom_resource = vigil.sbom_name

-- One CycloneDX SBOM: status, message.
local function cyclonedx(d)
  local meta = type(d.metadata) == "table" and d.metadata or {}
  local root = type(meta.component) == "table" and text(meta.component["bom-ref"])
  if not root then
    return "fail", "metadata.component has no bom-ref: the SBOM does not say what the dependencies are of"
  end
  local refs, ncomponents = { [root] = true }, 0
  local function walk(c, depth)
    if type(c) == "table" and depth < 32 then
      ncomponents = ncomponents + 1
      if text(c["bom-ref"]) then
        refs[c["bom-ref"]] = true
      end
      for _, sub in ipairs(items(c.components)) do
        walk(sub, depth + 1)
      end
    end
  end
  for _, c in ipairs(items(d.components)) do
    walk(c, 0)
  end
  local direct, dangling = nil, {}
  local function resolve(r)
    if not refs[r] and #dangling < 5 then
      dangling[#dangling + 1] = text(r) or "(not a string)"
    end
  end
  for _, dep in ipairs(items(d.dependencies)) do
    if type(dep) == "table" then
      if dep.ref == root then
        direct = #items(dep.dependsOn)
      end
      resolve(dep.ref)
      for _, r in ipairs(items(dep.dependsOn)) do
        resolve(r)
      end
    end
  end
  if not direct then
    return "fail", "the dependencies do not list what " .. root .. " depends on"
  elseif direct == 0 and ncomponents > 0 then
    return "fail", root .. " depends on nothing, yet the document lists " .. ncomponents .. " components"
  elseif #dangling > 0 then
    return "fail", "dependencies name refs that are no bom-ref of the document: " .. table.concat(dangling, ", ")
  end
  return "pass", root .. " depends directly on " .. direct .. " of " .. ncomponents .. " components"
end

local spdx_down = { CONTAINS = true, DEPENDS_ON = true, STATIC_LINK = true, DYNAMIC_LINK = true,
  HAS_PREREQUISITE = true }
local spdx_up = { CONTAINED_BY = true, DEPENDENCY_OF = true, RUNTIME_DEPENDENCY_OF = true,
  BUILD_DEPENDENCY_OF = true, DEV_DEPENDENCY_OF = true, OPTIONAL_DEPENDENCY_OF = true,
  PROVIDED_DEPENDENCY_OF = true, TEST_DEPENDENCY_OF = true, PACKAGE_OF = true }

local function spdx2(d)
  local elements = { ["SPDXRef-DOCUMENT"] = true, NONE = true, NOASSERTION = true }
  for _, list in ipairs({ d.packages, d.files, d.snippets }) do
    for _, e in ipairs(items(list)) do
      if type(e) == "table" and text(e.SPDXID) then
        elements[e.SPDXID] = true
      end
    end
  end
  local roots, root_order = {}, {}
  local function add_root(id)
    if text(id) and not roots[id] then
      roots[id] = 0
      root_order[#root_order + 1] = id
    end
  end
  for _, id in ipairs(items(d.documentDescribes)) do
    add_root(id)
  end
  local rels = items(d.relationships)
  for _, r in ipairs(rels) do
    if type(r) == "table" and r.spdxElementId == "SPDXRef-DOCUMENT" and r.relationshipType == "DESCRIBES" then
      add_root(r.relatedSpdxElement)
    end
  end
  if #root_order == 0 then
    return "fail", "the document DESCRIBES nothing: the SBOM does not say what the dependencies are of"
  end
  local dangling = {}
  for _, r in ipairs(rels) do
    if type(r) == "table" then
      local a, b, t = text(r.spdxElementId), text(r.relatedSpdxElement), text(r.relationshipType)
      if a and b and t then
        if spdx_down[t] and roots[a] then
          roots[a] = roots[a] + 1
        elseif spdx_up[t] and roots[b] then
          roots[b] = roots[b] + 1
        end
      end
      for _, id in ipairs({ a or "", b or "" }) do
        if not elements[id] and not id:match("^DocumentRef%-") and #dangling < 5 then
          dangling[#dangling + 1] = id == "" and "(none)" or id
        end
      end
    end
  end
  local direct = 0
  for _, id in ipairs(root_order) do
    direct = direct + roots[id]
  end
  local npackages = #items(d.packages) - #root_order
  if direct == 0 and npackages > 0 then
    return "fail", table.concat(root_order, ", ") .. " contains or depends on nothing, yet the document lists "
      .. npackages .. " other packages"
  elseif #dangling > 0 then
    return "fail", "relationships name elements the document does not have: " .. table.concat(dangling, ", ")
  end
  return "pass", table.concat(root_order, ", ") .. ": " .. direct .. " direct relationship(s) to its dependencies"
end

local function spdx3(d)
  local roots, names = {}, {}
  for _, e in ipairs(items(d["@graph"])) do
    if type(e) == "table" and e.type == "SpdxDocument" then
      for _, id in ipairs(items(e.rootElement)) do
        if text(id) then
          roots[id] = true
          names[#names + 1] = id
        end
      end
    end
  end
  if #names == 0 then
    return "fail", "no SpdxDocument names a root element: the SBOM does not say what the dependencies are of"
  end
  local direct = 0
  for _, e in ipairs(items(d["@graph"])) do
    if type(e) == "table" and roots[e.from] and (e.relationshipType == "contains" or e.relationshipType == "dependsOn") then
      direct = direct + #items(e.to)
    end
  end
  if direct == 0 then
    return "fail", "no root element contains or depends on anything"
  end
  return "pass", direct .. " direct relationship(s) from the root elements"
end

function check(evidence, params, run)
  local results, order = {}, {}
  for _, doc in ipairs(evidence.sbom) do
    local d = type(doc.data) == "table" and doc.data or {}
    local status, message
    if text(d.bomFormat) == "CycloneDX" then
      status, message = cyclonedx(d)
    elseif d.spdxVersion ~= nil then
      status, message = spdx2(d)
    elseif d["@graph"] ~= nil then
      status, message = spdx3(d)
    else
      status, message = "fail", "neither CycloneDX nor SPDX"
    end
    local resource = sbom_resource(doc)
    local r = results[resource]
    if not r then
      results[resource] = { resource = resource, status = status, message = message, evidence = { doc.id } }
      order[#order + 1] = resource
    else
      r.evidence[#r.evidence + 1] = doc.id
      if status == "fail" then
        r.message = r.status == "fail" and r.message ~= message and r.message .. "; " .. message or message
        r.status = "fail"
      end
    end
  end
  local out = {}
  for _, resource in ipairs(order) do
    out[#out + 1] = results[resource]
  end
  return out
end

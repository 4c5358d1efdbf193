-- sbom-shape.lua — every SBOM has the shape its specification's JSON
-- schema requires, as far as a rule can tell.
--
-- Checked, per format:
--  - CycloneDX 1.2–1.7 JSON (bom-1.6/1.7.schema.json): bomFormat,
--    specVersion, serialNumber's pattern, version an integer from 1,
--    metadata.timestamp a date-time; every component (metadata.component
--    and components at any depth) an object with a type of the 1.6/1.7
--    enumeration and a name, its bom-ref unique in the document, its purl
--    a package URL, each licence entry a license with an id or a name, or
--    an expression; every dependency an object with a ref and a list of
--    refs;
--  - SPDX 2.x JSON (spdx-2.3-schema.json and the specification's clause
--    6): spdxVersion, dataLicense CC0-1.0, SPDXID SPDXRef-DOCUMENT, name,
--    documentNamespace, creationInfo.created a date-time and its creators
--    "Tool: ", "Organization: " or "Person: " entries; every package a
--    name, an SPDXID of the form SPDXRef-[A-Za-z0-9.-]+ unique in the
--    document, a downloadLocation; every relationship its three members,
--    with a type of the 2.3 enumeration;
--  - SPDX 3.0 JSON-LD: the @context of SPDX 3, a @graph of objects with a
--    type, spdxIds unique, and an SpdxDocument with root elements.
-- Not checked: the rest of the schemas (additionalProperties, the formats
-- and enumerations of other members, the SPDX licence list) — the sandbox
-- has no JSON Schema validator; vigil's own output is validated against
-- the official schemas by its tests, and third-party SBOMs should be in
-- the CI that makes them.  A document that is neither format is a fail.

rule = {
  id = "sbom-shape",
  title = "SBOMs have the shape of their CycloneDX or SPDX schema",
  severity = "medium",
  requirements = { "cra:II.1", "nis2:21.2.d", "ir2024-2690:6.1.2" },
  evidence = { "sbom" },
  rationale = "The CRA asks for an SBOM in a commonly used and machine-readable format (Annex I, Part II (1)); "
    .. "one that breaks its format's schema is not machine-readable by the tools that must consume it. The "
    .. "rule checks the members, patterns and enumerations a consumer depends on; the complete JSON Schema "
    .. "validation belongs in the pipeline that writes the SBOM.",
}

local text, items = vigil.text, vigil.items

local sbom_resource = vigil.sbom_name

local function set(list)
  local s = {}
  for _, v in ipairs(list) do
    s[v] = true
  end
  return s
end

local cdx_types = set({ "application", "framework", "library", "container", "platform", "operating-system",
  "device", "device-driver", "firmware", "file", "machine-learning-model", "data", "cryptographic-asset" })
local cdx_versions = set({ "1.2", "1.3", "1.4", "1.5", "1.6", "1.7" })
local spdx_relationships = set({ "VARIANT_OF", "COPY_OF", "PATCH_FOR", "TEST_DEPENDENCY_OF", "CONTAINED_BY",
  "DATA_FILE_OF", "OPTIONAL_COMPONENT_OF", "ANCESTOR_OF", "GENERATES", "CONTAINS", "OPTIONAL_DEPENDENCY_OF",
  "FILE_ADDED", "REQUIREMENT_DESCRIPTION_FOR", "DEV_DEPENDENCY_OF", "DEPENDENCY_OF", "BUILD_DEPENDENCY_OF",
  "DESCRIBES", "PREREQUISITE_FOR", "HAS_PREREQUISITE", "PROVIDED_DEPENDENCY_OF", "DYNAMIC_LINK", "DESCRIBED_BY",
  "METAFILE_OF", "DEPENDENCY_MANIFEST_OF", "PATCH_APPLIED", "RUNTIME_DEPENDENCY_OF", "TEST_OF", "TEST_TOOL_OF",
  "DEPENDS_ON", "SPECIFICATION_FOR", "FILE_MODIFIED", "DISTRIBUTION_ARTIFACT", "AMENDS", "DOCUMENTATION_OF",
  "GENERATED_FROM", "STATIC_LINK", "OTHER", "BUILD_TOOL_OF", "TEST_CASE_OF", "PACKAGE_OF", "DESCENDANT_OF",
  "FILE_DELETED", "EXPANDED_FROM_ARCHIVE", "DEV_TOOL_OF", "EXAMPLE_OF" })

-- An RFC 3339 date-time (JSON Schema "date-time"): date, time and offset,
-- which vigil.time alone does not insist on.
local function is_time(s)
  return text(s) ~= nil and s:match("^%d%d%d%d%-%d%d%-%d%d[Tt]%d%d:%d%d:%d%d") ~= nil
    and (s:match("[Zz]$") or s:match("[+-]%d%d:%d%d$")) ~= nil and vigil.time(s) ~= nil
end

local function cyclonedx(d, problem)
  if not cdx_versions[text(d.specVersion) or ""] then
    problem("specVersion " .. tostring(text(d.specVersion)) .. " is not a CycloneDX version from 1.2 to 1.7")
  end
  local h = "[0-9a-f]"
  if d.serialNumber ~= nil and not (text(d.serialNumber) or ""):match("^urn:uuid:" .. h:rep(8) .. "%-" .. h:rep(4)
      .. "%-" .. h:rep(4) .. "%-" .. h:rep(4) .. "%-" .. h:rep(12) .. "$") then
    problem("serialNumber is not urn:uuid: and a lower-case UUID")
  end
  if d.version ~= nil and not (math.type(d.version) == "integer" and d.version >= 1) then
    problem("version is not an integer from 1")
  end
  local meta = d.metadata
  if meta ~= nil and type(meta) ~= "table" then
    problem("metadata is not an object")
    meta = {}
  end
  meta = meta or {}
  if meta.timestamp ~= nil and not is_time(meta.timestamp) then
    problem("metadata.timestamp is not an RFC 3339 date-time")
  end
  local refs = {}
  local function component(c, where, depth)
    if type(c) ~= "table" or #c > 0 then
      return problem(where .. " is not an object")
    end
    if not cdx_types[text(c.type) or ""] then
      problem(where .. ": type " .. tostring(text(c.type)) .. " is not a CycloneDX component type")
    end
    if not text(c.name) then
      problem(where .. " has no name")
    end
    local ref = c["bom-ref"]
    if ref ~= nil then
      if not text(ref) then
        problem(where .. ": bom-ref is not a string")
      elseif refs[ref] then
        problem(where .. ": bom-ref " .. ref .. " is also that of " .. refs[ref])
      else
        refs[ref] = where
      end
    end
    if c.purl ~= nil and not (text(c.purl) and vigil.purl(c.purl)) then
      problem(where .. ": purl is not a package URL")
    end
    for i, l in ipairs(items(c.licenses)) do
      local lic = type(l) == "table" and l.license
      if not (type(l) == "table" and (text(l.expression)
          or (type(lic) == "table" and ((text(lic.id) ~= nil) ~= (text(lic.name) ~= nil))))) then
        problem(where .. ": licenses[" .. (i - 1) .. "] is neither a license with an id or a name nor an expression")
      end
    end
    if depth < 32 then
      for i, sub in ipairs(items(c.components)) do
        component(sub, where .. ".components[" .. (i - 1) .. "]", depth + 1)
      end
    end
  end
  if meta.component ~= nil then
    component(meta.component, "metadata.component", 0)
  end
  if d.components ~= nil and type(d.components) ~= "table" then
    problem("components is not a list")
  end
  for i, c in ipairs(items(d.components)) do
    component(c, "components[" .. (i - 1) .. "]", 0)
  end
  for i, dep in ipairs(items(d.dependencies)) do
    local ok = type(dep) == "table" and text(dep.ref)
    for _, r in ipairs(type(dep) == "table" and items(dep.dependsOn) or {}) do
      ok = ok and text(r)
    end
    if not ok then
      problem("dependencies[" .. (i - 1) .. "] is not a ref with a list of refs")
    end
  end
end

local function spdx2(d, problem)
  if not (text(d.spdxVersion) or ""):match("^SPDX%-2%.%d$") then
    problem("spdxVersion " .. tostring(text(d.spdxVersion)) .. " is not SPDX-2.x")
  end
  if d.dataLicense ~= "CC0-1.0" then
    problem("dataLicense is not CC0-1.0")
  end
  if d.SPDXID ~= "SPDXRef-DOCUMENT" then
    problem("SPDXID is not SPDXRef-DOCUMENT")
  end
  if not text(d.name) then
    problem("the document has no name")
  end
  if not text(d.documentNamespace) then
    problem("the document has no documentNamespace")
  end
  local info = type(d.creationInfo) == "table" and d.creationInfo or {}
  if not is_time(info.created) then
    problem("creationInfo.created is not an RFC 3339 date-time")
  end
  local creators = items(info.creators)
  if #creators == 0 then
    problem("creationInfo.creators is empty")
  end
  for i, c in ipairs(creators) do
    local s = text(c) or ""
    if not (s:match("^Tool: .") or s:match("^Organization: .") or s:match("^Person: .")) then
      problem("creationInfo.creators[" .. (i - 1) .. "] is not Tool:, Organization: or Person:")
    end
  end
  local ids = {}
  for i, p in ipairs(items(d.packages)) do
    local where = "packages[" .. (i - 1) .. "]"
    if type(p) ~= "table" then
      problem(where .. " is not an object")
    else
      local id = text(p.SPDXID)
      if not (id and id:match("^SPDXRef%-[%w%.%-]+$")) then
        problem(where .. ": SPDXID " .. tostring(id) .. " is not SPDXRef- and letters, digits, '.' or '-'")
      elseif ids[id] then
        problem(where .. ": SPDXID " .. id .. " is also that of " .. ids[id])
      else
        ids[id] = where
      end
      if not text(p.name) then
        problem(where .. " has no name")
      end
      if not text(p.downloadLocation) then
        problem(where .. " has no downloadLocation")
      end
    end
  end
  for i, r in ipairs(items(d.relationships)) do
    if not (type(r) == "table" and text(r.spdxElementId) and text(r.relatedSpdxElement)
        and spdx_relationships[text(r.relationshipType) or ""]) then
      problem("relationships[" .. (i - 1) .. "] lacks an element, a related element or an SPDX 2.3 type")
    end
  end
end

local function spdx3(d, problem)
  if not (text(d["@context"]) or ""):match("^https://spdx%.org/rdf/3%.") then
    problem("@context is not that of SPDX 3")
  end
  local graph = items(d["@graph"])
  if #graph == 0 then
    problem("@graph is empty")
  end
  local ids, document = {}, false
  for i, e in ipairs(graph) do
    local where = "@graph[" .. (i - 1) .. "]"
    if type(e) ~= "table" or not text(e.type) then
      problem(where .. " is not an object with a type")
    else
      if e.spdxId ~= nil then
        if not text(e.spdxId) then
          problem(where .. ": spdxId is not a string")
        elseif ids[e.spdxId] then
          problem(where .. ": spdxId " .. e.spdxId .. " is also that of " .. ids[e.spdxId])
        else
          ids[e.spdxId] = where
        end
      end
      if e.type == "SpdxDocument" and #items(e.rootElement) > 0 then
        document = true
      end
    end
  end
  if not document then
    problem("no SpdxDocument with root elements")
  end
end

function check(evidence, params, run)
  local results, order = {}, {}
  for _, doc in ipairs(evidence.sbom) do
    local d = type(doc.data) == "table" and doc.data or {}
    local problems = {}
    local function problem(p)
      problems[#problems + 1] = p
    end
    if text(d.bomFormat) == "CycloneDX" then
      cyclonedx(d, problem)
    elseif d.spdxVersion ~= nil then
      spdx2(d, problem)
    elseif d["@graph"] ~= nil then
      spdx3(d, problem)
    else
      problem("neither CycloneDX (bomFormat) nor SPDX (spdxVersion, or an SPDX 3 @graph)")
    end
    local resource = sbom_resource(doc)
    local r = results[resource]
    if not r then
      r = { resource = resource, problems = {}, evidence = {}, docs = 0 }
      results[resource] = r
      order[#order + 1] = resource
    end
    r.docs = r.docs + 1
    r.evidence[#r.evidence + 1] = doc.id
    for _, p in ipairs(problems) do
      r.problems[#r.problems + 1] = p
    end
  end
  local out = {}
  for _, resource in ipairs(order) do
    local r = results[resource]
    local n = #r.problems
    if n == 0 then
      out[#out + 1] = { resource = resource, status = "pass", evidence = r.evidence,
        message = r.docs == 1 and "the shape its schema requires" or r.docs .. " documents of the shape their schema requires" }
    else
      local shown = table.concat(r.problems, "; ", 1, math.min(n, 5))
      out[#out + 1] = { resource = resource, status = "fail", evidence = r.evidence,
        message = n .. " problem(s): " .. shown .. (n > 5 and "; …" or "") }
    end
  end
  return out
end

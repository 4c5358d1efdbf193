-- kev-not-affected.lua — no vulnerability of CISA's Known Exploited
-- Vulnerabilities catalogue (KEV) stays open without a VEX statement that
-- the component is not affected.
--
-- Reads vigil scans (docs/scan-json.md: findings[].kev, id, ids,
-- component, suppressed, analysis; target.digest, target.imageID) and VEX
-- documents the way `vigil scan --vex` applies them (src/vex/vex.c):
-- OpenVEX 0.2.0 statements (vulnerability name, @id and aliases; products
-- and their subcomponents by @id or identifiers.purl; status; time from
-- last_updated, timestamp, then the document's) and the vulnerabilities of
-- a CycloneDX VEX (id and references[].id; analysis.state, not_affected
-- and false_positive meaning not affected; affects[].ref, a bom-ref of the
-- document's components or a purl; time from analysis.lastUpdated,
-- firstIssued, the vulnerability's updated, published, then
-- metadata.timestamp).  A statement with subcomponents applies to a
-- finding whose component purl a subcomponent matches; one without, to a
-- finding whose purl the product matches or when the product is the
-- scanned image (pkg:oci/…@DIGEST).  A purl matches when type, namespace
-- and name are equal and the version, subpath and qualifiers it gives are
-- the component's.  Of the statements about one of the finding's ids, the
-- latest applies (ties: the later one given); without any, a not_affected
-- analysis the scan itself took from a VEX file (analysis.by "vex:…")
-- counts.  An --ignore entry of the scan does not: accepting a risk is a
-- waiver, with an owner and an expiry.
-- Leaves out: products named by hashes or CPEs, BOM-Links, CycloneDX
-- affects[].versions.

rule = {
  id = "kev-not-affected",
  title = "No KEV-listed vulnerability without a not_affected VEX statement",
  severity = "critical",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.10.2", "ir2024-2690:6.10.3", "cra:I.2.a" },
  evidence = { "scan", "vex" },
  optional = { "vex" },
  rationale = "A vulnerability in CISA's KEV catalogue is being exploited now: it must be fixed without delay "
    .. "(Implementing Regulation 2024/2690, 6.10.2) and a product must not ship with it (CRA Annex I, Part I "
    .. "(2)(a)), unless the vendor states with a justification that the component is not affected. Only a "
    .. "not_affected statement counts: fixed or resolved means the scanned version disagrees with the "
    .. "statement, and an ignore entry is a risk acceptance that belongs in a waiver.",
}

local text, items = vigil.text, vigil.items

-- Appends the strings among the values to list.
local function push(list, ...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if text(v) then
      list[#list + 1] = v
    end
  end
  return list
end

-- The members of an evidence list whose member at path is present and not
-- null (vigil.where, which searches in C), or {} when it is no list.
local function listed(list, path)
  return type(list) == "table" and #list > 0 and vigil.where(list, path) or {}
end

-- Seconds since the epoch of an RFC 3339 time, or nil.
local function seconds(s)
  return text(s) and vigil.time(s) or nil
end

local function purl_matches(pattern, purl)
  if not pattern or not purl then
    return false
  end
  if pattern:sub(1, 4):lower() ~= "pkg:" then
    return pattern == purl
  end
  local p, c = vigil.purl(pattern), vigil.purl(purl)
  if not p or not c or p.type ~= c.type or p.namespace ~= c.namespace or p.name ~= c.name
      or (p.version and p.version ~= c.version) or (p.subpath and p.subpath ~= c.subpath) then
    return false
  end
  for key, value in pairs(p.qualifiers) do
    if c.qualifiers[key] ~= value then
      return false
    end
  end
  return true
end

-- The statements of all VEX documents, in the order given: {ids (lower-case
-- set), names (of the product or subcomponent), sub (true for a
-- subcomponent), status, time, doc}.
local function statements(vex)
  local out = {}
  local function add(ids, names, sub, status, time, doc)
    out[#out + 1] = { ids = ids, names = names, sub = sub, status = status, time = time or -math.huge, doc = doc }
  end
  local function idset(list)
    local set = {}
    for _, id in ipairs(list) do
      set[id:lower()] = true
    end
    return set
  end
  local function names_of(p)
    local ids = type(p.identifiers) == "table" and p.identifiers or {}
    return push({}, p["@id"], ids.purl)
  end
  for _, doc in ipairs(vex) do
    local d = type(doc.data) == "table" and doc.data or {}
    if text(d.bomFormat) == "CycloneDX" then
      local refs, meta = {}, type(d.metadata) == "table" and d.metadata or {}
      local function walk(c, depth)
        if type(c) == "table" and depth < 32 then
          if text(c["bom-ref"]) and text(c.purl) then
            refs[c["bom-ref"]] = c.purl
          end
          for _, sub in ipairs(items(c.components)) do
            walk(sub, depth + 1)
          end
        end
      end
      walk(meta.component, 0)
      for _, c in ipairs(items(d.components)) do
        walk(c, 0)
      end
      local states = { not_affected = "not_affected", false_positive = "not_affected", resolved = "fixed",
                       resolved_with_pedigree = "fixed", exploitable = "affected", in_triage = "under_investigation" }
      for _, v in ipairs(items(d.vulnerabilities)) do
        local a = type(v) == "table" and type(v.analysis) == "table" and v.analysis or {}
        local status = states[text(a.state) or ""]
        if status then
          local ids = push({}, v.id)
          for _, r in ipairs(items(v.references)) do
            push(ids, type(r) == "table" and r.id)
          end
          local time = seconds(a.lastUpdated) or seconds(a.firstIssued) or seconds(v.updated)
            or seconds(v.published) or seconds(meta.timestamp)
          for _, affects in ipairs(items(v.affects)) do
            local ref = type(affects) == "table" and text(affects.ref)
            local purl = ref and (refs[ref] or (ref:sub(1, 4) == "pkg:" and ref))
            if purl then
              add(idset(ids), { purl }, false, status, time, doc)
            end
          end
        end
      end
    else
      local dtime = seconds(d.last_updated) or seconds(d.timestamp)
      for _, s in ipairs(items(d.statements)) do
        if type(s) == "table" and text(s.status) then
          local v = type(s.vulnerability) == "table" and s.vulnerability or {}
          local ids = push({}, v.name, v["@id"])
          for _, alias in ipairs(items(v.aliases)) do
            push(ids, alias)
          end
          local time = seconds(s.last_updated) or seconds(s.timestamp) or dtime
          for _, p in ipairs(items(s.products)) do
            if type(p) == "table" then
              local subs = items(p.subcomponents)
              for _, sub in ipairs(subs) do
                if type(sub) == "table" then
                  add(idset(ids), names_of(sub), true, s.status, time, doc)
                end
              end
              if #subs == 0 then
                add(idset(ids), names_of(p), false, s.status, time, doc)
              end
            end
          end
        end
      end
    end
  end
  return out
end

-- Whether statement s is about the finding's component (or image).
local function applies(s, purl, target)
  for _, name in ipairs(s.names) do
    if purl_matches(name, purl) then
      return true
    end
    if not s.sub and name:sub(1, 8):lower() == "pkg:oci/" then
      local p = vigil.purl(name)
      if p and p.version and (p.version == text(target.digest) or p.version == text(target.imageID)) then
        return true
      end
    end
  end
  return false
end

-- The latest statement about the finding, or nil.
local function latest(all, f, purl, target)
  local ids = push({}, f.id)
  for _, id in ipairs(items(f.ids)) do
    push(ids, id)
  end
  local best
  for _, s in ipairs(all) do
    local about = false
    for _, id in ipairs(ids) do
      about = about or s.ids[id:lower()] or false
    end
    if about and (not best or s.time >= best.time) and applies(s, purl, target) then
      best = s
    end
  end
  return best
end

function check(evidence, params, run)
  local all = statements(evidence.vex)
  local results, order, targets, target_order = {}, {}, {}, {}
  local function judge(resource, status, message, doc_ids)
    local r = results[resource]
    if not r then
      r = { resource = resource, status = status, message = message, evidence = {} }
      results[resource] = r
      order[#order + 1] = resource
    elseif status == "fail" and r.status == "pass" then
      r.status, r.message = status, message
    end
    for _, id in ipairs(doc_ids) do
      local seen = false
      for _, have in ipairs(r.evidence) do
        seen = seen or have == id
      end
      if not seen then
        r.evidence[#r.evidence + 1] = id
      end
    end
  end
  for _, doc in ipairs(evidence.scan) do
    local d = type(doc.data) == "table" and doc.data or {}
    local target = type(d.target) == "table" and d.target or {}
    local name = text(target.name) or doc.path
    local t = targets[name]
    if not t then
      t = { kev = false, docs = {}, findings = 0 }
      targets[name] = t
      target_order[#target_order + 1] = name
    end
    t.docs[#t.docs + 1] = doc.id
    t.bad = t.bad or type(d.findings) ~= "table"
    t.findings = t.findings + #items(d.findings)
    for _, f in ipairs(listed(d.findings, "kev")) do
      if type(f) == "table" and type(f.kev) == "table" and text(f.id) then
        t.kev = true
        local c = type(f.component) == "table" and f.component or {}
        local purl = text(c.purl)
        local what = string.format("%s (in KEV since %s, due %s) in %s %s", f.id, text(f.kev.dateAdded) or "?",
          text(f.kev.dueDate) or "?", text(c.name) or "?", text(c.version) or "?")
        local resource = f.id .. " " .. (purl and purl:match("^[^?#]*") or (text(c.name) or "?") .. "@" .. (text(c.version) or "?"))
        local s = latest(all, f, purl, target)
        local a = type(f.analysis) == "table" and f.analysis or {}
        if s and s.status == "not_affected" then
          judge(resource, "pass", what .. ": not_affected per " .. s.doc.path, { doc.id, s.doc.id })
        elseif s then
          judge(resource, "fail", what .. ": the latest VEX statement (" .. s.doc.path .. ") says " .. s.status,
            { doc.id, s.doc.id })
        elseif f.suppressed == true and a.state == "not_affected" and (text(a.by) or ""):sub(1, 4) == "vex:" then
          judge(resource, "pass", what .. ": not_affected per the VEX the scan applied (" .. a.by:sub(5) .. ")",
            { doc.id })
        else
          local ignored = f.suppressed == true and (text(a.by) or ""):sub(1, 7) == "ignore:"
          judge(resource, "fail", what .. ": no VEX statement says not_affected"
            .. (ignored and " (an ignore entry of the scan does not count: use a waiver)" or ""), { doc.id })
        end
      end
    end
  end
  local out = {}
  for _, resource in ipairs(order) do
    out[#out + 1] = results[resource]
  end
  for _, name in ipairs(target_order) do
    local t = targets[name]
    if t.bad and not results[name] then
      out[#out + 1] = { resource = name, status = "fail", evidence = t.docs, message = "a scan has no list of findings" }
    elseif not t.kev and not results[name] then
      out[#out + 1] = { resource = name, status = "pass", evidence = t.docs,
        message = string.format("no KEV-listed finding among %d", t.findings) }
    end
  end
  return out
end

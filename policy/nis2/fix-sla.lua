-- fix-sla.lua — no finding with a fix available stays open longer than the
-- remediation time allowed for its severity.
--
-- Reads vigil scans (docs/scan-json.md: findings[].id, severity, fixState,
-- fixedVersions, suppressed, analysis.by, component; timestamp) and the
-- inventory (docs/store.md: assets[].name and their open findings, id,
-- purl, severity, fix_state, fixed_versions, suppressed, first_seen).
-- A finding is open when it is not suppressed by a VEX statement (an
-- --ignore entry does not close it: accepting a risk is a waiver) and,
-- in the inventory, not fixed.  It is fixable when a fixed version exists
-- (fixState "fixed").  Its age runs from its first-seen time in the
-- inventory — the earliest among the inventory's findings of the same
-- vulnerability and package (type, namespace, name) — and, when the
-- inventory has none, from the time of the scan that found it, which
-- gives a lower bound: the message says which.  Findings are one
-- resource per vulnerability and package version, whatever scans or
-- assets show them; a target or asset with no fixable finding under an
-- SLA passes as a whole.
-- Leaves out: when the fix was published (the SLA runs from first sight,
-- as the inventory records it).

rule = {
  id = "fix-sla",
  title = "No fixable finding open longer than the SLA of its severity",
  severity = "high",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.6.1", "ir2024-2690:6.10.2", "cra:II.2" },
  evidence = { "scan", "inventory" },
  optional = { "scan", "inventory" },
  params = { sla_days_critical = 15, sla_days_high = 30, sla_days_medium = 0, sla_days_low = 0 },
  rationale = "Patches must be applied within a reasonable time (Implementing Regulation 2024/2690, 6.6.1), "
    .. "critical vulnerabilities addressed without undue delay (6.10.2) and a product's vulnerabilities "
    .. "remediated without delay (CRA Annex I, Part II (2)). A finding whose fix exists and that stays open "
    .. "past the days allowed for its severity shows that this is not happening. The defaults are those of "
    .. "CISA BOD 19-02 (15 days critical, 30 high); 0 leaves a severity out.",
}

local text, items = vigil.text, vigil.items

-- The findings of a scan whose fixState is "fixed" (vigil.where searches
-- in C), or {} when it has no list of findings.
local function fixable(list)
  return type(list) == "table" and #list > 0 and vigil.where(list, "fixState", "fixed") or {}
end

-- "type/namespace/name" of a purl: the package a finding's history follows.
local function package_of(purl)
  local p = text(purl) and vigil.purl(purl)
  return p and (p.type .. "/" .. (p.namespace or "") .. "/" .. p.name) or nil
end

-- The fixed versions, a list (scan) or a string (inventory), as text.
local function versions(list)
  if type(list) == "string" then
    return list
  end
  local out = {}
  for _, v in ipairs(items(list)) do
    out[#out + 1] = text(v)
  end
  return table.concat(out, ", ")
end

function check(evidence, params, run)
  local sla = { critical = params.sla_days_critical, high = params.sla_days_high,
                medium = params.sla_days_medium, low = params.sla_days_low }
  if #evidence.scan == 0 and #evidence.inventory == 0 then
    return { { resource = "*", status = "skip", reason = "no evidence of kind scan or inventory" } }
  end
  -- first: the earliest first-seen time of the inventory's open findings,
  -- by vulnerability and package; open: the findings judged, by resource.
  local first, open, order = {}, {}, {}
  local function note(resource, f)
    local o = open[resource]
    if not o then
      o = { resource = resource, severity = f.severity, fixed = f.fixed, evidence = {}, id = f.id, purl = f.purl }
      open[resource] = o
      order[#order + 1] = resource
    end
    if not o.since or (f.since and f.since < o.since) then
      o.since, o.from = f.since, f.from
    end
    if o.evidence[#o.evidence] ~= f.doc then
      o.evidence[#o.evidence + 1] = f.doc
    end
  end
  -- Targets and assets, with whether any of their findings is judged.
  local wholes, whole_order = {}, {}
  local function whole(name, doc_id, any, findings)
    local w = wholes[name]
    if not w then
      w = { evidence = {}, any = false, bad = false }
      wholes[name] = w
      whole_order[#whole_order + 1] = name
    end
    w.evidence[#w.evidence + 1] = doc_id
    w.any = w.any or any
    w.bad = w.bad or type(findings) ~= "table"
  end
  for _, doc in ipairs(evidence.inventory) do
    local d = type(doc.data) == "table" and doc.data or {}
    for _, asset in ipairs(items(d.assets)) do
      if type(asset) == "table" then
        local any = false
        for _, f in ipairs(items(asset.findings)) do
          local pkg = type(f) == "table" and package_of(f.purl)
          local since = pkg and text(f.first_seen) and vigil.time(f.first_seen)
          if pkg and text(f.id) and since and not text(f.fixed) and f.suppressed ~= true then
            local key = f.id:lower() .. " " .. pkg
            if not first[key] or since < first[key].time then
              first[key] = { time = since, text = f.first_seen }
            end
            if f.fix_state == "fixed" and (sla[text(f.severity) or ""] or 0) > 0 then
              any = true
              note(f.id .. " " .. f.purl:match("^[^?#]*"), { id = f.id, purl = f.purl, severity = f.severity,
                fixed = versions(f.fixed_versions), doc = doc.id })
            end
          end
        end
        if text(asset.name) then
          whole(asset.name, doc.id, any, asset.findings)
        end
      end
    end
  end
  for _, doc in ipairs(evidence.scan) do
    local d = type(doc.data) == "table" and doc.data or {}
    local scanned = text(d.timestamp) and vigil.time(d.timestamp)
    local any = false
    for _, f in ipairs(fixable(d.findings)) do
      if type(f) == "table" and (sla[text(f.severity) or ""] or 0) > 0 and text(f.id) then
        local c = type(f.component) == "table" and f.component or {}
        local a = type(f.analysis) == "table" and f.analysis or {}
        local by_vex = f.suppressed == true and (text(a.by) or ""):sub(1, 4) == "vex:"
        if text(c.purl) and not by_vex then
          any = true
          note(f.id .. " " .. c.purl:match("^[^?#]*"), { id = f.id, purl = c.purl, severity = f.severity,
            fixed = versions(f.fixedVersions), doc = doc.id, since = scanned, from = scanned and d.timestamp })
        end
      end
    end
    whole(type(d.target) == "table" and text(d.target.name) or doc.path, doc.id, any, d.findings)
  end
  local out = {}
  for _, resource in ipairs(order) do
    local o = open[resource]
    local days = sla[o.severity]
    local pkg = next(first) and package_of(o.purl)
    local seen = pkg and first[o.id:lower() .. " " .. pkg]
    local since, how
    if seen then
      since, how = seen.time, "first seen " .. seen.text .. " (inventory)"
    elseif o.since then
      since = o.since
      how = "open since at least " .. o.from .. " (the scan's time: "
        .. (#evidence.inventory > 0 and "the inventory has no first-seen time for it)" or "no inventory evidence)")
    end
    local result = { resource = resource, evidence = o.evidence }
    if not since then
      result.status, result.message = "fail", o.severity .. ", fixed in " .. o.fixed
        .. ": no time tells since when it is open (no first-seen time, a scan without timestamp)"
    else
      local age = vigil.days_between(since, run.now)
      result.status = age > days and "fail" or "pass"
      result.message = string.format("%s, fixed in %s, %s: open %.1f days, SLA %g days", o.severity, o.fixed, how,
        age, days)
    end
    out[#out + 1] = result
  end
  for _, name in ipairs(whole_order) do
    if wholes[name].bad and not open[name] then
      out[#out + 1] = { resource = name, status = "fail", evidence = wholes[name].evidence,
        message = "its evidence has no list of findings" }
    elseif not wholes[name].any and not open[name] then
      out[#out + 1] = { resource = name, status = "pass", evidence = wholes[name].evidence,
        message = "no open fixable finding of a severity with an SLA" }
    end
  end
  return out
end

-- end-of-life.lua — no installed package is one whose distribution has
-- stopped fixing it.
--
-- Reads vigil scans (docs/scan-json.md): a finding whose fixState is
-- "end-of-life" — the Debian security tracker's <end-of-life> status: the
-- package is no longer supported in that release and gets no more
-- security fixes.  One resource per package (purl without qualifiers)
-- with such a finding, naming its vulnerabilities; a target without any
-- passes as a whole.
-- Leaves out: end-of-life dates of whole releases and of language
-- runtimes — no data vigil reads gives them, so an old release whose
-- packages the feed still lists is not caught here (see scan-coverage for
-- releases the feed no longer knows).

rule = {
  id = "end-of-life",
  title = "No package whose distribution no longer fixes it",
  severity = "high",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.6.1", "cra:I.2.c" },
  evidence = { "scan" },
  rationale = "Patches must come in reasonable time (Implementing Regulation 2024/2690, 6.6.1) and a product's "
    .. "vulnerabilities must be fixable by security updates (CRA Annex I, Part I (2)(c)). A package marked "
    .. "end-of-life by its distribution gets no more security updates: each new vulnerability stays open.",
}

local text = vigil.text

function check(evidence, params, run)
  local packages, order, targets, target_order = {}, {}, {}, {}
  for _, doc in ipairs(evidence.scan) do
    local d = type(doc.data) == "table" and doc.data or {}
    local name = type(d.target) == "table" and text(d.target.name) or doc.path
    local t = targets[name]
    if not t then
      t = { evidence = {}, eol = false }
      targets[name] = t
      target_order[#target_order + 1] = name
    end
    t.evidence[#t.evidence + 1] = doc.id
    t.bad = t.bad or type(d.findings) ~= "table"
    local list = type(d.findings) == "table" and #d.findings > 0 and d.findings
    for _, f in ipairs(list and vigil.where(list, "fixState", "end-of-life") or {}) do
      if type(f) == "table" then
        t.eol = true
        local c = type(f.component) == "table" and f.component or {}
        local resource = text(c.purl) and c.purl:match("^[^?#]*")
          or (text(c.name) or "(no name)") .. "@" .. (text(c.version) or "(no version)")
        local p = packages[resource]
        if not p then
          p = { ids = {}, evidence = {} }
          packages[resource] = p
          order[#order + 1] = resource
        end
        p.ids[#p.ids + 1] = text(f.id) or "?"
        if p.evidence[#p.evidence] ~= doc.id then
          p.evidence[#p.evidence + 1] = doc.id
        end
      end
    end
  end
  local out = {}
  for _, resource in ipairs(order) do
    local p = packages[resource]
    out[#out + 1] = { resource = resource, status = "fail", evidence = p.evidence,
      message = string.format("end-of-life in its distribution: %d vulnerabilit%s will not be fixed (%s)", #p.ids,
        #p.ids == 1 and "y" or "ies", table.concat(p.ids, ", ", 1, math.min(#p.ids, 10)) .. (#p.ids > 10 and ", …" or "")) }
  end
  for _, name in ipairs(target_order) do
    if targets[name].bad and not packages[name] then
      out[#out + 1] = { resource = name, status = "fail", evidence = targets[name].evidence,
        message = "a scan has no list of findings" }
    elseif not targets[name].eol and not packages[name] then
      out[#out + 1] = { resource = name, status = "pass", evidence = targets[name].evidence,
        message = "no end-of-life package among its findings" }
    end
  end
  return out
end

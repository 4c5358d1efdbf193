-- scan-coverage.lua — every component of a scanned target was really
-- compared with vulnerability data.
--
-- Reads vigil scans (docs/scan-json.md, "Coverage"): summary.components,
-- componentsUnchecked and notChecked (one entry per cause: type, status,
-- reason, count).  Statuses checked, via-os-package and self count as
-- covered; partial, unknown-os, unsupported-os, no-data, no-ecosystem,
-- no-version and bad-version do not.  One resource per target, judged by
-- its newest scan.
-- Leaves out: whether the vulnerability data itself is complete.

rule = {
  id = "scan-coverage",
  title = "Every component of a scanned target was checked against vulnerability data",
  severity = "medium",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.10.1", "cra:II.1" },
  evidence = { "scan" },
  rationale = "Vulnerability information must be obtained for the entity's own systems (Implementing Regulation "
    .. "2024/2690, 6.10.1) and a product's vulnerabilities identified (CRA Annex I, Part II (1)). A component "
    .. "that no feed covers, whose distribution is unknown or whose version cannot be read has not been "
    .. "checked at all, and a clean scan of it says nothing.",
}

local text = vigil.text

-- The target a scan describes, and the scan's time.
local function scan_target(d)
  return type(d.target) == "table" and text(d.target.name) or nil, text(d.timestamp) or false
end

function check(evidence, params, run)
  local out = {}
  for _, n in ipairs(vigil.newest(evidence.scan, scan_target)) do
    local name = n.resource
    local s = type(n.doc.data) == "table" and type(n.doc.data.summary) == "table" and n.doc.data.summary or {}
    local total, unchecked = s.components, s.componentsUnchecked
    local result = { resource = name, evidence = n.evidence }
    if math.type(total) ~= "integer" or math.type(unchecked) ~= "integer" then
      result.status, result.message = "fail", "the scan does not say how many components it checked"
    elseif unchecked == 0 then
      result.status, result.message = "pass", "all " .. total .. " components checked"
    else
      local causes = {}
      for _, c in ipairs(type(s.notChecked) == "table" and s.notChecked or {}) do
        if type(c) == "table" then
          causes[#causes + 1] = string.format("%s %s %s: %s", tostring(c.count), text(c.type) or "?",
            text(c.status) or "?", text(c.reason) or "?")
        end
      end
      result.status = "fail"
      result.message = string.format("%d of %d components not checked (%s)", unchecked, total,
        table.concat(causes, "; "))
    end
    out[#out + 1] = result
  end
  return out
end

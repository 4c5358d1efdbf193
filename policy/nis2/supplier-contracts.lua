-- supplier-contracts.lua — every supplier of high or critical criticality
-- has a contract with the required security clauses, and an assessment
-- that is current.
--
-- Reads `vigil supplier risk -o json` documents (kind supplier-risk;
-- docs/supplier-risk.md, "The risk document"), each store (its `target`)
-- judged by its newest document, at the document's `at` date: per
-- supplier its `criticality`, `supplies`, `own` and `contract`
-- (`missing_clauses`, the clauses the score found missing or too weak —
-- incident notification beyond [supplier] max_incident_hours, a fix time
-- beyond max_fix_days — and `assessment`: date, result, next_due).  A
-- supplier whose criticality is at least supplier_criticality fails when
-- a clause of supplier_clauses is missing (sbom_delivery only for suppliers
-- of software), when no assessment is recorded, when its next_due is
-- before `at`, or when its result is fail; a conditional result passes,
-- and says so.  Our own organisation (`own`) and suppliers below the
-- criticality are not applicable.  A document that lists anything it did
-- not check (`unchecked`) gives no pass: those results skip, naming what
-- was not checked (nothing tells which supplier it concerns).  A supplier
-- named in the documents of several stores is one result, the worst.
-- Leaves out: certifications (scored by the risk document's contract
-- factor), whether the clauses are honoured, and how old the document is.

rule = {
  id = "supplier-contracts",
  title = "Every high or critical supplier has the required security clauses and a current assessment",
  severity = "high",
  requirements = { "nis2:21.2.d", "nis2:21.3", "ir2024-2690:5.1.4", "ir2024-2690:5.1.6" },
  evidence = { "supplier-risk" },
  params = {
    supplier_criticality = "high",
    supplier_clauses = { "incident_notification", "vulnerability_disclosure", "fix_days", "right_to_audit",
                         "subcontractor_notification", "sbom_delivery" },
  },
  rationale = "Contracts with direct suppliers must specify security requirements, incident notification, "
    .. "the right to audit, vulnerability handling and sub-contracting (Implementing Regulation 2024/2690, "
    .. "5.1.4), and suppliers' security practices must be reviewed at planned intervals (5.1.6; NIS2 Article "
    .. "21(2)(d) and 21(3)). A supplier that matters (criticality at or above supplier_criticality) without "
    .. "one of the clauses of supplier_clauses, or whose last assessment is missing, overdue or failed, is "
    .. "not under the control these points ask for. sbom_delivery applies to suppliers of software only.",
}

local text, items = vigil.text, vigil.items
local RANK = { low = 1, medium = 2, high = 3, critical = 4 }
local CLAUSES = { incident_notification = true, vulnerability_disclosure = true, fix_days = true,
                  sbom_delivery = true, right_to_audit = true, subcontractor_notification = true }

-- status and text of one supplier s of a document made at the date at.
local function judge(s, at, params)
  local crit = text(s.criticality)
  if s.own == true then
    return "not_applicable", "our own organisation (own)"
  elseif not RANK[crit or ""] then
    return "skip", "no criticality in the document"
  elseif RANK[crit] < RANK[params.supplier_criticality] then
    return "not_applicable", "criticality " .. crit .. ", below " .. params.supplier_criticality
  end
  local c = s.contract
  if type(c) ~= "table" or type(c.missing_clauses) ~= "table" then
    return "skip", "the document does not say which clauses the contract holds (contract.missing_clauses)"
  end
  local missing, bad = {}, {}
  for _, name in ipairs(items(c.missing_clauses)) do
    if not CLAUSES[name] then
      return "skip", "the document names a clause vigil does not know: " .. tostring(name)
    end
    missing[name] = true
  end
  local software = s.supplies ~= "services"
  local lacking = {}
  for _, name in ipairs(params.supplier_clauses) do
    if missing[name] and (software or name ~= "sbom_delivery") then
      lacking[#lacking + 1] = name
    end
  end
  if #lacking > 0 then
    bad[#bad + 1] = "missing clauses: " .. table.concat(lacking, ", ")
  end
  local a, said = c.assessment, nil
  if type(a) ~= "table" then
    bad[#bad + 1] = "no assessment recorded"
  else
    local due = text(a.next_due) and vigil.time(a.next_due)
    if not due or not text(a.date) or not text(a.result) then
      return "skip", "the assessment in the document has no date, result or next_due"
    end
    said = "assessed " .. a.date .. " (" .. a.result .. "), next due " .. a.next_due
    if due < at then
      bad[#bad + 1] = "assessment overdue: " .. said
    elseif a.result == "fail" then
      bad[#bad + 1] = "the last assessment failed: " .. said
    end
  end
  if #bad > 0 then
    return "fail", table.concat(bad, "; ")
  end
  return "pass", "criticality " .. crit .. ": the " .. #params.supplier_clauses .. " required clauses held"
    .. (software and "" or " (sbom_delivery not asked of a services supplier)") .. "; " .. said
end

function check(evidence, params, run)
  if not RANK[params.supplier_criticality] then
    error("supplier_criticality: " .. tostring(params.supplier_criticality) .. " is none of low, medium, high, critical")
  end
  for i, name in ipairs(params.supplier_clauses) do
    if not CLAUSES[name] then
      error("supplier_clauses: entry " .. i .. " (" .. tostring(name) .. ") is none of incident_notification, "
        .. "vulnerability_disclosure, fix_days, sbom_delivery, right_to_audit, subcontractor_notification")
    end
  end
  local out = {}
  local function put(resource, status, said, ids)
    out[#out + 1] = { resource = resource, status = status, message = said, evidence = ids }
  end
  for _, n in ipairs(vigil.newest(evidence["supplier-risk"], function(d) return text(d.target) end)) do
    local d = type(n.doc.data) == "table" and n.doc.data or {}
    local at = text(d.at) and vigil.time(d.at)
    if not at or type(d.suppliers) ~= "table" then
      put(n.resource, "skip", "not a risk document vigil can read: no date at, or no list of suppliers", n.evidence)
    else
      local unchecked = {}
      for _, u in ipairs(items(d.unchecked)) do
        unchecked[#unchecked + 1] = type(u) == "table" and (tostring(u.what) .. ": " .. tostring(u.reason)) or "?"
      end
      for _, s in ipairs(d.suppliers) do
        if type(s) == "table" and text(s.name) then
          local status, said = judge(s, at, params)
          if status == "pass" and #unchecked > 0 then
            status, said = "skip", said .. "; but the document did not check everything: " .. table.concat(unchecked, "; ")
          end
          put(s.name, status, said, n.evidence)
        end
      end
    end
  end
  return vigil.worst(out) -- one result per supplier or store, the worst
end

-- supplier-risk-accepted.lua — no component from a supplier whose risk
-- level is at or above the threshold is used without a recorded, current
-- acceptance of that risk.
--
-- Reads `vigil supplier risk -o json` documents (kind supplier-risk;
-- docs/supplier-risk.md, "The risk document"), each store (its `target`)
-- judged by its newest document: per supplier its `level` (from its score
-- and the document's `levels`) and `unaccepted`, the attributed components
-- no acceptance of the register covers at the document's `at` (an
-- acceptance's `until` not passed).  A supplier at or above
-- supplier_risk_level fails when `unaccepted` names any component, and
-- passes when it is empty.  `unaccepted` is written only for suppliers at
-- or above the [supplier] accept_level the document was made with: a
-- supplier at or above supplier_risk_level without it means that the
-- document was made with a higher accept_level, and skips (it is not known
-- whether its components were accepted).  A supplier below the level
-- passes.  Our own organisation (`own`) is not applicable.  A document that
-- lists anything it did not check (`unchecked`: an SBOM or evidence file
-- the score could not read, which can lower a score) gives no pass: those
-- results skip, naming what was not checked.  A supplier named in the
-- documents of several stores is one result, the worst.
-- Leaves out: who accepted and why (the register holds it), and whether an
-- acceptance was still justified.

rule = {
  id = "supplier-risk-accepted",
  title = "No component from a supplier at or above the risk threshold without a recorded acceptance",
  severity = "high",
  requirements = { "nis2:21.3", "ir2024-2690:5.1.7" },
  evidence = { "supplier-risk" },
  params = { supplier_risk_level = "high" },
  rationale = "Entities must weigh the vulnerabilities and practices of each direct supplier (NIS2 Article "
    .. "21(3)) and act on the risks that changes in supplied products and services bring (Implementing "
    .. "Regulation 2024/2690, 5.1.7). A component from a supplier whose risk score reaches "
    .. "supplier_risk_level (low, medium, high, critical), used without a recorded acceptance (who, why, "
    .. "until when), is a risk nobody decided to take.",
}

local text, items = vigil.text, vigil.items
local RANK = { low = 1, medium = 2, high = 3, critical = 4 }
local SHOWN = 10 -- components named in a message

local function judge(s, params)
  if s.own == true then
    return "not_applicable", "our own organisation (own)"
  end
  local level = text(s.level)
  if not RANK[level or ""] then
    return "skip", "no risk level in the document"
  end
  local said = string.format("risk level %s (score %s)", level,
    type(s.score) == "number" and string.format("%.1f", s.score) or "?")
  if RANK[level] < RANK[params.supplier_risk_level] then
    return "pass", said .. ", below " .. params.supplier_risk_level
  end
  if type(s.unaccepted) ~= "table" then
    return "skip", said .. ", but the document lists no unaccepted components: it was made with an accept_level "
      .. "above " .. params.supplier_risk_level .. " (vigil.toml [supplier] accept_level)"
  end
  local list = {}
  for i, c in ipairs(s.unaccepted) do
    if i > SHOWN then
      list[#list + 1] = "and " .. (#s.unaccepted - SHOWN) .. " more"
      break
    end
    list[#list + 1] = tostring(c)
  end
  if #list > 0 then
    return "fail", said .. ": " .. #s.unaccepted .. " component(s) without a current acceptance: "
      .. table.concat(list, ", ")
  end
  return "pass", said .. ": every component covered by a current acceptance ("
    .. (math.type(s.components) == "integer" and s.components or "?") .. " attributed)"
end

function check(evidence, params, run)
  if not RANK[params.supplier_risk_level] then
    error("supplier_risk_level: " .. tostring(params.supplier_risk_level) .. " is none of low, medium, high, critical")
  end
  local out = {}
  local function put(resource, status, said, ids)
    out[#out + 1] = { resource = resource, status = status, message = said, evidence = ids }
  end
  for _, n in ipairs(vigil.newest(evidence["supplier-risk"], function(d) return text(d.target) end)) do
    local d = type(n.doc.data) == "table" and n.doc.data or {}
    if not (text(d.at) and vigil.time(d.at)) or type(d.suppliers) ~= "table" then
      put(n.resource, "skip", "not a risk document vigil can read: no date at, or no list of suppliers", n.evidence)
    else
      local unchecked = {}
      for _, u in ipairs(items(d.unchecked)) do
        unchecked[#unchecked + 1] = type(u) == "table" and (tostring(u.what) .. ": " .. tostring(u.reason)) or "?"
      end
      for _, s in ipairs(d.suppliers) do
        if type(s) == "table" and text(s.name) then
          local status, said = judge(s, params)
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

-- supplier-register.lua — the register of direct suppliers names a
-- contact point for each and the components each provides, and no
-- component of the inventory is left without a supplier.
--
-- Reads `vigil supplier risk -o json` documents (kind supplier-risk;
-- docs/supplier-risk.md, "The risk document"), each store (its `target`)
-- judged by its newest document: per supplier the security_contact check
-- of its hygiene factor (a security contact or PSIRT in the register),
-- `rules` (how many attribution rules it has; without it, `components` > 0
-- shows that one rule at least attributes something), and the document's
-- `unmapped`, the components of the assets' latest snapshots no rule
-- attributes.  A supplier fails without a security contact and without a
-- PSIRT (a security.txt URL alone is no contact point: the score checks it
-- apart), and without any attribution rule unless it supplies services
-- only; it skips when the document does not say.  The store (the resource named by
-- its `target`) fails when more than supplier_max_unmapped components are
-- unmapped (`vigil supplier unmapped` lists them).  Our own organisation
-- (`own`) is not applicable.  A document that lists anything it did not
-- check (`unchecked`) gives no pass: those results skip.  A supplier named
-- in the documents of several stores is one result, the worst.
-- Leaves out: whether the contacts answer, and whether each supplier's
-- rules attribute every component it really provides.

rule = {
  id = "supplier-register",
  title = "Every supplier has a contact point and attribution rules, and every component has a supplier",
  severity = "medium",
  requirements = { "nis2:21.2.d", "ir2024-2690:5.2" },
  evidence = { "supplier-risk" },
  params = { supplier_max_unmapped = 0 },
  rationale = "Entities must keep a register of their direct suppliers and service providers, with their "
    .. "contact points and the ICT products, services and processes each provides (Implementing Regulation "
    .. "2024/2690, 5.2; NIS2 Article 21(2)(d)). A supplier without a security contact or PSIRT cannot be "
    .. "reached in an incident; one supplying software with no attribution rule has no known components; a "
    .. "component no supplier stands behind is missing from the register.",
}

local text, items = vigil.text, vigil.items

-- Whether the supplier's hygiene factor found a security contact or PSIRT
-- in the register (its check security_contact: 0 points when there is
-- one): true, false, or nil when the document does not say.
local function has_contact(s)
  for _, f in ipairs(items(s.factors)) do
    if type(f) == "table" and f.name == "hygiene" and type(f.evidence) == "table" then
      for _, c in ipairs(items(f.evidence.checks)) do
        if type(c) == "table" and c.check == "security_contact" and math.type(c.points) == "integer" then
          return c.points == 0
        end
      end
    end
  end
  return nil
end

local function judge(s)
  if s.own == true then
    return "not_applicable", "our own organisation (own)"
  end
  local contact = has_contact(s)
  if contact == nil then
    return "skip", "the document does not say whether a security contact or PSIRT is recorded "
      .. "(the security_contact check of the hygiene factor)"
  end
  local bad, good = {}, {}
  if contact then
    good[#good + 1] = "a security contact or PSIRT recorded"
  else
    bad[#bad + 1] = "no security contact or PSIRT"
  end
  local rules, components = s.rules, s.components
  if s.supplies == "services" then
    good[#good + 1] = "services only"
  elseif math.type(rules) == "integer" and rules > 0 then
    good[#good + 1] = rules .. " attribution rule(s)"
  elseif math.type(rules) == "integer" then
    bad[#bad + 1] = "no attribution rule, though it supplies " .. tostring(s.supplies)
  elseif math.type(components) == "integer" and components > 0 then
    good[#good + 1] = components .. " attributed component(s), so at least one attribution rule"
  else
    return "skip", "the document does not say how many attribution rules the supplier has (rules), "
      .. "and no component is attributed to it"
  end
  if #bad > 0 then
    return "fail", table.concat(bad, "; ")
  end
  return "pass", table.concat(good, "; ")
end

function check(evidence, params, run)
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
      local function judged(resource, status, said)
        if status == "pass" and #unchecked > 0 then
          status, said = "skip", said .. "; but the document did not check everything: " .. table.concat(unchecked, "; ")
        end
        put(resource, status, said, n.evidence)
      end
      for _, s in ipairs(d.suppliers) do
        if type(s) == "table" and text(s.name) then
          judged(s.name, judge(s))
        end
      end
      local u = d.unmapped
      if math.type(u) ~= "integer" then
        judged(n.resource, "skip", "the document does not say how many components are unmapped")
      elseif u > params.supplier_max_unmapped then
        judged(n.resource, "fail", u .. " component(s) attributed to no supplier, more than "
          .. params.supplier_max_unmapped .. " (vigil supplier unmapped lists them)")
      else
        judged(n.resource, "pass", u .. " component(s) attributed to no supplier, at most "
          .. params.supplier_max_unmapped)
      end
    end
  end
  return vigil.worst(out) -- one result per supplier or store, the worst
end

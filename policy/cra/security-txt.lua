-- security-txt.lua — the product's site publishes an RFC 9116 security.txt
-- that tells researchers where to report vulnerabilities, and is current.
--
-- Reads `vigil collect securitytxt` documents (docs/collect.md,
-- "securitytxt"), one result per document, named by the URL the file was
-- read from (or its path).  A document fails when the collector found any
-- problem in it (a missing Contact or Expires, a Contact that is no
-- mailto:, https:// or tel: URI, an Expires twice, past or more than a year
-- ahead, a Canonical not naming the URL fetched, a fetch over http://, a
-- line that is no field...; docs/collect.md lists them), or when its
-- Expires has passed by the time of the run.  A document the collector
-- could not fetch skips, with its reason.
-- Leaves out: whether the contacts answer, and the OpenPGP signature of a
-- signed file (the collector does not verify it either).

rule = {
  id = "security-txt",
  title = "A current RFC 9116 security.txt names a contact for vulnerability reports",
  severity = "medium",
  requirements = { "cra:II.5", "cra:II.6" },
  evidence = { "securitytxt" },
  rationale = "Manufacturers must put in place a coordinated vulnerability disclosure policy and provide a "
    .. "contact address for reporting vulnerabilities (CRA Annex I, Part II (5) and (6)). RFC 9116's "
    .. "security.txt is where researchers look for that contact; one without a Contact, or past its Expires, "
    .. "sends reports nowhere.",
}

local text, items = vigil.text, vigil.items

local function resource(d)
  local s = type(d.source) == "table" and d.source or {}
  return text(s.final) or text(s.path) or text(d.target) or "security.txt"
end

-- status, message, reason of one document at the run's time.
local function judge(d, run)
  if d.status ~= "checked" then
    local u = items(d.unchecked)[1]
    return "skip", nil, "not checked: " .. (type(u) == "table" and text(u.reason) or "the collector could not read it")
  end
  local bad = {}
  for _, p in ipairs(items(d.problems)) do
    if type(p) == "table" and text(p.code) then
      bad[#bad + 1] = p.code .. (math.type(p.line) and (" (line " .. p.line .. ")") or "")
    end
  end
  local expires = text(d.expires) and vigil.time(d.expires)
  local days = expires and math.floor(vigil.days_between(run.now, expires))
  if days and days <= 0 then
    local seen = false
    for _, b in ipairs(bad) do seen = seen or b:find("^expired") ~= nil end
    if not seen then
      bad[#bad + 1] = "expired at the time of the run (" .. d.expires .. ")"
    end
  end
  if #bad > 0 then
    return "fail", #bad .. " problem(s): " .. table.concat(bad, ", ")
  end
  local contact = items(d.contact)
  return "pass", #contact .. " contact(s), first " .. tostring(contact[1]) .. "; expires in " .. tostring(days)
    .. " days" .. (type(d.signature) == "table" and d.signature.present == true and "; signed (not verified)" or "")
end

function check(evidence, params, run)
  local out = {}
  for _, doc in ipairs(evidence.securitytxt) do
    local d = type(doc.data) == "table" and doc.data or {}
    local status, message, reason = judge(d, run)
    out[#out + 1] = { resource = resource(d), status = status, message = message, reason = reason,
                      evidence = { doc.id } }
  end
  return out
end

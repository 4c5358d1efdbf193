-- privileged-accounts.lua — only the accounts allowed have uid 0, and no
-- account has an empty password.
--
-- Reads vigil's host evidence (docs/collect.md, "host"): accounts.uid0 and
-- accounts.users[].password, the state `passwd -S` gives ("set", "empty",
-- "locked"; "unknown" when /etc/shadow could not be read).  One resource
-- per host (its hostname, else the collected root), judged by its newest
-- document.
-- Leaves out: accounts from LDAP, SSSD or other NSS sources; sudo rights
-- (sudoers is in the evidence, not judged here); password quality.

rule = {
  id = "privileged-accounts",
  title = "Only the allowed accounts have uid 0 and no account has an empty password",
  severity = "high",
  requirements = { "nis2:21.2.i", "ir2024-2690:11.3.2", "ir2024-2690:11.5.2", "ir2024-2690:11.6.2", "cra:I.2.d" },
  evidence = { "host" },
  params = { uid0_allowed = { "root" } },
  rationale = "Administrator accounts must be dedicated and individual (Implementing Regulation 2024/2690, "
    .. "11.3.2), identities unique (11.5.2) and credentials confidential (11.6.2); a product must protect from "
    .. "unauthorised access (CRA Annex I, Part I (2)(d)). A second account with uid 0 is root under another name, "
    .. "which logs and reviews miss; an account with an empty password lets anyone in wherever it may log in.",
}

local text = vigil.text

local function contains(list, x)
  for _, v in ipairs(list) do
    if v == x then
      return true
    end
  end
  return false
end

-- The name of the host a document describes.
local function host_name(d)
  return text(d.hostname) or text(d.target)
end

function check(evidence, params, run)
  local out = {}
  for _, h in ipairs(vigil.newest(evidence.host, host_name)) do
    local name = h.resource
    local d = type(h.doc.data) == "table" and h.doc.data or {}
    local a = type(d.accounts) == "table" and d.accounts or nil
    local r = { resource = name, evidence = h.evidence }
    if not a or type(a.users) ~= "table" then
      r.status, r.reason = "skip", "no account database was read (/etc/passwd)"
    else
      local extra, empty, unknown = {}, {}, 0
      for _, u in ipairs(a.users) do
        if type(u) == "table" then
          if u.uid == 0 and not contains(params.uid0_allowed, u.name) then
            extra[#extra + 1] = tostring(u.name)
          end
          if u.password == "empty" then
            empty[#empty + 1] = tostring(u.name)
          elseif u.password == "unknown" then
            unknown = unknown + 1
          end
        end
      end
      local found = {}
      if #extra > 0 then
        found[#found + 1] = "uid 0 also for " .. table.concat(extra, ", ")
      end
      if #empty > 0 then
        found[#found + 1] = "empty password: " .. table.concat(empty, ", ")
      end
      if #found > 0 then
        r.status, r.message = "fail", table.concat(found, "; ")
      elseif unknown > 0 then
        r.status, r.reason = "skip", string.format("%d account%s without a known password state: /etc/shadow was not read",
          unknown, unknown == 1 and "" or "s")
      else
        r.status = "pass"
        r.message = string.format("uid 0 only for %s; no empty password among %d accounts",
          table.concat(params.uid0_allowed, ", "), #a.users)
      end
    end
    out[#out + 1] = r
  end
  return out
end

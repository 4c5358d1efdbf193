-- leaver-accounts.lua — the accounts of people who have left are disabled
-- within leaver_grace_days of their leaving date.
--
-- Reads `vigil collect identity` documents made with --leavers
-- (docs/collect.md, "identity"): one result per account of a leaver, named
-- PROVIDER:LOGIN (the id when there is no login).  An account that is
-- still enabled more than leaver_grace_days after the leaving date at the
-- time of the run fails; one disabled (suspended, deprovisioned,
-- archived) passes, as does one still inside the grace period; one whose
-- export does not say whether it is enabled (Entra without --entra-users)
-- skips.  A leaver no account matches skips with that reason: the HR id may
-- be spelt otherwise than the logins.
-- Leaves out: accounts in systems not exported, and access that outlives
-- the account (tokens, SSH keys, shared secrets).

rule = {
  id = "leaver-accounts",
  title = "Accounts of leavers are disabled after they leave",
  severity = "high",
  requirements = { "nis2:21.2.i", "ir2024-2690:11.2.2", "ir2024-2690:11.5.4" },
  evidence = { "identity" },
  params = { leaver_grace_days = 1 },
  rationale = "Access rights are to be updated when someone leaves (Implementing Regulation 2024/2690, "
    .. "11.2.2) and identities no longer needed deactivated without delay (11.5.4). An account still "
    .. "enabled leaver_grace_days after its owner's last day is access nobody is accountable for.",
}

local text, items = vigil.text, vigil.items

function check(evidence, params, run)
  local out = {}
  for _, doc in ipairs(evidence.identity) do
    local d = type(doc.data) == "table" and doc.data or {}
    for _, a in ipairs(items(d.accounts)) do
      if type(a) == "table" and text(a.leaving_date) then
        local left = math.floor(vigil.days_between(a.leaving_date, run.now))
        local status, message, reason
        if a.enabled == false then
          status, message = "pass", "left on " .. a.leaving_date .. "; the account is " .. tostring(a.status)
        elseif a.enabled ~= true then
          status, reason = "skip", "left on " .. a.leaving_date .. "; the " .. tostring(a.provider)
            .. " export does not say whether the account is enabled"
        elseif left > params.leaver_grace_days then
          status, message = "fail", "left on " .. a.leaving_date .. ", " .. left .. " days ago (more than "
            .. params.leaver_grace_days .. "); the account is still enabled"
        else
          status, message = "pass", "left on " .. a.leaving_date .. "; still enabled within the grace of "
            .. params.leaver_grace_days .. " day(s)"
        end
        out[#out + 1] = { resource = tostring(a.provider) .. ":" .. (text(a.login) or tostring(a.id)),
                          status = status, message = message, reason = reason, evidence = { doc.id } }
      end
    end
    for _, l in ipairs(items(d.leavers)) do
      if type(l) == "table" and text(l.id) and #items(l.accounts) == 0 then
        out[#out + 1] = { resource = "leaver:" .. l.id, status = "skip",
                          reason = "left on " .. tostring(l.leaving_date) .. "; no account of the exports matches",
                          evidence = { doc.id } }
      end
    end
  end
  return out
end

-- mfa-administrators.lua — every enabled administrator account of an
-- identity provider must sign in with multi-factor authentication, enforced.
--
-- Reads `vigil collect identity` documents (docs/collect.md, "identity"),
-- one result per enabled account the export marks as an administrator
-- ("admin": true), named PROVIDER:LOGIN (the id when there is no login).
-- An administrator fails when the provider does not enforce MFA for it
-- ("mfa_enforced": false: an Entra Conditional Access policy for all users
-- that excludes it or none at all, Google's isEnforcedIn2Sv false, a GitHub
-- organisation without the 2FA requirement) or when it has no second
-- factor registered ("mfa_registered": false); passes when MFA is enforced
-- and not known to be missing; skips when the export does not say whether
-- it is enforced (Okta: sign-on policies are not exported) and the account
-- has a factor registered.  Disabled accounts (suspended, deprovisioned,
-- archived) are not judged.
-- Leaves out: the strength of the factors (an Okta security question or an
-- SMS code counts as registered) and phishing resistance.

rule = {
  id = "mfa-administrators",
  title = "Administrator accounts sign in with enforced multi-factor authentication",
  severity = "high",
  requirements = { "nis2:21.2.j", "ir2024-2690:11.3.2", "ir2024-2690:11.6.2", "ir2024-2690:11.7.1" },
  evidence = { "identity" },
  rationale = "Privileged and system administration accounts need strong authentication such as multi-factor "
    .. "authentication (Implementing Regulation 2024/2690, 11.3.2 and 11.7; NIS2 Article 21(2)(j)). An "
    .. "administrator whose identity provider does not enforce MFA, or who has no second factor, can be taken "
    .. "over with a password alone.",
}

local text, items = vigil.text, vigil.items

local function judge(a)
  if a.mfa_registered == false then
    return "fail", "administrator without a second factor registered"
      .. (a.mfa_enforced == true and " (MFA is enforced: the account cannot have signed in with it)" or "")
  end
  if a.mfa_enforced == false then
    return "fail", "MFA is not enforced for this administrator"
      .. (a.mfa_registered == true and " (a factor is registered, but a password alone may sign in)" or "")
  end
  if a.mfa_enforced == true then
    return "pass", "MFA enforced" .. (a.mfa_registered == true and ", a factor registered" or "")
  end
  return "skip", nil, "the " .. tostring(a.provider) .. " export does not say whether MFA is enforced"
end

function check(evidence, params, run)
  local out = {}
  for _, doc in ipairs(evidence.identity) do
    local d = type(doc.data) == "table" and doc.data or {}
    for _, a in ipairs(items(d.accounts)) do
      if type(a) == "table" and a.admin == true and a.enabled ~= false then
        local status, message, reason = judge(a)
        out[#out + 1] = { resource = tostring(a.provider) .. ":" .. (text(a.login) or tostring(a.id)),
                          status = status, message = message, reason = reason, evidence = { doc.id } }
      end
    end
  end
  return out
end

-- mfa-enforced.lua — each identity provider enforces multi-factor
-- authentication for every user: remote access to the organisation's
-- services goes through it.
--
-- Reads `vigil collect identity` documents (docs/collect.md, "identity"),
-- one result per provider export, named PROVIDER:SOURCE (the export's
-- file).  Passes when the provider enforces MFA for all users
-- ("mfa_enforced": true: a GitHub organisation's 2FA requirement, an
-- enabled Entra Conditional Access policy requiring MFA for all users and
-- all applications) and, for the accounts the export lists one by one, no
-- enabled account is left out ("mfa_enforced": false: an Entra user the
-- policy excludes, a Google user whose isEnforcedIn2Sv is false).  Fails
-- when either is not so; skips when the export does not tell (Okta; Entra
-- without --entra-ca).
-- Leaves out: network-level remote access (VPN, SSH: the host collector
-- and ssh-hardening judge those).

rule = {
  id = "mfa-enforced",
  title = "Identity providers enforce multi-factor authentication for every user",
  severity = "high",
  requirements = { "nis2:21.2.j", "ir2024-2690:11.6.2", "ir2024-2690:11.7.1", "ir2024-2690:11.7.2" },
  evidence = { "identity" },
  rationale = "Users are to be authenticated with multiple factors where the assets they reach call for it "
    .. "(Implementing Regulation 2024/2690, 11.7; NIS2 Article 21(2)(j)); an identity provider that gives "
    .. "remote access to the organisation's services and lets some users in with a password alone leaves "
    .. "those users' access to phishing and password reuse.",
}

local text, items = vigil.text, vigil.items

function check(evidence, params, run)
  local out = {}
  for _, doc in ipairs(evidence.identity) do
    local d = type(doc.data) == "table" and doc.data or {}
    for _, p in ipairs(items(d.providers)) do
      if type(p) == "table" and text(p.provider) then
        local without, with, unknown = {}, 0, 0
        for _, a in ipairs(items(d.accounts)) do
          if type(a) == "table" and a.provider == p.provider and a.enabled ~= false then
            if a.mfa_enforced == false then
              without[#without + 1] = text(a.login) or tostring(a.id)
            elseif a.mfa_enforced == true then
              with = with + 1
            else
              unknown = unknown + 1
            end
          end
        end
        local status, message, reason
        if #without > 0 then
          status, message = "fail", #without .. " enabled account(s) without enforced MFA: "
            .. table.concat(without, ", ", 1, math.min(#without, 10)) .. (#without > 10 and ", ..." or "")
        elseif p.mfa_enforced == false then
          status, message = "fail", "MFA is not required for all users"
        elseif p.mfa_enforced == true or (with > 0 and unknown == 0) then
          status, message = "pass", "MFA enforced for all " .. with .. " enabled account(s)"
        else
          status, reason = "skip", "the " .. p.provider .. " export does not say whether MFA is enforced"
        end
        out[#out + 1] = { resource = p.provider .. ":" .. (text(p.source) or "?"), status = status,
                          message = message, reason = reason, evidence = { doc.id } }
      end
    end
  end
  return out
end

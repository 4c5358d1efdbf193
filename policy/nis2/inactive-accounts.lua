-- inactive-accounts.lua — no enabled account has gone unused for more than
-- max_inactive_days.
--
-- Reads `vigil collect identity` documents (docs/collect.md, "identity"):
-- one result per enabled account whose export gives its last sign-in
-- (Okta lastLogin, Google lastLoginTime, Entra signInActivity), named
-- PROVIDER:LOGIN (the id when there is no login).  It fails when the last
-- sign-in is more than max_inactive_days before the run, and passes
-- otherwise.  Accounts whose
-- export does not tell (Entra without --entra-users, GitHub, an account
-- that never signed in) are not judged, nor disabled ones.
-- Leaves out: service accounts that authenticate with keys or tokens
-- rather than by signing in.

rule = {
  id = "inactive-accounts",
  title = "No enabled account is left unused for longer than allowed",
  severity = "medium",
  requirements = { "nis2:21.2.i", "ir2024-2690:11.2.3", "ir2024-2690:11.5.4" },
  evidence = { "identity" },
  params = { max_inactive_days = 90 },
  rationale = "Identities are to be reviewed regularly and those no longer needed deactivated without "
    .. "delay (Implementing Regulation 2024/2690, 11.5.4; access rights reviewed, 11.2.3). An enabled "
    .. "account nobody has used for max_inactive_days is most likely no longer needed, and its sign-in "
    .. "would go unnoticed.",
}

local text, items = vigil.text, vigil.items

function check(evidence, params, run)
  local out = {}
  for _, doc in ipairs(evidence.identity) do
    local d = type(doc.data) == "table" and doc.data or {}
    for _, a in ipairs(items(d.accounts)) do
      if type(a) == "table" and a.enabled == true and text(a.last_sign_in) then
        local idle = math.floor(vigil.days_between(a.last_sign_in, run.now))
        local status = idle > params.max_inactive_days and "fail" or "pass"
        out[#out + 1] = {
          resource = tostring(a.provider) .. ":" .. (text(a.login) or tostring(a.id)), status = status,
          message = "last sign-in " .. a.last_sign_in .. ", " .. idle .. " days ago"
            .. (status == "fail" and " (more than " .. params.max_inactive_days .. ")" or ""),
          evidence = { doc.id } }
      end
    end
  end
  return out
end

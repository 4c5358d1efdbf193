-- branch-protection.lua — the default branch of a GitHub repository is
-- protected: approving reviews before a merge, no force pushes, no
-- deletion, and (branch_require_admins) no exception for administrators.
--
-- Reads the "github" member of `vigil collect repo --github` documents
-- (docs/collect.md, "repo"), each repository (github.full_name) judged by
-- its newest document; documents without it (git signatures) are not this
-- rule's.  protection.required_reviews must be at least branch_min_reviews,
-- allow_force_pushes and allow_deletions false, and, when
-- branch_require_admins, enforce_admins true; a member GitHub did not
-- report (null) counts as not set.  A repository fails naming everything
-- missing, or when its default branch has no protection at all; it skips
-- when the export did not hold the protection ("unchecked").
-- Leaves out: repository rulesets, required status checks and signed
-- commits (in the document, not judged), other branches.

rule = {
  id = "branch-protection",
  title = "The default branch of a repository requires reviews and cannot be force-pushed or deleted",
  severity = "medium",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.2.2", "ir2024-2690:6.4.1", "ir2024-2690:6.4.2", "cra:I.2.f" },
  evidence = { "repo" },
  params = { branch_min_reviews = 1, branch_require_admins = true },
  rationale = "Changes must go through a controlled procedure in which they are reviewed and approved before they "
    .. "go live (Implementing Regulation 2024/2690, 6.4.1 and 6.4.2) in a secure development environment (6.2.2), "
    .. "and a product must be protected against unauthorised change (CRA Annex I, Part I (2)(f)). Without branch "
    .. "protection anyone who can push changes the released source unreviewed, and a force push or a deletion "
    .. "rewrites its history.",
}

local text = vigil.text

-- status, message, reason of the github member g.
local function judge(g, min_reviews, require_admins)
  local branch = text(g.default_branch) or "(unnamed)"
  local p = g.protection
  if p == nil then
    return "skip", nil, "the protection of branch " .. branch .. " was not exported (unchecked)"
  end
  if type(p) ~= "table" then
    return "fail", "default branch " .. branch .. " is not protected"
  end
  local missing = {}
  local n = math.type(p.required_reviews) == "integer" and p.required_reviews or 0
  if n < min_reviews then
    missing[#missing + 1] = n .. " approving review(s) required, not at least " .. min_reviews
  end
  if p.allow_force_pushes ~= false then
    missing[#missing + 1] = p.allow_force_pushes == true and "force pushes allowed" or "force pushes not known to be blocked"
  end
  if p.allow_deletions ~= false then
    missing[#missing + 1] = p.allow_deletions == true and "deletion allowed" or "deletion not known to be blocked"
  end
  if require_admins and p.enforce_admins ~= true then
    missing[#missing + 1] = "not enforced for administrators"
  end
  if #missing > 0 then
    return "fail", "default branch " .. branch .. ": " .. table.concat(missing, ", ")
  end
  return "pass", "default branch " .. branch .. " protected: " .. n .. " approving review(s), no force push, no deletion"
    .. (require_admins and ", enforced for administrators" or "")
end

function check(evidence, params, run)
  local out = {}
  local function key(d)
    return type(d.github) == "table" and text(d.github.full_name) or nil
  end
  for _, n in ipairs(vigil.newest(evidence.repo, key)) do
    local d = type(n.doc.data) == "table" and n.doc.data or {}
    if type(d.github) == "table" then
      local status, message, reason = judge(d.github, params.branch_min_reviews, params.branch_require_admins)
      out[#out + 1] = { resource = n.resource, status = status, message = message, reason = reason,
                        evidence = n.evidence }
    end
  end
  return out
end

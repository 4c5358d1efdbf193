-- release-tags-signed.lua — every release tag of a repository is an
-- annotated tag whose signature verifies.
--
-- Reads `vigil collect repo` documents (docs/collect.md, "repo"), one
-- result per document, named by the repository as it was named to the
-- collector (`target`).  The release tags are those whose name matches the
-- glob release_tags (vigil.glob, fnmatch(3) without flags).  Each must be
-- annotated, signed (OpenPGP, SSH or X.509) and verified: `git verify-tag`
-- accepted it where the collector ran, with that user's keys and allowed
-- signers.  A repository fails when one release tag is not; it skips when
-- no tag matches (nothing to judge) or when the collector could not
-- examine every tag ("unchecked").  Documents of `vigil collect repo
-- --github` (a "github" member, no tags) are not judged here.
-- Leaves out: who signed (any key git accepts passes: the allowed signers
-- file and keyring decide), signed commits, tags outside the glob.

rule = {
  id = "release-tags-signed",
  title = "Every release tag of a repository is signed, and the signature verifies",
  severity = "medium",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.2.2", "ir2024-2690:6.4.2", "cra:I.2.f" },
  evidence = { "repo" },
  params = { release_tags = "v*" },
  rationale = "Releases are changes that must go through a controlled, documented procedure (Implementing "
    .. "Regulation 2024/2690, 6.4.2) from a secure development environment (6.2.2), and a product must be "
    .. "protected against unauthorised change of its programs (CRA Annex I, Part I (2)(f)). A signed tag "
    .. "that verifies shows who approved the released source; a lightweight or unsigned tag can be moved or "
    .. "made by anyone who can push.",
}

local text, items = vigil.text, vigil.items

-- Why tag t is not a signed, verified release tag; nil when it is.
local function problem(t)
  if t.annotated ~= true then
    return "lightweight"
  elseif not text(t.signature) then
    return "unsigned"
  elseif t.verified == nil or t.verified == vigil.null then
    return t.signature .. " signature not checked"
  elseif t.verified ~= true then
    return t.signature .. " signature does not verify"
  end
  return nil
end

-- status, message, reason of one document.
local function judge(d, glob)
  local release, bad = 0, {}
  for _, t in ipairs(items(d.tags)) do
    if type(t) == "table" and text(t.name) and vigil.glob(glob, t.name) then
      release = release + 1
      local why = problem(t)
      if why then bad[#bad + 1] = t.name .. " (" .. why .. ")" end
    end
  end
  if #bad > 0 then
    return "fail", #bad .. " of " .. release .. " release tag(s) matching " .. glob .. " not signed and verified: "
      .. table.concat(bad, ", ")
  end
  local u = items(d.unchecked)[1]
  if type(u) == "table" then
    return "skip", nil, "not every tag examined: " .. (text(u.reason) or "the collector could not read them")
  end
  if release == 0 then
    return "skip", nil, "no tag matches " .. glob
  end
  return "pass", release .. " release tag(s) matching " .. glob .. ", all signed and verified"
end

function check(evidence, params, run)
  local out = {}
  for _, doc in ipairs(evidence.repo) do
    local d = type(doc.data) == "table" and doc.data or {}
    if type(d.github) ~= "table" then -- a --github document has no tags: branch-protection's
      local status, message, reason = judge(d, params.release_tags)
      out[#out + 1] = { resource = text(d.target) or doc.path, status = status, message = message, reason = reason,
                        evidence = { doc.id } }
    end
  end
  return out
end

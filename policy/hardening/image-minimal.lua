-- image-minimal.lua — a container image runs as a non-root user and holds
-- no shell, no package manager and no setuid or setgid file.
--
-- Reads `vigil collect image` documents (docs/collect.md, "image"), each
-- image (its `target`) judged by its newest document: config.root and
-- config.uid (the user resolved through the image's /etc/passwd),
-- files.shells, files.package_managers and files.setuid.  What
-- image_allow_root, image_allow_shell, image_allow_package_manager and
-- image_allow_setuid allow is not judged; image_allowed_users, when not
-- empty, lists the users (as config.user writes them, or uids) an image
-- may run as.  One result per image: fail naming everything found, skip
-- when the user could not be resolved or the collector could not read
-- something (and nothing failed), pass otherwise.
-- Leaves out: known vulnerabilities (the scan rules), interpreters that
-- can run commands (python, perl), and how the container is started (a
-- runtime may override the user: Kubernetes runAsNonRoot is for `collect iac`).

rule = {
  id = "image-minimal",
  title = "Container images run as a non-root user without a shell, package manager or setuid file",
  severity = "medium",
  requirements = { "cra:I.2.b", "cra:I.2.j", "nis2:21.2.e", "ir2024-2690:6.3.2" },
  evidence = { "image" },
  params = {
    image_allow_root = false,
    image_allow_shell = false,
    image_allow_package_manager = false,
    image_allow_setuid = false,
    image_allowed_users = {},
  },
  rationale = "Products must be made available with a secure by default configuration (CRA Annex I, Part I "
    .. "(2)(b)) and limit their attack surface (2)(j); secure configurations must be defined and enforced "
    .. "(Implementing Regulation 2024/2690, 6.3.2). A container that runs as root turns an escape or a "
    .. "writable mount into root on the host; a shell and a package manager are what an intruder uses to "
    .. "download and run tools; a setuid file is a way back to root. Minimal \"distroless\" images run "
    .. "as a non-root user with none of them.",
}

local text, items = vigil.text, vigil.items

local function paths(list)
  local out = {}
  for _, x in ipairs(items(list)) do
    local p = type(x) == "table" and text(x.path) or text(x)
    if p then
      out[#out + 1] = p
    end
  end
  return out
end

function check(evidence, params, run)
  local allowed_users = items(params.image_allowed_users)

  local out = {}
  for _, n in ipairs(vigil.newest(evidence.image, function(d) return text(d.target) end)) do
    local target = n.resource
    local d = type(n.doc.data) == "table" and n.doc.data or {}
    local config = type(d.config) == "table" and d.config or {}
    local files = type(d.files) == "table" and d.files or {}
    local user = type(config.user) == "string" and config.user or nil
    local uid = math.type(config.uid) == "integer" and config.uid or nil
    local shown_user = (user and user ~= "" and user or "(none)") .. (uid and " (uid " .. uid .. ")" or "")
    local bad, unknown, allowed = {}, {}, {}

    if type(d.config) ~= "table" or type(d.files) ~= "table" then
      bad[#bad + 1] = "the document has no config or no files"
    end
    if config.root == true then
      local list = params.image_allow_root == true and allowed or bad
      list[#list + 1] = "runs as root: user " .. shown_user
    elseif config.root ~= true and config.root ~= false then
      unknown[#unknown + 1] = "cannot tell whether user " .. shown_user .. " is root"
    end
    if #allowed_users > 0 and user then
      local ok = false
      for _, u in ipairs(allowed_users) do
        ok = ok or u == user or (uid and tostring(u) == tostring(uid))
      end
      if not ok then
        bad[#bad + 1] = "user " .. shown_user .. " is not among image_allowed_users"
      end
    end
    local checks = {
      { params.image_allow_shell, files.shells, "shells" },
      { params.image_allow_package_manager, files.package_managers, "package managers" },
      { params.image_allow_setuid, files.setuid, "setuid/setgid files" },
    }
    for _, c in ipairs(checks) do
      local found = paths(c[2])
      if #found > 0 then
        local list = c[1] == true and allowed or bad
        list[#list + 1] = c[3] .. " " .. table.concat(found, ", ")
      end
    end
    for _, u in ipairs(items(d.unchecked)) do
      if type(u) == "table" then
        unknown[#unknown + 1] = "not read by the collector: " .. (text(u.what) or "?") .. ": "
          .. (text(u.reason) or "no reason given")
      end
    end

    local result = { resource = target, evidence = n.evidence }
    if #bad > 0 then
      result.status = "fail"
      result.message = table.concat(bad, "; ") .. (#unknown > 0 and "; " .. table.concat(unknown, "; ") or "")
    elseif #unknown > 0 then
      result.status, result.reason = "skip", table.concat(unknown, "; ")
    else
      result.status = "pass"
      result.message = #allowed > 0 and "allowed by the parameters: " .. table.concat(allowed, "; ")
        or "runs as user " .. shown_user .. "; no shell, package manager or setuid file"
    end
    out[#out + 1] = result
  end
  return out
end

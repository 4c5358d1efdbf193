-- ssh-hardening.lua — sshd lets nobody log in as root and nobody log in
-- with a password.
--
-- Reads vigil's host evidence (docs/collect.md, "host"): sshd.settings, the
-- effective global values (OpenSSH's defaults where nothing is set),
-- sshd.origin (the file and line that set each), and sshd.match, the
-- Match blocks, whose settings apply to some connections.  A password can
-- be asked for by PasswordAuthentication, and by KbdInteractiveAuthentication
-- when UsePAM hands it to PAM.  PermitEmptyPasswords yes always fails.
-- One resource per host (its hostname, else the collected root), judged by
-- its newest document.
-- Leaves out: whether the Match criteria can ever match; keys and their
-- algorithms; sshd_config that vigil could not read (a skip).

rule = {
  id = "ssh-hardening",
  title = "sshd refuses root logins and password authentication",
  severity = "high",
  requirements = { "nis2:21.2.i", "nis2:21.2.j", "ir2024-2690:11.3.2", "ir2024-2690:11.6.2", "ir2024-2690:11.6.3",
    "cra:I.2.d" },
  evidence = { "host" },
  params = { ssh_root_login = { "no" }, ssh_password_authentication = false },
  rationale = "Privileged accounts need strong authentication and dedicated, individual administrator accounts "
    .. "(Implementing Regulation 2024/2690, 11.3.2); authentication must be state of the art and resist guessing "
    .. "(11.6.2, 11.6.3); a product must protect from unauthorised access (CRA Annex I, Part I (2)(d)). A root "
    .. "login over SSH is a shared, all-powerful account reachable from the network, and a password login is "
    .. "open to guessing and reuse: keys (or certificates) for named accounts, then sudo, are the usual answer.",
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

-- What settings s (global, or one Match block's) allow that params forbid.
local function problems(s, params, where, out, prefix)
  local function add(key, what)
    local at = where and text(where[key])
    out[#out + 1] = prefix .. what .. (where and (" (" .. (at or "OpenSSH's default") .. ")") or "")
  end
  local root = text(s.permitrootlogin)
  if root and not contains(params.ssh_root_login, root) then
    add("permitrootlogin", "PermitRootLogin " .. root)
  end
  if not params.ssh_password_authentication then
    if s.passwordauthentication == "yes" then
      add("passwordauthentication", "PasswordAuthentication yes")
    end
    if s.kbdinteractiveauthentication == "yes" and s.usepam == "yes" then
      add("kbdinteractiveauthentication", "KbdInteractiveAuthentication yes with UsePAM yes")
    end
  end
  if s.permitemptypasswords == "yes" then
    add("permitemptypasswords", "PermitEmptyPasswords yes")
  end
end

function check(evidence, params, run)
  local out = {}
  for _, h in ipairs(vigil.newest(evidence.host, host_name)) do
    local name = h.resource
    local d = type(h.doc.data) == "table" and h.doc.data or {}
    local r = { resource = name, evidence = h.evidence }
    local unread
    for _, u in ipairs(type(d.unchecked) == "table" and d.unchecked or {}) do
      if type(u) == "table" and type(u.what) == "string" and u.what:match("^/etc/ssh/") then
        unread = u.what .. ": " .. tostring(u.reason)
      end
    end
    local sshd = type(d.sshd) == "table" and d.sshd or nil
    if unread then
      r.status, r.reason = "skip", "sshd's configuration could not be read (" .. unread .. ")"
    elseif not sshd or type(sshd.settings) ~= "table" then
      r.status, r.reason = "not_applicable", "no sshd configuration (/etc/ssh/sshd_config)"
    else
      local found = {}
      problems(sshd.settings, params, type(sshd.origin) == "table" and sshd.origin or {}, found, "")
      for _, m in ipairs(type(sshd.match) == "table" and sshd.match or {}) do
        if type(m) == "table" and type(m.settings) == "table" then
          problems(m.settings, params, nil, found,
            string.format("Match %s (%s:%s): ", tostring(m.criteria), tostring(m.file), tostring(m.line)))
        end
      end
      if #found > 0 then
        r.status, r.message = "fail", table.concat(found, "; ")
      else
        r.status = "pass"
        r.message = "PermitRootLogin " .. tostring(sshd.settings.permitrootlogin)
          .. (params.ssh_password_authentication and "" or ", no password authentication")
      end
    end
    out[#out + 1] = r
  end
  return out
end

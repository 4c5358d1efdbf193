-- security-updates-automatic.lua — the host installs security updates by
-- itself.
--
-- Reads vigil's host evidence (docs/collect.md, "host"):
-- automaticUpdates, which is "configured" when unattended-upgrades is
-- installed, APT::Periodic::Unattended-Upgrade is set and not "0" and
-- apt-daily-upgrade.timer is enabled, or when dnf-automatic is installed
-- and its timer installs updates.  One resource per host (its hostname,
-- else the collected root), judged by its newest document.
-- Leaves out: which origins unattended-upgrades takes (security only or
-- all); whether the timers have run; hosts updated by other tools
-- (configuration management, image rebuilds), which need a manual
-- attestation or a waiver.

rule = {
  id = "security-updates-automatic",
  title = "Security updates are installed automatically",
  severity = "medium",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.6.1", "cra:I.2.c" },
  evidence = { "host" },
  rationale = "Patches must be applied in reasonable time (Implementing Regulation 2024/2690, 6.6.1) and "
    .. "security updates be automatic by default where applicable (CRA Annex I, Part I (2)(c)). A host that "
    .. "waits for someone to log in and upgrade stays open for as long as nobody does.",
}

local text = vigil.text

-- The name of the host a document describes.
local function host_name(d)
  return text(d.hostname) or text(d.target)
end

-- Why the apt and dnf parts of u are not configured.
local function missing(u)
  local found = {}
  local apt = type(u.apt) == "table" and u.apt or {}
  if apt.unattendedUpgradesInstalled ~= true then
    found[#found + 1] = "unattended-upgrades is not installed"
  end
  local v = text(apt.unattendedUpgrade)
  if not v or v == "0" then
    found[#found + 1] = "APT::Periodic::Unattended-Upgrade is " .. (v and '"0"' or "not set")
  end
  if apt.timerEnabled ~= true then
    found[#found + 1] = "apt-daily-upgrade.timer is not enabled"
  end
  local dnf = type(u.dnfAutomatic) == "table" and u.dnfAutomatic or {}
  if dnf.installed == true then
    found[#found + 1] = "dnf-automatic does not install updates (apply_updates, timer)"
  end
  return table.concat(found, "; ")
end

function check(evidence, params, run)
  local out = {}
  for _, h in ipairs(vigil.newest(evidence.host, host_name)) do
    local name = h.resource
    local d = type(h.doc.data) == "table" and h.doc.data or {}
    local u = type(d.automaticUpdates) == "table" and d.automaticUpdates or nil
    local r = { resource = name, evidence = h.evidence }
    if not u then
      r.status, r.message = "fail", "the evidence says nothing of automatic updates"
    elseif u.configured == true then
      local dnf = type(u.dnfAutomatic) == "table" and u.dnfAutomatic.configured == true
      r.status, r.message = "pass", dnf and "dnf-automatic installs updates" or "unattended-upgrades runs daily"
    else
      r.status, r.message = "fail", "no automatic updates: " .. missing(u)
    end
    out[#out + 1] = r
  end
  return out
end

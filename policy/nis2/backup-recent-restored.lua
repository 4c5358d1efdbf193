-- backup-recent-restored.lua — every backed-up source has a backup newer
-- than the recovery point objective and a successful restore test within
-- the interval, the last of its restore tests not failed.
--
-- Reads `vigil collect backup` documents (docs/collect.md, "backup"): their
-- "sources" (restic HOST:PATHS, borg archive-name prefixes) and
-- "restore_tests" (restore-test logs, joined to the sources by name).  A
-- source named in several documents is one resource, judged by its newest
-- snapshot and its newest restore tests.  Ages are counted from the
-- snapshot's and the test's time to the run's time.  A source without any
-- restore test fails: 4.2.6 asks for tests and their documented results,
-- and no record of one is no evidence of one.  Restore tests of a source
-- no document backs up are not judged.
-- Leaves out: whether every system that should be backed up is (the
-- inventory says that), copies' separation and encryption (the
-- repository's location and encryption mode are in the evidence).

rule = {
  id = "backup-recent-restored",
  title = "Every backed-up source has a backup within the RPO and a successful restore test within the interval",
  severity = "high",
  requirements = { "nis2:21.2.c", "ir2024-2690:4.2.1", "ir2024-2690:4.2.2", "ir2024-2690:4.2.6" },
  evidence = { "backup" },
  params = { rpo_hours = 24, restore_test_days = 90 },
  rationale = "Entities must keep backup copies according to backup plans with recovery times "
    .. "(Implementing Regulation 2024/2690, 4.2.1 and 4.2.2) and test recovery from backups regularly, "
    .. "documenting the results (4.2.6; NIS2 Article 21(2)(c), backup management). A source whose newest "
    .. "backup is older than rpo_hours loses more data than planned; one not restored successfully within "
    .. "restore_test_days, or whose last restore test failed, may not be recoverable at all.",
}

local text, items = vigil.text, vigil.items

-- The newest of the times a and the RFC 3339 text s (with s itself).
local function newer(a, a_text, s)
  local t = text(s) and vigil.time(s)
  if t and (not a or t > a) then
    return t, s
  end
  return a, a_text
end

function check(evidence, params, run)
  local sources, order, tests = {}, {}, {}
  for _, doc in ipairs(evidence.backup) do
    local d = type(doc.data) == "table" and doc.data or {}
    for _, s in ipairs(items(d.sources)) do
      local name = type(s) == "table" and text(s.name)
      if name then
        local have = sources[name]
        if not have then
          have = { ids = {}, seen = {} }
          sources[name] = have
          order[#order + 1] = name
        end
        if not have.seen[doc.id] then
          have.seen[doc.id] = true
          have.ids[#have.ids + 1] = doc.id
        end
        have.latest, have.latest_text = newer(have.latest, have.latest_text, s.latest)
      end
    end
    for _, r in ipairs(items(d.restore_tests)) do
      local name = type(r) == "table" and text(r.source)
      if name then
        local t = tests[name] or { ids = {} }
        tests[name] = t
        t.ids[#t.ids + 1] = doc.id
        t.success, t.success_text = newer(t.success, t.success_text, r.last_success)
        t.failure, t.failure_text = newer(t.failure, t.failure_text, r.last_failure)
      end
    end
  end
  local out = {}
  for _, name in ipairs(order) do
    local s, t = sources[name], tests[name]
    local ids = s.ids
    local bad, good = {}, {}
    if not s.latest then
      bad[#bad + 1] = "no snapshot with a valid time"
    else
      local hours = vigil.days_between(s.latest, run.now) * 24
      local said = string.format("latest backup %s, %.1f hours before the run", s.latest_text, hours)
      if hours > params.rpo_hours then
        bad[#bad + 1] = said .. string.format(" (RPO %s hours)", params.rpo_hours)
      else
        good[#good + 1] = said
      end
    end
    if not t then
      bad[#bad + 1] = "no restore test recorded"
    else
      for _, id in ipairs(t.ids) do
        if not s.seen[id] then
          s.seen[id] = true
          ids[#ids + 1] = id
        end
      end
      if not t.success then
        bad[#bad + 1] = "no successful restore test (last failure " .. tostring(t.failure_text) .. ")"
      else
        local days = vigil.days_between(t.success, run.now)
        local said = string.format("restored %s, %.1f days before the run", t.success_text, days)
        if days > params.restore_test_days then
          bad[#bad + 1] = said .. string.format(" (more than %s)", params.restore_test_days)
        else
          good[#good + 1] = said
        end
        if t.failure and t.failure > t.success then
          bad[#bad + 1] = "the last restore test failed (" .. t.failure_text .. ")"
        end
      end
    end
    local status = #bad > 0 and "fail" or "pass"
    out[#out + 1] = { resource = name, status = status, evidence = ids,
                      message = table.concat(#bad > 0 and bad or good, "; ") }
  end
  return out
end

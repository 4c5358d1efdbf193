-- scan-age.lua — every scanned target has a recent scan, made with recent
-- vulnerability data.
--
-- Reads vigil scans (docs/scan-json.md): target.name, timestamp (when the
-- scan ran) and database.fetchedAt (when the stalest source of the
-- vulnerability database was read).  Scans of the same target are one
-- resource, judged by the newest of them.  The scan's age is counted from
-- its timestamp to the run's time; the data's age from fetchedAt to the
-- scan's timestamp, what `vigil scan --max-db-age` warns about.
-- Leaves out: whether the set of scanned targets is complete (asset-drift
-- and the inventory say that).

rule = {
  id = "scan-age",
  title = "Scan results are not older than the allowed age",
  severity = "medium",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.10.2", "cra:II.3" },
  evidence = { "scan" },
  params = { max_age_days = 7, max_db_age_days = 3 },
  rationale = "Vulnerabilities must be scanned for at planned intervals and the results recorded "
    .. "(Implementing Regulation 2024/2690, 6.10.2) and a product's security tested regularly (CRA Annex I, "
    .. "Part II (3)): a scan older than max_age_days, or one made with vulnerability data older than "
    .. "max_db_age_days when it ran, no longer says what is vulnerable today.",
}

local text = vigil.text

-- The target a scan describes, and the scan's time.
local function scan_target(d)
  return type(d.target) == "table" and text(d.target.name) or nil, text(d.timestamp) or false
end

function check(evidence, params, run)
  local out = {}
  for _, n in ipairs(vigil.newest(evidence.scan, scan_target)) do
    local target, d = n.resource, vigil.items(n.doc.data)
    n.time = text(d.timestamp) and vigil.time(d.timestamp)
    local status, message
    if not n.time then
      status, message = "fail", "the scan has no valid timestamp"
    else
      local age = vigil.days_between(n.time, run.now)
      local db = type(d.database) == "table" and text(d.database.fetchedAt)
      local fetched = db and vigil.time(db)
      local db_age = fetched and vigil.days_between(fetched, n.time)
      message = string.format("scanned %s, %.1f days before the run", d.timestamp, age)
      if age < 0 then
        status, message = "fail", "the scan's time " .. d.timestamp .. " is later than the run's time " .. run.now
      elseif age > params.max_age_days then
        status = "fail"
        message = message .. string.format(" (more than %s)", params.max_age_days)
      elseif not db_age then
        status = "fail"
        message = message .. "; the scan does not say when its vulnerability data was fetched"
      elseif db_age > params.max_db_age_days then
        status = "fail"
        message = message .. string.format("; its vulnerability data (%s) was %.1f days old (more than %s)", db,
          db_age, params.max_db_age_days)
      else
        status = "pass"
        message = message .. string.format("; vulnerability data %.1f days old", db_age)
      end
    end
    out[#out + 1] = { resource = target, status = status, message = message, evidence = n.evidence }
  end
  return out
end

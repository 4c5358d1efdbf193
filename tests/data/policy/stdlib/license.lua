-- license.lua — runs vigil.license_valid, license_ids and license_allowed
-- on the cases of tests/tools/spdx-ref/gen.py, for the differential test
-- tests/e2e/policy_stdlib_license.sh; the lines tests/tools/spdx-ref/ref.js
-- prints: VALID <TAB> IDS <TAB> EXCEPTIONS <TAB> ALLOWED.
function check(input)
  local out = {}
  for i, c in ipairs(input.cases) do
    local line
    if not vigil.license_valid(c.expression) then
      line = "0\t\t\tinvalid"
    else
      local ids, exceptions = vigil.license_ids(c.expression)
      local ok, allowed = pcall(vigil.license_allowed, c.expression, c.allowed)
      allowed = not ok and "error" or allowed and "1" or "0"
      line = "1\t" .. table.concat(ids, " ") .. "\t" .. table.concat(exceptions, " ") .. "\t" .. allowed
    end
    out[i] = line
  end
  return table.concat(out, "\n")
end

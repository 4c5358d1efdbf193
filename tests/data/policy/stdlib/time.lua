-- time.lua — runs vigil.time, vigil.date and vigil.days_between on the
-- inputs of tests/tools/datetime_ref.py gen, for the differential test
-- tests/e2e/policy_stdlib_time.sh; one line an input, in the order times,
-- numbers, pairs: "ok <TAB> seconds" (%d when whole, else %.17g) or
-- "nil <TAB> why"; the date or "error"; the days (%.17g).
function check(input)
  local out = {}
  for _, s in ipairs(input.times) do
    local t, why = vigil.time(s)
    if t == nil then
      out[#out + 1] = "nil\t" .. why
    elseif math.type(t) == "integer" then
      out[#out + 1] = string.format("ok\t%d", t)
    else
      out[#out + 1] = string.format("ok\t%.17g", t)
    end
  end
  for _, x in ipairs(input.numbers) do
    local ok, date = pcall(vigil.date, x)
    out[#out + 1] = ok and date or "error"
  end
  for _, p in ipairs(input.pairs) do
    out[#out + 1] = string.format("%.17g", vigil.days_between(p[1], p[2]))
  end
  return table.concat(out, "\n")
end

-- versions.lua — runs vigil.version_compare on the pairs of
-- tests/e2e/policy_stdlib_versions.sh, one line a pair {ecosystem, a, b}:
-- "<", "=", ">", or "invalid" where the function raises (an invalid
-- version), as the reference scripts of tests/tools/version-ref print.
function check(input)
  local out = {}
  for i, pair in ipairs(input.pairs) do
    local ok, order = pcall(vigil.version_compare, pair[1], pair[2], pair[3])
    out[i] = not ok and "invalid" or order < 0 and "<" or order > 0 and ">" or "="
  end
  return table.concat(out, "\n")
end

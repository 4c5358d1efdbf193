-- cvss_purl.lua — runs vigil.cvss and vigil.purl on the inputs of
-- tests/e2e/policy_stdlib_cvss_purl.sh: one line a vector,
-- "VERSION <TAB> BASE <TAB> SEVERITY" (the base score to one decimal) or
-- "invalid"; then one line a purl, "TYPE <TAB> NAMESPACE <TAB> NAME <TAB>
-- VERSION <TAB> QUALIFIERS" ("-" for an absent part; qualifiers as
-- key=value joined by "&", sorted) or "invalid".
function check(input)
  local out = {}
  for _, vector in ipairs(input.vectors) do
    local ok, c = pcall(vigil.cvss, vector)
    out[#out + 1] = ok and string.format("%s\t%.1f\t%s", c.version, c.base, c.severity) or "invalid"
  end
  for _, s in ipairs(input.purls) do
    local p = vigil.purl(s)
    if p then
      local q = {}
      for k, v in pairs(p.qualifiers) do q[#q + 1] = k .. "=" .. v end
      table.sort(q)
      out[#out + 1] = table.concat({p.type, p.namespace or "-", p.name, p.version or "-", table.concat(q, "&")}, "\t")
    else
      out[#out + 1] = "invalid"
    end
  end
  return table.concat(out, "\n")
end

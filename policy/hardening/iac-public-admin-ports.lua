-- iac-public-admin-ports.lua — no firewall rule a Terraform plan makes
-- opens an administration or database port to the whole Internet.
--
-- Reads `vigil collect iac` documents (docs/collect.md, "iac"):
-- terraform.network_rules, one entry per AWS security group or rule,
-- Google Cloud firewall or Azure network security rule of the plan, with
-- its ingress from 0.0.0.0/0, ::/0 or Azure's *, Internet, Any (protocol,
-- port range, sources).  One result per network resource, named by its
-- Terraform address: fail when a public range reaches a port of
-- iac_admin_ports; skip when a source range is known only after apply
-- (terraform.network_rules[].undetermined) and nothing fails; pass
-- otherwise.
-- Leaves out: which instances a rule is attached to, ingress from other
-- security groups or prefix lists, egress; a plan with no network
-- resource gives no result.

rule = {
  id = "iac-public-admin-ports",
  title = "Infrastructure as code opens no administration or database port to the Internet",
  severity = "high",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.7.2", "ir2024-2690:6.8.2", "ir2024-2690:11.4.2", "cra:I.2.j" },
  evidence = { "iac" },
  params = {
    iac_admin_ports = { 22, 23, 1433, 1521, 2375, 2376, 2379, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 6443, 9200,
      9300, 10250, 11211, 27017 },
  },
  rationale = "Network security must allow only the services needed and control remote access (Implementing "
    .. "Regulation 2024/2690, 6.7.2), keep a separate administration network (6.8.2) and keep administration "
    .. "systems apart and protected (11.4.2); a product must limit its attack surface, including external "
    .. "interfaces (CRA Annex I, Part I (2)(j)). SSH, RDP, WinRM, database and cluster-control ports open to "
    .. "0.0.0.0/0 are found by Internet-wide scans within hours: reach them through a VPN, a bastion with an "
    .. "allow-list, or a private network instead.",
}

local text, items = vigil.text, vigil.items

-- A rule's protocol as written, "any protocol" for AWS's -1, Azure's *
-- and Google's all.
local function protocol(p)
  p = text(p)
  return (not p or p == "-1" or p == "*" or p:lower() == "all") and "any protocol" or p
end

-- The ports of list within [from, to], in list order.
local function reached(list, from, to)
  local out = {}
  for _, p in ipairs(list) do
    if math.type(p) and p >= from and p <= to then
      out[#out + 1] = tostring(p)
    end
  end
  return out
end

local function judge(r, ports)
  local bad = {}
  for _, e in ipairs(items(r.public_ingress)) do
    if type(e) == "table" and math.type(e.from_port) and math.type(e.to_port) then
      local hit = reached(ports, e.from_port, e.to_port)
      if #hit > 0 then
        local range = e.from_port == e.to_port and tostring(e.from_port) or (e.from_port .. "-" .. e.to_port)
        bad[#bad + 1] = "port " .. table.concat(hit, ", ") .. " open to " .. table.concat(items(e.sources), ", ")
          .. " (" .. protocol(e.protocol) .. " " .. range .. ")"
      end
    end
  end
  if #bad > 0 then
    return "fail", table.concat(bad, "; ")
  end
  local undetermined = items(r.undetermined)
  if #undetermined > 0 then
    return "skip", nil, "known only after apply: " .. table.concat(undetermined, ", ")
  end
  local open = #items(r.public_ingress)
  return "pass", open > 0 and (open .. " public ingress rule(s), none to an administration port")
    or "no ingress from the Internet"
end

function check(evidence, params, run)
  local out = {}
  local ports = items(params.iac_admin_ports)
  for _, doc in ipairs(evidence.iac) do
    local t = type(doc.data) == "table" and type(doc.data.terraform) == "table" and doc.data.terraform or {}
    for _, r in ipairs(items(t.network_rules)) do
      if type(r) == "table" and text(r.address) then
        local status, message, reason = judge(r, ports)
        out[#out + 1] = { resource = r.address, status = status, message = message, reason = reason,
                          evidence = { doc.id } }
      end
    end
  end
  return out
end

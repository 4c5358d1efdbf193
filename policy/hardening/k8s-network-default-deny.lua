-- k8s-network-default-deny.lua — every Kubernetes namespace with
-- workloads denies ingress by default: a NetworkPolicy selecting every pod
-- (podSelector {}) of type Ingress without ingress rules, so that only
-- traffic another policy allows reaches a pod; with k8s_default_deny_egress,
-- egress too.
--
-- Reads `vigil collect iac --k8s` documents (docs/collect.md, "iac"):
-- kubernetes.namespaces, each namespace the manifests name (an object
-- without one is in "default").  One result per namespace, named
-- k8s-namespace:NAME: fail without the default-deny policy, pass with it;
-- a namespace without workloads is not applicable.
-- Leaves out: policies applied outside the manifests read, whether the
-- cluster's network plugin enforces NetworkPolicy at all, the allow rules
-- of the other policies.

rule = {
  id = "k8s-network-default-deny",
  title = "Kubernetes namespaces deny network traffic by default",
  severity = "medium",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.7.2", "ir2024-2690:6.8.1", "ir2024-2690:6.8.2", "cra:I.2.j" },
  evidence = { "iac" },
  params = { k8s_default_deny_egress = false },
  rationale = "Systems must be segmented into zones with minimal traffic between them and only the services "
    .. "needed allowed (Implementing Regulation 2024/2690, 6.7.2, 6.8.1, 6.8.2); a product must limit its attack "
    .. "surface (CRA Annex I, Part I (2)(j)). Without a default-deny NetworkPolicy every pod of a cluster can reach "
    .. "every other: one compromised pod reaches the databases of all namespaces.",
}

local items = vigil.items

function check(evidence, params, run)
  local out = {}
  for _, doc in ipairs(evidence.iac) do
    local k = type(doc.data) == "table" and type(doc.data.kubernetes) == "table" and doc.data.kubernetes or {}
    for _, ns in ipairs(items(k.namespaces)) do
      if type(ns) == "table" and type(ns.namespace) == "string" then
        local r = { resource = "k8s-namespace:" .. ns.namespace, evidence = { doc.id } }
        local missing = {}
        if ns.default_deny_ingress ~= true then missing[#missing + 1] = "ingress" end
        if params.k8s_default_deny_egress and ns.default_deny_egress ~= true then missing[#missing + 1] = "egress" end
        if not math.type(ns.workloads) or ns.workloads == 0 then
          r.status, r.reason = "not_applicable", "no workload in the manifests"
        elseif #missing > 0 then
          r.status, r.message = "fail", "no default-deny NetworkPolicy for " .. table.concat(missing, " and ")
            .. " (" .. ns.workloads .. " workload(s), " .. tostring(ns.network_policies) .. " policy(ies))"
        else
          r.status, r.message = "pass", "default deny for ingress" .. (ns.default_deny_egress == true and " and egress" or "")
        end
        out[#out + 1] = r
      end
    end
  end
  return out
end

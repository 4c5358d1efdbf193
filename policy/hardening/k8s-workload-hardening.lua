-- k8s-workload-hardening.lua — every Kubernetes workload runs its
-- containers as non-root, unprivileged, without privilege escalation, on a
-- read-only root filesystem, without added capabilities, from images
-- pinned by digest, and without hostPath volumes or the host's
-- namespaces.
--
-- Reads `vigil collect iac --k8s` documents (docs/collect.md, "iac"):
-- kubernetes.workloads, each with its containers (initContainers
-- included) and their effective security settings.  One result per
-- workload, named NAMESPACE/KIND/NAME: fail with every check of
-- k8s_checks it misses, per container; pass otherwise.  Checks:
--   non-root                 runAsUser is not 0, and either runAsUser is
--                            set or runAsNonRoot is true (else the image's
--                            USER decides, which a manifest does not show)
--   not-privileged           privileged is not true
--   no-privilege-escalation  allowPrivilegeEscalation is false (unset is
--                            true for a process that can gain privileges)
--   read-only-root           readOnlyRootFilesystem is true
--   no-added-capabilities    capabilities.add is empty
--   image-digest             the image is pinned by @sha256:
--   no-host-path             no hostPath volume
--   no-host-namespaces       hostNetwork, hostPID, hostIPC are not true
-- Leaves out: seccomp and AppArmor profiles, capabilities not dropped,
-- what an admission controller or Pod Security Admission would change.

rule = {
  id = "k8s-workload-hardening",
  title = "Kubernetes workloads run non-root, unprivileged, read-only, from pinned images",
  severity = "high",
  requirements = { "nis2:21.2.e", "ir2024-2690:6.3.2", "cra:I.2.b", "cra:I.2.j", "cra:I.2.k" },
  evidence = { "iac" },
  params = {
    k8s_checks = { "non-root", "not-privileged", "no-privilege-escalation", "read-only-root", "no-added-capabilities",
      "image-digest", "no-host-path", "no-host-namespaces" },
  },
  rationale = "Secure configurations must be defined and enforced (Implementing Regulation 2024/2690, 6.3.2), a "
    .. "product must be secure by default (CRA Annex I, Part I (2)(b)), limit its attack surface and mitigate "
    .. "exploitation ((2)(j), (k)). A container that runs as root, privileged, with added capabilities or the "
    .. "host's namespaces and files turns one exploited process into a compromised node; an image named by tag "
    .. "can change under the same name.",
}

local text, items = vigil.text, vigil.items

local function container_problems(c, on)
  local bad = {}
  if on["non-root"] then
    if c.run_as_user == 0 then
      bad[#bad + 1] = "runs as root (runAsUser 0)"
    elseif not math.type(c.run_as_user) and c.run_as_non_root ~= true then
      bad[#bad + 1] = "may run as root (neither runAsNonRoot nor runAsUser)"
    end
  end
  if on["not-privileged"] and c.privileged == true then bad[#bad + 1] = "privileged" end
  if on["no-privilege-escalation"] and c.allow_privilege_escalation ~= false then
    bad[#bad + 1] = "allowPrivilegeEscalation not false"
  end
  if on["read-only-root"] and c.read_only_root_filesystem ~= true then bad[#bad + 1] = "writable root filesystem" end
  if on["no-added-capabilities"] and #items(c.capabilities_added) > 0 then
    bad[#bad + 1] = "adds " .. table.concat(items(c.capabilities_added), ", ")
  end
  if on["image-digest"] and c.image_digest ~= true then bad[#bad + 1] = "image not pinned by digest" end
  return bad
end

local function judge(w, on)
  local parts = {}
  local pod = {}
  if on["no-host-path"] and #items(w.host_path_volumes) > 0 then
    pod[#pod + 1] = "hostPath " .. table.concat(items(w.host_path_volumes), ", ")
  end
  if on["no-host-namespaces"] then
    for _, h in ipairs({ { "host_network", "hostNetwork" }, { "host_pid", "hostPID" }, { "host_ipc", "hostIPC" } }) do
      if w[h[1]] == true then pod[#pod + 1] = h[2] end
    end
  end
  if #pod > 0 then parts[#parts + 1] = "pod: " .. table.concat(pod, ", ") end
  local n = 0
  for _, c in ipairs(items(w.containers)) do
    if type(c) == "table" then
      n = n + 1
      local bad = container_problems(c, on)
      if #bad > 0 then
        parts[#parts + 1] = (text(c.name) or "?") .. (c.init == true and " (init)" or "") .. ": " .. table.concat(bad, ", ")
      end
    end
  end
  if #parts > 0 then
    return "fail", table.concat(parts, "; ")
  end
  return "pass", n .. " container(s) hardened"
end

function check(evidence, params, run)
  local out = {}
  local on = {}
  for _, name in ipairs(items(params.k8s_checks)) do on[name] = true end
  for _, doc in ipairs(evidence.iac) do
    local k = type(doc.data) == "table" and type(doc.data.kubernetes) == "table" and doc.data.kubernetes or {}
    for _, w in ipairs(items(k.workloads)) do
      if type(w) == "table" and text(w.kind) then
        local status, message = judge(w, on)
        out[#out + 1] = { resource = (text(w.namespace) or "default") .. "/" .. w.kind .. "/" .. (text(w.name) or "?"),
                          status = status, message = message, evidence = { doc.id } }
      end
    end
  end
  return out
end

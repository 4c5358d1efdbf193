-- release-attested.lua — every released artefact has an SBOM, a signed
-- attestation that verifies, and SLSA provenance from an allowed builder.
--
-- Reads in-toto statements (in-toto Statement v1: subject[].name and
-- digest, predicateType, predicate) of kinds attestation and provenance,
-- with `verified` (true when the Sigstore bundle or DSSE envelope verified
-- with a key given to `vigil policy eval --key`), and SBOMs.  The released
-- artefacts are the subjects of those statements, one resource per digest
-- (SHA-256 when given).  An artefact passes when
--  - an SBOM describes it: a verified attestation whose predicate is a
--    CycloneDX BOM or an SPDX document, or an SBOM document whose subject
--    carries its SHA-256 (CycloneDX metadata.component.hashes, the
--    checksums of the SPDX 2 package the document describes);
--  - at least one attestation about it verified, and none failed;
--  - verified SLSA provenance (v1 runDetails.builder.id, v0.2 builder.id)
--    names a builder matching one of allowed_builders (globs).
-- Leaves out: artefacts no statement names (list every artefact of a
-- release as a subject of its provenance), and which of the trusted keys
-- signed (every key given with --key is trusted alike).

rule = {
  id = "release-attested",
  title = "Every released artefact has an SBOM, a verified attestation and SLSA provenance from an allowed builder",
  severity = "high",
  requirements = { "nis2:21.2.d", "ir2024-2690:6.6.1", "cra:I.2.f", "cra:II.1", "cra:II.7" },
  evidence = { "attestation", "provenance", "sbom" },
  optional = { "attestation", "provenance", "sbom" },
  params = { allowed_builders = { "https://github.com/actions/runner/github-hosted" } },
  rationale = "Users of a release must be able to check that it is what the manufacturer built, where it was "
    .. "built and what it contains: updates distributed securely (CRA Annex I, Part II (7)), protected against "
    .. "unauthorised change (Part I (2)(f)), with an SBOM (Part II (1)); patches from trusted sources with "
    .. "integrity checks (Implementing Regulation 2024/2690, 6.6.1). A signature that does not verify is "
    .. "treated as tampering, even next to one that does.",
}

local text, items = vigil.text, vigil.items

local function is_sbom_type(t)
  return t ~= nil and (t:find("^https://cyclonedx%.org/bom") or t:find("^https://spdx%.dev/Document")) ~= nil
end

-- The SHA-256 digests ("sha256:hex") an SBOM document gives its subject.
local function sbom_digests(d)
  local out = {}
  if text(d.bomFormat) == "CycloneDX" then
    local c = type(d.metadata) == "table" and type(d.metadata.component) == "table" and d.metadata.component or {}
    for _, h in ipairs(items(c.hashes)) do
      if type(h) == "table" and h.alg == "SHA-256" and text(h.content) then
        out[#out + 1] = "sha256:" .. h.content:lower()
      end
    end
  elseif text(d.spdxVersion) then
    local described = {}
    for _, id in ipairs(items(d.documentDescribes)) do
      described[id] = true
    end
    for _, r in ipairs(items(d.relationships)) do
      if type(r) == "table" and r.spdxElementId == "SPDXRef-DOCUMENT" and r.relationshipType == "DESCRIBES"
          and r.relatedSpdxElement ~= nil then
        described[r.relatedSpdxElement] = true
      end
    end
    for _, p in ipairs(items(d.packages)) do
      if type(p) == "table" and described[p.SPDXID] then
        for _, c in ipairs(items(p.checksums)) do
          if type(c) == "table" and c.algorithm == "SHA256" and text(c.checksumValue) then
            out[#out + 1] = "sha256:" .. c.checksumValue:lower()
          end
        end
      end
    end
  end
  return out
end

function check(evidence, params, run)
  local artefacts, order = {}, {}
  local function artefact(subject)
    local digest = type(subject.digest) == "table" and subject.digest or {}
    local alg, value = "sha256", text(digest.sha256)
    if not value then
      for a, v in pairs(digest) do
        if not value and text(v) then
          alg, value = a, v
        end
      end
    end
    if not value then
      return nil
    end
    local key = alg .. ":" .. value:lower()
    local a = artefacts[key]
    if not a then
      a = { key = key, name = text(subject.name) or key, sbom = nil, verified = {}, failed = {}, builders = {},
            other_builders = {}, evidence = {} }
      artefacts[key] = a
      order[#order + 1] = key
    end
    return a
  end
  for _, kind in ipairs({ "attestation", "provenance" }) do
    for _, doc in ipairs(evidence[kind]) do
      local d = type(doc.data) == "table" and doc.data or {}
      local ptype = text(d.predicateType)
      local predicate = type(d.predicate) == "table" and d.predicate or {}
      for _, subject in ipairs(items(d.subject)) do
        local a = type(subject) == "table" and artefact(subject)
        if a then
          a.evidence[#a.evidence + 1] = doc.id
          if doc.verified == true then
            a.verified[#a.verified + 1] = doc.path
          else
            a.failed[#a.failed + 1] = doc.path .. (text(doc.verification) and " (" .. doc.verification .. ")" or "")
          end
          if doc.verified == true and is_sbom_type(ptype) then
            a.sbom = a.sbom or ("attested in " .. doc.path)
          end
          if kind == "provenance" and doc.verified == true then
            local run_details = type(predicate.runDetails) == "table" and predicate.runDetails or {}
            local builder = type(run_details.builder) == "table" and run_details.builder
              or type(predicate.builder) == "table" and predicate.builder or {}
            local id = text(builder.id)
            local allowed = false
            for _, glob in ipairs(params.allowed_builders) do
              allowed = allowed or (id ~= nil and vigil.glob(glob, id))
            end
            if allowed then
              a.builders[#a.builders + 1] = id
            else
              a.other_builders[#a.other_builders + 1] = id or "no builder id"
            end
          end
        end
      end
    end
  end
  for _, doc in ipairs(evidence.sbom) do
    for _, digest in ipairs(sbom_digests(type(doc.data) == "table" and doc.data or {})) do
      local a = artefacts[digest]
      if a then
        a.sbom = a.sbom or ("described by " .. doc.path)
        a.evidence[#a.evidence + 1] = doc.id
      end
    end
  end
  local out = {}
  for _, key in ipairs(order) do
    local a = artefacts[key]
    local problems = {}
    if not a.sbom then
      problems[#problems + 1] = "no SBOM (neither a verified SBOM attestation nor an SBOM with its digest)"
    end
    if #a.failed > 0 then
      problems[#problems + 1] = "not verified: " .. table.concat(a.failed, ", ")
    elseif #a.verified == 0 then
      problems[#problems + 1] = "no verified attestation"
    end
    if #a.builders == 0 then
      problems[#problems + 1] = #a.other_builders > 0
        and "provenance from a builder not allowed: " .. table.concat(a.other_builders, ", ")
        or "no verified SLSA provenance"
    end
    local result = { resource = a.name .. "@" .. key, evidence = a.evidence }
    if #problems > 0 then
      result.status = "fail"
      result.message = #problems .. " of 3 checks fail: " .. table.concat(problems, "; ")
    else
      result.status = "pass"
      result.message = "SBOM " .. a.sbom .. "; provenance from " .. a.builders[1] .. "; "
        .. #a.verified .. " verified attestation(s)"
    end
    out[#out + 1] = result
  end
  if #out == 0 then
    return { { resource = "*", status = "skip", reason = "no attestation or provenance names an artefact" } }
  end
  return out
end

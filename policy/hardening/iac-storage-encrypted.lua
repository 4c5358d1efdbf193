-- iac-storage-encrypted.lua — the storage a Terraform plan makes is
-- encrypted at rest.
--
-- Reads `vigil collect iac` documents (docs/collect.md, "iac"):
-- terraform.storage (aws_ebs_volume encrypted, aws_db_instance and
-- aws_rds_cluster storage_encrypted: true, false or "unknown") and
-- terraform.s3_buckets (whether an
-- aws_s3_bucket_server_side_encryption_configuration names the bucket).
-- One result per resource, named by its Terraform address: fail when
-- encryption is off; skip when it is known only after apply (an EBS
-- volume then follows the account's "encryption by default" setting,
-- which the plan does not show); an S3 bucket without its own encryption
-- configuration fails unless iac_s3_default_encryption is true (Amazon S3
-- has encrypted every new object with SSE-S3 since 5 January 2023; the
-- rule asks for the configuration by default, to make the key and
-- algorithm a decision in the code).
-- Leaves out: which key encrypts (AWS-managed or customer-managed), other
-- providers' storage.

rule = {
  id = "iac-storage-encrypted",
  title = "Storage made by infrastructure as code is encrypted at rest",
  severity = "medium",
  requirements = { "nis2:21.2.h", "ir2024-2690:9.2", "cra:I.2.e" },
  evidence = { "iac" },
  params = { iac_s3_default_encryption = false },
  rationale = "Encryption must be used by asset class, at rest as in transit (Implementing Regulation 2024/2690, "
    .. "9.2), and a product must protect the confidentiality of the data it stores, e.g. by state-of-the-art "
    .. "encryption at rest (CRA Annex I, Part I (2)(e)). A volume, database or bucket declared without "
    .. "encryption leaves its snapshots and copies readable to whoever reaches them.",
}

local text, items = vigil.text, vigil.items

function check(evidence, params, run)
  local out = {}
  for _, doc in ipairs(evidence.iac) do
    local t = type(doc.data) == "table" and type(doc.data.terraform) == "table" and doc.data.terraform or {}
    for _, s in ipairs(items(t.storage)) do
      if type(s) == "table" and text(s.address) then
        local attr = text(s.attribute) or "encrypted"
        local r = { resource = s.address, evidence = { doc.id } }
        if s.encrypted == true then
          r.status, r.message = "pass", attr .. " = true"
        elseif s.encrypted == "unknown" then
          r.status, r.reason = "skip", attr .. " known only after apply"
        else
          r.status, r.message = "fail", attr .. " = false"
        end
        out[#out + 1] = r
      end
    end
    for _, b in ipairs(items(t.s3_buckets)) do
      if type(b) == "table" and text(b.address) then
        local r = { resource = b.address, evidence = { doc.id } }
        if b.sse_configuration == true then
          r.status, r.message = "pass", "aws_s3_bucket_server_side_encryption_configuration present"
        elseif params.iac_s3_default_encryption then
          r.status, r.message = "pass", "no encryption configuration: Amazon S3's default SSE-S3 accepted"
        else
          r.status, r.message = "fail", "no aws_s3_bucket_server_side_encryption_configuration for this bucket"
        end
        out[#out + 1] = r
      end
    end
  end
  return out
end

-- asset-owner-classification.lua — every asset of the inventory has an
-- owner and a classification.
--
-- Reads the inventory (docs/store.md: assets[].name, owner, tags, as
-- `vigil inventory add --owner --tag K=V` sets them).  The classification
-- is the tag named by classification_tag; when classification_levels is
-- not empty its value must be one of them.
-- Leaves out: whether the owner is still a member of the organisation
-- (that needs identity evidence) and whether the level is the right one.

rule = {
  id = "asset-owner-classification",
  title = "Every inventoried asset has an owner and a classification",
  severity = "medium",
  requirements = { "nis2:21.2.i", "ir2024-2690:12.1.2", "ir2024-2690:12.4.1" },
  evidence = { "inventory" },
  params = { classification_tag = "classification",
             classification_levels = { "public", "internal", "confidential", "restricted" } },
  rationale = "Each asset must be classified by the protection it needs (Implementing Regulation 2024/2690, "
    .. "12.1.2) in an accurate and consistent inventory (12.4.1); an asset nobody owns has nobody who patches, "
    .. "reviews or answers for it.",
}

local text = vigil.text

function check(evidence, params, run)
  local levels = {}
  for _, level in ipairs(params.classification_levels) do
    levels[level] = true
  end
  local out, seen = {}, {}
  for _, doc in ipairs(evidence.inventory) do
    local d = type(doc.data) == "table" and doc.data or {}
    for _, asset in ipairs(type(d.assets) == "table" and d.assets or {}) do
      if type(asset) == "table" and text(asset.name) then
        local tags = type(asset.tags) == "table" and asset.tags or {}
        local level = text(tags[params.classification_tag])
        local missing = {}
        if not text(asset.owner) then
          missing[#missing + 1] = "no owner"
        end
        if not level then
          missing[#missing + 1] = "no classification (tag " .. params.classification_tag .. ")"
        elseif #params.classification_levels > 0 and not levels[level] then
          missing[#missing + 1] = "classification " .. level .. " is none of "
            .. table.concat(params.classification_levels, ", ")
        end
        local result = { resource = asset.name, status = "pass", evidence = { doc.id },
          message = #missing == 0 and "owner " .. asset.owner .. ", classification " .. level or nil }
        if #missing > 0 then
          result.status, result.message = "fail", table.concat(missing, "; ")
        end
        -- An asset listed twice is judged once: it fails if any entry does.
        local prior = seen[asset.name]
        if not prior then
          seen[asset.name] = result
          out[#out + 1] = result
        elseif result.status == "fail" and prior.status == "pass" then
          prior.status, prior.message = "fail", result.message
        end
      end
    end
  end
  return out
end

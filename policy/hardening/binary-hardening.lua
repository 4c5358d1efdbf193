-- binary-hardening.lua — every ELF executable and shared object of a
-- target is built with the exploit mitigations required.
--
-- Reads `vigil collect binaries` documents (docs/collect.md, "binaries"),
-- each target (its `target`) judged by its newest document.  A binary
-- must have every fact of binary_required: pie (position independent:
-- a PIE executable or a shared object), relro (full: PT_GNU_RELRO and
-- immediate binding), nx (no executable stack), canary (stack
-- protector), fortify (no fortifiable libc function called unchecked),
-- ibt and shstk (x86 CET; met by binaries of other machines), bti and pac
-- (aarch64; met by binaries of other machines).  Binaries whose path
-- matches a glob of binary_exempt (vigil.glob: * matches / too) are not
-- judged.  One fail per binary that lacks a fact, resource "TARGET PATH";
-- one skip per binary for which a fact cannot be told (canary or fortify
-- of a static binary, or of one without dynamic symbols) and per file the
-- collector could not read; a target without either passes as a whole,
-- one without binaries is not_applicable.
-- Leaves out: what the facts leave out (stack clash protection, the
-- _FORTIFY_SOURCE level), and binaries the collector does not list.

rule = {
  id = "binary-hardening",
  title = "Executables and shared objects are built with the required exploit mitigations",
  severity = "medium",
  requirements = { "cra:I.2.k" },
  evidence = { "binaries" },
  params = {
    binary_required = { "pie", "relro", "nx", "canary" },
    binary_exempt = {},
  },
  rationale = "Products must limit the impact of an incident with exploitation mitigation mechanisms "
    .. "(CRA Annex I, Part I (2)(k)). A binary loaded at a fixed address (no PIE), with writable relocations "
    .. "(RELRO not full), an executable stack or no stack canary turns a memory-safety bug into code "
    .. "execution far more easily; all four are what Fedora's default build flags and Debian's "
    .. "hardening=+all give every binary. A binary with no array on its stack has no canary although it was "
    .. "built with -fstack-protector-strong: exempt it by path, or drop canary from binary_required.",
}

local text, items = vigil.text, vigil.items

-- A static binary, or one without dynamic symbols: its imports say
-- nothing of canary and fortify.
local function imports_unknown(b)
  return b.static == true or b.dynamic_symbols ~= true
end

-- Each fact: what it takes to have it (true, false, or nil: cannot tell).
local facts = {
  pie = function(b) return b.pie == true end,
  relro = function(b) return b.relro == "full" end,
  nx = function(b) return b.nx == true end,
  canary = function(b)
    if imports_unknown(b) or b.canary == vigil.null then return nil end
    return b.canary == true
  end,
  fortify = function(b)
    if imports_unknown(b) then return nil end
    return b.fortify ~= false -- null: no fortifiable function called
  end,
  ibt = function(b) return b.ibt ~= false end,   -- null: not an x86 binary
  shstk = function(b) return b.shstk ~= false end,
  bti = function(b) return b.bti ~= false end,   -- null: not an aarch64 binary
  pac = function(b) return b.pac ~= false end,
}

-- How a missing fact is named in a message.
local function lacking(name, b)
  if name == "relro" then
    return "full relro (" .. (text(b.relro) or "?") .. ")"
  end
  return name
end

function check(evidence, params, run)
  local required, exempt = items(params.binary_required), items(params.binary_exempt)
  local known = {}
  for name in pairs(facts) do
    known[#known + 1] = name
  end
  table.sort(known)
  for _, name in ipairs(required) do
    if not facts[name] then
      error("binary_required: unknown fact '" .. tostring(name) .. "' (known: " .. table.concat(known, ", ") .. ")")
    end
  end


  -- one result per resource: a second one (a path unchecked twice) adds to the first
  local out, seen = {}, {}
  local function add(resource, status, key, text_, ev)
    local r = seen[resource]
    if r then
      local rank = { skip = 1, fail = 2 }
      r[key] = (r[key] and r[key] .. "; " or "") .. text_
      if rank[status] > rank[r.status] then
        r.status, r.message, r.reason = status, r.message or r.reason, nil
      end
      return
    end
    r = { resource = resource, status = status, evidence = ev }
    r[key] = text_
    seen[resource] = r
    out[#out + 1] = r
  end
  for _, n in ipairs(vigil.newest(evidence.binaries, function(d) return text(d.target) end)) do
    local target = n.resource
    local d = type(n.doc.data) == "table" and n.doc.data or {}
    local judged, spared, bad = 0, 0, 0
    for _, b in ipairs(items(d.binaries)) do
      local path = type(b) == "table" and text(b.path)
      if not path then
        bad = bad + 1
        add(target .. " (entry " .. bad .. ")", "fail", "message", "an entry of the document has no path", n.evidence)
      else
        local skip = false
        for _, glob in ipairs(exempt) do
          skip = skip or vigil.glob(glob, path)
        end
        if skip then
          spared = spared + 1
        else
          judged = judged + 1
          local missing, unknown = {}, {}
          for _, name in ipairs(required) do
            local has = facts[name](b)
            if has == nil then
              unknown[#unknown + 1] = name
            elseif not has then
              missing[#missing + 1] = lacking(name, b)
            end
          end
          local resource = target .. " " .. path
          local why = #unknown > 0 and "cannot tell " .. table.concat(unknown, ", ") .. ": "
            .. (b.static == true and "statically linked" or "no dynamic symbol table")
          if #missing > 0 then
            bad = bad + 1
            add(resource, "fail", "message", (text(b.type) or "binary") .. " lacks " .. table.concat(missing, ", ")
              .. (why and "; " .. why or ""), n.evidence)
          elseif why then
            bad = bad + 1
            add(resource, "skip", "reason", why, n.evidence)
          end
        end
      end
    end
    for _, u in ipairs(items(d.unchecked)) do
      if type(u) == "table" then
        bad = bad + 1
        add(target .. " " .. (text(u.what) or "?"), "skip", "reason",
          "not read by the collector: " .. (text(u.reason) or "no reason given"), n.evidence)
      end
    end
    if bad == 0 then
      local result = { resource = target, evidence = n.evidence }
      if type(d.binaries) ~= "table" then
        result.status, result.message = "fail", "the document has no list of binaries"
      elseif judged == 0 then
        result.status = "not_applicable"
        result.reason = spared > 0 and "every binary is exempt" or "no ELF executable or shared object"
      else
        result.status = "pass"
        result.message = string.format("all %d binaries have %s%s", judged,
          #required > 0 and table.concat(required, ", ") or "what is required (nothing)",
          spared > 0 and string.format(" (%d exempt)", spared) or "")
      end
      out[#out + 1] = result
    end
  end
  return out
end

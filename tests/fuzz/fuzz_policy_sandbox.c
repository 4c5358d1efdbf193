/*
 * fuzz_policy_sandbox.c — libFuzzer target for the policy rule sandbox
 * (src/policy/: sandbox.c, evidence.c, result.c).
 *
 * The low bit of the first byte picks the mode; the rest is the input.
 *  odd  ("1..."): JSON evidence, read by a fixed rule that walks all of it
 *        without recursion (so any depth jansson accepts) through pairs,
 *        next, ipairs, # and indexing, and returns counts and sums; they
 *        must equal what a walk of the json_t gives, and the rule must not
 *        fail — a disagreement or an error aborts.
 *  even ("0..."): rule text (at most 4096 bytes) compiled and its check()
 *        run on a small evidence document with tight limits; any outcome is
 *        allowed but a crash, a result together with an error, or a
 *        message that does not name the rule file.
 * Seeds (corpus/policy_sandbox/): evidence documents of several shapes,
 * rules that behave and rules that loop, grow, recurse or write.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/policy.h"

static const char walker_text[] =
    "function check(e)\n"
    "  local c = {objects = 0, arrays = 0, strings = 0, integers = 0, reals = 0, trues = 0, falses = 0,\n"
    "             nulls = 0, string_bytes = 0, key_bytes = 0, int_sum = 0, array_len_sum = 0}\n"
    "  local work = {e}\n"
    "  while #work > 0 do\n"
    "    local v = work[#work]\n"
    "    work[#work] = nil\n"
    "    local t = type(v)\n"
    "    if t == 'table' then\n"
    "      if #v > 0 or next(v) == nil or math.type(next(v)) == 'integer' then\n"
    "        c.arrays = c.arrays + 1\n"
    "        c.array_len_sum = c.array_len_sum + #v\n"
    "        local n = 0\n"
    "        for i, x in ipairs(v) do\n"
    "          n = n + 1\n"
    "          assert(i == n and v[i] == x and v[i + 0.0] == x, 'array index')\n"
    "          work[#work + 1] = x\n"
    "        end\n"
    "        assert(n == #v and v[n + 1] == nil and v[0] == nil, 'array length')\n"
    "        local m = 0\n"
    "        for i, x in pairs(v) do m = m + 1; assert(i == m and v[i] == x, 'array pairs') end\n"
    "        assert(m == n, 'array pairs count')\n"
    "      else\n"
    "        c.objects = c.objects + 1\n"
    "        assert(#v == 0, 'object length')\n"
    "        local k = next(v)\n"
    "        for key, x in pairs(v) do\n"
    "          assert(key == k and v[key] == x, 'object pairs')\n"
    "          c.key_bytes = c.key_bytes + #key\n"
    "          work[#work + 1] = x\n"
    "          k = next(v, k)\n"
    "        end\n"
    "        assert(k == nil, 'object next')\n"
    "      end\n"
    "    elseif t == 'string' then c.strings = c.strings + 1; c.string_bytes = c.string_bytes + #v\n"
    "    elseif math.type(v) == 'integer' then c.integers = c.integers + 1; c.int_sum = c.int_sum + v\n"
    "    elseif t == 'number' then c.reals = c.reals + 1\n"
    "    elseif v == true then c.trues = c.trues + 1\n"
    "    elseif v == false then c.falses = c.falses + 1\n"
    "    elseif v == vigil.null then c.nulls = c.nulls + 1\n"
    "    else error('unexpected value ' .. tostring(v)) end\n"
    "  end\n"
    "  return c\n"
    "end\n";

/* What the walker returns, and what count() finds. */
enum { OBJECTS, ARRAYS, STRINGS, INTEGERS, REALS, TRUES, FALSES, NULLS, STRING_BYTES, KEY_BYTES, INT_SUM,
       ARRAY_LEN_SUM, NCOUNTS };
static const char *const count_names[NCOUNTS] = {
    "objects", "arrays", "strings", "integers", "reals", "trues", "falses", "nulls",
    "string_bytes", "key_bytes", "int_sum", "array_len_sum",
};

/* Unsigned: the sums wrap, as Lua's integer addition does. */
static void count(const json_t *v, uint64_t *c)
{
    const char *key;
    size_t key_len, i;
    json_t *member;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        /* An empty object is an empty table, which the walker counts as an array. */
        if (json_object_size(v) == 0) {
            c[ARRAYS]++;
            break;
        }
        c[OBJECTS]++;
        json_object_keylen_foreach((json_t *)v, key, key_len, member) {
            c[KEY_BYTES] += key_len;
            count(member, c);
        }
        break;
    case JSON_ARRAY:
        c[ARRAYS]++;
        c[ARRAY_LEN_SUM] += json_array_size(v);
        json_array_foreach(v, i, member)
            count(member, c);
        break;
    case JSON_STRING:
        c[STRINGS]++;
        c[STRING_BYTES] += json_string_length(v);
        break;
    case JSON_INTEGER:
        c[INTEGERS]++;
        c[INT_SUM] += (uint64_t)json_integer_value(v);
        break;
    case JSON_REAL:
        c[REALS]++;
        break;
    case JSON_TRUE:
        c[TRUES]++;
        break;
    case JSON_FALSE:
        c[FALSES]++;
        break;
    case JSON_NULL:
        c[NULLS]++;
        break;
    }
}

static void fuzz_evidence(const uint8_t *data, size_t size)
{
    static vg_policy_rule *walker;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    if (!walker && vg_policy_rule_compile(&ctx, "walker.lua", walker_text, strlen(walker_text), NULL, &walker) != VG_OK)
        abort();
    json_t *evidence = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (evidence) {
        json_t *result = NULL;
        if (vg_policy_rule_run(&ctx, walker, "check", evidence, &result) != VG_OK)
            abort();
        uint64_t c[NCOUNTS] = {0};
        count(evidence, c);
        for (int i = 0; i < NCOUNTS; i++) {
            json_t *v = json_object_get(result, count_names[i]);
            if (!json_is_integer(v) || (uint64_t)json_integer_value(v) != c[i])
                abort();
        }
        json_decref(result);
        json_decref(evidence);
    }
    vg_ctx_free(&ctx);
}

static void fuzz_rule(const uint8_t *data, size_t size)
{
    static const vg_policy_limits tight = {.memory = 4u << 20, .instructions = 200000, .call_depth = 50};
    if (size > 4096)
        return;
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *evidence = json_loads("{\"components\":[{\"name\":\"a\",\"version\":\"1.0\"},{\"name\":\"b\"}],"
                                  "\"n\":1,\"x\":1.5,\"ok\":true,\"none\":null}",
                                  0, NULL);
    vg_policy_rule *rule = NULL;
    int rc = vg_policy_rule_compile(&ctx, "fuzz.lua", (const char *)data, size, &tight, &rule);
    if (rc == VG_OK) {
        json_t *result = NULL;
        rc = vg_policy_rule_run(&ctx, rule, "check", evidence, &result);
        if ((rc == VG_OK) != (result != NULL))
            abort();
        json_decref(result);
    } else if (rule) {
        abort();
    }
    if (rc != VG_OK && strncmp(ctx.message, "fuzz.lua", 8) != 0)
        abort();
    vg_policy_rule_free(rule);
    json_decref(evidence);
    vg_ctx_free(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        fuzz_evidence(data + 1, size - 1);
    else
        fuzz_rule(data + 1, size - 1);
    return 0;
}

/*
 * attribute.c — which supplier stands behind a component: the attribution
 * rules of the supplier records (docs/supplier-risk.md, "Attribution";
 * supplier.h) compiled into an index, and the precedence applied to one
 * component at a time.
 *
 * Precedence: purl rules, then name rules, then supplier rules; within a
 * kind the longest literal prefix (the bytes before the first '*' or '?'),
 * then the longest pattern, then the supplier name in byte order, then the
 * rule's position (record order, then rule order).  Purl rules see the purl
 * without its "?qualifiers" and "#subpath" (an '@' right after a '/' in a
 * purl glob is read as "%40", an npm scope as purls spell it); supplier
 * rules compare ASCII
 * case-insensitively.  Globs: '*' any run of bytes ('/' included), '?' one
 * byte, everything else literal; at most VG_SUPPLIER_GLOB_STARS stars and
 * VG_SUPPLIER_GLOB_MAX bytes.
 *
 * Speed: a rule can only match a string that starts with its literal
 * prefix, so the rules of each kind are grouped by that prefix, the groups
 * kept in a hash table (FNV-1a, lower-cased for supplier rules) and sorted
 * by the precedence within a group.  A component string is hashed
 * incrementally, and at each length some rule's prefix has, the group of
 * exactly that prefix is looked up: from the longest length down, the first
 * rule of a group that matches wins.  Rules starting with a wildcard are the
 * group of the empty prefix, tried last.  A group of more than GROUP_LINEAR
 * rules (a thousand "*Vendor GmbH*" supplier globs share the empty prefix)
 * is indexed once more: each rule under the rarest (in its group) of the
 * GRAM-byte pieces of its literal runs after the prefix, which whatever it
 * matches must contain; each GRAM bytes of the string, looked up in a hash
 * table, give the candidates, and the few rules without such a run are
 * tried one by one.  The cost per component is about its length plus the
 * candidates, not the number of rules.
 *
 * Left out: character classes, escapes (a literal '*' cannot be matched
 * alone), Unicode case folding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/arena.h"
#include "vigil/supplier.h"

#define VG_SUPPLIER_GLOB_MAX 500 /* bytes of one glob */
#define VG_SUPPLIER_GLOB_STARS 8 /* '*' in one glob */

enum { KIND_PURL, KIND_NAME, KIND_SUPPLIER, KINDS };

static const char *const kind_names[KINDS] = {"purl", "name", "supplier"};

typedef struct rule {
    const char *glob;    /* the pattern, lower-cased for supplier rules */
    size_t len;          /* bytes of glob */
    size_t prefix;       /* bytes of its literal prefix */
    const char *label;   /* "KIND:GLOB" as written */
    const char *owner;   /* the supplier's name */
    long supplier;       /* index of the record */
    size_t position;     /* order of the rule among all rules */
} rule;

#define GRAM 4          /* bytes of the literal a rule of a large group is indexed by */
#define GROUP_LINEAR 8  /* groups of at most this many rules are tried one by one */

typedef struct group {
    uint64_t hash;       /* of the prefix */
    const char *prefix;  /* rules[first].glob */
    size_t len;          /* bytes of the prefix */
    size_t first, count; /* range of kind_index.rules, in precedence order */
    uint32_t number;     /* its place in the kind, part of the gram keys */
    int indexed;         /* count > GROUP_LINEAR: by gram, and always[] */
    size_t *always;      /* indexed: the rules without a literal run of GRAM bytes */
    size_t nalways;
} group;

/* A rule of an indexed group under GRAM bytes of one of its literal runs
 * after its prefix: the run, hence the gram, must occur in whatever the
 * rule matches. */
typedef struct gram_entry {
    uint64_t key;        /* group number << 32 | the gram's bytes */
    size_t rule;         /* index into kind_index.rules */
} gram_entry;

typedef struct kind_index {
    rule *rules;
    size_t nrules;
    group **slots;       /* open addressing; NULL = empty */
    size_t cap;          /* power of two */
    size_t *lengths;     /* distinct prefix lengths, longest first */
    size_t nlengths;
    gram_entry *grams;   /* sorted by key, then rule */
    size_t ngrams;
    size_t *gram_slots;  /* open addressing on the key: index of its first
                            entry in grams + 1; 0 = empty */
    size_t gram_cap;     /* power of two */
} kind_index;

struct vg_supplier_rules {
    vg_arena arena;
    kind_index kinds[KINDS];
};

static unsigned char fold(unsigned char c, int icase)
{
    return icase && c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * FNV_PRIME;
}

/* s[0..n) against glob[0..m): '*' any run, '?' one byte.  The classic
 * backtracking to the last star: a later star makes every earlier choice
 * final, so the work is at most n * m. */
static int glob_match(const char *glob, size_t m, const char *s, size_t n, int icase)
{
    size_t g = 0, i = 0, star = SIZE_MAX, mark = 0;
    while (i < n) {
        if (g < m && glob[g] == '*') {
            star = g++;
            mark = i;
        } else if (g < m && (glob[g] == '?' || (unsigned char)glob[g] == fold((unsigned char)s[i], icase))) {
            g++;
            i++;
        } else if (star != SIZE_MAX) {
            g = star + 1;
            i = ++mark;
        } else {
            return 0;
        }
    }
    while (g < m && glob[g] == '*')
        g++;
    return g == m;
}

/* Precedence within a group: longer pattern, supplier name, position. */
static int rule_cmp(const void *pa, const void *pb)
{
    const rule *a = pa, *b = pb;
    if (a->prefix != b->prefix)
        return a->prefix < b->prefix ? -1 : 1;
    int c = memcmp(a->glob, b->glob, a->prefix);
    if (c)
        return c;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    c = strcmp(a->owner, b->owner);
    if (c)
        return c;
    return a->position < b->position ? -1 : a->position > b->position;
}

static int size_desc(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return a < b ? 1 : a > b ? -1 : 0;
}

static const group *index_find(const kind_index *k, uint64_t hash, const char *s, size_t len, int icase)
{
    size_t mask = k->cap - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        const group *g = k->slots[i];
        if (!g)
            return NULL;
        if (g->hash != hash || g->len != len)
            continue;
        size_t j = 0;
        while (j < len && (unsigned char)g->prefix[j] == fold((unsigned char)s[j], icase))
            j++;
        if (j == len)
            return g;
    }
}

static uint64_t gram_key(uint32_t number, const char *s, int icase)
{
    uint32_t v = 0;
    for (int i = 0; i < GRAM; i++)
        v = v << 8 | fold((unsigned char)s[i], icase);
    return (uint64_t)number << 32 | v;
}

/* A mix of the key's bits for the gram table (the key's low bits alone are
 * the gram's last bytes, clustered). */
static uint64_t gram_hash(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return key;
}

static int gram_cmp(const void *pa, const void *pb)
{
    const gram_entry *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/* Calls each(ctx, gram) for every GRAM bytes of a literal run of rule r
 * after its prefix; stops at and returns the first non-zero result. */
static int rule_grams(const rule *r, int (*each)(void *, const char *), void *ctx)
{
    for (size_t p = r->prefix; p < r->len;) {
        size_t run = strcspn(r->glob + p, "*?");
        for (size_t q = p; q + GRAM <= p + run; q++) {
            int rc = each(ctx, r->glob + q);
            if (rc)
                return rc;
        }
        p += run + 1;
    }
    return 0;
}

typedef struct gram_census {
    uint64_t *keys;      /* every gram of every rule of the group, then sorted */
    size_t n;
    uint32_t number;     /* the group's */
    size_t best_count;   /* the rule being filed: its rarest gram so far */
    uint64_t best_key;
} gram_census;

static int census_add(void *ctx, const char *gram)
{
    gram_census *c = ctx;
    c->keys[c->n++] = gram_key(c->number, gram, 0);
    return 0;
}

static int u64_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* How many rules' grams are key: the census is sorted. */
static int census_rarest(void *ctx, const char *gram)
{
    gram_census *c = ctx;
    uint64_t key = gram_key(c->number, gram, 0);
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < c->n && c->keys[end] == key)
        end++;
    if (end - lo < c->best_count) {
        c->best_count = end - lo;
        c->best_key = key;
    }
    return 0;
}

/* Files each rule of the large group g under the rarest (in the group) of
 * the grams of its literal runs after the prefix, or in g->always when it
 * has no run of GRAM bytes.  The globs of supplier rules are lower-cased
 * already. */
static int group_grams(vg_arena *arena, kind_index *k, group *g)
{
    g->always = vg_arena_calloc(arena, g->count, sizeof *g->always);
    size_t total = 0;
    for (size_t i = g->first; i < g->first + g->count; i++)
        total += k->rules[i].len;
    gram_census census = {.keys = malloc((total ? total : 1) * sizeof *census.keys), .number = g->number};
    if (!g->always || !census.keys) {
        free(census.keys);
        return VG_ERR_NOMEM;
    }
    for (size_t i = g->first; i < g->first + g->count; i++)
        rule_grams(&k->rules[i], census_add, &census);
    if (census.n > 1)
        qsort(census.keys, census.n, sizeof *census.keys, u64_cmp);
    for (size_t i = g->first; i < g->first + g->count; i++) {
        census.best_count = SIZE_MAX;
        rule_grams(&k->rules[i], census_rarest, &census);
        if (census.best_count != SIZE_MAX)
            k->grams[k->ngrams++] = (gram_entry){.key = census.best_key, .rule = i};
        else
            g->always[g->nalways++] = i;
    }
    free(census.keys);
    return VG_OK;
}

/* Groups the sorted rules of k by prefix into its hash table and lists the
 * distinct prefix lengths. */
static int index_build(vg_arena *arena, kind_index *k)
{
    if (k->nrules == 0)
        return VG_OK;
    if (k->nrules > 1)
        qsort(k->rules, k->nrules, sizeof *k->rules, rule_cmp);
    k->cap = 16;
    while (k->cap < 2 * k->nrules)
        k->cap *= 2;
    k->slots = vg_arena_calloc(arena, k->cap, sizeof *k->slots);
    k->lengths = vg_arena_calloc(arena, k->nrules, sizeof *k->lengths);
    k->grams = vg_arena_calloc(arena, k->nrules, sizeof *k->grams);
    if (!k->slots || !k->lengths || !k->grams)
        return VG_ERR_NOMEM;
    size_t ngroups = 0;
    for (size_t i = 0; i < k->nrules;) {
        const rule *r = &k->rules[i];
        size_t j = i + 1;
        while (j < k->nrules && k->rules[j].prefix == r->prefix && memcmp(k->rules[j].glob, r->glob, r->prefix) == 0)
            j++;
        group *g = vg_arena_alloc(arena, sizeof *g);
        if (!g)
            return VG_ERR_NOMEM;
        uint64_t h = FNV_OFFSET;
        for (size_t b = 0; b < r->prefix; b++)
            h = fnv_step(h, (unsigned char)r->glob[b]);
        *g = (group){.hash = h, .prefix = r->glob, .len = r->prefix, .first = i, .count = j - i,
                     .number = (uint32_t)ngroups++, .indexed = j - i > GROUP_LINEAR};
        if (g->indexed && group_grams(arena, k, g) != VG_OK)
            return VG_ERR_NOMEM;
        size_t mask = k->cap - 1, s = (size_t)h & mask;
        while (k->slots[s])
            s = (s + 1) & mask;
        k->slots[s] = g;
        size_t l = 0;
        while (l < k->nlengths && k->lengths[l] != r->prefix)
            l++;
        if (l == k->nlengths)
            k->lengths[k->nlengths++] = r->prefix;
        i = j;
    }
    if (k->nlengths > 1)
        qsort(k->lengths, k->nlengths, sizeof *k->lengths, size_desc);
    if (k->ngrams > 1)
        qsort(k->grams, k->ngrams, sizeof *k->grams, gram_cmp);
    k->gram_cap = 16;
    while (k->gram_cap < 2 * k->ngrams)
        k->gram_cap *= 2;
    k->gram_slots = vg_arena_calloc(arena, k->gram_cap, sizeof *k->gram_slots);
    if (!k->gram_slots)
        return VG_ERR_NOMEM;
    for (size_t i = 0; i < k->ngrams; i++) {
        if (i > 0 && k->grams[i].key == k->grams[i - 1].key)
            continue;
        size_t mask = k->gram_cap - 1, slot = (size_t)gram_hash(k->grams[i].key) & mask;
        while (k->gram_slots[slot])
            slot = (slot + 1) & mask;
        k->gram_slots[slot] = i + 1;
    }
    return VG_OK;
}

/* Whether rule i of k matches s[0..n), whose first r->prefix bytes are
 * known to be its prefix: the rest of the glob against the rest. */
static int rule_matches(const kind_index *k, size_t i, const char *s, size_t n, int icase)
{
    const rule *r = &k->rules[i];
    return glob_match(r->glob + r->prefix, r->len - r->prefix, s + r->prefix, n - r->prefix, icase);
}

/* The first rule of g (in precedence order) that matches s[0..n), as an
 * index into k->rules, or SIZE_MAX.  A large group: the first of its
 * always[] rules that matches, then every rule filed under a gram of the
 * string after the prefix, each tried only when it comes before the best
 * so far. */
static size_t group_match(const kind_index *k, const group *g, const char *s, size_t n, int icase)
{
    size_t best = SIZE_MAX;
    if (!g->indexed) {
        for (size_t i = g->first; i < g->first + g->count; i++)
            if (rule_matches(k, i, s, n, icase))
                return i;
        return SIZE_MAX;
    }
    for (size_t a = 0; a < g->nalways; a++)
        if (rule_matches(k, g->always[a], s, n, icase)) {
            best = g->always[a];
            break;
        }
    for (size_t p = g->len; p + GRAM <= n; p++) {
        uint64_t key = gram_key(g->number, s + p, icase);
        size_t mask = k->gram_cap - 1, slot = (size_t)gram_hash(key) & mask, lo = SIZE_MAX;
        for (; k->gram_slots[slot]; slot = (slot + 1) & mask)
            if (k->grams[k->gram_slots[slot] - 1].key == key) {
                lo = k->gram_slots[slot] - 1;
                break;
            }
        if (lo == SIZE_MAX)
            continue;
        for (; lo < k->ngrams && k->grams[lo].key == key && k->grams[lo].rule < best; lo++)
            if (rule_matches(k, k->grams[lo].rule, s, n, icase))
                best = k->grams[lo].rule;
    }
    return best;
}

/* The winning rule of kind k for s[0..n), or NULL. */
static const rule *index_match(const kind_index *k, const char *s, size_t n, int icase)
{
    if (k->nrules == 0)
        return NULL;
    /* hashes[l] for each distinct prefix length l <= n, from one pass. */
    uint64_t hashes[VG_SUPPLIER_GLOB_MAX + 1];
    size_t limit = n < VG_SUPPLIER_GLOB_MAX ? n : VG_SUPPLIER_GLOB_MAX;
    uint64_t h = FNV_OFFSET;
    hashes[0] = h;
    for (size_t i = 0; i < limit; i++)
        hashes[i + 1] = h = fnv_step(h, fold((unsigned char)s[i], icase));
    for (size_t l = 0; l < k->nlengths; l++) {
        size_t len = k->lengths[l];
        if (len > n)
            continue;
        const group *g = index_find(k, hashes[len], s, len, icase);
        size_t best = g ? group_match(k, g, s, n, icase) : SIZE_MAX;
        if (best != SIZE_MAX)
            return &k->rules[best];
    }
    return NULL;
}

void vg_supplier_rules_free(vg_supplier_rules *rules)
{
    if (!rules)
        return;
    for (int k = 0; k < KINDS; k++)
        free(rules->kinds[k].rules);
    vg_arena_free(&rules->arena);
    free(rules);
}

/* Appends one rule (the object {"KIND": "GLOB"}) of record index si. */
static int add_rule(vg_ctx *ctx, vg_supplier_rules *rs, const char *owner, long si, size_t ri, const json_t *obj,
                    size_t *position, size_t *caps)
{
    int kind = -1;
    if (!json_is_object(obj) || json_object_size(obj) != 1)
        return vg_error(ctx, VG_ERR_FORMAT, "supplier \"%s\": rule %zu is not an object with one key", owner, ri + 1);
    void *it = json_object_iter((json_t *)obj);
    const char *key = json_object_iter_key(it);
    const json_t *value = json_object_iter_value(it);
    for (int k = 0; k < KINDS; k++)
        if (strcmp(key, kind_names[k]) == 0)
            kind = k;
    if (kind < 0)
        return vg_error(ctx, VG_ERR_FORMAT,
                        "supplier \"%s\": rule %zu: unknown kind \"%s\" (purl, name or supplier)", owner, ri + 1, key);
    if (!json_is_string(value))
        return vg_error(ctx, VG_ERR_FORMAT, "supplier \"%s\": rule %zu: the %s glob is not a string", owner, ri + 1,
                        key);
    const char *glob = json_string_value(value), *written = glob;
    size_t len = json_string_length(value), stars = 0, prefix;
    if (kind == KIND_PURL && len <= VG_SUPPLIER_GLOB_MAX && strstr(glob, "/@")) {
        /* A purl spells an npm scope's '@' "%40" (pkg:npm/%40babel/core);
         * people write "pkg:npm/@babel/...".  After a '/' an '@' cannot be
         * the version's separator, so it is the encoded one. */
        char *enc = vg_arena_alloc(&rs->arena, 3 * len + 1), *o = enc;
        if (!enc)
            return VG_ERR_NOMEM;
        for (size_t i = 0; i < len; i++) {
            *o++ = glob[i];
            if (glob[i] == '@' && i > 0 && glob[i - 1] == '/') {
                o[-1] = '%';
                *o++ = '4';
                *o++ = '0';
            }
        }
        *o = '\0';
        glob = enc;
        len = (size_t)(o - enc);
    }
    prefix = len;
    for (size_t i = 0; i < len; i++) {
        if (glob[i] == '\0')
            return vg_error(ctx, VG_ERR_FORMAT, "supplier \"%s\": rule %zu: the glob holds a NUL byte", owner, ri + 1);
        if (glob[i] == '*')
            stars++;
        if ((glob[i] == '*' || glob[i] == '?') && prefix == len)
            prefix = i;
    }
    if (len > VG_SUPPLIER_GLOB_MAX || stars > VG_SUPPLIER_GLOB_STARS)
        return vg_error(ctx, VG_ERR_LIMIT,
                        "supplier \"%s\": rule %zu: a glob has at most %d bytes and %d '*' (this one %zu and %zu)",
                        owner, ri + 1, VG_SUPPLIER_GLOB_MAX, VG_SUPPLIER_GLOB_STARS, len, stars);
    kind_index *k = &rs->kinds[kind];
    if (k->nrules == caps[kind]) {
        size_t cap = caps[kind] ? caps[kind] * 2 : 64;
        rule *grown = realloc(k->rules, cap * sizeof *grown);
        if (!grown)
            return VG_ERR_NOMEM;
        k->rules = grown;
        caps[kind] = cap;
    }
    char *g = vg_arena_strndup(&rs->arena, glob, len);
    const char *label = vg_arena_printf(&rs->arena, "%s:%s", kind_names[kind], written);
    if (!g || !label)
        return VG_ERR_NOMEM;
    if (kind == KIND_SUPPLIER)
        for (size_t i = 0; i < len; i++)
            g[i] = (char)fold((unsigned char)g[i], 1);
    k->rules[k->nrules++] = (rule){.glob = g, .len = len, .prefix = prefix, .label = label, .owner = owner,
                                   .supplier = si, .position = (*position)++};
    return VG_OK;
}

int vg_supplier_rules_compile(vg_ctx *ctx, const json_t *records, vg_supplier_rules **out)
{
    *out = NULL;
    if (!json_is_array(records))
        return vg_error(ctx, VG_ERR_USAGE, "supplier rules: the records are not an array");
    vg_supplier_rules *rs = calloc(1, sizeof *rs);
    if (!rs)
        return VG_ERR_NOMEM;
    vg_arena_init(&rs->arena);
    size_t caps[KINDS] = {0}, position = 0;
    int rc = VG_OK;
    for (size_t si = 0; rc == VG_OK && si < json_array_size(records); si++) {
        const json_t *rec = json_array_get(records, si);
        const char *name = json_string_value(json_object_get(rec, "name"));
        if (!name) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "supplier record %zu has no name", si + 1);
            break;
        }
        const json_t *list = json_object_get(rec, "rules");
        if (list && !json_is_array(list)) {
            rc = vg_error(ctx, VG_ERR_FORMAT, "supplier \"%s\": rules is not a list", name);
            break;
        }
        if (json_array_size(list) > VG_SUPPLIER_MAX_LIST) {
            rc = vg_error(ctx, VG_ERR_LIMIT, "supplier \"%s\": %zu rules, at most %d", name, json_array_size(list),
                          VG_SUPPLIER_MAX_LIST);
            break;
        }
        const char *owner = vg_arena_strdup(&rs->arena, name);
        if (!owner) {
            rc = VG_ERR_NOMEM;
            break;
        }
        for (size_t ri = 0; rc == VG_OK && ri < json_array_size(list); ri++)
            rc = add_rule(ctx, rs, owner, (long)si, ri, json_array_get(list, ri), &position, caps);
    }
    for (int k = 0; rc == VG_OK && k < KINDS; k++)
        rc = index_build(&rs->arena, &rs->kinds[k]);
    if (rc != VG_OK) {
        vg_supplier_rules_free(rs);
        return rc == VG_ERR_NOMEM ? vg_error(ctx, rc, "supplier rules: out of memory") : rc;
    }
    *out = rs;
    return VG_OK;
}

long vg_supplier_attribute(const vg_supplier_rules *rules, const char *purl, const char *name, const char *supplier,
                           const char **rule_out)
{
    const char *subjects[KINDS] = {purl, name, supplier};
    if (rule_out)
        *rule_out = NULL;
    for (int k = 0; k < KINDS; k++) {
        const char *s = subjects[k];
        if (!s)
            continue;
        size_t n = k == KIND_PURL ? strcspn(s, "?#") : strlen(s);
        const rule *r = index_match(&rules->kinds[k], s, n, k == KIND_SUPPLIER);
        if (r) {
            if (rule_out)
                *rule_out = r->label;
            return r->supplier;
        }
    }
    return -1;
}

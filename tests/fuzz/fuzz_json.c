/*
 * fuzz_json.c — differential libFuzzer target for vg_json_parse()
 * (src/core/json.c) against jansson's json_loadb with
 * JSON_REJECT_DUPLICATES | JSON_DECODE_ANY: the flags under which jansson
 * reads the language vg_json_parse reads (RFC 8259, any value at the top,
 * a member name given twice refused).  Any bytes must be accepted by both
 * or refused by both.  Accepted, the two values must be json_equal (reals
 * compared as jansson compares them, by value) and written to the same
 * text by json_dumps (the same members in the same order, the same
 * doubles).  Refused, *out must be NULL and the message name the file and
 * a line of the input.
 * One exception: a text with a NUL byte.  RFC 8259 allows none outside a
 * string (§2) nor raw inside one (§7), and vg_json_parse must refuse it;
 * jansson 2.14 accepts some, skipping a NUL that directly follows a number
 * or a literal ("[1\0]", a defect of its stream reader, which takes a NUL
 * it has put back for the end of its buffer), so its answer is not
 * compared (corpus/json/nul-after-*).
 * Seeds (corpus/json/): every escape, surrogate pairs and lone halves,
 * "\u0000", control characters, integers at and past 64 bits, reals that
 * overflow and underflow, malformed numbers, 2048 and 2049 levels of
 * nesting, invalid UTF-8 (overlong, surrogate, above U+10FFFF, truncated),
 * a byte order mark, duplicate names (also spelled with escapes), text
 * after the value, empty input, literals, a piece of a vigil scan report.
 *
 * The tree reader (vg_jtree_parse(), vigil/jtree.h) shares vg_json_parse's
 * reader with another builder: it must accept and refuse the same texts
 * with the same status, build the same value (vg_jval_to_json), find every
 * member of every object by its name (the sorted index of large objects
 * included) and no name that is not there, and vg_jtree_from_json must give
 * the same tree back from the jansson value.
 *
 * The writer (vg_json_dump) must write exactly what json_dumps writes, with
 * the flags vigil writes documents with.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/json.h"
#include "vigil/jtree.h"

static void check_lookups(const vg_jval *v)
{
    if (v->type == VG_JARRAY)
        for (uint32_t i = 0; i < v->n; i++)
            check_lookups(&v->u.items[i]);
    if (v->type != VG_JOBJECT)
        return;
    for (uint32_t i = 0; i < v->n; i++) {
        const vg_jmember *m = &v->u.members[i];
        if (vg_jval_member_index(v, m->key, m->key_len) != (long)i) {
            fprintf(stderr, "member %u (\"%s\") not found by its name\n", i, m->key);
            abort();
        }
        check_lookups(&m->value);
    }
    if (vg_jval_getn(v, "\xff", 1)) { /* no name is invalid UTF-8 */
        fprintf(stderr, "a name that is not there was found\n");
        abort();
    }
}

/* The tree of the text must be the jansson value ours (NULL: refused with
 * status rc and message why).  The tree reader finds a name given twice
 * when its object closes, so when that is vg_json_parse's error it may
 * first meet another one; otherwise both say the same. */
static void check_tree(const uint8_t *data, size_t size, int rc, const json_t *ours, const char *why)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_jtree *tree = NULL;
    int trc = vg_jtree_parse(&ctx, "input.json", (const char *)data, size, &tree);
    int same = trc == rc && (rc == VG_OK || strcmp(ctx.message, why) == 0);
    if ((trc == VG_OK) != (rc == VG_OK) || (trc == VG_OK) != (tree != NULL) ||
        (!same && !strstr(why, "given twice in one object"))) {
        fprintf(stderr, "vg_jtree_parse gives %d (%s), vg_json_parse %d (%s)\n", trc, ctx.message, rc, why);
        abort();
    }
    if (tree) {
        json_t *back = vg_jval_to_json(tree->root);
        vg_jtree *again = NULL;
        json_t *twice = NULL;
        if (vg_jtree_from_json(&ctx, ours, &again) == VG_OK)
            twice = vg_jval_to_json(again->root);
        char *a = json_dumps(back, JSON_ENCODE_ANY | JSON_COMPACT), *b = json_dumps(ours, JSON_ENCODE_ANY | JSON_COMPACT);
        if (!json_equal(back, ours) || !json_equal(twice, ours) || !a || !b || strcmp(a, b) != 0) {
            fprintf(stderr, "the tree differs:\n  tree %s\n  json %s\n", a ? a : "?", b ? b : "?");
            abort();
        }
        check_lookups(tree->root);
        check_lookups(again->root);
        free(a);
        free(b);
        json_decref(back);
        json_decref(twice);
        vg_jtree_free(again);
        vg_jtree_free(tree);
    }
    vg_ctx_free(&ctx);
}

static void check_writer(const json_t *value)
{
    static const size_t flags[] = {JSON_ENCODE_ANY | JSON_COMPACT, JSON_ENCODE_ANY | JSON_INDENT(2) | JSON_SORT_KEYS,
                                   JSON_ENCODE_ANY, JSON_ENCODE_ANY | JSON_INDENT(4) | JSON_COMPACT};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        vg_buf out;
        vg_buf_init(&out, SIZE_MAX / 2);
        char *want = json_dumps(value, flags[i]);
        int rc = vg_json_dump(value, flags[i], &out);
        if (!want || rc != VG_OK || strcmp(out.data ? out.data : "", want) != 0) {
            fprintf(stderr, "vg_json_dump (flags %zx, %d) wrote\n%s\njson_dumps\n%s\n", flags[i], rc,
                    out.data ? out.data : "", want ? want : "(failed)");
            abort();
        }
        free(want);
        vg_buf_free(&out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *ours = NULL;
    int rc = vg_json_parse(&ctx, "input.json", (const char *)data, size, &ours);
    json_error_t err;
    json_t *theirs = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (memchr(data, '\0', size)) {
        if (rc == VG_OK) {
            fprintf(stderr, "vg_json_parse accepts a text with a NUL byte\n");
            abort();
        }
        json_decref(theirs);
        theirs = NULL;
    }
    if ((rc == VG_OK) != (theirs != NULL)) {
        fprintf(stderr, "disagreement: vg_json_parse %s, json_loadb %s\n", rc == VG_OK ? "accepts" : ctx.message,
                theirs ? "accepts" : err.text);
        abort();
    }
    if (rc == VG_OK) {
        char *a = json_dumps(ours, JSON_ENCODE_ANY | JSON_COMPACT);
        char *b = json_dumps(theirs, JSON_ENCODE_ANY | JSON_COMPACT);
        if (!json_equal(ours, theirs) || !a || !b || strcmp(a, b) != 0) {
            fprintf(stderr, "different values:\n  vg_json_parse %s\n  json_loadb    %s\n", a ? a : "?",
                    b ? b : "?");
            abort();
        }
        free(a);
        free(b);
    } else {
        size_t line = 0, column = 0, lines = 1;
        for (size_t i = 0; i < size; i++)
            lines += data[i] == '\n';
        if (ours || sscanf(ctx.message, "input.json: not valid JSON (line %zu, column %zu: ", &line, &column) != 2 ||
            line < 1 || line > lines || column < 1 || column > size + 1) {
            fprintf(stderr, "bad refusal: %s\n", ctx.message);
            abort();
        }
    }
    check_tree(data, size, rc, ours, ctx.message);
    if (ours)
        check_writer(ours);
    json_decref(ours);
    json_decref(theirs);
    vg_ctx_free(&ctx);
    return 0;
}

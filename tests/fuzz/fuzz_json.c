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
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/json.h"

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
    json_decref(ours);
    json_decref(theirs);
    vg_ctx_free(&ctx);
    return 0;
}

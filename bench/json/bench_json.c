/*
 * bench_json.c — how long reading a JSON document takes: into jansson
 * values with vg_json_parse (src/core/json.c) and with jansson's own
 * json_loadb, and into the policy engine's read-only tree with
 * vg_jtree_parse (vigil/jtree.h).  Not a test; run by bench/json/run.sh, figures in
 * bench/README.md ("JSON parsing").
 *
 *   bench_json FILE vigil|jansson|tree   reads FILE into memory, then parses it
 *       once with that parser and prints "PARSER BYTES USER_MS SYS_MS
 *       WALL_MS": the CPU time (getrusage) and the time on the clock of
 *       the parse alone, reading the file and freeing the values left out.
 *       One parse per process, as the policy engine reads each document.
 *   bench_json FILE check           parses FILE with both and says whether
 *       they agree (the same values in the same order); exit status 1 when
 *       they do not.
 * The flags of json_loadb are the ones vg_json_parse matches:
 * JSON_REJECT_DUPLICATES | JSON_DECODE_ANY.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "vigil/io.h"
#include "vigil/json.h"
#include "vigil/jtree.h"

static double ms(struct timeval tv)
{
    return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

static double wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Parses text with the parser named; NULL (after a message) on error. */
static json_t *parse(const char *parser, const char *path, const char *text, size_t len)
{
    if (strcmp(parser, "vigil") == 0) {
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        json_t *v = NULL;
        if (vg_json_parse(&ctx, path, text, len, &v) != VG_OK)
            fprintf(stderr, "bench_json: %s\n", ctx.message);
        vg_ctx_free(&ctx);
        return v;
    }
    json_error_t err;
    json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!v)
        fprintf(stderr, "bench_json: %s: line %d, column %d: %s\n", path, err.line, err.column, err.text);
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "vigil") != 0 && strcmp(argv[2], "jansson") != 0 &&
                      strcmp(argv[2], "tree") != 0 && strcmp(argv[2], "check") != 0)) {
        fprintf(stderr, "usage: bench_json FILE vigil|jansson|tree|check\n");
        return 2;
    }
    vg_buf text;
    vg_buf_init(&text, (size_t)1 << 31);
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0 || vg_read_all(fd, &text) != VG_OK) {
        fprintf(stderr, "bench_json: %s: cannot read it\n", argv[1]);
        return 1;
    }
    close(fd);
    const char *data = text.data ? text.data : "";
    if (strcmp(argv[2], "check") == 0) {
        json_t *a = parse("vigil", argv[1], data, text.len), *b = parse("jansson", argv[1], data, text.len);
        char *da = a ? json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        char *db = b ? json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        int same = a && b && json_equal(a, b) && da && db && strcmp(da, db) == 0;
        printf("%s: %s\n", argv[1], same ? "same values" : "the parsers disagree");
        free(da);
        free(db);
        json_decref(a);
        json_decref(b);
        vg_buf_free(&text);
        return !same;
    }
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    double start = wall_ms();
    if (strcmp(argv[2], "tree") == 0) {
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        vg_jtree *tree = NULL;
        int rc = vg_jtree_parse(&ctx, argv[1], data, text.len, &tree);
        double wall = wall_ms() - start;
        getrusage(RUSAGE_SELF, &after);
        if (rc != VG_OK)
            fprintf(stderr, "bench_json: %s\n", ctx.message);
        else
            printf("tree %zu %.1f %.1f %.1f\n", text.len, ms(after.ru_utime) - ms(before.ru_utime),
                   ms(after.ru_stime) - ms(before.ru_stime), wall);
        vg_jtree_free(tree);
        vg_ctx_free(&ctx);
        vg_buf_free(&text);
        return rc != VG_OK;
    }
    json_t *v = parse(argv[2], argv[1], data, text.len);
    double wall = wall_ms() - start;
    getrusage(RUSAGE_SELF, &after);
    if (!v)
        return 1;
    printf("%s %zu %.1f %.1f %.1f\n", argv[2], text.len, ms(after.ru_utime) - ms(before.ru_utime),
           ms(after.ru_stime) - ms(before.ru_stime), wall);
    json_decref(v);
    vg_buf_free(&text);
    return 0;
}

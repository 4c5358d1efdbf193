/*
 * policy_evidence.c — unit test of what the evidence loader promises its
 * callers and the command line cannot show (vigil/policy.h, "Evidence
 * documents"; tests/e2e/policy_evidence.sh tests the rest on real files):
 * a failed add leaves the set as it was — a directory with one bad file
 * adds none of its files, and the next document still gets the next id —
 * the size limit of the options, kind names, and the exact document object
 * of add_bytes() with its digest and times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "vigil/digest.h"
#include "vigil/policy.h"

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static size_t count(const vg_policy_evidence *ev) { return json_array_size(vg_policy_evidence_documents(ev)); }

static const char *member(const vg_policy_evidence *ev, size_t i, const char *key)
{
    return json_string_value(json_object_get(json_array_get(vg_policy_evidence_documents(ev), i), key));
}

int main(void)
{
    char dir[] = "/tmp/vigil-unit-evidence.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    write_file(dir, "first.json", "{\"format\": \"vigil-scan\", \"timestamp\": \"2026-01-02T03:04:05.5-02:00\"}");
    if (mkdir(sub, 0700) != 0)
        return 1;
    write_file(sub, "a-good.json", "{\"bomFormat\": \"CycloneDX\"}");
    write_file(sub, "b-bad.yaml", "a: [1, 2\n");
    write_file(sub, "c-good.yaml", "x: 1\n");

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_evidence_options opts = {.now = 1700000000, .max_file = 100};
    vg_policy_evidence *ev;
    CHECK(vg_policy_evidence_new(&ctx, &opts, &ev) == VG_OK, "new: %s", ctx.message);

    /* one document, exactly as documented */
    static const char text[] = "{\"openvex\": 1, \"@context\": \"https://openvex.dev/ns/v0.2.0\"}";
    CHECK(vg_policy_evidence_add_bytes(&ctx, ev, NULL, "mem/vex.json", text, strlen(text), 86400) == VG_OK, "add_bytes: %s",
          ctx.message);
    vg_file_digest d;
    vg_digest_memory(&ctx, text, strlen(text), VG_DIGEST_SHA256, &d);
    char want[512];
    snprintf(want, sizeof want,
             "{\"id\": \"e1\", \"kind\": \"vex\", \"format\": \"openvex\", \"path\": \"mem/vex.json\", \"sha256\": \"%s\", "
             "\"size\": %zu, \"collected\": \"1970-01-02T00:00:00Z\", \"data\": {\"openvex\": 1, \"@context\": "
             "\"https://openvex.dev/ns/v0.2.0\"}}",
             d.sha256, strlen(text));
    /* the list has what each document is; its content comes apart */
    json_t *doc = json_deep_copy(json_array_get(vg_policy_evidence_documents(ev), 0));
    CHECK(doc && !json_object_get(doc, "data"), "the list holds the content too");
    json_object_set_new(doc, "data", vg_jval_to_json(vg_policy_evidence_data(ev, 0)));
    CHECK(vg_policy_evidence_data(ev, 1) == NULL, "a content past the last document");
    char *got = json_dumps(doc, JSON_PRESERVE_ORDER);
    json_decref(doc);
    json_t *want_json = json_loads(want, JSON_PRESERVE_ORDER, NULL);
    char *want_text = json_dumps(want_json, JSON_PRESERVE_ORDER);
    CHECK(got && want_text && strcmp(got, want_text) == 0, "document:\n %s\nexpected\n %s", got, want_text);
    free(got);
    free(want_text);
    json_decref(want_json);

    /* a directory with a bad file: nothing of it added */
    CHECK(vg_policy_evidence_add(&ctx, ev, dir) == VG_ERR_FORMAT, "a directory with a bad file was accepted");
    CHECK(strstr(ctx.message, "/sub/b-bad.yaml: not valid YAML (line 2") != NULL, "message: %s", ctx.message);
    CHECK(count(ev) == 1, "%zu documents after a failed add, expected 1", count(ev));

    /* the next one is e2, and the own time of a scan is taken, in UTC */
    char first[600];
    snprintf(first, sizeof first, "scan=%s/first.json", dir);
    CHECK(vg_policy_evidence_add(&ctx, ev, first) == VG_OK, "add: %s", ctx.message);
    CHECK(count(ev) == 2 && strcmp(member(ev, 1, "id"), "e2") == 0 && strcmp(member(ev, 1, "kind"), "scan") == 0,
          "after the failed add: %s %s", member(ev, 1, "id"), member(ev, 1, "kind"));
    CHECK(strcmp(member(ev, 1, "collected"), "2026-01-02T05:04:05Z") == 0, "collected %s", member(ev, 1, "collected"));

    /* the size limit of the options; a file at it is read */
    char big[101];
    memset(big, ' ', sizeof big);
    big[0] = '[';
    big[100] = ']';
    CHECK(vg_policy_evidence_add_bytes(&ctx, ev, NULL, "big.json", big, 101, 0) == VG_ERR_LIMIT &&
              strstr(ctx.message, "big.json: the evidence file is larger than 100 bytes"),
          "101 bytes over a limit of 100: %s", ctx.message);
    big[99] = ']';
    CHECK(vg_policy_evidence_add_bytes(&ctx, ev, NULL, "big.json", big, 100, 0) == VG_OK, "100 bytes: %s", ctx.message);
    CHECK(count(ev) == 3 && strcmp(member(ev, 2, "kind"), "document") == 0, "100 bytes: %zu documents", count(ev));

    /* kind names */
    CHECK(vg_policy_kind_valid("tls") && vg_policy_kind_valid("host-facts_2") && !vg_policy_kind_valid("") &&
              !vg_policy_kind_valid("Tls") && !vg_policy_kind_valid("2tls") && !vg_policy_kind_valid("a.b") &&
              vg_policy_kind_valid("abcdefghijklmnopqrstuvwxyz012345") &&
              !vg_policy_kind_valid("abcdefghijklmnopqrstuvwxyz0123456"),
          "kind names");
    CHECK(vg_policy_evidence_add_bytes(&ctx, ev, "Bad", "x.json", "{}", 2, 0) == VG_ERR_USAGE, "kind Bad accepted");
    CHECK(vg_policy_evidence_add(&ctx, ev, "abcdefghijklmnopqrstuvwxyz0123456=x.json") == VG_ERR_USAGE,
          "a 33-byte kind accepted");
    CHECK(count(ev) == 3, "%zu documents after refused kinds", count(ev));

    vg_policy_evidence_free(ev);
    vg_ctx_free(&ctx);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return failures ? 1 : 0;
}

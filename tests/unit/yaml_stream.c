/*
 * yaml_stream.c — unit test of vg_yaml_read_stream() (vigil/yaml.h,
 * src/core/yaml.c): the documents of a YAML stream as kubectl reads a
 * manifest file.  Values and messages written here by hand: documents
 * after "---", an empty document and a trailing "---" left out, a
 * document of flow style after "---" (as the Kubernetes documentation
 * writes some examples), JSON as one document, the document limit, a
 * syntax error in the second document with its line, aliases expanding
 * past the value limit; and vg_yaml_read still refusing a second
 * document.
 */
#include <string.h>

#include "vigil/yaml.h"
#include "check.h"

static json_t *stream(const char *text, size_t max, int want_rc, const char *want_message)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *v = NULL;
    int rc = vg_yaml_read_stream(&ctx, "m.yaml", text, strlen(text), max, &v);
    CHECK(rc == want_rc, "%s: status %d, expected %d (%s)", text, rc, want_rc, ctx.message);
    if (want_message)
        CHECK(strcmp(ctx.message, want_message) == 0, "message \"%s\", expected \"%s\"", ctx.message, want_message);
    CHECK((rc == VG_OK) == (v != NULL), "%s: a value with status %d", text, rc);
    vg_ctx_free(&ctx);
    return v;
}

int main(void)
{
    json_t *v = stream("a: 1\n---\nb: [x, y]\n---\n---\n# only a comment\n---\nc: ~\n---\n", 10, VG_OK, NULL);
    json_t *want = json_pack("[{s:i}, {s:[s,s]}, {s:n}]", "a", 1, "b", "x", "y", "c");
    CHECK(json_equal(v, want), "three documents, empty ones left out");
    json_decref(v);
    json_decref(want);

    v = stream("---\n{\n  kind: \"Pod\",\n  spec: {containers: [{name: \"c\",}],},\n}\n", 10, VG_OK, NULL);
    want = json_pack("[{s:s, s:{s:[{s:s}]}}]", "kind", "Pod", "spec", "containers", "name", "c");
    CHECK(json_equal(v, want), "a flow-style document after ---");
    json_decref(v);
    json_decref(want);

    v = stream(" {\"kind\": \"List\", \"items\": []}", 1, VG_OK, NULL);
    CHECK(json_array_size(v) == 1 && json_is_object(json_array_get(v, 0)), "JSON is one document");
    json_decref(v);

    v = stream("", 10, VG_OK, NULL);
    CHECK(json_is_array(v) && json_array_size(v) == 0, "an empty file has no document");
    json_decref(v);

    stream("a: 1\n---\nb: 2\n---\nc: 3\n", 2, VG_ERR_LIMIT, "m.yaml: more than 2 YAML documents");
    stream("a: 1\n---\nb: [1, 2\nc: 3\n", 10, VG_ERR_FORMAT,
           "m.yaml: not valid YAML (line 4, column 2: did not find expected ',' or ']')");
    stream("a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
           "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
           "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f]\n",
           10, VG_ERR_LIMIT, NULL);

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    json_t *one = NULL;
    CHECK(vg_yaml_read(&ctx, "p.yaml", "a: 1\n---\nb: 2\n", 14, &one) == VG_ERR_UNSUPPORTED && !one,
          "vg_yaml_read still refuses a second document: %s", ctx.message);
    vg_ctx_free(&ctx);
    return failures != 0;
}

/*
 * policy_runs.c — unit test of running one set of rules more than once
 * (vg_policy_evaluate(), vigil/policy.h).
 *
 * A rule's Lua state lives from one run to the next (as `vigil policy
 * test` needs: one run per test case), so a global the rule counts in goes
 * 1, 2, 3.  A run marked last (`vigil policy eval`'s only run) closes each
 * rule's state as soon as the rule has run: its results are still whole,
 * and any later run is refused with a message rather than touching a
 * closed state.  A rule that makes far more garbage than its memory limit,
 * while holding little, still passes: the collector runs at the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "skip.h"
#include "vigil/policy.h"

static const char counting_rule[] =
    "rule = {id = \"counting\", title = \"t\", severity = \"low\", requirements = {\"nis2:21.2.e\"},\n"
    "        evidence = {\"findings\"}}\n"
    "function check(e)\n"
    "  runs = (runs or 0) + 1\n"
    "  local made = 0\n"
    "  for i = 1, 200000 do local t = {string.rep('y', 100) .. i} made = made + #t[1] end\n"
    "  return {{resource = e.findings[1].data.name, status = 'pass', message = runs .. ' ' .. made}}\n"
    "end\n";

/* The message of the only result of doc, or "" */
static const char *message(const json_t *doc)
{
    const char *m = json_string_value(json_object_get(json_array_get(json_object_get(doc, "results"), 0), "message"));
    return m ? m : "";
}

int main(void)
{
    const char *src = getenv("VIGIL_SRC");
    if (!src)
        test_skip("the control catalogue (VIGIL_SRC is not set)");
    char dir[] = "/tmp/vigil-policy-runs.XXXXXX", data[4096], rule[4096 + 32];
    if (!mkdtemp(dir))
        return 1;
    snprintf(data, sizeof data, "%s/policy", src);
    setenv("VIGIL_POLICY_DIR", data, 1);
    snprintf(rule, sizeof rule, "%s/counting.lua", dir);
    FILE *f = fopen(rule, "w");
    if (!f || fputs(counting_rule, f) == EOF || fclose(f) != 0)
        return 1;

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_policy_limits limits;
    vg_policy_limits_default(&limits);
    limits.memory = 4u * 1024 * 1024; /* the rule makes 60 MB of garbage */
    vg_policy *p = NULL;
    vg_policy_evidence *ev = NULL;
    int rc = vg_policy_new(&ctx, &limits, &p);
    if (rc == VG_OK)
        rc = vg_policy_add_rule(&ctx, p, rule, NULL);
    if (rc == VG_OK)
        rc = vg_policy_evidence_new(&ctx, NULL, &ev);
    static const char doc[] = "{\"name\": \"web-01\"}";
    if (rc == VG_OK)
        rc = vg_policy_evidence_add_bytes(&ctx, ev, "findings", "web.json", doc, sizeof doc - 1, 0);
    CHECK(rc == VG_OK, "setting up: %s", ctx.message);
    /* the bytes of the strings the rule made: 100 each, and the digits */
    static const char made[] = "21088895";
    for (int run = 1; rc == VG_OK && run <= 4; run++) {
        vg_policy_run_options o = {.now = 1764547200, .jobs = 1, .last = run == 3};
        json_t *out = NULL;
        rc = vg_policy_evaluate(&ctx, p, ev, &o, &out);
        if (run <= 3) {
            char want[64];
            snprintf(want, sizeof want, "%d %s", run, made);
            CHECK(rc == VG_OK, "run %d: %s", run, ctx.message);
            CHECK(strcmp(message(out), want) == 0, "run %d: the rule said \"%s\", not \"%s\"", run, message(out),
                  want);
            CHECK(strcmp(json_string_value(json_object_get(json_array_get(json_object_get(out, "results"), 0),
                                                           "status")) ?: "",
                         "pass") == 0,
                  "run %d: not a pass", run);
        } else {
            CHECK(rc == VG_ERR_USAGE && strstr(ctx.message, "closed by a last run"),
                  "a run after the last one gave %d: %s", rc, ctx.message);
            rc = VG_OK;
            break;
        }
        json_decref(out);
    }
    vg_policy_evidence_free(ev);
    vg_policy_free(p);
    vg_ctx_free(&ctx);
    unlink(rule);
    rmdir(dir);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures != 0;
}

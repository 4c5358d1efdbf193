/*
 * fuzz_incident_field.c — libFuzzer target for the report fields
 * (src/incident/report.c): the bytes as `vigil incident update --set
 * NAME=VALUE` gives them to vg_incident_field_parse(), and VALUE also read
 * as any JSON value (jansson, at most VG_INCIDENT_FIELD_MAX bytes) and
 * given to vg_incident_field_check().  A refused field must say why; an
 * accepted one must pass vg_incident_field_check() again, and the drafts of
 * every stage that carries it, and their Markdown and HTML, must be made.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/incident.h"

/* Drafts every stage of both regimes for both kinds with fields, and
 * renders them; none may fail but by refusing a stage that does not apply. */
static void drafts(json_t *fields)
{
    static const vg_incident_kind kinds[] = {VG_INCIDENT_KIND_INCIDENT, VG_INCIDENT_KIND_VULNERABILITY};
    static const unsigned regimes[] = {VG_REGIME_NIS2, VG_REGIME_CRA};
    for (size_t k = 0; k < 2; k++)
        for (size_t g = 0; g < 2; g++)
            for (int s = 0; s < VG_STAGE_COUNT; s++) {
                vg_incident inc;
                memset(&inc, 0, sizeof inc);
                inc.id = "INC-1";
                inc.title = "fuzz";
                inc.kind = kinds[k];
                inc.regimes = VG_REGIME_NIS2 | VG_REGIME_CRA;
                inc.aware_at = 1796374800;
                inc.fields = fields;
                vg_ctx ctx;
                vg_ctx_init(&ctx);
                json_t *report = NULL;
                int rc = vg_incident_report(&ctx, &inc, NULL, 0, regimes[g], (vg_incident_stage)s, 1796378400, &report);
                if (rc != VG_OK && (rc != VG_ERR_USAGE || report || !ctx.message[0]))
                    abort();
                if (rc == VG_OK) {
                    vg_buf out;
                    vg_buf_init(&out, 1 << 22);
                    if (vg_incident_report_markdown(report, &out) != VG_OK ||
                        vg_incident_report_html(report, &out) != VG_OK)
                        abort();
                    vg_buf_free(&out);
                    json_decref(report);
                }
                vg_ctx_free(&ctx);
            }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > VG_INCIDENT_FIELD_MAX + 16)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    vg_ctx ctx;
    vg_ctx_init(&ctx);
    const char *name = NULL;
    json_t *value = NULL;
    int rc = vg_incident_field_parse(&ctx, s, &name, &value);
    if (rc != VG_OK && (!ctx.message[0] || name || value))
        abort();
    if (rc == VG_OK) {
        if (!name || !value || vg_incident_field_check(&ctx, name, value) != VG_OK)
            abort();
        json_t *fields = json_object();
        if (fields && json_object_set(fields, name, value) == 0)
            drafts(fields);
        json_decref(fields);
        json_decref(value);
    }
    vg_ctx_free(&ctx);

    /* VALUE as any JSON value, for the check itself */
    char *eq = memchr(s, '=', size);
    if (eq) {
        *eq = '\0';
        json_t *any = json_loadb(eq + 1, size - (size_t)(eq + 1 - s), JSON_DECODE_ANY, NULL);
        if (any) {
            vg_ctx_init(&ctx);
            rc = vg_incident_field_check(&ctx, s, any);
            if (rc != VG_OK && (rc != VG_ERR_USAGE || !ctx.message[0]))
                abort();
            vg_ctx_free(&ctx);
            json_decref(any);
        }
    }
    free(s);
    return 0;
}

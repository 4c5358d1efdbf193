/*
 * fuzz_incident_events.c — libFuzzer target for the register's fold
 * (src/incident/fold.c) and clocks (src/incident/clock.c): the bytes as
 * lines of JSON events (the bodies of incident_event, as a tampered store
 * could hold them), applied in order to one record with
 * vg_incident_apply().  A refused event must say why and leave the record
 * as it was; after each accepted one the deadlines must be well formed: an
 * article for each, a date or what it waits for, never both.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/incident.h"
#include "vigil/json.h"

#define MAX_INPUT (256 * 1024)
#define MAX_LINES 256

static void check_deadlines(const vg_incident *inc)
{
    vg_deadline d[VG_INCIDENT_MAX_DEADLINES];
    size_t n = vg_incident_deadlines(inc, d);
    if (n > VG_INCIDENT_MAX_DEADLINES)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (!d[i].article || (d[i].due != 0) == (d[i].waiting != NULL))
            abort();
        if (strcmp(vg_incident_stage_name(d[i].stage), "?") == 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    json_t *events = json_array();
    vg_incident inc;
    int started = 0;
    const char *p = (const char *)data, *end = p + size;
    for (int lines = 0; p < end && lines < MAX_LINES; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        vg_ctx ctx;
        vg_ctx_init(&ctx);
        json_t *event = NULL;
        if (vg_json_parse(&ctx, "event", p, len, &event) == VG_OK) {
            json_array_append_new(events, event);
            if (!started) {
                const char *id = json_string_value(json_object_get(event, "incident"));
                vg_incident_init(&inc, id ? id : "INC-F");
                started = 1;
            }
            size_t before = inc.nevents;
            int rc = vg_incident_apply(&ctx, &inc, event);
            if (rc != VG_OK && (!ctx.message[0] || inc.nevents != before))
                abort();
            if (rc == VG_OK) {
                if (inc.nevents != before + 1)
                    abort();
                check_deadlines(&inc);
            }
        }
        vg_ctx_free(&ctx);
        p += len + (nl != NULL);
    }
    if (started)
        vg_incident_free(&inc);
    json_decref(events);
    return 0;
}

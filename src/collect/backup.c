/*
 * backup.c — `vigil collect backup` (include/vigil/collect.h,
 * docs/collect.md "backup"): reads each named file (restic snapshots,
 * borg archives, restore-test logs; backup_parse.c), bounded by
 * BACKUP_MAX_FILE, and assembles one document: the backed-up sources with
 * their latest snapshot, its age and the retention span, the
 * restore-tested sources, and what each input was.  Repository
 * passwords are never read; a password in a location is removed.
 */
#include <stdlib.h>
#include <string.h>

#include "backup_internal.h"
#include "source/input_file.h"
#include "vigil/buf.h"
#include "vigil/collect.h"

static const char *const tool_names[] = {"restic", "borg", "log"};

static int nomem(vg_ctx *ctx)
{
    return vg_error(ctx, VG_ERR_NOMEM, "collect backup: out of memory");
}

/* Reads and parses one input into st, its description appended to inputs. */
static int read_input(vg_ctx *ctx, backup_state *st, const vg_backup_input *in, const char *tz, json_t *inputs)
{
    static const char *const what[] = {"restic snapshot list", "borg archive list", "restore-test log"};
    vg_buf text;
    int rc = vg_input_read_file(ctx, in->path, what[in->kind], BACKUP_MAX_FILE, &text);
    if (rc != VG_OK)
        return rc;
    int removed = 0;
    char *location = in->location ? backup_location_clean(in->location, &removed) : NULL;
    json_t *info = NULL;
    size_t count = 0;
    if (in->location && !location) {
        rc = nomem(ctx);
    } else if (in->kind == VG_BACKUP_RESTIC) {
        rc = backup_parse_restic(ctx, st, in->path, text.data ? text.data : "", text.len, location, &count);
        info = rc == VG_OK ? json_pack("{s:s?, s:b, s:i}", "location", location, "credentials_removed", removed,
                                       "snapshots", (json_int_t)count)
                           : NULL;
    } else if (in->kind == VG_BACKUP_BORG) {
        rc = backup_parse_borg(ctx, st, in->path, text.data ? text.data : "", text.len, location, tz, &info);
        if (rc == VG_OK && removed)
            json_object_set_new(info, "credentials_removed", json_true());
    } else {
        rc = backup_parse_log(ctx, st, in->path, text.data ? text.data : "", text.len, &count);
        info = rc == VG_OK ? json_pack("{s:i}", "restore_tests", (json_int_t)count) : NULL;
    }
    free(location);
    vg_buf_free(&text);
    if (rc != VG_OK)
        return rc;
    if (!info || json_object_set_new(info, "tool", json_string(tool_names[in->kind])) != 0 ||
        json_object_set_new(info, "path", json_string(in->path)) != 0 || json_array_append_new(inputs, info) != 0)
        return nomem(ctx);
    return VG_OK;
}

int vg_collect_backup(vg_ctx *ctx, const vg_collect_backup_options *o, json_t **out)
{
    *out = NULL;
    if (o->ninputs < 1 || o->ninputs > VG_BACKUP_MAX_INPUTS)
        return vg_error(ctx, VG_ERR_USAGE, "collect backup: name 1 to %d inputs (--restic, --borg, --log)",
                        VG_BACKUP_MAX_INPUTS);
    if (o->borg_timezone && backup_timezone_valid(o->borg_timezone) != 0)
        return vg_error(ctx, VG_ERR_USAGE, "collect backup: --borg-timezone %s: expected UTC, +HH:MM, -HH:MM or local",
                        o->borg_timezone);
    /* the target: the files read, as named */
    vg_buf target;
    vg_buf_init(&target, (size_t)1 << 20);
    int rc = VG_OK;
    for (size_t i = 0; i < o->ninputs && rc == VG_OK; i++)
        rc = vg_buf_addf(&target, "%s%s", i ? ", " : "", o->inputs[i].path);
    json_t *doc = rc == VG_OK ? vg_collect_document(ctx, "backup", 1, o->collected, target.data) : NULL;
    vg_buf_free(&target);
    if (!doc)
        return rc == VG_OK ? VG_ERR_USAGE : vg_error(ctx, rc, "collect backup: the inputs' names are too long");
    backup_state st;
    json_t *inputs = json_array(), *sources = NULL, *tests = NULL;
    rc = backup_state_init(&st, o->collected);
    if (rc != VG_OK || !inputs)
        rc = nomem(ctx);
    for (size_t i = 0; i < o->ninputs && rc == VG_OK; i++)
        rc = read_input(ctx, &st, &o->inputs[i], o->borg_timezone, inputs);
    if (rc == VG_OK)
        rc = backup_state_finish(ctx, &st, &sources, &tests);
    if (rc == VG_OK &&
        (json_object_set_new(doc, "borg_timezone", o->borg_timezone ? json_string(o->borg_timezone) : json_null()) ||
         json_object_set_new(doc, "inputs", inputs) || json_object_set_new(doc, "sources", sources) ||
         json_object_set_new(doc, "restore_tests", tests)))
        rc = nomem(ctx);
    else if (rc != VG_OK) {
        json_decref(inputs);
        json_decref(sources);
        json_decref(tests);
    }
    backup_state_free(&st);
    if (rc != VG_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return VG_OK;
}

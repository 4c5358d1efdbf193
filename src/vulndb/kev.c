/*
 * kev.c — imports the CISA Known Exploited Vulnerabilities catalog
 * (https://www.cisa.gov/known-exploited-vulnerabilities-catalog, JSON feed
 * known_exploited_vulnerabilities.json, schema
 * known_exploited_vulnerabilities_schema.json v2): one kev row per
 * vulnerabilities[] entry.  An entry without a cveID string, or with a
 * field of the wrong type, is skipped and counted.
 *
 * Leaves out: cwes (not needed for matching or reporting KEV status).
 */
#include <string.h>

#include "vulndb/vulndb_internal.h"

#define KEV_FIELD_MAX 65536

static const char *const kev_fields[] = {"cveID",     "vendorProject", "product",
                                         "vulnerabilityName", "dateAdded", "dueDate",
                                         "knownRansomwareCampaignUse", "shortDescription",
                                         "requiredAction", "notes"};

int vdb_kev_json(vdb_writer *w, vg_vulndb_source_report *src, const char *file, json_t *root)
{
    json_t *vulns = json_object_get(root, "vulnerabilities");
    if (!json_is_array(vulns)) {
        src->records_read++;
        vdb_skip(w, src, file, "not a KEV catalog (no \"vulnerabilities\" array)");
        return VG_OK;
    }
    const char *released = vdb_json_str(root, "dateReleased");
    if (released)
        vdb_seen_date(src, released);
    size_t i;
    json_t *v;
    json_array_foreach(vulns, i, v)
    {
        src->records_read++;
        const char *val[10] = {0};
        const char *why = json_is_object(v) ? NULL : "not an object";
        for (size_t k = 0; !why && k < 10; k++) {
            json_t *f = json_object_get(v, kev_fields[k]);
            if (!f || json_is_null(f))
                continue;
            if (!json_is_string(f) || json_string_length(f) > KEV_FIELD_MAX)
                why = "a field is not a string";
            else
                val[k] = json_string_value(f);
        }
        if (!why && (!val[0] || strncmp(val[0], "CVE-", 4) != 0))
            why = "no \"cveID\" CVE id";
        if (why) {
            vdb_skip(w, src, file, "vulnerabilities[%zu]: %s", i, why);
            continue;
        }
        vdb_kev_row row = {.cve = val[0],
                           .vendor = val[1],
                           .product = val[2],
                           .name = val[3],
                           .date_added = val[4],
                           .due_date = val[5],
                           .ransomware = val[6],
                           .short_description = val[7],
                           .required_action = val[8],
                           .notes = val[9]};
        int r = vdb_add_kev(w, &row);
        if (r < 0)
            return VG_ERR_IO;
        if (r == 0)
            src->records_duplicate++;
        else
            src->records_imported++;
        vdb_seen_date(src, val[4]);
    }
    return VG_OK;
}

int vdb_kev_buffer(vdb_writer *w, vg_vulndb_source_report *src, const char *file, const char *data,
                   size_t len)
{
    return vdb_json_buffer(w, src, file, data, len, 0, vdb_kev_json);
}

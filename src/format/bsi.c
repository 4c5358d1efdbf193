/*
 * bsi.c — the BSI TR-03183-2 profile (Technical Guideline TR-03183-2
 * "Cyber Resilience Requirements for Manufacturers and Products, Part 2:
 * Software Bill of Materials", v2.1.0, 2025-08-20): its name, and the
 * facts per component that the writers share (docs/bsi-tr-03183-2.md maps
 * every field of the TR to where vigil writes it).
 *
 * What the writers are told here they do not invent: the creator is an
 * e-mail address or URL the package metadata gives (§5.2.2 "Component
 * creator"), the concluded licence is vigil's normalised SPDX expression of
 * what the package declares, and a deployable file vigil could not hash is
 * explained, not given a hash.
 */
#include <string.h>

#include "format/format_internal.h"
#include "vigil/format.h"

vg_profile vg_profile_from_name(const char *name)
{
    if (name && strcmp(name, "bsi-tr-03183-2") == 0)
        return VG_PROFILE_BSI_TR_03183_2;
    return VG_PROFILE_NONE;
}

const char *vg_profile_names(void)
{
    return "bsi-tr-03183-2";
}

const char *fmt_bsi_not_hashed(vg_arena *arena, const vg_inventory *inv, const vg_component *c)
{
    if (c->nhashes)
        return NULL;
    const char *where = c->location ? c->location : "an unknown place";
    if (!inv->hashed)
        return "the scan did not hash files";
    if (c->nfiles)
        return vg_arena_printf(arena, "none of the %zu files the package owns is a regular file in the target",
                               c->nfiles);
    if (c->evidence == VG_EVIDENCE_LOCK)
        return vg_arena_printf(arena, "named by a lock file (%s): the deployable form is not in the target", where);
    if (c->evidence == VG_EVIDENCE_MANIFEST)
        return vg_arena_printf(arena, "declared by a manifest (%s): the deployable form is not in the target", where);
    for (const vg_property *p = c->properties; p; p = p->next) {
        const char *inner = p->name && p->value && strcmp(p->name, "vigil:java:path") == 0 ? strstr(p->value, "!/")
                                                                                           : NULL;
        if (inner)
            return vg_arena_printf(arena, "nested in the archive %.*s (%s): its bytes are part of that archive's",
                                   (int)(inner - p->value), p->value, p->value);
    }
    for (size_t i = 0; i < c->nlocations; i++)
        if (vg_component_deployable(c, c->locations[i]))
            return vg_arena_printf(arena, "the deployable file %s could not be read as a file of the target",
                                   c->locations[i]);
    return vg_arena_printf(arena, "installed: vigil read its metadata (%s); the package file it was installed "
                                  "from is not in the target",
                           where);
}

const char *fmt_bsi_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int has_property(const vg_component *c, const char *name)
{
    for (const vg_property *p = c->properties; p; p = p->next)
        if (p->name && strcmp(p->name, name) == 0)
            return 1;
    return 0;
}

/* §5.2.2 "Dependencies on other components" with the completeness the TR
 * asks for: a list is complete only for a Debian package whose status
 * entry declares no Depends and no Pre-Depends (the package database lists
 * its dependencies exhaustively, and there are none); every other list is
 * not known to be complete: vigil resolves declared dependencies against
 * what is installed and cannot tell an unresolved one from none. */
int fmt_bsi_dependencies_complete(const vg_component *c)
{
    return c->type && strcmp(c->type, "deb") == 0 && c->cataloger && strcmp(c->cataloger, "dpkg") == 0 &&
           !has_property(c, "vigil:dpkg:depends") && !has_property(c, "vigil:dpkg:pre-depends");
}

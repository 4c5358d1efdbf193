/*
 * jtree_internal.h — what the tree reader of json.c shares with jtree.c.
 */
#ifndef VIGIL_CORE_JTREE_INTERNAL_H
#define VIGIL_CORE_JTREE_INTERNAL_H

#include "vigil/jtree.h"

/* vg_jval_object() without a message: VG_OK, VG_ERR_NOMEM, VG_ERR_LIMIT,
 * or VG_ERR_USAGE for a name given twice; *twice is always set (n when no
 * name is).  hashed: the members' hash is set already. */
int jtree_object(vg_arena *arena, const vg_jmember *members, size_t n, int hashed, vg_jval *out, size_t *twice);

#endif

/*
 * match_internal.h — what match.c and distro.c share inside src/match/.
 * Not a public interface.
 */
#ifndef VIGIL_MATCH_INTERNAL_H
#define VIGIL_MATCH_INTERNAL_H

#include <stddef.h>

#include "vigil/match.h"

/* Every OSV ecosystem the OS packages of os are matched in (a RHEL system
 * has several product streams), at most max (>= 3) into out, strings in
 * arena.  Returns the count; 0 for an unknown distribution or on OOM. */
size_t match_os_ecosystems(vg_arena *arena, const vg_os *os, const char **out, size_t max);

/* Nonzero for the distribution package types deb, apk and rpm. */
int match_is_os_type(const char *type);

#endif

/*
 * pkgdb_text.h — helpers shared by the OS package database catalogers
 * (dpkg.c, apk.c, rpm.c, osrelease.c): their inputs are untrusted bytes
 * that must become valid UTF-8 strings in the inventory (every writer
 * emits JSON or XML, which cannot carry invalid UTF-8), their dependency
 * fields are lists of items.
 */
#ifndef VIGIL_CATALOG_PKGDB_TEXT_H
#define VIGIL_CATALOG_PKGDB_TEXT_H

#include <stddef.h>
#include "vigil/arena.h"

/* Copies s[0..len) into arena as a NUL-terminated string that is valid
 * UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF):
 * each byte that does not start a valid sequence, and each NUL byte, is
 * replaced by U+FFFD.  *changed (may be NULL) is set to 1 when anything was
 * replaced, and left alone otherwise.  Returns NULL on OOM. */
char *vg_text_utf8_copy(vg_arena *arena, const char *s, size_t len, int *changed);

/* Length of the valid UTF-8 sequence at s[0..len), or 0 if none starts there. */
size_t vg_text_utf8_seq(const unsigned char *s, size_t len);

/* Line iteration over text[0..len): stores the line starting at *pos
 * (without its '\n', and without a '\r' before it) in *line / *linelen,
 * advances *pos past it and returns 1; returns 0 at the end of the text. */
int vg_text_next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *linelen);

/* Calls fn for each item of text[0..len) separated by any of the bytes
 * of seps, with the spaces, tabs and newlines around it removed; empty
 * items are skipped.  Returns VG_OK or the first non-zero return of fn. */
int vg_text_each_item(const char *text, size_t len, const char *seps,
                      int (*fn)(void *arg, const char *item, size_t itemlen), void *arg);

#endif

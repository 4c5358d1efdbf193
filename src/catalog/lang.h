/*
 * lang.h — helpers shared by the language catalogers that read lock files
 * and installed package metadata (python.c, ruby.c, php.c): UTF-8-safe
 * copies, loading a JSON or TOML file with a warning instead of an error,
 * one component per (ecosystem, name, version, file), and an index from
 * package name to the components of one lock file so that dependency
 * records become DEPENDS_ON edges (the OS package catalogers resolve their
 * dependencies through it too: names and provided capabilities).
 *
 * Everything allocated lives in run->arena, except the index's map, which
 * vg_lang_index_free() releases.
 */
#ifndef VIGIL_CATALOG_LANG_H
#define VIGIL_CATALOG_LANG_H

#include <stddef.h>
#include <jansson.h>

#include "vigil/catalog.h"
#include "vigil/map.h"
#include "vigil/toml.h"

/* s as valid UTF-8 in arena (see vg_text_utf8_copy); NULL for NULL or OOM. */
char *vg_lang_text(vg_arena *arena, const char *s);

/* The directory part of a relative path ("a/b/c" -> "a/b", "c" -> ""), in arena. */
char *vg_lang_dirname(vg_arena *arena, const char *path);

/* A new component of type with name and version (copied as UTF-8),
 * location = file->path, layer = file->layer and cataloger set; the purl
 * is left to the caller.  NULL on OOM (the caller returns VG_ERR_NOMEM). */
vg_component *vg_lang_component(vg_catalog_run *run, const vg_file *file, const char *type,
                                const char *cataloger, const char *name, const char *version);

/* file parsed as JSON (duplicate keys rejected), or NULL after a warning
 * naming the file, line and problem.  The caller json_decref()s it. */
json_t *vg_lang_load_json(vg_catalog_run *run, const vg_file *file);

/* file parsed as TOML into run->arena, or NULL after a warning. */
vg_toml_value *vg_lang_load_toml(vg_catalog_run *run, const vg_file *file);

/* Name -> components of one lock file (several when a name is locked at
 * more than one version). */
typedef struct vg_lang_index {
    vg_map names;
    vg_arena *arena;
} vg_lang_index;

void vg_lang_index_init(vg_lang_index *index, vg_arena *arena);
void vg_lang_index_free(vg_lang_index *index);
/* Files c under key (copied into the arena).  VG_OK or VG_ERR_NOMEM. */
int vg_lang_index_add(vg_lang_index *index, const char *key, vg_component *c);
/* The same for the key key[0..len), not NUL-terminated. */
int vg_lang_index_add_len(vg_lang_index *index, const char *key, size_t len, vg_component *c);
/* The first component under key, or NULL. */
vg_component *vg_lang_index_first(const vg_lang_index *index, const char *key);
/* Adds a DEPENDS_ON edge from `from` to each component under key whose
 * version is version (any version when version is NULL); *matched (may be
 * NULL) is set to the number of edges.  VG_OK or VG_ERR_NOMEM. */
int vg_lang_index_depend(vg_inventory *inv, const vg_lang_index *index, vg_component *from, const char *key,
                         const char *version, size_t *matched);
/* Calls fn for each component under key[0..len) (the first added first). */
int vg_lang_index_each_of(const vg_lang_index *index, const char *key, size_t len,
                          int (*fn)(void *arg, vg_component *c), void *arg);
/* Calls fn for every component in the index (order unspecified). */
int vg_lang_index_each(const vg_lang_index *index, int (*fn)(void *arg, vg_component *c), void *arg);

/* Adds a CONTAINS edge from root to every component of index except root. */
int vg_lang_index_contain(vg_inventory *inv, const vg_lang_index *index, vg_component *root);

#endif

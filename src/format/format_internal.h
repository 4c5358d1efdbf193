/*
 * format_internal.h — helpers shared by the document writers in
 * src/format/ (CycloneDX 1.6, SPDX 2.3, table): building jansson values
 * from inventory strings that may hold invalid UTF-8, dumping a document
 * into a vg_buf or streaming it one element at a time, timestamps, the
 * stable identity hash of an inventory, and the facts about a component
 * that every format shows.  Not public API.
 */
#ifndef VIGIL_FORMAT_INTERNAL_H
#define VIGIL_FORMAT_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/buf.h"
#include "vigil/error.h"
#include "vigil/format.h"
#include "vigil/inventory.h"

/* s with every byte that is not part of a valid UTF-8 sequence (RFC 3629:
 * no overlong forms, surrogates or code points past U+10FFFF) replaced by
 * U+FFFD.  Returns s itself when it is valid, else a copy in arena; NULL
 * for NULL or on OOM. */
const char *fmt_utf8(vg_arena *arena, const char *s);

/* A JSON string of fmt_utf8(s), or NULL (s NULL, OOM).  The one way the
 * writers make strings, so that jansson never sees invalid UTF-8. */
json_t *fmt_str(const char *s);

/* Appends s to out as text that XML 1.0 and HTML take both as character
 * data and inside a quoted attribute value: & < > " ' as character
 * references, and every byte that is not part of a valid UTF-8 sequence,
 * every C0 control but tab, newline and carriage return, and U+FFFE and
 * U+FFFF (none of which XML 1.0 can hold at all) as U+FFFD.  NULL is "".
 * VG_OK, or VG_ERR_LIMIT / VG_ERR_NOMEM from the buffer (freed). */
int fmt_markup(vg_buf *out, const char *s);

/* A writer of markup (XML, HTML) into a vg_buf that keeps its first
 * failure: after one, every call does nothing, and rc says what failed
 * (VG_ERR_LIMIT or VG_ERR_NOMEM).  fmt_put() appends s as it is,
 * fmt_put_text() escaped by fmt_markup(), fmt_putf() formatted (at most
 * 511 bytes: for numbers and fixed words, never for data). */
typedef struct fmt_writer {
    vg_buf *out;
    int rc;
} fmt_writer;
void fmt_put(fmt_writer *w, const char *s);
void fmt_put_text(fmt_writer *w, const char *s);
void fmt_putf(fmt_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets obj[key] = value (reference stolen); a NULL value or a failed set
 * sets *bad.  fmt_set_str skips NULL and empty strings. */
void fmt_set(json_t *obj, const char *key, json_t *value, int *bad);
void fmt_set_str(json_t *obj, const char *key, const char *s, int *bad);
/* Appends value (reference stolen) to arr; NULL value or failure sets *bad. */
void fmt_append(json_t *arr, json_t *value, int *bad);
/* Appends the size bytes of item to buf, an array of such items: the
 * array's start (it may move), its count in *n.  A failure (the buffer
 * is then freed) sets *bad and *n = 0 and returns NULL. */
void *fmt_push(vg_buf *buf, const void *item, size_t size, size_t *n, int *bad);

/* Writes doc (JSON_PRESERVE_ORDER | JSON_INDENT(2)) and a newline into
 * out.  Returns VG_OK, VG_ERR_NOMEM or VG_ERR_LIMIT (document larger than
 * out->max), with ctx->message set. */
int fmt_dump(vg_ctx *ctx, json_t *doc, vg_buf *out);

/* ---- streaming a JSON document -------------------------------------------
 *
 * fmt_stream writes one JSON document into a vg_buf in exactly the bytes
 * fmt_dump would give for the same tree (JSON_PRESERVE_ORDER |
 * JSON_INDENT(2), then a newline), while the writer builds a jansson value
 * for only one member or array element at a time and frees it at once: the
 * peak is one element's tree plus the output, not a tree of the whole
 * document (which costs about six times the text).  Containers are opened
 * and closed by hand; everything inside them is either another hand-opened
 * container or a jansson value, dumped with the indentation of its depth.
 *
 *     fmt_stream s;
 *     fmt_stream_begin(&s, out);             writes "{"
 *     fmt_stream_str(&s, "name", name);      "name": "...", skipped if empty
 *     fmt_stream_open(&s, "items", '[');
 *     for (...) fmt_stream_value(&s, NULL, one_item_tree);
 *     fmt_stream_close(&s);
 *     rc = fmt_stream_end(ctx, &s);          "}\n", VG_OK or the first error
 *
 * Keys are given inside objects and must be NULL inside arrays.  After the
 * first failure every call does nothing and fmt_stream_end reports it.
 * Usable by any writer of a large JSON document (findings, SARIF, VDR). */
#define FMT_STREAM_MAX_DEPTH 32

typedef struct fmt_stream {
    vg_buf *out;
    size_t depth;                               /* open containers */
    size_t members[FMT_STREAM_MAX_DEPTH];       /* written into each so far */
    char closer[FMT_STREAM_MAX_DEPTH];          /* ']' or '}' */
    int status;                                 /* first failure, or VG_OK */
    int missing;                                /* a NULL value was given (out of memory) */
} fmt_stream;

/* Empties out and opens the document's top-level object. */
void fmt_stream_begin(fmt_stream *s, vg_buf *out);
/* Opens an array ('[') or object ('{') as the member key (NULL in an
 * array) of the container open now. */
void fmt_stream_open(fmt_stream *s, const char *key, char bracket);
/* Closes the container opened last. */
void fmt_stream_close(fmt_stream *s);
/* Writes value (reference stolen, freed at once) as the member key (NULL in
 * an array).  A NULL value counts as out of memory. */
void fmt_stream_value(fmt_stream *s, const char *key, json_t *value);
/* fmt_stream_value of fmt_str(str), written directly (no jansson value);
 * skips NULL and empty strings as fmt_set_str does. */
void fmt_stream_str(fmt_stream *s, const char *key, const char *str);
/* The same, but NULL is written as null and "" as "". */
void fmt_stream_str_or_null(fmt_stream *s, const char *key, const char *str);
/* A JSON literal written as given: "null", "true", "false", a number. */
void fmt_stream_literal(fmt_stream *s, const char *key, const char *json);
/* An integer. */
void fmt_stream_int(fmt_stream *s, const char *key, long long n);
/* Closes the top-level object and adds the final newline.  Returns VG_OK,
 * or VG_ERR_NOMEM / VG_ERR_LIMIT (document larger than out->max) /
 * VG_ERR_USAGE (containers left open) with ctx->message set. */
int fmt_stream_end(vg_ctx *ctx, fmt_stream *s);

/* RFC 3339 UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" of t seconds since the
 * epoch into out (at least 32 bytes).  Returns 0, or -1 when t is outside
 * years 0000..9999. */
int fmt_timestamp(int64_t t, char out[32]);

/* SHA-256 over salt, the content of the inventory and the product it is
 * the SBOM of: the target kind, digest and image id, the OS id and version,
 * each component's bom-ref, purl, name and version, and the product name,
 * version, supplier and manufacturer of opts (NULL: none), each followed
 * by a NUL.  Neither timestamps nor the path or name the target was given
 * by are part of it: the same content with the same identity gives the
 * same hash wherever it was scanned from, and another identity another. */
struct vg_format_options;
int fmt_identity_hash(const vg_inventory *inv, const struct vg_format_options *opts, const char *salt,
                      unsigned char out[32]);

/* Lowercase hex of len bytes into hex (2 * len + 1 bytes). */
void fmt_hex(char *hex, const unsigned char *bytes, size_t len);

/* Nonzero when s is an absolute http, https or ftp URL made of characters
 * a URI (RFC 3986) may hold unescaped (or UTF-8, as an IRI may), with
 * valid %-escapes: safe to write where the schemas want a URI or IRI. */
int fmt_url_ok(const char *s);

/* Name of a target kind as the vigil:target:kind property shows it:
 * "directory", "rootfs-archive", "docker-archive", "oci-layout". */
const char *fmt_target_kind(vg_target_kind kind);

/* One name/value fact about a component. */
typedef struct fmt_property {
    const char *name;
    const char *value;
} fmt_property;

/* The properties vigil shows for c, sorted by name then value:
 * vigil:package:type, vigil:package:arch, vigil:package:source-name,
 * vigil:package:source-version, vigil:package:file-count,
 * vigil:location, vigil:cataloger, vigil:layer:index, vigil:layer:digest,
 * vigil:layer:diffID, vigil:license:declared (when the declared licence
 * was rewritten) and c->properties.  Strings live in arena.  Returns
 * VG_OK or VG_ERR_NOMEM. */
int fmt_component_properties(vg_arena *arena, const vg_inventory *inv, const vg_component *c,
                             fmt_property **out, size_t *n);

/* The licence of c in SPDX form: *spdx = canonical expression of listed
 * ids (NULL when the declared text has no exact SPDX equivalent),
 * *single = 1 when it is one licence id.  Declared NULL or blank: both NULL. */
void fmt_component_license(vg_arena *arena, const vg_component *c, const char **spdx, int *single);

/* The CycloneDX writer for spec "1.6" (vg_cyclonedx_write) or "1.7";
 * another spec is VG_ERR_USAGE. */
int fmt_cyclonedx_write(vg_ctx *ctx, const vg_inventory *inv, const vg_format_options *opts, const char *spec,
                        vg_buf *out);

/* ---- tables for a terminal ---- */

/* fmt_utf8(s) ("-" for NULL or empty) with C0 controls and DEL replaced by
 * '?': s itself when it needs no change, else a copy in arena; NULL on OOM. */
const char *fmt_cell(vg_arena *arena, const char *s);
/* Display width of a valid UTF-8 string: its code points (wide East Asian
 * characters count one). */
size_t fmt_width(const char *s);
/* s cut to w code points with "…" (U+2026) as the last one, or, with
 * from_left, "…" and the last w - 1 code points (for paths, whose end
 * names the file); s itself when it fits or w is 0; NULL on OOM. */
const char *fmt_shorten(vg_arena *arena, const char *s, size_t w, int from_left);

/* "Name <mail>" split into the name and the address (either may be NULL);
 * strings in arena. */
void fmt_split_contact(vg_arena *arena, const char *s, const char **name, const char **email);

/* ---- the BSI TR-03183-2 profile (bsi.c) ---- */

/* Why c has no hashed deployable file, in a sentence (in arena), or NULL
 * when it has one. */
const char *fmt_bsi_not_hashed(vg_arena *arena, const vg_inventory *inv, const vg_component *c);
/* The last component of path. */
const char *fmt_bsi_basename(const char *path);
/* Whether c's dependency list is known to be complete (it is then empty). */
int fmt_bsi_dependencies_complete(const vg_component *c);

#endif

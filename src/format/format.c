/*
 * format.c — the format table (names, dispatch to the writers) and the
 * helpers the writers share (format_internal.h): UTF-8 repair, jansson
 * setters, document dump and the streaming writer (one element's jansson
 * tree at a time), RFC 3339 timestamps, the inventory identity hash
 * (SHA-256 through OpenSSL 3 EVP), the component facts all formats show and
 * the cells of tables for a terminal.
 * The documents themselves are in cyclonedx.c, spdx.c, spdx3.c and table.c.
 */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/format_internal.h"
#include "vigil/format.h"
#include "vigil/license.h"

/* ---- the format table ---------------------------------------------------- */

static const struct format_name {
    const char *name;
    vg_format format;
} format_names[] = {
    {"cyclonedx-json", VG_FORMAT_CYCLONEDX_JSON}, /* first name = canonical name */
    {"cyclonedx", VG_FORMAT_CYCLONEDX_JSON},
    {"cdx", VG_FORMAT_CYCLONEDX_JSON},
    {"spdx-json", VG_FORMAT_SPDX_JSON},
    {"spdx", VG_FORMAT_SPDX_JSON},
    {"spdx3-json", VG_FORMAT_SPDX3_JSON},
    {"spdx3", VG_FORMAT_SPDX3_JSON},
    {"table", VG_FORMAT_TABLE},
};

/* FORMAT@VERSION: the specification versions each format can be written
 * in, the first the default (what FORMAT alone gives). */
static const struct format_version {
    vg_format base;
    const char *version;
    vg_format format;
    const char *name; /* canonical name of format */
} format_versions[] = {
    {VG_FORMAT_CYCLONEDX_JSON, "1.6", VG_FORMAT_CYCLONEDX_JSON, "cyclonedx-json"},
    {VG_FORMAT_CYCLONEDX_JSON, "1.7", VG_FORMAT_CYCLONEDX_JSON_17, "cyclonedx-json@1.7"},
    {VG_FORMAT_SPDX_JSON, "2.3", VG_FORMAT_SPDX_JSON, "spdx-json"},
    {VG_FORMAT_SPDX3_JSON, "3.0.1", VG_FORMAT_SPDX3_JSON, "spdx3-json"},
};

/* The format named by name[0..len), without version; 0 if unknown. */
static vg_format base_format(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (strlen(format_names[i].name) == len && strncmp(name, format_names[i].name, len) == 0)
            return format_names[i].format;
    return 0;
}

vg_format vg_format_from_name(const char *name)
{
    if (!name)
        return 0;
    const char *at = strchr(name, '@');
    vg_format base = base_format(name, at ? (size_t)(at - name) : strlen(name));
    if (!at || !base)
        return base;
    for (size_t i = 0; i < sizeof format_versions / sizeof format_versions[0]; i++)
        if (format_versions[i].base == base && strcmp(at + 1, format_versions[i].version) == 0)
            return format_versions[i].format;
    return 0;
}

const char *vg_format_versions(const char *name)
{
    const char *at = name ? strchr(name, '@') : NULL;
    switch (name ? base_format(name, at ? (size_t)(at - name) : strlen(name)) : 0) {
    case VG_FORMAT_CYCLONEDX_JSON:
        return "1.6, 1.7";
    case VG_FORMAT_SPDX_JSON:
        return "2.3";
    case VG_FORMAT_SPDX3_JSON:
        return "3.0.1";
    default:
        return NULL;
    }
}

const char *vg_format_name(vg_format format)
{
    for (size_t i = 0; i < sizeof format_versions / sizeof format_versions[0]; i++)
        if (format_versions[i].format == format)
            return format_versions[i].name;
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (format_names[i].format == format)
            return format_names[i].name;
    return "unknown";
}

int vg_format_write(vg_ctx *ctx, vg_format format, const vg_inventory *inv,
                    const vg_format_options *opts, vg_buf *out)
{
    if (!inv || !opts || !out)
        return vg_error(ctx, VG_ERR_USAGE, "vg_format_write: missing argument");
    switch (format) {
    case VG_FORMAT_CYCLONEDX_JSON:
        return vg_cyclonedx_write(ctx, inv, opts, out);
    case VG_FORMAT_CYCLONEDX_JSON_17:
        return fmt_cyclonedx_write(ctx, inv, opts, "1.7", out);
    case VG_FORMAT_SPDX_JSON:
        return vg_spdx_write(ctx, inv, opts, out);
    case VG_FORMAT_SPDX3_JSON:
        return vg_spdx3_write(ctx, inv, opts, out);
    case VG_FORMAT_TABLE:
        return vg_table_write(ctx, inv, opts, out);
    }
    return vg_error(ctx, VG_ERR_USAGE, "unknown output format %d", (int)format);
}

/* ---- UTF-8 and JSON ---------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (RFC 3629 Table 3-7 ranges), or
 * 0 when s starts an invalid one.  Stops at a NUL: it is never a
 * continuation byte. */
static size_t utf8_sequence(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    size_t n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

const char *fmt_utf8(vg_arena *arena, const char *s)
{
    if (!s)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, bad = 0, n;
    for (; p[i]; i += n ? n : 1)
        if ((n = utf8_sequence(p + i)) == 0)
            bad++;
    if (bad == 0)
        return s;
    if (i > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = vg_arena_alloc(arena, i + 2 * bad + 1); /* each bad byte: 3 bytes */
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t j = 0; p[j]; j += n ? n : 1) {
        n = utf8_sequence(p + j);
        if (n) {
            memcpy(out + o, p + j, n);
            o += n;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
        }
    }
    out[o] = 0;
    return out;
}

int fmt_markup(vg_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    int rc = VG_OK;
    size_t run = 0, n; /* bytes at p - run .. p that need no change */
    for (; *p && rc == VG_OK; p += n ? n : 1) {
        n = utf8_sequence(p);
        const char *with = NULL;
        if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
            (n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE))
            with = "\xEF\xBF\xBD";
        else if (*p == '&')
            with = "&amp;";
        else if (*p == '<')
            with = "&lt;";
        else if (*p == '>')
            with = "&gt;";
        else if (*p == '"')
            with = "&quot;";
        else if (*p == '\'')
            with = "&#39;";
        if (!with) {
            run += n;
            continue;
        }
        if (run)
            rc = vg_buf_add(out, (const char *)p - run, run);
        if (rc == VG_OK)
            rc = vg_buf_addstr(out, with);
        run = 0;
    }
    if (rc == VG_OK && run)
        rc = vg_buf_add(out, (const char *)p - run, run);
    return rc;
}

void fmt_put(fmt_writer *w, const char *s)
{
    if (w->rc == VG_OK)
        w->rc = vg_buf_addstr(w->out, s ? s : "");
}

void fmt_put_text(fmt_writer *w, const char *s)
{
    if (w->rc == VG_OK)
        w->rc = fmt_markup(w->out, s);
}

void fmt_putf(fmt_writer *w, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fmt_put(w, text);
}

json_t *fmt_str(const char *s)
{
    if (!s)
        return NULL;
    vg_arena scratch;
    vg_arena_init(&scratch);
    const char *clean = fmt_utf8(&scratch, s);
    json_t *v = clean ? json_string(clean) : NULL;
    vg_arena_free(&scratch);
    return v;
}

void fmt_set(json_t *obj, const char *key, json_t *value, int *bad)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        *bad = 1;
}

void fmt_set_str(json_t *obj, const char *key, const char *s, int *bad)
{
    if (s && *s)
        fmt_set(obj, key, fmt_str(s), bad);
}

void fmt_append(json_t *arr, json_t *value, int *bad)
{
    if (!value || json_array_append_new(arr, value) != 0)
        *bad = 1;
}

void *fmt_push(vg_buf *buf, const void *item, size_t size, size_t *n, int *bad)
{
    if (vg_buf_add(buf, item, size) != 0) {
        *n = 0;
        *bad = 1;
        return NULL;
    }
    *n = buf->len / size;
    return buf->data;
}

static int dump_callback(const char *buffer, size_t size, void *data)
{
    return vg_buf_add(data, buffer, size) == VG_OK ? 0 : -1;
}

int fmt_dump(vg_ctx *ctx, json_t *doc, vg_buf *out)
{
    vg_buf_reset(out);
    if (json_dump_callback(doc, dump_callback, out, JSON_PRESERVE_ORDER | JSON_INDENT(2)) != 0 ||
        vg_buf_addc(out, '\n') != VG_OK) {
        int limit = out->max && out->len + 4096 >= out->max;
        return vg_error(ctx, limit ? VG_ERR_LIMIT : VG_ERR_NOMEM,
                        limit ? "the document is larger than %zu bytes" : "out of memory writing a %zu-byte document",
                        out->max);
    }
    return VG_OK;
}

/* ---- streaming a document --------------------------------------------- */

/* A newline and the indentation of depth levels, as JSON_INDENT(2) writes
 * them. */
static int stream_newline(vg_buf *out, size_t depth)
{
    size_t n = 1 + 2 * depth;
    int rc = vg_buf_reserve(out, n);
    if (rc)
        return rc;
    char *p = out->data + out->len;
    p[0] = '\n';
    memset(p + 1, ' ', n - 1);
    out->len += n;
    out->data[out->len] = 0;
    return VG_OK;
}

typedef struct stream_dump {
    vg_buf *out;
    size_t depth; /* added to the indentation after every newline */
    int rc;
} stream_dump;

/* jansson's output, with the indentation of the depth the value sits at
 * added after each newline.  A newline only ever comes from the
 * indentation: strings and keys have theirs escaped. */
static int stream_dump_callback(const char *buffer, size_t size, void *data)
{
    stream_dump *d = data;
    while (size) {
        const char *nl = memchr(buffer, '\n', size);
        size_t n = nl ? (size_t)(nl - buffer) : size;
        if ((d->rc = vg_buf_add(d->out, buffer, n)) != VG_OK)
            return -1;
        buffer += n;
        size -= n;
        if (nl) {
            if ((d->rc = stream_newline(d->out, d->depth)) != VG_OK)
                return -1;
            buffer++;
            size--;
        }
    }
    return 0;
}

static void stream_fail(fmt_stream *s, int rc)
{
    if (!s->status)
        s->status = rc;
}

/* Dumps v (not stolen) at the depth of the container open now. */
static void stream_dump_value(fmt_stream *s, json_t *v, size_t flags)
{
    stream_dump d = {s->out, s->depth, VG_OK};
    if (json_dump_callback(v, stream_dump_callback, &d, flags | JSON_PRESERVE_ORDER | JSON_INDENT(2)) != 0)
        stream_fail(s, d.rc ? d.rc : VG_ERR_NOMEM);
}

/* Appends s as a JSON string, exactly as json_dumpb() writes
 * json_string(fmt_utf8(s)): invalid UTF-8 becomes U+FFFD; '"', '\\' and
 * control characters are escaped as jansson escapes them (\b \f \n \r \t,
 * else \u00XX); everything else, non-ASCII included, is copied.  Writing
 * scalars directly is what makes streaming cheap: no jansson value is made
 * for them. */
static int stream_string(vg_buf *out, const char *str)
{
    const unsigned char *p = (const unsigned char *)str;
    int rc = vg_buf_addc(out, '"');
    while (rc == VG_OK && *p) {
        size_t run = 0;
        while (p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        if (run) {
            rc = vg_buf_add(out, p, run);
            p += run;
            continue;
        }
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t n = utf8_sequence(p);
            rc = n ? vg_buf_add(out, p, n) : vg_buf_add(out, "\xEF\xBF\xBD", 3);
            p += n ? n : 1;
            continue;
        }
        char esc[8];
        switch (c) {
        case '"': memcpy(esc, "\\\"", 3); break;
        case '\\': memcpy(esc, "\\\\", 3); break;
        case '\b': memcpy(esc, "\\b", 3); break;
        case '\f': memcpy(esc, "\\f", 3); break;
        case '\n': memcpy(esc, "\\n", 3); break;
        case '\r': memcpy(esc, "\\r", 3); break;
        case '\t': memcpy(esc, "\\t", 3); break;
        default: snprintf(esc, sizeof esc, "\\u%04X", c); break;
        }
        rc = vg_buf_addstr(out, esc);
        p++;
    }
    return rc == VG_OK ? vg_buf_addc(out, '"') : rc;
}

/* The separator, newline and indentation before a member of the container
 * open now, and its key when it is an object. */
static void stream_member(fmt_stream *s, const char *key)
{
    if (s->status)
        return;
    if (s->depth == 0 || (key != NULL) != (s->closer[s->depth - 1] == '}')) {
        stream_fail(s, VG_ERR_USAGE);
        return;
    }
    int rc = s->members[s->depth - 1]++ ? vg_buf_addc(s->out, ',') : VG_OK;
    if (rc == VG_OK)
        rc = stream_newline(s->out, s->depth);
    if (rc != VG_OK) {
        stream_fail(s, rc);
        return;
    }
    if (key && ((rc = stream_string(s->out, key)) != VG_OK || (rc = vg_buf_add(s->out, ": ", 2)) != VG_OK))
        stream_fail(s, rc);
}

void fmt_stream_begin(fmt_stream *s, vg_buf *out)
{
    memset(s, 0, sizeof *s);
    s->out = out;
    vg_buf_reset(out);
    int rc = vg_buf_addc(out, '{');
    if (rc != VG_OK)
        stream_fail(s, rc);
    s->closer[0] = '}';
    s->depth = 1;
}

void fmt_stream_open(fmt_stream *s, const char *key, char bracket)
{
    stream_member(s, key);
    if (s->status)
        return;
    if (s->depth == FMT_STREAM_MAX_DEPTH || (bracket != '[' && bracket != '{')) {
        stream_fail(s, VG_ERR_USAGE);
        return;
    }
    int rc = vg_buf_addc(s->out, bracket);
    if (rc != VG_OK) {
        stream_fail(s, rc);
        return;
    }
    s->closer[s->depth] = bracket == '[' ? ']' : '}';
    s->members[s->depth] = 0;
    s->depth++;
}

void fmt_stream_close(fmt_stream *s)
{
    if (s->status)
        return;
    if (s->depth == 0) {
        stream_fail(s, VG_ERR_USAGE);
        return;
    }
    s->depth--;
    /* An empty container is "[]" or "{}", as jansson writes it. */
    int rc = s->members[s->depth] ? stream_newline(s->out, s->depth) : VG_OK;
    if (rc == VG_OK)
        rc = vg_buf_addc(s->out, s->closer[s->depth]);
    if (rc != VG_OK)
        stream_fail(s, rc);
}

void fmt_stream_value(fmt_stream *s, const char *key, json_t *value)
{
    if (!value) {
        s->missing = 1;
        stream_fail(s, VG_ERR_NOMEM);
        return;
    }
    stream_member(s, key);
    if (!s->status)
        stream_dump_value(s, value, JSON_ENCODE_ANY);
    json_decref(value);
}

void fmt_stream_str(fmt_stream *s, const char *key, const char *str)
{
    if (str && *str)
        fmt_stream_str_or_null(s, key, str);
}

void fmt_stream_str_or_null(fmt_stream *s, const char *key, const char *str)
{
    stream_member(s, key);
    if (s->status)
        return;
    int rc = str ? stream_string(s->out, str) : vg_buf_add(s->out, "null", 4);
    if (rc != VG_OK)
        stream_fail(s, rc);
}

void fmt_stream_literal(fmt_stream *s, const char *key, const char *json)
{
    stream_member(s, key);
    if (s->status)
        return;
    int rc = vg_buf_addstr(s->out, json);
    if (rc != VG_OK)
        stream_fail(s, rc);
}

void fmt_stream_int(fmt_stream *s, const char *key, long long n)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", n);
    fmt_stream_literal(s, key, num);
}

int fmt_stream_end(vg_ctx *ctx, fmt_stream *s)
{
    if (!s->status && s->depth != 1)
        stream_fail(s, VG_ERR_USAGE);
    fmt_stream_close(s);
    if (!s->status) {
        int rc = vg_buf_addc(s->out, '\n');
        if (rc != VG_OK)
            stream_fail(s, rc);
    }
    switch (s->status) {
    case VG_OK:
        return VG_OK;
    case VG_ERR_LIMIT:
        return vg_error(ctx, VG_ERR_LIMIT, "the document is larger than %zu bytes", s->out->max);
    case VG_ERR_USAGE:
        return vg_error(ctx, VG_ERR_USAGE, "JSON document written with unbalanced containers");
    default:
        if (s->missing)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory building the document");
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory writing a %zu-byte document", s->out->max);
    }
}

int fmt_timestamp(int64_t t, char out[32])
{
    /* 0000-01-01 .. 9999-12-31T23:59:59Z */
    if (t < -62167219200LL || t > 253402300799LL)
        return -1;
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return -1;
    return strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) ? 0 : -1;
}

void fmt_hex(char *hex, const unsigned char *bytes, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 15];
    }
    hex[2 * len] = 0;
}

static int hash_field(EVP_MD_CTX *md, const char *s)
{
    if (!s)
        s = "";
    return EVP_DigestUpdate(md, s, strlen(s) + 1); /* with the NUL: fields never run together */
}

int fmt_identity_hash(const vg_inventory *inv, const vg_format_options *opts, const char *salt, unsigned char out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md)
        return VG_ERR_NOMEM;
    const vg_target *t = &inv->target;
    int ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) && hash_field(md, salt) &&
             hash_field(md, fmt_target_kind(t->kind)) && hash_field(md, t->digest) && hash_field(md, t->image_id) &&
             hash_field(md, inv->has_os ? inv->os.id : NULL) &&
             hash_field(md, inv->has_os ? inv->os.version_id : NULL);
    const vg_format_options none = {0}, *o = opts ? opts : &none;
    ok = ok && hash_field(md, o->product.name) && hash_field(md, o->product.version) &&
         hash_field(md, o->product.supplier) && hash_field(md, o->product.manufacturer);
    for (size_t i = 0; ok && i < inv->ncomponents; i++) {
        const vg_component *c = inv->components[i];
        ok = hash_field(md, c->bom_ref) && hash_field(md, c->purl) && hash_field(md, c->name) &&
             hash_field(md, c->version);
    }
    unsigned int len = 0;
    ok = ok && EVP_DigestFinal_ex(md, out, &len) && len == 32;
    EVP_MD_CTX_free(md);
    return ok ? VG_OK : VG_ERR_NOMEM;
}

static int is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int fmt_url_ok(const char *s)
{
    if (!s)
        return 0;
    static const char *const schemes[] = {"http://", "https://", "ftp://"};
    size_t skip = 0;
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0] && !skip; i++)
        if (strncmp(s, schemes[i], strlen(schemes[i])) == 0)
            skip = strlen(schemes[i]);
    if (!skip || !s[skip] || s[skip] == '/')
        return 0;
    /* RFC 3986 unreserved, gen-delims, sub-delims and "%"; bytes >= 0x80
     * as an IRI's ucschar (the writer repairs the UTF-8). */
    static const char allowed[] = "-._~:/?#[]@!$&'()*+,;=";
    for (const char *p = s + skip; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            (c && strchr(allowed, c)))
            continue;
        if (c == '%' && is_hex_digit(p[1]) && is_hex_digit(p[2])) {
            p += 2;
            continue;
        }
        return 0;
    }
    return 1;
}

const char *fmt_target_kind(vg_target_kind kind)
{
    switch (kind) {
    case VG_TARGET_DIRECTORY:
        return "directory";
    case VG_TARGET_ROOTFS_ARCHIVE:
        return "rootfs-archive";
    case VG_TARGET_DOCKER_ARCHIVE:
        return "docker-archive";
    case VG_TARGET_OCI_LAYOUT:
        return "oci-layout";
    case VG_TARGET_SBOM:
        return "sbom";
    }
    return "unknown";
}

/* ---- component facts --------------------------------------------------- */

static int property_cmp(const void *pa, const void *pb)
{
    const fmt_property *a = pa, *b = pb;
    int r = strcmp(a->name, b->name);
    return r ? r : strcmp(a->value, b->value);
}

void fmt_component_license(vg_arena *arena, const vg_component *c, const char **spdx, int *single)
{
    *spdx = NULL;
    *single = 0;
    if (!c->license || !c->license[strspn(c->license, " \t\r\n")])
        return;
    vg_license_shape shape = 0;
    *spdx = vg_license_to_spdx(arena, c->license, &shape);
    *single = *spdx && shape == VG_LICENSE_SINGLE;
}

int fmt_component_properties(vg_arena *arena, const vg_inventory *inv, const vg_component *c,
                             fmt_property **out, size_t *n)
{
    size_t count = 11;
    for (const vg_property *p = c->properties; p; p = p->next)
        count++;
    fmt_property *props = vg_arena_calloc(arena, count, sizeof *props);
    if (!props)
        return VG_ERR_NOMEM;
    size_t k = 0;
#define ADD(NAME, VALUE)                              \
    do {                                              \
        const char *v_ = (VALUE);                     \
        if (v_ && *v_ && k < count)                   \
            props[k++] = (fmt_property){(NAME), v_};  \
    } while (0)
    ADD("vigil:package:type", c->type);
    ADD("vigil:package:arch", c->arch);
    ADD("vigil:package:source-name", c->source_name);
    ADD("vigil:package:source-version", c->source_version);
    if (c->nfiles)
        ADD("vigil:package:file-count", vg_arena_printf(arena, "%zu", c->nfiles));
    ADD("vigil:location", c->location);
    ADD("vigil:cataloger", c->cataloger);
    if (c->scope == VG_SCOPE_DEV)
        ADD("vigil:dev", "true");
    if (c->layer >= 0 && (size_t)c->layer < inv->target.nlayers) {
        const vg_layer *l = &inv->target.layers[c->layer];
        ADD("vigil:layer:index", vg_arena_printf(arena, "%d", c->layer));
        ADD("vigil:layer:digest", l->digest);
        ADD("vigil:layer:diffID", l->diff_id);
    }
    const char *spdx;
    int single;
    fmt_component_license(arena, c, &spdx, &single);
    if (spdx && strcmp(spdx, c->license) != 0)
        ADD("vigil:license:declared", c->license);
    for (const vg_property *p = c->properties; p; p = p->next)
        if (p->name && p->value)
            ADD(p->name, p->value);
#undef ADD
    qsort(props, k, sizeof *props, property_cmp);
    *out = props;
    *n = k;
    return VG_OK;
}

void fmt_split_contact(vg_arena *arena, const char *s, const char **name, const char **email)
{
    *name = *email = NULL;
    if (!s)
        return;
    const char *lt = strchr(s, '<');
    const char *gt = lt ? strchr(lt, '>') : NULL;
    if (!lt || !gt || gt == lt + 1 || memchr(lt + 1, '@', (size_t)(gt - lt - 1)) == NULL) {
        *name = s;
        return;
    }
    const char *end = lt;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (end > s)
        *name = vg_arena_strndup(arena, s, (size_t)(end - s));
    *email = vg_arena_strndup(arena, lt + 1, (size_t)(gt - lt - 1));
}

/* ---- tables for a terminal ------------------------------------------- */

const char *fmt_cell(vg_arena *arena, const char *s)
{
    const char *clean = fmt_utf8(arena, s && *s ? s : "-");
    if (!clean)
        return NULL;
    size_t len = strlen(clean);
    int needs = 0;
    for (size_t i = 0; i < len && !needs; i++)
        needs = (unsigned char)clean[i] < 0x20 || clean[i] == 0x7f;
    if (!needs)
        return clean;
    char *copy = vg_arena_strndup(arena, clean, len);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)copy[i] < 0x20 || copy[i] == 0x7f)
            copy[i] = '?';
    return copy;
}

size_t fmt_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

const char *fmt_shorten(vg_arena *arena, const char *s, size_t w, int from_left)
{
    size_t have = fmt_width(s);
    if (have <= w || w == 0)
        return s;
    /* byte offset of the code point at index k */
    size_t skip = from_left ? have - (w - 1) : w - 1, bytes = 0;
    for (size_t k = 0; k < skip; k++) {
        bytes++;
        while (((unsigned char)s[bytes] & 0xC0) == 0x80)
            bytes++;
    }
    return from_left ? vg_arena_printf(arena, "…%s", s + bytes) : vg_arena_printf(arena, "%.*s…", (int)bytes, s);
}

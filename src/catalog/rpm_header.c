/*
 * rpm_header.c — parses one RPM header blob, as rpm keeps it in its package
 * database, into the fields vigil reports (rpm.h).
 *
 * Format: RPM v4 header structure (rpm.org doc/manual/format.md "Header";
 * LSB Core 5.0 "Package File Format", 25.2.3): a big-endian int32 index
 * count il and data length dl, il index entries {tag, type, offset, count}
 * of 16 bytes, then dl bytes of data store.  A database blob has no 8-byte
 * header magic in front.  Tag numbers are those of rpm's lib/rpmtag.h as
 * documented in doc/manual/tags.md; types are NULL 0 .. I18NSTRING 9.
 *
 * Left out: the region trailers (RPMTAG_HEADERIMMUTABLE and friends) are not
 * verified and signature and digest tags are not checked, because vigil only
 * reports what the database says is installed; tags outside the ones listed
 * in vg_rpm_header are ignored (REQUIREFLAGS and the versions of requires
 * and provides too: vigil resolves requirements by name only).  When a tag occurs twice (a "dribble" entry
 * after the immutable region) the later entry wins, as in rpm.
 */
#include <stdint.h>
#include <string.h>

#include "catalog/rpm.h"

enum {
    RPM_TYPE_INT32 = 4,
    RPM_TYPE_STRING = 6,
    RPM_TYPE_STRING_ARRAY = 8,
    RPM_TYPE_I18NSTRING = 9,
    RPM_TYPE_MAX = 9,
};

enum {
    RPMTAG_NAME = 1000,
    RPMTAG_VERSION = 1001,
    RPMTAG_RELEASE = 1002,
    RPMTAG_EPOCH = 1003,
    RPMTAG_SUMMARY = 1004,
    RPMTAG_VENDOR = 1011,
    RPMTAG_LICENSE = 1014,
    RPMTAG_PACKAGER = 1015,
    RPMTAG_URL = 1020,
    RPMTAG_ARCH = 1022,
    RPMTAG_OLDFILENAMES = 1027,
    RPMTAG_SOURCERPM = 1044,
    RPMTAG_PROVIDENAME = 1047,
    RPMTAG_REQUIRENAME = 1049,
    RPMTAG_DIRINDEXES = 1116,
    RPMTAG_BASENAMES = 1117,
    RPMTAG_DIRNAMES = 1118,
    RPMTAG_MODULARITYLABEL = 5096,
};

/* One index entry, already converted to host order. */
typedef struct rpm_entry {
    uint32_t tag;
    uint32_t type;
    uint32_t offset; /* into the data store, checked < dl */
    uint32_t count;
} rpm_entry;

/* The data store and the entries of the tags we read (tag 0 = absent). */
typedef struct rpm_blob {
    const unsigned char *data; /* the data store */
    size_t dl;
} rpm_blob;

/* A string of a string array, pointing into the data store. */
typedef struct rpm_str {
    const char *s;
    size_t len;
} rpm_str;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Length of the NUL-terminated string at data[off..dl); SIZE_MAX if it has
 * no terminator inside the data store. */
static size_t string_length(const rpm_blob *b, size_t off)
{
    const unsigned char *nul = memchr(b->data + off, '\0', b->dl - off);
    return nul ? (size_t)(nul - (b->data + off)) : SIZE_MAX;
}

/* The first string of a STRING, I18NSTRING or STRING_ARRAY entry, copied
 * into arena; *out stays NULL when e is absent. */
static int entry_string(vg_ctx *ctx, vg_arena *arena, const rpm_blob *b, const rpm_entry *e,
                        const char **out)
{
    *out = NULL;
    if (!e->tag)
        return VG_OK;
    if (e->type != RPM_TYPE_STRING && e->type != RPM_TYPE_I18NSTRING &&
        e->type != RPM_TYPE_STRING_ARRAY)
        return vg_error(ctx, VG_ERR_FORMAT, "tag %u has type %u, not a string", e->tag, e->type);
    if (e->count == 0)
        return vg_error(ctx, VG_ERR_FORMAT, "tag %u has no value", e->tag);
    size_t len = string_length(b, e->offset);
    if (len == SIZE_MAX)
        return vg_error(ctx, VG_ERR_FORMAT, "string of tag %u runs past the data store", e->tag);
    *out = vg_arena_strndup(arena, (const char *)b->data + e->offset, len);
    return *out ? VG_OK : vg_error(ctx, VG_ERR_NOMEM, "out of memory");
}

/* The strings of a STRING_ARRAY entry, pointing into the data store, in an
 * array allocated in arena (*n = e->count). */
static int entry_string_array(vg_ctx *ctx, vg_arena *arena, const rpm_blob *b, const rpm_entry *e,
                              rpm_str **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!e->tag)
        return VG_OK;
    if (e->type != RPM_TYPE_STRING_ARRAY)
        return vg_error(ctx, VG_ERR_FORMAT, "tag %u has type %u, not a string array", e->tag, e->type);
    /* Every string takes at least its NUL: a count past that is a lie. */
    if (e->count > b->dl - e->offset)
        return vg_error(ctx, VG_ERR_FORMAT, "tag %u claims %u strings in %zu bytes", e->tag,
                        e->count, b->dl - e->offset);
    rpm_str *strs = vg_arena_calloc(arena, e->count ? e->count : 1, sizeof *strs);
    if (!strs)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    size_t off = e->offset;
    for (uint32_t i = 0; i < e->count; i++) {
        if (off >= b->dl)
            return vg_error(ctx, VG_ERR_FORMAT, "string %u of tag %u starts past the data store", i, e->tag);
        size_t len = string_length(b, off);
        if (len == SIZE_MAX)
            return vg_error(ctx, VG_ERR_FORMAT, "string %u of tag %u runs past the data store", i, e->tag);
        strs[i].s = (const char *)b->data + off;
        strs[i].len = len;
        off += len + 1;
    }
    *out = strs;
    *n = e->count;
    return VG_OK;
}

/* The strings of a STRING_ARRAY entry copied into arena; *out stays NULL
 * when e is absent. */
static int entry_strings(vg_ctx *ctx, vg_arena *arena, const rpm_blob *b, const rpm_entry *e, const char ***out,
                         size_t *n)
{
    rpm_str *strs;
    int rc = entry_string_array(ctx, arena, b, e, &strs, n);
    *out = NULL;
    if (rc || !*n)
        return rc;
    const char **copy = vg_arena_calloc(arena, *n, sizeof *copy);
    if (!copy)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < *n; i++)
        if (!(copy[i] = vg_arena_strndup(arena, strs[i].s, strs[i].len)))
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    *out = copy;
    return VG_OK;
}

/* Checks that an INT32 entry's count values fit in the data store. */
static int entry_int32_check(vg_ctx *ctx, const rpm_blob *b, const rpm_entry *e)
{
    if (e->type != RPM_TYPE_INT32)
        return vg_error(ctx, VG_ERR_FORMAT, "tag %u has type %u, not int32", e->tag, e->type);
    if ((uint64_t)e->count * 4 > b->dl - e->offset)
        return vg_error(ctx, VG_ERR_FORMAT, "tag %u: %u int32 values do not fit in the data store",
                        e->tag, e->count);
    return VG_OK;
}

/* Appends path to the file list, counting its bytes against *budget. */
static int add_file(vg_ctx *ctx, vg_arena *arena, vg_rpm_header *out, const rpm_str *dir,
                    const rpm_str *base, size_t *budget)
{
    const rpm_str *first = dir->len ? dir : base;
    size_t slash = (first->len == 0 || first->s[0] != '/') ? 1 : 0;
    size_t len = slash + dir->len + base->len;
    if (len + 1 > *budget)
        return vg_error(ctx, VG_ERR_FORMAT, "file list is larger than the header could hold");
    *budget -= len + 1;
    char *p = vg_arena_alloc(arena, len + 1);
    if (!p)
        return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
    if (slash)
        p[0] = '/';
    memcpy(p + slash, dir->s, dir->len);
    memcpy(p + slash + dir->len, base->s, base->len);
    p[len] = '\0';
    out->files[out->nfiles++] = p;
    return VG_OK;
}

/* Builds out->files from BASENAMES/DIRNAMES/DIRINDEXES, or OLDFILENAMES.
 * The paths may not take more than a few times the blob's own size, so a
 * header of a thousand basenames pointing at one long directory cannot make
 * vigil allocate without bound. */
static int parse_files(vg_ctx *ctx, vg_arena *arena, const rpm_blob *b, size_t bloblen,
                       const rpm_entry *basenames_e, const rpm_entry *dirnames_e,
                       const rpm_entry *dirindexes_e, const rpm_entry *oldfilenames_e,
                       vg_rpm_header *out)
{
    size_t budget = 4 * bloblen + 4096;
    rpm_str none = {"", 0};
    int rc;
    if (basenames_e->tag) {
        rpm_str *bases, *dirs;
        size_t nbases, ndirs;
        if ((rc = entry_string_array(ctx, arena, b, basenames_e, &bases, &nbases)) ||
            (rc = entry_string_array(ctx, arena, b, dirnames_e, &dirs, &ndirs)))
            return rc;
        if (!dirindexes_e->tag || !dirnames_e->tag)
            return vg_error(ctx, VG_ERR_FORMAT, "BASENAMES without DIRNAMES and DIRINDEXES");
        if ((rc = entry_int32_check(ctx, b, dirindexes_e)))
            return rc;
        if (dirindexes_e->count != nbases)
            return vg_error(ctx, VG_ERR_FORMAT, "%zu BASENAMES but %u DIRINDEXES", nbases,
                            dirindexes_e->count);
        out->files = vg_arena_calloc(arena, nbases ? nbases : 1, sizeof *out->files);
        if (!out->files)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < nbases; i++) {
            uint32_t di = be32(b->data + dirindexes_e->offset + 4 * i);
            if (di >= ndirs)
                return vg_error(ctx, VG_ERR_FORMAT, "DIRINDEXES[%zu] = %u, but there are %zu DIRNAMES",
                                i, di, ndirs);
            if ((rc = add_file(ctx, arena, out, &dirs[di], &bases[i], &budget)))
                return rc;
        }
    } else if (oldfilenames_e->tag) {
        rpm_str *names;
        size_t nnames;
        if ((rc = entry_string_array(ctx, arena, b, oldfilenames_e, &names, &nnames)))
            return rc;
        out->files = vg_arena_calloc(arena, nnames ? nnames : 1, sizeof *out->files);
        if (!out->files)
            return vg_error(ctx, VG_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < nnames; i++)
            if ((rc = add_file(ctx, arena, out, &none, &names[i], &budget)))
                return rc;
    }
    return VG_OK;
}

int vg_rpm_header_parse(vg_ctx *ctx, vg_arena *arena, const unsigned char *blob, size_t len,
                        vg_rpm_header *out)
{
    memset(out, 0, sizeof *out);
    if (len < 8)
        return vg_error(ctx, VG_ERR_FORMAT, "header of %zu bytes is shorter than its 8-byte preamble", len);
    uint32_t il = be32(blob), dl = be32(blob + 4);
    if (il == 0 || il > VG_RPM_HEADER_MAX_TAGS)
        return vg_error(ctx, VG_ERR_FORMAT, "header index count %u is out of range", il);
    if (dl > VG_RPM_HEADER_MAX_DATA)
        return vg_error(ctx, VG_ERR_FORMAT, "header data length %u is out of range", dl);
    /* il <= 0xffff and dl <= 256 MiB: the sum cannot overflow. */
    size_t need = 8 + (size_t)il * 16 + dl;
    if (need > len)
        return vg_error(ctx, VG_ERR_FORMAT,
                        "header claims %u index entries and %u data bytes (%zu bytes) but has %zu",
                        il, dl, need, len);

    rpm_blob b = {blob + 8 + (size_t)il * 16, dl};
    rpm_entry name = {0}, version = {0}, release = {0}, epoch = {0}, summary = {0}, vendor = {0},
              license = {0}, packager = {0}, url = {0}, arch = {0}, sourcerpm = {0},
              modularity = {0}, basenames = {0}, dirnames = {0}, dirindexes = {0},
              oldfilenames = {0}, providename = {0}, requirename = {0};
    for (uint32_t i = 0; i < il; i++) {
        const unsigned char *p = blob + 8 + (size_t)i * 16;
        rpm_entry e = {be32(p), be32(p + 4), be32(p + 8), be32(p + 12)};
        rpm_entry *slot;
        switch (e.tag) {
        case RPMTAG_NAME: slot = &name; break;
        case RPMTAG_VERSION: slot = &version; break;
        case RPMTAG_RELEASE: slot = &release; break;
        case RPMTAG_EPOCH: slot = &epoch; break;
        case RPMTAG_SUMMARY: slot = &summary; break;
        case RPMTAG_VENDOR: slot = &vendor; break;
        case RPMTAG_LICENSE: slot = &license; break;
        case RPMTAG_PACKAGER: slot = &packager; break;
        case RPMTAG_URL: slot = &url; break;
        case RPMTAG_ARCH: slot = &arch; break;
        case RPMTAG_SOURCERPM: slot = &sourcerpm; break;
        case RPMTAG_MODULARITYLABEL: slot = &modularity; break;
        case RPMTAG_BASENAMES: slot = &basenames; break;
        case RPMTAG_DIRNAMES: slot = &dirnames; break;
        case RPMTAG_DIRINDEXES: slot = &dirindexes; break;
        case RPMTAG_OLDFILENAMES: slot = &oldfilenames; break;
        case RPMTAG_PROVIDENAME: slot = &providename; break;
        case RPMTAG_REQUIRENAME: slot = &requirename; break;
        default: continue;
        }
        if (e.type > RPM_TYPE_MAX)
            return vg_error(ctx, VG_ERR_FORMAT, "index entry %u (tag %u) has unknown type %u", i,
                            e.tag, e.type);
        /* The offset is a signed int32 in the format; negative ones only
         * belong to region trailers, which are not among these tags. */
        if (e.offset >= dl)
            return vg_error(ctx, VG_ERR_FORMAT, "index entry %u (tag %u) points at offset %d of %u data bytes",
                            i, e.tag, (int32_t)e.offset, dl);
        *slot = e;
    }

    int rc;
    if ((rc = entry_string(ctx, arena, &b, &name, &out->name)) ||
        (rc = entry_string(ctx, arena, &b, &version, &out->version)) ||
        (rc = entry_string(ctx, arena, &b, &release, &out->release)) ||
        (rc = entry_string(ctx, arena, &b, &summary, &out->summary)) ||
        (rc = entry_string(ctx, arena, &b, &vendor, &out->vendor)) ||
        (rc = entry_string(ctx, arena, &b, &license, &out->license)) ||
        (rc = entry_string(ctx, arena, &b, &packager, &out->packager)) ||
        (rc = entry_string(ctx, arena, &b, &url, &out->url)) ||
        (rc = entry_string(ctx, arena, &b, &arch, &out->arch)) ||
        (rc = entry_string(ctx, arena, &b, &sourcerpm, &out->sourcerpm)) ||
        (rc = entry_string(ctx, arena, &b, &modularity, &out->modularity_label)))
        return rc;
    if (!out->name || !out->name[0])
        return vg_error(ctx, VG_ERR_FORMAT, "header has no NAME");
    if (!out->version || !out->release)
        return vg_error(ctx, VG_ERR_FORMAT, "header of %s has no VERSION or RELEASE", out->name);
    if (epoch.tag) {
        if ((rc = entry_int32_check(ctx, &b, &epoch)))
            return rc;
        if (epoch.count < 1)
            return vg_error(ctx, VG_ERR_FORMAT, "EPOCH has no value");
        out->has_epoch = 1;
        out->epoch = be32(b.data + epoch.offset);
    }
    if ((rc = entry_strings(ctx, arena, &b, &requirename, &out->requires, &out->nrequires)) ||
        (rc = entry_strings(ctx, arena, &b, &providename, &out->provides, &out->nprovides)))
        return rc;
    return parse_files(ctx, arena, &b, len, &basenames, &dirnames, &dirindexes, &oldfilenames, out);
}

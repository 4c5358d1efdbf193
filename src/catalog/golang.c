/*
 * golang.c — the "golang" cataloger: Go modules, from the build information
 * the Go linker embeds in executables, and from go.mod / go.sum in source
 * trees.
 *
 * Binaries (ELF, Mach-O, PE through binfmt.h), following the layout that
 * Go's debug/buildinfo reads (Go 1.13 to 1.24):
 *  - where: ELF section ".go.buildinfo" (or, for an ELF without a section
 *    table, the first writable non-executable PT_LOAD); Mach-O section
 *    "__go_buildinfo" (else the first segment with initprot = maxprot =
 *    rw-); PE: the first section whose characteristics are initialized,
 *    readable, writable data.  The blob is searched for at 16-byte
 *    alignment in the first 64 KiB there.
 *  - the blob: 14 bytes "\xff Go buildinf:", pointer size (4 or 8), flags;
 *    flags bit 1 (value 2, Go 1.18+): the version and the module info follow
 *    the 32-byte header inline, each as a uvarint length and the bytes;
 *    otherwise (Go 1.13-1.17) two pointers (flags bit 0: big endian) to Go
 *    string headers {data pointer, length} that are read through the
 *    segment (ELF, Mach-O) or section (PE) virtual addresses.
 *  - the module info (runtime/debug.BuildInfo text, between two 16-byte
 *    sentinels): tab-separated "path", "mod" (main module), "dep" and "=>"
 *    (replacement of the line before) and "build" KEY=VALUE lines.
 * Components of one binary (location = the binary):
 *  - the main module ("mod"), application = 1.  Its version is the
 *    recorded one, except "(devel)" (no version recorded: go builds from a
 *    checkout before Go 1.24 always write it; workspace modules of a
 *    "dep" line too), which becomes no version and the property
 *    vigil:go:recorded-version=(devel);
 *  - each "dep": the module as built, i.e. the replacement when a "=>" line
 *    names a module version (property vigil:go:replaces = the original
 *    path@version), the original path without a version when it names a
 *    local directory (version "(devel)" or empty; vigil:go:replaced-by =
 *    the directory);
 *  - "stdlib": the toolchain, its version converted from the Go release tag
 *    to semantic versioning as govulncheck and the Go vulnerability
 *    database do (go1.21.5 -> v1.21.5, go1.21 -> v1.21.0, go1.21rc2 ->
 *    v1.21.0-rc.2; text after a space such as " X:boringcrypto" dropped);
 *    an unrecognised tag (development builds) gives no stdlib component.
 *  - DEPENDS_ON edges main -> each dep and main -> stdlib (the build info
 *    records no finer graph).  Build settings of a bounded list of keys and
 *    the raw toolchain string are properties of the main module (or of
 *    stdlib when there is none): vigil:go:build:KEY, vigil:go:toolchain,
 *    vigil:go:path (the main package), vigil:go:sum (the h1: checksums).
 *
 * Source trees: go.mod (Go Modules Reference, "go.mod files": module, go,
 * toolchain, require, replace, exclude; single lines and blocks; "//
 * indirect" comments; quoted and raw strings).  The module is an
 * application component (no version); every require is a component at the
 * required version, after replace directives (a module replacement gives
 * the replacing module; a directory replacement gives the required path
 * without a version); DEPENDS_ON module -> each require; "// indirect" is
 * the property vigil:go:indirect=true.  exclude directives are ignored (they
 * only matter for versions that are not required).  go.sum lists the
 * checksums of every module version the go command ever looked at, not what
 * a build uses, so on its own it is not inventory.  It is used with the
 * go.mod of the same directory in one case: a go.mod whose go directive is
 * older than 1.17 (or missing) lists only the direct requirements, so each
 * module of go.sum that has a content checksum (a line without "/go.mod")
 * and is not required in go.mod is added, at the highest such version
 * (minimal version selection picks the highest required one), with
 * vigil:go:from-go-sum=true.  This is what Trivy does too.
 *
 * Package URL: pkg:golang/NAMESPACE/NAME@VERSION with the module path split
 * at its last '/': case is kept, because module paths are case-sensitive
 * (github.com/Azure/... and github.com/azure/... are different modules); the
 * older PURL-TYPES text asks for lower case, which would merge them.
 *
 * Left out: Go binaries before 1.13 (no build info blob), XCOFF and Plan 9
 * binaries, vendor/modules.txt, go.work workspaces, retract.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/binfmt.h"
#include "catalog/pkgdb_text.h"
#include "vigil/buf.h"
#include "vigil/catalog.h"
#include "vigil/map.h"
#include "vigil/purl.h"

#define GO_TEXT_MAX ((size_t)8 << 20)        /* go.mod / go.sum read */
#define GO_BINARY_MAX ((size_t)4 << 30)       /* executables offered */
#define GO_SEARCH_WINDOW ((size_t)64 << 10)   /* where the blob may start */
#define GO_MODINFO_MAX ((size_t)4 << 20)      /* module info string */
#define GO_VERSION_MAX ((size_t)256)          /* toolchain version string */
#define GO_BUILD_VALUE_MAX ((size_t)4096)     /* one build setting kept */
#define GO_MODULES_MAX 100000                 /* requires / deps of one file */

static const unsigned char buildinfo_magic[14] = "\xff Go buildinf:";

/* --- shared: components ------------------------------------------------- */

/* pkg:golang/... for module path (split at the last '/'), version may be NULL. */
static char *go_purl(vg_arena *arena, const char *path, const char *version)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !slash[1])
        return vg_purl_format(arena, "golang", NULL, path, version, NULL, 0);
    char *ns = vg_arena_strndup(arena, path, (size_t)(slash - path));
    return ns ? vg_purl_format(arena, "golang", ns, slash + 1, version, NULL, 0) : NULL;
}

/* A golang component; strings must already be in the arena. */
static vg_component *go_component(vg_catalog_run *run, const char *path, const char *version,
                                  const char *location, int layer)
{
    vg_component *c = vg_inventory_add(run->inv);
    if (!c)
        return NULL;
    c->type = "golang";
    c->cataloger = "golang";
    c->name = path;
    c->version = version && version[0] && strcmp(version, "(devel)") != 0 ? version : NULL;
    c->location = location;
    c->layer = layer;
    c->purl = go_purl(run->arena, path, c->version);
    if (!c->purl || (version && !c->version && version[0] &&
                     vg_component_set_property(run->inv, c, "vigil:go:recorded-version", version)))
        return NULL;
    return c;
}

/* Copies text into the arena as valid UTF-8. */
static char *go_copy(vg_catalog_run *run, const char *s, size_t len, int *bad)
{
    return vg_text_utf8_copy(run->arena, s, len, bad);
}

/* Converts a Go release tag to semantic versioning into out (size outsize):
 * go1.21.5 -> v1.21.5, go1.21 -> v1.21.0, go1.9rc2 -> v1.9.0-rc.2,
 * go1.19beta1 -> v1.19.0-beta.1.  Anything after the first space is
 * ignored.  Returns 0 when tag is not a release tag. */
static int go_tag_to_semver(const char *tag, size_t len, char *out, size_t outsize)
{
    const char *end = memchr(tag, ' ', len);
    if (end)
        len = (size_t)(end - tag);
    if (len < 4 || memcmp(tag, "go", 2) != 0)
        return 0;
    size_t i = 2;
    unsigned long num[3] = {0, 0, 0};
    int parts = 0;
    while (parts < 3) {
        if (i >= len || tag[i] < '0' || tag[i] > '9')
            return 0;
        unsigned long v = 0;
        int digits = 0;
        while (i < len && tag[i] >= '0' && tag[i] <= '9' && digits < 9)
            v = v * 10 + (unsigned long)(tag[i++] - '0'), digits++;
        if (i < len && tag[i] >= '0' && tag[i] <= '9')
            return 0; /* absurdly long number */
        num[parts++] = v;
        if (i < len && tag[i] == '.')
            i++;
        else
            break;
    }
    const char *pre = NULL;
    size_t prelen = 0;
    if (i < len) {
        if (len - i > 2 && memcmp(tag + i, "rc", 2) == 0)
            pre = "rc", prelen = 2;
        else if (len - i > 4 && memcmp(tag + i, "beta", 4) == 0)
            pre = "beta", prelen = 4;
        else
            return 0;
        for (size_t k = i + prelen; k < len; k++)
            if (tag[k] < '0' || tag[k] > '9')
                return 0;
        if (len - i - prelen > 9)
            return 0;
    }
    int n;
    if (pre)
        n = snprintf(out, outsize, "v%lu.%lu.%lu-%s.%.*s", num[0], num[1], num[2], pre,
                     (int)(len - i - prelen), tag + i + prelen);
    else
        n = snprintf(out, outsize, "v%lu.%lu.%lu", num[0], num[1], num[2]);
    return n > 0 && (size_t)n < outsize;
}

/* --- binaries: finding the blob ----------------------------------------- */

/* Virtual address where Go's reader starts looking, or 0. */
static uint64_t go_data_start(const vg_binfmt *bf)
{
    if (bf->kind == VG_BINFMT_ELF) {
        const vg_binfmt_region *s = vg_binfmt_section(bf, NULL, ".go.buildinfo");
        if (s)
            return s->addr;
        if (bf->nsections)
            return 0; /* a section table without .go.buildinfo: not Go 1.13+ */
        for (size_t i = 0; i < bf->nsegments; i++)
            if ((bf->segments[i].flags & 3) == 2) /* PF_W without PF_X */
                return bf->segments[i].addr;
        return 0;
    }
    if (bf->kind == VG_BINFMT_MACHO) {
        const vg_binfmt_region *s = vg_binfmt_section(bf, NULL, "__go_buildinfo");
        if (s)
            return s->addr;
        for (size_t i = 0; i < bf->nsegments; i++) {
            const vg_binfmt_region *g = &bf->segments[i];
            if (g->addr && g->file_size && g->flags == (3u | 3u << 8))
                return g->addr;
        }
        return 0;
    }
    /* PE: initialized data, read, write (alignment bits ignored) */
    for (size_t i = 0; i < bf->nsections; i++) {
        const vg_binfmt_region *s = &bf->sections[i];
        if (s->addr && s->size && (s->flags & ~0x00f00000u) == (0x40u | 0x40000000u | 0x80000000u))
            return s->addr;
    }
    return 0;
}

typedef struct go_buildinfo {
    char *version;  /* malloc'd */
    char *modinfo;  /* malloc'd, framing removed; NULL when absent */
    size_t modinfo_len;
    int inline_strings; /* Go 1.18+ layout */
} go_buildinfo;

static uint64_t go_read_ptr(const unsigned char *p, int size, int big)
{
    uint64_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint64_t)p[big ? i : size - 1 - i] << (8 * (size - 1 - i));
    return v;
}

/* Reads exactly len bytes at virtual address addr into a new malloc'd,
 * NUL-terminated buffer.  VG_OK, VG_ERR_FORMAT (not all of it is in the
 * file), VG_ERR_IO, VG_ERR_NOMEM. */
static int go_read_string(const vg_binfmt *bf, uint64_t addr, uint64_t len, char **out)
{
    *out = NULL;
    char *buf = malloc((size_t)len + 1);
    if (!buf)
        return VG_ERR_NOMEM;
    size_t got;
    int rc = vg_binfmt_read_addr(bf, addr, buf, (size_t)len, &got);
    if (rc == VG_OK && got < len)
        rc = VG_ERR_FORMAT;
    if (rc == VG_ERR_NOT_FOUND)
        rc = VG_ERR_FORMAT;
    if (rc) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    return VG_OK;
}

/* Reads a uvarint (encoding/binary) at p[0..len): value and bytes used, 0 if bad. */
static size_t go_uvarint(const unsigned char *p, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < 10; i++) {
        if (i == 9 && p[i] > 1)
            return 0;
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *out = v;
            return i + 1;
        }
    }
    return 0;
}

/* Finds and decodes the build info of a binary.  VG_OK with bi filled
 * (bi->version NULL: not a Go binary); a warning-worthy problem returns
 * VG_ERR_FORMAT / VG_ERR_LIMIT with *why set. */
static int go_read_buildinfo(const vg_binfmt *bf, go_buildinfo *bi, const char **why)
{
    memset(bi, 0, sizeof *bi);
    uint64_t start = go_data_start(bf);
    if (!start)
        return VG_OK;
    unsigned char *window = malloc(GO_SEARCH_WINDOW);
    if (!window)
        return VG_ERR_NOMEM;
    size_t got = 0;
    int rc = vg_binfmt_read_addr(bf, start, window, GO_SEARCH_WINDOW, &got);
    if (rc == VG_ERR_NOT_FOUND) {
        free(window);
        return VG_OK;
    }
    if (rc) {
        free(window);
        *why = "the data section holding the build info lies outside the file";
        return rc == VG_ERR_IO ? rc : VG_ERR_FORMAT;
    }
    size_t at = (size_t)-1;
    for (size_t i = 0; i + 32 <= got; i += 16)
        if (memcmp(window + i, buildinfo_magic, sizeof buildinfo_magic) == 0) {
            at = i;
            break;
        }
    if (at == (size_t)-1) {
        free(window);
        return VG_OK; /* not a Go 1.13+ binary */
    }
    const unsigned char *h = window + at;
    int ptr_size = h[14], flags = h[15];
    uint64_t blob = start + at;
    uint64_t vlen = 0, mlen = 0, vaddr, maddr;
    if (flags & 2) {
        /* Go 1.18+: uvarint-prefixed strings after the 32-byte header; read
         * the lengths from the file, not just from the window, so that a
         * module info longer than the window is still found. */
        bi->inline_strings = 1;
        unsigned char lenbuf[10];
        size_t n;
        if (vg_binfmt_read_addr(bf, blob + 32, lenbuf, sizeof lenbuf, &n) || !(n = go_uvarint(lenbuf, n, &vlen))) {
            free(window);
            *why = "Go build info: unreadable version length";
            return VG_ERR_FORMAT;
        }
        vaddr = blob + 32 + n;
        if (vlen > GO_VERSION_MAX) {
            free(window);
            *why = "Go build info: the version length is implausible";
            return VG_ERR_FORMAT;
        }
        size_t n2;
        if (vg_binfmt_read_addr(bf, vaddr + vlen, lenbuf, sizeof lenbuf, &n2) ||
            !(n = go_uvarint(lenbuf, n2, &mlen))) {
            free(window);
            *why = "Go build info: unreadable module info length";
            return VG_ERR_FORMAT;
        }
        maddr = vaddr + vlen + n;
    } else {
        if (ptr_size != 4 && ptr_size != 8) {
            free(window);
            *why = "Go build info: pointer size is neither 4 nor 8";
            return VG_ERR_FORMAT;
        }
        int big = flags & 1;
        uint64_t vhdr = go_read_ptr(h + 16, ptr_size, big), mhdr = go_read_ptr(h + 16 + ptr_size, ptr_size, big);
        unsigned char sh[16];
        size_t n;
        if (vg_binfmt_read_addr(bf, vhdr, sh, (size_t)(2 * ptr_size), &n) || n < (size_t)(2 * ptr_size)) {
            free(window);
            *why = "Go build info: the version string header is not in the file";
            return VG_ERR_FORMAT;
        }
        vaddr = go_read_ptr(sh, ptr_size, big);
        vlen = go_read_ptr(sh + ptr_size, ptr_size, big);
        if (vg_binfmt_read_addr(bf, mhdr, sh, (size_t)(2 * ptr_size), &n) || n < (size_t)(2 * ptr_size)) {
            free(window);
            *why = "Go build info: the module info string header is not in the file";
            return VG_ERR_FORMAT;
        }
        maddr = go_read_ptr(sh, ptr_size, big);
        mlen = go_read_ptr(sh + ptr_size, ptr_size, big);
        if (vlen > GO_VERSION_MAX) {
            free(window);
            *why = "Go build info: the version length is implausible";
            return VG_ERR_FORMAT;
        }
    }
    free(window);
    if (mlen > GO_MODINFO_MAX) {
        *why = "Go build info: the module info length is larger than vigil reads";
        return VG_ERR_LIMIT;
    }
    if (vlen == 0) {
        *why = "Go build info without a toolchain version";
        return VG_ERR_FORMAT;
    }
    if ((rc = go_read_string(bf, vaddr, vlen, &bi->version)) != VG_OK) {
        *why = "Go build info: the version string runs past the end of its section";
        return rc;
    }
    char *mod = NULL;
    if (mlen && (rc = go_read_string(bf, maddr, mlen, &mod)) != VG_OK) {
        free(bi->version);
        bi->version = NULL;
        *why = "Go build info: the module info length runs past the end of its section";
        return rc;
    }
    /* the sentinels: 16 bytes each side, the last line ending 17 bytes from the end */
    if (mod && mlen >= 33 && mod[mlen - 17] == '\n') {
        memmove(mod, mod + 16, (size_t)mlen - 32);
        mod[mlen - 32] = '\0';
        bi->modinfo = mod;
        bi->modinfo_len = (size_t)mlen - 32;
    } else {
        free(mod);
    }
    return VG_OK;
}

/* --- binaries: the module info ------------------------------------------ */

/* Build settings kept as properties (others, such as CGO_CFLAGS, are not). */
static const char *const build_keys[] = {
    "-buildmode", "-compiler", "-tags", "-trimpath", "-ldflags", "-gcflags", "-asmflags", "-race", "-msan",
    "-asan", "-pgo", "-mod", "CGO_ENABLED", "GOOS", "GOARCH", "GOAMD64", "GOARM", "GOARM64", "GO386",
    "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM", "GOEXPERIMENT", "GOFIPS140", "DefaultGODEBUG",
    "vcs", "vcs.revision", "vcs.time", "vcs.modified",
};

static int build_key_kept(const char *key, size_t len)
{
    for (size_t i = 0; i < sizeof build_keys / sizeof build_keys[0]; i++)
        if (strlen(build_keys[i]) == len && memcmp(build_keys[i], key, len) == 0)
            return 1;
    return 0;
}

typedef struct go_mod_line {
    const char *path, *version, *sum;            /* arena */
    const char *rpath, *rversion, *rsum;         /* replacement, or NULL */
} go_mod_line;

/* Splits a tab-separated line into at most max fields; returns the count,
 * or max + 1 when there are more. */
static size_t split_tabs(const char *s, size_t len, const char **f, size_t *flen, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '\t') {
            if (n == max)
                return max + 1;
            f[n] = s + start;
            flen[n++] = i - start;
            start = i + 1;
        }
    }
    return n;
}

typedef struct go_binary {
    vg_catalog_run *run;
    const vg_file *file;
    const char *location;
    int bad_utf8;
    const char *path;        /* "path" line */
    go_mod_line main;
    int has_main;
    go_mod_line *deps;
    size_t ndeps, deps_cap;
    vg_buf build;            /* "key\0value\0" pairs of kept settings */
    size_t bad_lines;
} go_binary;

static int go_binary_module(go_binary *gb, go_mod_line *m, const char *const *f, const size_t *fl, size_t nf,
                            int replacement)
{
    const char **p = replacement ? &m->rpath : &m->path;
    const char **v = replacement ? &m->rversion : &m->version;
    const char **s = replacement ? &m->rsum : &m->sum;
    if (!(*p = go_copy(gb->run, f[0], fl[0], &gb->bad_utf8)) ||
        !(*v = go_copy(gb->run, f[1], fl[1], &gb->bad_utf8)) ||
        !(*s = nf > 2 ? go_copy(gb->run, f[2], fl[2], &gb->bad_utf8) : ""))
        return VG_ERR_NOMEM;
    return VG_OK;
}

/* Parses the module info text (runtime/debug.ParseBuildInfo's grammar). */
static int go_parse_modinfo(go_binary *gb, const char *text, size_t len)
{
    size_t pos = 0;
    const char *line;
    size_t linelen;
    go_mod_line *last = NULL;
    while (vg_text_next_line(text, len, &pos, &line, &linelen)) {
        const char *f[4];
        size_t fl[4];
        if (linelen > 5 && memcmp(line, "path\t", 5) == 0) {
            if (!(gb->path = go_copy(gb->run, line + 5, linelen - 5, &gb->bad_utf8)))
                return VG_ERR_NOMEM;
        } else if (linelen > 4 && memcmp(line, "mod\t", 4) == 0) {
            size_t nf = split_tabs(line + 4, linelen - 4, f, fl, 3);
            if (nf < 2 || nf > 3 || !fl[0]) {
                gb->bad_lines++;
                last = NULL;
                continue;
            }
            memset(&gb->main, 0, sizeof gb->main);
            if (go_binary_module(gb, &gb->main, f, fl, nf, 0))
                return VG_ERR_NOMEM;
            gb->has_main = 1;
            last = &gb->main;
        } else if (linelen > 4 && memcmp(line, "dep\t", 4) == 0) {
            size_t nf = split_tabs(line + 4, linelen - 4, f, fl, 3);
            if (nf < 2 || nf > 3 || !fl[0]) {
                gb->bad_lines++;
                last = NULL;
                continue;
            }
            if (gb->ndeps == gb->deps_cap) {
                if (gb->deps_cap >= GO_MODULES_MAX)
                    return VG_ERR_LIMIT;
                size_t cap = gb->deps_cap ? gb->deps_cap * 2 : 32;
                go_mod_line *grown = realloc(gb->deps, cap * sizeof *grown);
                if (!grown)
                    return VG_ERR_NOMEM;
                gb->deps = grown;
                gb->deps_cap = cap;
            }
            last = &gb->deps[gb->ndeps++];
            memset(last, 0, sizeof *last);
            if (go_binary_module(gb, last, f, fl, nf, 0))
                return VG_ERR_NOMEM;
        } else if (linelen > 3 && memcmp(line, "=>\t", 3) == 0) {
            size_t nf = split_tabs(line + 3, linelen - 3, f, fl, 3);
            if (nf != 3 || !last || !fl[0]) {
                gb->bad_lines++;
                last = NULL;
                continue;
            }
            if (go_binary_module(gb, last, f, fl, nf, 1))
                return VG_ERR_NOMEM;
            last = NULL;
        } else if (linelen > 6 && memcmp(line, "build\t", 6) == 0) {
            const char *kv = line + 6;
            size_t kvlen = linelen - 6;
            const char *eq = memchr(kv, '=', kvlen);
            if (!eq || eq == kv) {
                gb->bad_lines++;
                continue;
            }
            size_t klen = (size_t)(eq - kv), vlen = kvlen - klen - 1;
            const char *val = eq + 1;
            if (!build_key_kept(kv, klen) || vlen > GO_BUILD_VALUE_MAX)
                continue;
            /* values with spaces, tabs or quotes are Go-quoted: keep the inside */
            if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"')
                val++, vlen -= 2;
            int rc;
            if ((rc = vg_buf_add(&gb->build, kv, klen)) || (rc = vg_buf_addc(&gb->build, '\0')) ||
                (rc = vg_buf_add(&gb->build, val, vlen)) || (rc = vg_buf_addc(&gb->build, '\0')))
                return rc;
        } else if (linelen) {
            gb->bad_lines++;
        }
    }
    return VG_OK;
}

/* Adds the components of one parsed binary. */
static int go_binary_components(go_binary *gb, const go_buildinfo *bi)
{
    vg_catalog_run *run = gb->run;
    vg_inventory *inv = run->inv;
    int layer = gb->file->layer;
    vg_component *main = NULL, *std = NULL;
    if (gb->has_main) {
        if (!(main = go_component(run, gb->main.path, gb->main.version, gb->location, layer)))
            return VG_ERR_NOMEM;
        main->application = 1;
        if (vg_component_set_property(inv, main, "vigil:go:sum", gb->main.sum[0] ? gb->main.sum : NULL))
            return VG_ERR_NOMEM;
    }
    char semver[64];
    if (go_tag_to_semver(bi->version, strlen(bi->version), semver, sizeof semver)) {
        const char *v = vg_arena_strdup(run->arena, semver);
        if (!v || !(std = go_component(run, "stdlib", v, gb->location, layer)))
            return VG_ERR_NOMEM;
        if (main && vg_inventory_add_edge(inv, main, std, VG_EDGE_DEPENDS_ON))
            return VG_ERR_NOMEM;
    }
    vg_component *holder = main ? main : std;
    if (holder) {
        const char *toolchain = go_copy(run, bi->version, strlen(bi->version), &gb->bad_utf8);
        if (!toolchain || vg_component_set_property(inv, holder, "vigil:go:toolchain", toolchain) ||
            vg_component_set_property(inv, holder, "vigil:go:path", gb->path))
            return VG_ERR_NOMEM;
        for (size_t pos = 0; pos < gb->build.len;) {
            const char *key = gb->build.data + pos;
            const char *val = key + strlen(key) + 1;
            pos = (size_t)(val - gb->build.data) + strlen(val) + 1;
            char name[64];
            snprintf(name, sizeof name, "vigil:go:build:%s", key);
            const char *v = go_copy(run, val, strlen(val), &gb->bad_utf8);
            if (!v || vg_component_set_property(inv, holder, name, v))
                return VG_ERR_NOMEM;
        }
    }
    for (size_t i = 0; i < gb->ndeps; i++) {
        const go_mod_line *d = &gb->deps[i];
        const char *path = d->path, *version = d->version, *sum = d->sum;
        int local = d->rpath && (!d->rversion[0] || strcmp(d->rversion, "(devel)") == 0);
        if (d->rpath && !local)
            path = d->rpath, version = d->rversion, sum = d->rsum;
        vg_component *c = go_component(run, path, local ? NULL : version, gb->location, layer);
        if (!c)
            return VG_ERR_NOMEM;
        const char *replaces = d->rpath && !local ? vg_arena_printf(run->arena, "%s@%s", d->path, d->version) : NULL;
        if ((d->rpath && !local && !replaces) ||
            vg_component_set_property(inv, c, "vigil:go:replaces", replaces) ||
            vg_component_set_property(inv, c, "vigil:go:replaced-by", local ? d->rpath : NULL) ||
            vg_component_set_property(inv, c, "vigil:go:sum", sum && sum[0] ? sum : NULL))
            return VG_ERR_NOMEM;
        if (main && vg_inventory_add_edge(inv, main, c, VG_EDGE_DEPENDS_ON))
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

static int go_collect_binary(vg_catalog_run *run, const vg_file *file)
{
    vg_binfmt bf;
    int rc = vg_binfmt_open(run->ctx, &bf, file);
    if (rc == VG_ERR_UNSUPPORTED) {
        vg_binfmt_close(&bf);
        return VG_OK;
    }
    if (rc == VG_ERR_NOMEM) {
        vg_binfmt_close(&bf);
        return rc;
    }
    if (rc) {
        /* ctx->message names the file and the problem */
        vg_warn(run->ctx, file->path, "%s", run->ctx->message);
        vg_binfmt_close(&bf);
        return VG_OK;
    }
    go_buildinfo bi;
    const char *why = NULL;
    rc = go_read_buildinfo(&bf, &bi, &why);
    vg_binfmt_close(&bf);
    if (rc == VG_ERR_NOMEM)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (rc) {
        vg_warn(run->ctx, file->path, "%s", why ? why : "cannot read the Go build info");
        return VG_OK;
    }
    if (!bi.version)
        return VG_OK;
    go_binary gb = {.run = run, .file = file};
    vg_buf_init(&gb.build, (size_t)64 << 10);
    gb.location = vg_arena_strdup(run->arena, file->path);
    rc = gb.location ? VG_OK : VG_ERR_NOMEM;
    if (rc == VG_OK && bi.modinfo)
        rc = go_parse_modinfo(&gb, bi.modinfo, bi.modinfo_len);
    if (rc == VG_ERR_LIMIT) {
        vg_warn(run->ctx, file->path, "Go build info lists more modules or settings than vigil reads");
        rc = VG_OK;
    }
    if (rc == VG_OK)
        rc = go_binary_components(&gb, &bi);
    if (rc == VG_OK && gb.bad_lines)
        vg_warn(run->ctx, file->path, "Go build info: %zu malformed line(s) skipped", gb.bad_lines);
    if (rc == VG_OK && gb.bad_utf8)
        vg_warn(run->ctx, file->path, "Go build info: invalid UTF-8 replaced by U+FFFD");
    free(gb.deps);
    vg_buf_free(&gb.build);
    free(bi.version);
    free(bi.modinfo);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    return VG_OK;
}

/* --- go.mod and go.sum -------------------------------------------------- */

typedef struct go_require {
    const char *path, *version;
    int indirect;
} go_require;

typedef struct go_replace {
    const char *old_path, *old_version; /* old_version NULL: every version */
    const char *new_path, *new_version; /* new_version NULL: a directory */
} go_replace;

typedef struct go_sum_entry {
    const char *path, *version, *hash;
} go_sum_entry;

typedef struct go_source {
    const char *location;  /* go.mod or go.sum path */
    const char *dir;       /* its directory ("" for the root) */
    size_t dirlen;
    int layer;
    int is_sum;
    /* go.mod */
    const char *module, *go_version, *toolchain;
    go_require *requires;
    size_t nrequires;
    go_replace *replaces;
    size_t nreplaces;
    /* go.sum */
    go_sum_entry *sums;
    size_t nsums;
    struct go_source *next;
} go_source;

typedef struct go_state {
    go_source *sources, **tail;
} go_state;

/* One token of a go.mod line: a bare word, "quoted" or `raw`; NULL at the
 * end of the line or at a comment. */
typedef struct go_lexer {
    const char *s;
    size_t len, pos;
} go_lexer;

static int go_token(go_lexer *lx, const char **tok, size_t *toklen, int *quoted)
{
    while (lx->pos < lx->len && (lx->s[lx->pos] == ' ' || lx->s[lx->pos] == '\t'))
        lx->pos++;
    if (lx->pos >= lx->len || (lx->len - lx->pos >= 2 && lx->s[lx->pos] == '/' && lx->s[lx->pos + 1] == '/'))
        return 0;
    *quoted = 0;
    char q = lx->s[lx->pos];
    if (q == '"' || q == '`') {
        size_t start = ++lx->pos;
        while (lx->pos < lx->len && lx->s[lx->pos] != q) {
            if (q == '"' && lx->s[lx->pos] == '\\' && lx->pos + 1 < lx->len)
                lx->pos++;
            lx->pos++;
        }
        *tok = lx->s + start;
        *toklen = lx->pos - start;
        if (lx->pos < lx->len)
            lx->pos++;
        *quoted = 1;
        return 1;
    }
    size_t start = lx->pos;
    while (lx->pos < lx->len && lx->s[lx->pos] != ' ' && lx->s[lx->pos] != '\t' &&
           !(lx->len - lx->pos >= 2 && lx->s[lx->pos] == '/' && lx->s[lx->pos + 1] == '/'))
        lx->pos++;
    *tok = lx->s + start;
    *toklen = lx->pos - start;
    return 1;
}

/* Whether the comment of the line (if any) is "// indirect" (alone or
 * first among ';'-separated comments, as cmd/go writes it). */
static int go_line_indirect(const char *line, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (line[i] == '"' || line[i] == '`') {
            char q = line[i];
            for (i++; i < len && line[i] != q; i++)
                ;
            continue;
        }
        if (line[i] == '/' && line[i + 1] == '/') {
            size_t k = i + 2;
            while (k < len && (line[k] == ' ' || line[k] == '\t'))
                k++;
            return len - k >= 8 && memcmp(line + k, "indirect", 8) == 0 &&
                   (len - k == 8 || line[k + 8] == ';' || line[k + 8] == ' ' || line[k + 8] == '\t');
        }
    }
    return 0;
}

typedef struct go_mod_parse {
    vg_catalog_run *run;
    go_source *src;
    size_t requires_cap, replaces_cap;
    int bad_utf8;
    size_t bad_lines, first_bad;
} go_mod_parse;

static int grow(void **array, size_t *cap, size_t count, size_t size, vg_arena *arena)
{
    if (count < *cap)
        return VG_OK;
    if (count >= GO_MODULES_MAX)
        return VG_ERR_LIMIT;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *grown = vg_arena_calloc(arena, ncap, size);
    if (!grown)
        return VG_ERR_NOMEM;
    if (count)
        memcpy(grown, *array, count * size);
    *array = grown;
    *cap = ncap;
    return VG_OK;
}

static void go_mod_bad(go_mod_parse *mp, size_t lineno)
{
    if (!mp->bad_lines++)
        mp->first_bad = lineno;
}

/* One directive: verb (the block's, inside a block) and the tokens after
 * it on the line.  Unknown verbs (retract, godebug, tool, ignore ...) and
 * exclude are skipped. */
static int go_mod_directive(go_mod_parse *mp, const char *verb, size_t verblen, go_lexer *lx, int indirect,
                            size_t lineno)
{
    vg_catalog_run *run = mp->run;
    go_source *src = mp->src;
    const char *t[7];
    size_t tl[7];
    int q, n = 0;
    while (n < 7 && go_token(lx, &t[n], &tl[n], &q))
        n++;
#define VERB(s) (verblen == sizeof s - 1 && memcmp(verb, s, sizeof s - 1) == 0)
    if (VERB("module") || VERB("go") || VERB("toolchain")) {
        if (n != 1) {
            go_mod_bad(mp, lineno);
            return VG_OK;
        }
        const char *v = go_copy(run, t[0], tl[0], &mp->bad_utf8);
        if (!v)
            return VG_ERR_NOMEM;
        if (VERB("module"))
            src->module = v;
        else if (VERB("go"))
            src->go_version = v;
        else
            src->toolchain = v;
        return VG_OK;
    }
    if (VERB("require")) {
        if (n != 2 || !tl[0] || !tl[1]) {
            go_mod_bad(mp, lineno);
            return VG_OK;
        }
        int rc = grow((void **)&src->requires, &mp->requires_cap, src->nrequires, sizeof *src->requires,
                      run->arena);
        if (rc)
            return rc;
        go_require *r = &src->requires[src->nrequires];
        if (!(r->path = go_copy(run, t[0], tl[0], &mp->bad_utf8)) ||
            !(r->version = go_copy(run, t[1], tl[1], &mp->bad_utf8)))
            return VG_ERR_NOMEM;
        r->indirect = indirect;
        src->nrequires++;
        return VG_OK;
    }
    if (VERB("replace")) {
        /* old [v] => new [v] */
        int arrow = -1;
        for (int i = 0; i < n; i++)
            if (tl[i] == 2 && memcmp(t[i], "=>", 2) == 0)
                arrow = i;
        int right = n - arrow - 1;
        if (arrow < 1 || arrow > 2 || right < 1 || right > 2 || n == 7) {
            go_mod_bad(mp, lineno);
            return VG_OK;
        }
        int rc = grow((void **)&src->replaces, &mp->replaces_cap, src->nreplaces, sizeof *src->replaces,
                      run->arena);
        if (rc)
            return rc;
        go_replace *r = &src->replaces[src->nreplaces];
        if (!(r->old_path = go_copy(run, t[0], tl[0], &mp->bad_utf8)) ||
            (arrow == 2 && !(r->old_version = go_copy(run, t[1], tl[1], &mp->bad_utf8))) ||
            !(r->new_path = go_copy(run, t[arrow + 1], tl[arrow + 1], &mp->bad_utf8)) ||
            (right == 2 && !(r->new_version = go_copy(run, t[arrow + 2], tl[arrow + 2], &mp->bad_utf8))))
            return VG_ERR_NOMEM;
        src->nreplaces++;
        return VG_OK;
    }
#undef VERB
    return VG_OK;
}

/* Parses go.mod text into src. */
static int go_parse_mod(go_mod_parse *mp, const char *text, size_t len)
{
    size_t pos = 0, lineno = 0;
    const char *line;
    size_t linelen;
    const char *block = NULL; /* verb of the open "verb (" block */
    size_t blocklen = 0;
    while (vg_text_next_line(text, len, &pos, &line, &linelen)) {
        lineno++;
        go_lexer lx = {line, linelen, 0};
        const char *tok;
        size_t toklen;
        int quoted;
        if (!go_token(&lx, &tok, &toklen, &quoted))
            continue; /* blank or comment */
        int indirect = go_line_indirect(line, linelen);
        int rc;
        if (block) {
            if (!quoted && toklen == 1 && tok[0] == ')') {
                block = NULL;
                continue;
            }
            go_lexer again = {line, linelen, 0};
            rc = go_mod_directive(mp, block, blocklen, &again, indirect, lineno);
        } else {
            size_t save = lx.pos;
            const char *next;
            size_t nextlen;
            int q2;
            if (go_token(&lx, &next, &nextlen, &q2) && !q2 && nextlen == 1 && next[0] == '(') {
                const char *rest;
                size_t restlen;
                if (go_token(&lx, &rest, &restlen, &q2)) {
                    go_mod_bad(mp, lineno);
                    continue;
                }
                block = tok;
                blocklen = toklen;
                continue;
            }
            lx.pos = save;
            rc = go_mod_directive(mp, tok, toklen, &lx, indirect, lineno);
        }
        if (rc)
            return rc;
    }
    if (block)
        go_mod_bad(mp, lineno);
    return VG_OK;
}

/* Parses go.sum lines "path version[/go.mod] hash" into src (content
 * checksums only: the /go.mod lines say nothing about what is built). */
static int go_parse_sum(go_mod_parse *mp, const char *text, size_t len)
{
    vg_catalog_run *run = mp->run;
    go_source *src = mp->src;
    size_t pos = 0, lineno = 0, cap = 0;
    const char *line;
    size_t linelen;
    while (vg_text_next_line(text, len, &pos, &line, &linelen)) {
        lineno++;
        go_lexer lx = {line, linelen, 0};
        const char *t[3], *extra;
        size_t tl[3], el;
        int q, n = 0;
        while (n < 3 && go_token(&lx, &t[n], &tl[n], &q))
            n++;
        if (n == 0)
            continue;
        if (n != 3 || go_token(&lx, &extra, &el, &q)) {
            go_mod_bad(mp, lineno);
            continue;
        }
        if (tl[1] >= 7 && memcmp(t[1] + tl[1] - 7, "/go.mod", 7) == 0)
            continue;
        int rc = grow((void **)&src->sums, &cap, src->nsums, sizeof *src->sums, run->arena);
        if (rc)
            return rc;
        go_sum_entry *e = &src->sums[src->nsums];
        if (!(e->path = go_copy(run, t[0], tl[0], &mp->bad_utf8)) ||
            !(e->version = go_copy(run, t[1], tl[1], &mp->bad_utf8)) ||
            !(e->hash = go_copy(run, t[2], tl[2], &mp->bad_utf8)))
            return VG_ERR_NOMEM;
        src->nsums++;
    }
    return VG_OK;
}

static int go_collect_text(vg_catalog_run *run, go_state *st, const vg_file *file, int is_sum)
{
    const unsigned char *text;
    size_t len;
    void *owned;
    int rc = vg_file_load(file, GO_TEXT_MAX, &text, &len, &owned);
    if (rc == VG_ERR_NOMEM)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (rc) {
        vg_warn(run->ctx, file->path, rc == VG_ERR_LIMIT ? "larger than the %zu bytes vigil reads; skipped"
                                                         : "cannot read (%zu bytes limit)", GO_TEXT_MAX);
        return VG_OK;
    }
    go_source *src = vg_arena_alloc(run->arena, sizeof *src);
    const char *slash = strrchr(file->path, '/');
    size_t dirlen = slash ? (size_t)(slash - file->path) : 0;
    rc = VG_ERR_NOMEM;
    if (src && (src->location = vg_arena_strdup(run->arena, file->path)) &&
        (src->dir = vg_arena_strndup(run->arena, file->path, dirlen))) {
        src->dirlen = dirlen;
        src->layer = file->layer;
        src->is_sum = is_sum;
        go_mod_parse mp = {.run = run, .src = src};
        rc = is_sum ? go_parse_sum(&mp, (const char *)text, len) : go_parse_mod(&mp, (const char *)text, len);
        if (rc == VG_ERR_LIMIT) {
            vg_warn(run->ctx, file->path, "more than %d modules; the rest were skipped", GO_MODULES_MAX);
            rc = VG_OK;
        }
        if (rc == VG_OK && mp.bad_lines)
            vg_warn(run->ctx, file->path, "%zu malformed line(s) skipped (first: line %zu)", mp.bad_lines,
                    mp.first_bad);
        if (rc == VG_OK && mp.bad_utf8)
            vg_warn(run->ctx, file->path, "invalid UTF-8 replaced by U+FFFD");
        if (rc == VG_OK) {
            *st->tail = src;
            st->tail = &src->next;
        }
    }
    free(owned);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    return VG_OK;
}

/* --- Go semantic versions (golang.org/x/mod/semver), for go.sum ---------- */

/* Compares dot-separated numeric or alphanumeric identifiers as SemVer 2.0.0. */
static int go_cmp_ident(const char *a, size_t al, const char *b, size_t bl)
{
    int an = al > 0, bn = bl > 0;
    for (size_t i = 0; i < al; i++)
        an &= a[i] >= '0' && a[i] <= '9';
    for (size_t i = 0; i < bl; i++)
        bn &= b[i] >= '0' && b[i] <= '9';
    if (an && bn) {
        while (al > 1 && *a == '0')
            a++, al--;
        while (bl > 1 && *b == '0')
            b++, bl--;
        if (al != bl)
            return al < bl ? -1 : 1;
        int c = memcmp(a, b, al);
        return c < 0 ? -1 : c > 0;
    }
    if (an != bn)
        return an ? -1 : 1;
    int c = memcmp(a, b, al < bl ? al : bl);
    if (c)
        return c < 0 ? -1 : 1;
    return al == bl ? 0 : al < bl ? -1 : 1;
}

/* Compares "vX.Y.Z[-pre][+build]" versions; build metadata and
 * "+incompatible" are ignored, as in x/mod/semver.  Invalid versions sort
 * first (they are never preferred). */
static int go_semver_cmp(const char *a, const char *b)
{
    if (*a == 'v')
        a++;
    if (*b == 'v')
        b++;
    for (int part = 0;; part++) {
        size_t al = strcspn(a, part < 2 ? ".-+" : "-+"), bl = strcspn(b, part < 2 ? ".-+" : "-+");
        int c = go_cmp_ident(a, al, b, bl);
        if (c)
            return c;
        a += al;
        b += bl;
        if (part == 2 || *a != '.' || *b != '.')
            break;
        a++;
        b++;
    }
    int apre = *a == '-', bpre = *b == '-';
    if (!apre || !bpre)
        return apre == bpre ? 0 : apre ? -1 : 1;
    a++;
    b++;
    for (;;) {
        size_t al = strcspn(a, ".+"), bl = strcspn(b, ".+");
        int c = go_cmp_ident(a, al, b, bl);
        if (c)
            return c;
        a += al;
        b += bl;
        int amore = *a == '.', bmore = *b == '.';
        if (!amore || !bmore)
            return amore == bmore ? 0 : amore ? 1 : -1;
        a++;
        b++;
    }
}

/* "1.16" older than 1.17?  A missing go directive counts as older. */
static int go_directive_before_1_17(const char *v)
{
    if (!v)
        return 1;
    unsigned long major = strtoul(v, NULL, 10);
    const char *dot = strchr(v, '.');
    unsigned long minor = dot ? strtoul(dot + 1, NULL, 10) : 0;
    return major < 1 || (major == 1 && minor < 17);
}

static int go_is_directory(const char *path)
{
    return path[0] == '.' || path[0] == '/' || (path[0] && path[1] == ':');
}

/* The components of one go.mod (and its go.sum when that is used). */
static int go_mod_components(vg_catalog_run *run, const go_source *mod, const go_source *sum)
{
    vg_inventory *inv = run->inv;
    vg_component *root = NULL;
    if (mod->module) {
        if (!(root = go_component(run, mod->module, NULL, mod->location, mod->layer)))
            return VG_ERR_NOMEM;
        root->application = 1;
        root->evidence = VG_EVIDENCE_MANIFEST;
        if (vg_component_set_property(inv, root, "vigil:go:go-directive", mod->go_version) ||
            vg_component_set_property(inv, root, "vigil:go:toolchain", mod->toolchain))
            return VG_ERR_NOMEM;
    }
    vg_map required;
    vg_map_init(&required);
    int rc = VG_OK;
    for (size_t i = 0; i < mod->nrequires && rc == VG_OK; i++) {
        const go_require *r = &mod->requires[i];
        const go_replace *rep = NULL;
        /* a replace naming the version wins over one for every version */
        for (size_t k = 0; k < mod->nreplaces; k++) {
            const go_replace *x = &mod->replaces[k];
            if (strcmp(x->old_path, r->path) != 0)
                continue;
            if (x->old_version && strcmp(x->old_version, r->version) == 0) {
                rep = x;
                break;
            }
            if (!x->old_version)
                rep = x;
        }
        const char *path = r->path, *version = r->version;
        int local = rep && (!rep->new_version || go_is_directory(rep->new_path));
        if (rep && !local)
            path = rep->new_path, version = rep->new_version;
        vg_component *c = go_component(run, path, local ? NULL : version, mod->location, mod->layer);
        if (!c) {
            rc = VG_ERR_NOMEM;
            break;
        }
        c->evidence = VG_EVIDENCE_MANIFEST;
        const char *replaces = rep && !local ? vg_arena_printf(run->arena, "%s@%s", r->path, r->version) : NULL;
        if ((rep && !local && !replaces) ||
            vg_component_set_property(inv, c, "vigil:go:indirect", r->indirect ? "true" : NULL) ||
            vg_component_set_property(inv, c, "vigil:go:replaces", replaces) ||
            vg_component_set_property(inv, c, "vigil:go:replaced-by", local ? rep->new_path : NULL) ||
            (root && vg_inventory_add_edge(inv, root, c, VG_EDGE_DEPENDS_ON)) ||
            vg_map_put(&required, r->path, strlen(r->path), c))
            rc = VG_ERR_NOMEM;
    }
    if (rc == VG_OK && sum && go_directive_before_1_17(mod->go_version)) {
        /* highest content-checksummed version of each module not required */
        vg_map best;
        vg_map_init(&best);
        for (size_t i = 0; i < sum->nsums && rc == VG_OK; i++) {
            const go_sum_entry *e = &sum->sums[i];
            if (vg_map_get(&required, e->path, strlen(e->path)) || (mod->module && strcmp(e->path, mod->module) == 0))
                continue;
            const go_sum_entry *old = vg_map_get(&best, e->path, strlen(e->path));
            if (!old || go_semver_cmp(e->version, old->version) > 0)
                if (vg_map_put(&best, e->path, strlen(e->path), (void *)e))
                    rc = VG_ERR_NOMEM;
        }
        /* in go.sum order, for determinism before the inventory sorts */
        for (size_t i = 0; i < sum->nsums && rc == VG_OK; i++) {
            const go_sum_entry *e = &sum->sums[i];
            if (vg_map_get(&best, e->path, strlen(e->path)) != e)
                continue;
            vg_component *c = go_component(run, e->path, e->version, sum->location, sum->layer);
            if (c)
                c->evidence = VG_EVIDENCE_LOCK;
            if (!c || vg_component_set_property(inv, c, "vigil:go:from-go-sum", "true") ||
                vg_component_set_property(inv, c, "vigil:go:indirect", "true") ||
                vg_component_set_property(inv, c, "vigil:go:sum", e->hash) ||
                (root && vg_inventory_add_edge(inv, root, c, VG_EDGE_DEPENDS_ON)))
                rc = VG_ERR_NOMEM;
        }
        vg_map_free(&best);
    }
    vg_map_free(&required);
    return rc;
}

/* --- the cataloger ------------------------------------------------------ */

static int golang_wants(const char *path, size_t len, size_t base)
{
    size_t n = len - base;
    return n == 6 && path[base] == 'g' && path[base + 1] == 'o' && path[base + 2] == '.' &&
           (memcmp(path + base + 3, "mod", 3) == 0 || memcmp(path + base + 3, "sum", 3) == 0);
}

static void *golang_begin(vg_catalog_run *run)
{
    go_state *st = vg_arena_alloc(run->arena, sizeof *st);
    if (st)
        st->tail = &st->sources;
    return st;
}

static int golang_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    const char *slash = strrchr(file->path, '/');
    const char *base = slash ? slash + 1 : file->path;
    size_t len = strlen(file->path);
    if (golang_wants(file->path, len, (size_t)(base - file->path)))
        return go_collect_text(run, state, file, base[3] == 's');
    return go_collect_binary(run, file);
}

static int golang_finish(vg_catalog_run *run, void *state)
{
    go_state *st = state;
    for (const go_source *mod = st->sources; mod; mod = mod->next) {
        if (mod->is_sum)
            continue;
        const go_source *sum = NULL;
        for (const go_source *s = st->sources; s; s = s->next)
            if (s->is_sum && s->dirlen == mod->dirlen && memcmp(s->dir, mod->dir, s->dirlen) == 0)
                sum = s;
        if (go_mod_components(run, mod, sum))
            return vg_error(run->ctx, VG_ERR_NOMEM, "golang: out of memory");
    }
    return VG_OK;
}

const vg_cataloger vg_cataloger_golang = {
    .name = "golang",
    .wants = golang_wants,
    .max_size = GO_BINARY_MAX,
    .flags = VG_CATALOG_RANDOM_ACCESS | VG_CATALOG_EXECUTABLES,
    .begin = golang_begin,
    .collect = golang_collect,
    .finish = golang_finish,
};

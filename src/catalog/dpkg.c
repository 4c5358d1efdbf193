/*
 * dpkg.c — the "dpkg" cataloger: packages installed by dpkg (Debian,
 * Ubuntu and derivatives, distroless images).
 *
 * Reads, as dpkg 1.21 lays them out:
 *  - var/lib/dpkg/status: the status database, deb-control(5) paragraphs
 *    (fields as dpkg-query(1) and Debian Policy 5.3/5.6 describe them);
 *  - var/lib/dpkg/status.d/NAME: one paragraph per file, as distroless
 *    images ship them (files ending in .md5sums there are skipped);
 *  - var/lib/dpkg/info/PKG.list and PKG:ARCH.list: the files a package owns;
 *  - usr/share/doc/PKG/copyright, only when it is a machine-readable
 *    copyright file (DEP-5, "Machine-readable debian/copyright file",
 *    format 1.0): the License short names of its header and Files
 *    paragraphs.
 *
 * Which paragraphs are components: the third word of Status is the package
 * state (dpkg-query(1)).  "not-installed" and "config-files" are never
 * components (no files of the package are on disk).  Every other state —
 * installed, and also half-installed, unpacked, half-configured,
 * triggers-awaited and triggers-pending — is a component, because the
 * package's files are (at least partly) on disk and its vulnerabilities
 * apply; for those other states the property vigil:dpkg:status names the
 * state.  A status.d paragraph without Status is installed (distroless
 * writes no Status field).  A status paragraph without Status, Package or
 * Version, or with a package name or version dpkg itself would reject, is
 * skipped with a warning.
 *
 * Package URL: pkg:deb/ID/NAME@VERSION?arch=ARCH&distro=ID-VERSION_ID
 * &upstream=SRC[@SRCVERSION], ID being the os-release ID (lower-cased), or
 * "debian" when the OS is unknown, because the deb type requires a vendor
 * namespace.  upstream is present only when the source package differs
 * from the binary package: its value is the source name, with
 * "@SRCVERSION" appended when the source version differs from the binary
 * version (as syft does).  The epoch stays in the version ("1:2.4").
 *
 * source_name and source_version are always set: from Source, or the
 * binary name and version when Source is absent or gives no version (what
 * dpkg-query's ${source:Package} and ${source:Version} print).
 *
 * Files: every line of the .list file except "/.".  Directories are listed
 * there too, and without the file tree there is no telling them apart, so
 * they are kept.  The .list of PKG:ARCH is preferred, then PKG.
 *
 * Licence: the distinct short names from DEP-5 License fields, in order of
 * first appearance, joined with " AND " (a name with spaces, like
 * "GPL-2+ or Artistic", is parenthesised).  These are Debian short names,
 * not SPDX identifiers; mapping them is the licence module's job.
 * Non-machine-readable copyright files give no licence.  The same raw
 * expression is kept in the property vigil:dpkg:copyright-licenses, so the
 * evidence survives whatever mapping a writer applies to the licence.
 *
 * Dependencies (deb-control(5), Debian Policy 7.1): Depends and
 * Pre-Depends (kept raw as properties too) become DEPENDS_ON edges to the
 * packages of this database that satisfy them, as dpkg would: each
 * comma-separated group names alternatives "a | b", and the first
 * alternative something here satisfies wins; a name is satisfied by the
 * package of that name (an ":ARCH" qualifier asks for that architecture,
 * ":any" and no qualifier for any, preferring the depending package's own
 * architecture or "all"), else by every package whose Provides names it (a
 * virtual package such as awk or debconf-2.0).  Version constraints are
 * not checked: the edge says what is used, and what is installed is what
 * dpkg accepted.  Recommends, Suggests, Enhances and Breaks are not edges.
 *
 * Left out: conffiles, md5sums checking, diversions and alternatives, CPEs
 * (none can be derived honestly from dpkg data).
 */
#include <string.h>
#include <strings.h>

#include "catalog/lang.h"
#include "catalog/pkgdb_text.h"
#include "vigil/buf.h"
#include "vigil/catalog.h"
#include "vigil/map.h"
#include "vigil/purl.h"

#define DPKG_MAX_SIZE ((size_t)256 << 20)       /* status, .list */
#define COPYRIGHT_MAX_SIZE ((size_t)16 << 20)   /* the largest in Debian are a few MiB */
#define LICENSE_NAMES_MAX 64                    /* distinct licence names kept per package */

static const char status_path[] = "var/lib/dpkg/status";
static const char status_d_dir[] = "var/lib/dpkg/status.d/";
static const char info_dir[] = "var/lib/dpkg/info/";
static const char doc_dir[] = "usr/share/doc/";

/* One paragraph of the status database that became a candidate component. */
typedef struct dpkg_record {
    const char *location; /* file it came from */
    int layer;
    const char *package, *version, *arch, *state, *source, *maintainer, *homepage,
        *description, *installed_size, *depends, *pre_depends, *multi_arch, *provides;
    vg_component *component; /* set by finish() */
    struct dpkg_record *next;
} dpkg_record;

/* Owned files from one info/PKG.list file. */
typedef struct dpkg_list {
    const char *key; /* "PKG" or "PKG:ARCH" */
    const char **files;
    size_t nfiles;
    struct dpkg_list *next;
} dpkg_list;

/* Licence expression from one usr/share/doc/PKG/copyright file. */
typedef struct dpkg_copyright {
    const char *package;
    const char *license;
    struct dpkg_copyright *next;
} dpkg_copyright;

typedef struct dpkg_state {
    dpkg_record *records, **records_tail;
    dpkg_list *lists;
    dpkg_copyright *copyrights;
} dpkg_state;

/* True if s[0..len) ends with suffix. */
static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static int dpkg_wants(const char *path, size_t len, size_t base)
{
    const char *name = path + base;
    size_t namelen = len - base;
    if (base == sizeof status_d_dir - 1 && memcmp(path, status_d_dir, base) == 0)
        return namelen > 0 && !ends_with(name, namelen, ".md5sums");
    if (namelen == 6 && memcmp(name, "status", 6) == 0)
        return len == sizeof status_path - 1 && memcmp(path, status_path, len) == 0;
    if (namelen > 5 && ends_with(name, namelen, ".list"))
        return base == sizeof info_dir - 1 && memcmp(path, info_dir, base) == 0;
    if (namelen == 9 && memcmp(name, "copyright", 9) == 0) {
        /* usr/share/doc/PKG/copyright: exactly one directory level below doc */
        size_t pre = sizeof doc_dir - 1;
        if (base <= pre + 1 || memcmp(path, doc_dir, pre) != 0)
            return 0;
        return memchr(path + pre, '/', base - pre - 1) == NULL;
    }
    return 0;
}

static void *dpkg_begin(vg_catalog_run *run)
{
    dpkg_state *st = vg_arena_alloc(run->arena, sizeof *st);
    if (st)
        st->records_tail = &st->records;
    return st;
}

/* The parser's message (ctx->message) without its leading "PATH: ", for a
 * warning that names the path itself. */
static const char *parser_message(const vg_ctx *ctx, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(ctx->message, path, n) == 0 && ctx->message[n] == ':' && ctx->message[n + 1] == ' ')
        return ctx->message + n + 2;
    return ctx->message;
}

/* ---- validation, as dpkg's own parser applies it (lib/dpkg/parsehelp.c) ---- */

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Package name: starts with an alphanumeric, then alphanumerics and "-+._". */
static int valid_package_name(const char *s)
{
    if (!is_alnum(s[0]))
        return 0;
    for (s++; *s; s++)
        if (!is_alnum(*s) && !strchr("-+._", *s))
            return 0;
    return 1;
}

/* Version: [epoch:]upstream[-revision], alphanumerics and ".+~-:" only. */
static int valid_version(const char *s)
{
    if (!s[0])
        return 0;
    for (; *s; s++)
        if (!is_alnum(*s) && !strchr(".+~-:", *s))
            return 0;
    return 1;
}

/* Architecture: alphanumerics and '-' ("amd64", "all", "musl-linux-arm64"). */
static int valid_arch(const char *s)
{
    if (!s[0])
        return 0;
    for (; *s; s++)
        if (!is_alnum(*s) && *s != '-')
            return 0;
    return 1;
}

/* ---- status / status.d paragraphs ---- */

typedef struct stanza_parse {
    vg_catalog_run *run;
    dpkg_state *st;
    const vg_file *file;
    const char *location; /* copy of file->path in the arena */
    int from_status_d;
    size_t paragraph; /* 1-based number of the current paragraph */
    dpkg_record cur;  /* fields of the current paragraph */
    const char *status; /* raw Status value */
    int bad_utf8;
} stanza_parse;

static int key_is(const char *key, size_t keylen, const char *want)
{
    return strlen(want) == keylen && strncasecmp(key, want, keylen) == 0;
}

/* Parses "want flag state" and returns the state word in the arena, or NULL
 * (with *valid = 0) when the field is not three words of the known sets. */
static const char *status_state(vg_arena *arena, const char *status, int *valid)
{
    static const char *const wants[] = {"unknown", "install", "hold", "deinstall", "purge"};
    static const char *const flags[] = {"ok", "reinstreq"};
    static const char *const states[] = {"not-installed", "config-files", "half-installed", "unpacked",
                                         "half-configured", "triggers-awaited", "triggers-pending",
                                         "installed"};
    const char *word[3];
    size_t wlen[3];
    const char *p = status;
    for (int i = 0; i < 3; i++) {
        while (*p == ' ')
            p++;
        word[i] = p;
        while (*p && *p != ' ')
            p++;
        wlen[i] = (size_t)(p - word[i]);
    }
    while (*p == ' ')
        p++;
    *valid = 0;
    if (*p)
        return NULL;
    int ok_want = 0, ok_flag = 0;
    for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++)
        ok_want |= strlen(wants[i]) == wlen[0] && memcmp(wants[i], word[0], wlen[0]) == 0;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        ok_flag |= strlen(flags[i]) == wlen[1] && memcmp(flags[i], word[1], wlen[1]) == 0;
    if (!ok_want || !ok_flag)
        return NULL;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (strlen(states[i]) == wlen[2] && memcmp(states[i], word[2], wlen[2]) == 0) {
            *valid = 1;
            return states[i];
        }
    return NULL;
}

/* End of a paragraph: decide whether it is a component and keep it. */
static int stanza_end(stanza_parse *sp)
{
    vg_catalog_run *run = sp->run;
    const char *path = sp->file->path;
    dpkg_record *r = &sp->cur;
    size_t n = sp->paragraph;
    int rc = VG_OK;

    if (sp->bad_utf8)
        vg_warn(run->ctx, path, "paragraph %zu: invalid UTF-8 replaced by U+FFFD", n);
    if (!r->package) {
        vg_warn(run->ctx, path, "paragraph %zu has no Package field; skipped", n);
        goto next;
    }
    if (!valid_package_name(r->package)) {
        vg_warn(run->ctx, path, "paragraph %zu: invalid package name; skipped", n);
        goto next;
    }
    if (sp->status) {
        int valid;
        r->state = status_state(run->arena, sp->status, &valid);
        if (!valid) {
            vg_warn(run->ctx, path, "package %s: invalid Status \"%.64s\"; skipped", r->package, sp->status);
            goto next;
        }
        if (strcmp(r->state, "not-installed") == 0 || strcmp(r->state, "config-files") == 0)
            goto next;
    } else if (sp->from_status_d) {
        r->state = "installed";
    } else {
        vg_warn(run->ctx, path, "package %s has no Status field; skipped", r->package);
        goto next;
    }
    if (!r->version) {
        vg_warn(run->ctx, path, "package %s has no Version field; skipped", r->package);
        goto next;
    }
    if (!valid_version(r->version)) {
        vg_warn(run->ctx, path, "package %s: invalid Version; skipped", r->package);
        goto next;
    }
    if (r->arch && !valid_arch(r->arch)) {
        vg_warn(run->ctx, path, "package %s: invalid Architecture; ignored", r->package);
        r->arch = NULL;
    }
    dpkg_record *keep = vg_arena_alloc(run->arena, sizeof *keep);
    if (!keep) {
        rc = VG_ERR_NOMEM;
        goto next;
    }
    *keep = *r;
    keep->location = sp->location;
    keep->layer = sp->file->layer;
    keep->next = NULL;
    *sp->st->records_tail = keep;
    sp->st->records_tail = &keep->next;
next:
    memset(&sp->cur, 0, sizeof sp->cur);
    sp->status = NULL;
    sp->bad_utf8 = 0;
    sp->paragraph++;
    return rc;
}

static int stanza_field(void *arg, const char *key, size_t keylen, const char *value, size_t valuelen)
{
    stanza_parse *sp = arg;
    if (!key)
        return stanza_end(sp);
    dpkg_record *r = &sp->cur;
    const char **slot = NULL;
    int first_line = 0;
    if (key_is(key, keylen, "Package"))
        slot = &r->package;
    else if (key_is(key, keylen, "Version"))
        slot = &r->version;
    else if (key_is(key, keylen, "Architecture"))
        slot = &r->arch;
    else if (key_is(key, keylen, "Status"))
        slot = &sp->status;
    else if (key_is(key, keylen, "Source"))
        slot = &r->source;
    else if (key_is(key, keylen, "Maintainer"))
        slot = &r->maintainer;
    else if (key_is(key, keylen, "Homepage"))
        slot = &r->homepage;
    else if (key_is(key, keylen, "Description"))
        slot = &r->description, first_line = 1;
    else if (key_is(key, keylen, "Installed-Size"))
        slot = &r->installed_size;
    else if (key_is(key, keylen, "Depends"))
        slot = &r->depends;
    else if (key_is(key, keylen, "Pre-Depends"))
        slot = &r->pre_depends;
    else if (key_is(key, keylen, "Multi-Arch"))
        slot = &r->multi_arch;
    else if (key_is(key, keylen, "Provides"))
        slot = &r->provides;
    if (!slot)
        return VG_OK;
    if (first_line) {
        const char *nl = memchr(value, '\n', valuelen);
        if (nl)
            valuelen = (size_t)(nl - value);
    }
    if (!valuelen)
        return VG_OK; /* an empty field is no information */
    *slot = vg_text_utf8_copy(sp->run->arena, value, valuelen, &sp->bad_utf8);
    return *slot ? VG_OK : VG_ERR_NOMEM;
}

static int collect_status(vg_catalog_run *run, dpkg_state *st, const vg_file *file, int from_status_d)
{
    stanza_parse sp = {.run = run, .st = st, .file = file, .from_status_d = from_status_d, .paragraph = 1};
    vg_ctx *ctx = run->ctx;
    /* file->path is borrowed for this call; records keep a copy */
    sp.location = vg_arena_strdup(run->arena, file->path);
    if (!sp.location)
        return vg_error(ctx, VG_ERR_NOMEM, "%s: out of memory", file->path);
    int rc = vg_parse_stanzas(ctx, file->path, (const char *)file->data, file->size, stanza_field, &sp);
    if (rc == VG_ERR_NOMEM)
        return vg_error(ctx, rc, "%s: out of memory", file->path);
    if (rc != VG_OK) {
        /* the parser stopped; the paragraphs before were kept, the one it
         * stopped in and everything after are lost */
        vg_warn(ctx, file->path, "%s; packages from paragraph %zu on are missing",
                parser_message(ctx, file->path), sp.paragraph);
        ctx->message[0] = '\0';
    }
    return VG_OK;
}

/* ---- info/PKG.list ---- */

static int collect_list(vg_catalog_run *run, dpkg_state *st, const vg_file *file, size_t base)
{
    const char *text = (const char *)file->data;
    size_t len = file->size;
    size_t namelen = strlen(file->path + base) - 5; /* without ".list" */
    dpkg_list *list = vg_arena_alloc(run->arena, sizeof *list);
    if (!list)
        return VG_ERR_NOMEM;
    list->key = vg_arena_strndup(run->arena, file->path + base, namelen);
    if (!list->key)
        return VG_ERR_NOMEM;

    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    lines++; /* a last line without newline */
    list->files = vg_arena_calloc(run->arena, lines, sizeof *list->files);
    if (!list->files)
        return VG_ERR_NOMEM;

    size_t bad = 0, bad_first = 0, lineno = 0;
    int bad_utf8 = 0;
    const char *line;
    size_t linelen, pos = 0;
    while (vg_text_next_line(text, len, &pos, &line, &linelen)) {
        lineno++;
        if (!linelen || (linelen == 2 && memcmp(line, "/.", 2) == 0))
            continue;
        if (line[0] != '/' || memchr(line, '\0', linelen)) {
            if (!bad++)
                bad_first = lineno;
            continue;
        }
        const char *copy = vg_text_utf8_copy(run->arena, line, linelen, &bad_utf8);
        if (!copy)
            return VG_ERR_NOMEM;
        list->files[list->nfiles++] = copy;
    }
    if (bad)
        vg_warn(run->ctx, file->path, "%zu line(s) are not absolute paths and were skipped (first: line %zu)", bad,
                bad_first);
    if (bad_utf8)
        vg_warn(run->ctx, file->path, "invalid UTF-8 in file names replaced by U+FFFD");
    list->next = st->lists;
    st->lists = list;
    return VG_OK;
}

/* ---- usr/share/doc/PKG/copyright (DEP-5) ---- */

typedef struct copyright_parse {
    vg_arena *arena;
    size_t paragraph;    /* 0 = header */
    int machine_readable;
    int has_files;       /* current paragraph has a Files field */
    const char *license; /* short name of the current paragraph's License */
    size_t license_len;
    const char *names[LICENSE_NAMES_MAX];
    size_t nnames;
    int bad_utf8;
} copyright_parse;

#define COPYRIGHT_NOT_DEP5 (-1) /* stops the parse: not machine-readable */

static int dep5_format_url(const char *v)
{
    /* "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" and
     * its http and no-slash variants, and the DEP-5 drafts' URLs */
    return strstr(v, "/copyright-format/1.0") != NULL || strstr(v, "/deps/dep5") != NULL;
}

static int copyright_field(void *arg, const char *key, size_t keylen, const char *value, size_t valuelen)
{
    copyright_parse *cp = arg;
    if (!key) { /* end of paragraph */
        if (cp->paragraph == 0 && !cp->machine_readable)
            return COPYRIGHT_NOT_DEP5;
        if ((cp->paragraph == 0 || cp->has_files) && cp->license && cp->nnames < LICENSE_NAMES_MAX) {
            int seen = 0;
            for (size_t i = 0; i < cp->nnames && !seen; i++)
                seen = strlen(cp->names[i]) == cp->license_len &&
                       memcmp(cp->names[i], cp->license, cp->license_len) == 0;
            if (!seen) {
                const char *name = vg_text_utf8_copy(cp->arena, cp->license, cp->license_len, &cp->bad_utf8);
                if (!name)
                    return VG_ERR_NOMEM;
                cp->names[cp->nnames++] = name;
            }
        }
        cp->paragraph++;
        cp->has_files = 0;
        cp->license = NULL;
        return VG_OK;
    }
    if (cp->paragraph == 0 && key_is(key, keylen, "Format")) {
        cp->machine_readable = dep5_format_url(value);
        return cp->machine_readable ? VG_OK : COPYRIGHT_NOT_DEP5;
    }
    if (key_is(key, keylen, "Files")) {
        cp->has_files = 1;
    } else if (key_is(key, keylen, "License")) {
        /* the short name is the first line; the value is valid only during
         * this call, so copy it now (before knowing if it is kept) */
        const char *nl = memchr(value, '\n', valuelen);
        size_t n = nl ? (size_t)(nl - value) : valuelen;
        while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
            n--;
        cp->license = n ? vg_arena_strndup(cp->arena, value, n) : NULL;
        cp->license_len = n;
        if (n && !cp->license)
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

/* The first field name of text is "Format" (case-insensitive), after blank
 * and comment lines: a cheap test that avoids parsing the many copyright
 * files that are free text. */
static int starts_with_format(const char *text, size_t len)
{
    const char *line;
    size_t linelen, pos = 0;
    while (vg_text_next_line(text, len, &pos, &line, &linelen)) {
        size_t i = 0;
        while (i < linelen && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == linelen || line[0] == '#')
            continue;
        return linelen >= 7 && strncasecmp(line, "Format:", 7) == 0;
    }
    return 0;
}

static int collect_copyright(vg_catalog_run *run, dpkg_state *st, const vg_file *file)
{
    if (file->size > COPYRIGHT_MAX_SIZE) {
        vg_warn(run->ctx, file->path, "skipped: %zu bytes is too large for a copyright file", file->size);
        return VG_OK;
    }
    const char *text = (const char *)file->data;
    if (!starts_with_format(text, file->size))
        return VG_OK;
    copyright_parse cp = {.arena = run->arena};
    int rc = vg_parse_stanzas(run->ctx, file->path, text, file->size, copyright_field, &cp);
    if (rc == COPYRIGHT_NOT_DEP5)
        return VG_OK;
    if (rc == VG_ERR_NOMEM)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (rc != VG_OK) {
        /* licences of a half-read file would be a guess: give none */
        vg_warn(run->ctx, file->path, "%s; licence not recorded", parser_message(run->ctx, file->path));
        run->ctx->message[0] = '\0';
        return VG_OK;
    }
    if (cp.bad_utf8)
        vg_warn(run->ctx, file->path, "invalid UTF-8 replaced by U+FFFD");
    if (!cp.nnames)
        return VG_OK;

    vg_buf expr;
    vg_buf_init(&expr, COPYRIGHT_MAX_SIZE);
    for (size_t i = 0; i < cp.nnames && rc == VG_OK; i++) {
        int compound = strchr(cp.names[i], ' ') != NULL && cp.nnames > 1;
        if (i)
            rc = vg_buf_addstr(&expr, " AND ");
        if (rc == VG_OK)
            rc = vg_buf_addf(&expr, compound ? "(%s)" : "%s", cp.names[i]);
    }
    dpkg_copyright *c = vg_arena_alloc(run->arena, sizeof *c);
    /* package = the directory name between usr/share/doc/ and /copyright */
    size_t pre = sizeof doc_dir - 1;
    size_t plen = strlen(file->path) - pre - sizeof "/copyright" + 1;
    if (rc == VG_OK && c) {
        c->package = vg_arena_strndup(run->arena, file->path + pre, plen);
        c->license = expr.data ? vg_arena_strndup(run->arena, expr.data, expr.len) : NULL;
    }
    vg_buf_free(&expr);
    if (rc != VG_OK || !c || !c->package || !c->license)
        return vg_error(run->ctx, VG_ERR_NOMEM, "%s: out of memory", file->path);
    c->next = st->copyrights;
    st->copyrights = c;
    return VG_OK;
}

static int dpkg_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    dpkg_state *st = state;
    const char *path = file->path;
    size_t len = strlen(path);
    const char *slash = strrchr(path, '/');
    size_t base = slash ? (size_t)(slash - path) + 1 : 0;
    int rc;
    if (base == sizeof status_d_dir - 1 && memcmp(path, status_d_dir, base) == 0)
        rc = collect_status(run, st, file, 1);
    else if (len == sizeof status_path - 1 && memcmp(path, status_path, len) == 0)
        rc = collect_status(run, st, file, 0);
    else if (ends_with(path, len, ".list"))
        rc = collect_list(run, st, file, base);
    else
        rc = collect_copyright(run, st, file);
    if (rc == VG_ERR_NOMEM && !run->ctx->message[0])
        return vg_error(run->ctx, rc, "%s: out of memory", path);
    return rc;
}

/* ---- finish: records -> components ---- */

/* Splits "src" or "src (version)" into name and version (version may stay NULL). */
static int split_source(vg_arena *arena, const char *source, const char **name, const char **version)
{
    const char *sp = strchr(source, ' ');
    if (!sp) {
        *name = source;
        return VG_OK;
    }
    *name = vg_arena_strndup(arena, source, (size_t)(sp - source));
    if (!*name)
        return VG_ERR_NOMEM;
    const char *open = strchr(sp, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    if (open && close) {
        const char *v = open + 1;
        while (*v == ' ')
            v++;
        size_t n = (size_t)(close - v);
        while (n && v[n - 1] == ' ')
            n--;
        if (n) {
            *version = vg_arena_strndup(arena, v, n);
            if (!*version)
                return VG_ERR_NOMEM;
        }
    }
    return VG_OK;
}

static int add_component(vg_catalog_run *run, dpkg_record *r, const vg_map *lists,
                         const vg_map *copyrights, const char *vendor, const char *distro)
{
    vg_arena *arena = run->arena;
    vg_inventory *inv = run->inv;
    vg_component *c = r->component = vg_inventory_add(inv);
    if (!c)
        return VG_ERR_NOMEM;
    c->type = "deb";
    c->cataloger = "dpkg";
    c->name = r->package;
    c->version = r->version;
    c->arch = r->arch;
    c->supplier = r->maintainer;
    c->description = r->description;
    c->homepage = r->homepage;
    c->location = r->location;
    c->layer = r->layer;
    c->source_name = r->package;
    c->source_version = r->version;
    if (r->source) {
        const char *sv = NULL;
        if (split_source(arena, r->source, &c->source_name, &sv))
            return VG_ERR_NOMEM;
        if (sv)
            c->source_version = sv;
    }

    /* owned files: PKG:ARCH.list first, then PKG.list */
    const dpkg_list *list = NULL;
    if (r->arch) {
        char *key = vg_arena_printf(arena, "%s:%s", r->package, r->arch);
        if (!key)
            return VG_ERR_NOMEM;
        list = vg_map_get(lists, key, strlen(key));
    }
    if (!list)
        list = vg_map_get(lists, r->package, strlen(r->package));
    if (list) {
        c->files = list->files;
        c->nfiles = list->nfiles;
    }
    const char *license = vg_map_get(copyrights, r->package, strlen(r->package));
    c->license = license;

    const char *upstream = NULL;
    int same_name = strcmp(c->source_name, r->package) == 0;
    int same_version = strcmp(c->source_version, r->version) == 0;
    if (!same_name || !same_version) {
        upstream = same_version ? c->source_name
                                : vg_arena_printf(arena, "%s@%s", c->source_name, c->source_version);
        if (!upstream)
            return VG_ERR_NOMEM;
    }
    vg_purl_qualifier q[] = {{"arch", r->arch}, {"distro", distro}, {"upstream", upstream}};
    c->purl = vg_purl_format(arena, "deb", vendor, r->package, r->version, q, sizeof q / sizeof q[0]);
    if (!c->purl)
        return VG_ERR_NOMEM;

    if (vg_component_set_property(inv, c, "vigil:dpkg:installed-size", r->installed_size) ||
        vg_component_set_property(inv, c, "vigil:dpkg:depends", r->depends) ||
        vg_component_set_property(inv, c, "vigil:dpkg:pre-depends", r->pre_depends) ||
        vg_component_set_property(inv, c, "vigil:dpkg:multi-arch", r->multi_arch) ||
        vg_component_set_property(inv, c, "vigil:dpkg:copyright-licenses", license) ||
        vg_component_set_property(inv, c, "vigil:dpkg:status",
                                  strcmp(r->state, "installed") == 0 ? NULL : r->state))
        return VG_ERR_NOMEM;
    return VG_OK;
}

/* ---- Depends / Pre-Depends -> DEPENDS_ON ---- */

/* Length of the package name at s: up to a space, ':' (architecture
 * qualifier), '(' (version) or '[' / '<' (architecture and profile lists,
 * found in source control files only). */
static size_t relation_name_len(const char *s, size_t len)
{
    static const char stops[] = " \t\n:([<";
    size_t n = 0;
    while (n < len && !memchr(stops, s[n], sizeof stops - 1))
        n++;
    return n;
}

/* Packages by name (real) and by the names they provide (virtual_). */
typedef struct dpkg_names {
    vg_lang_index real, virtual_;
} dpkg_names;

typedef struct dpkg_relation {
    vg_catalog_run *run;
    dpkg_names *names;
    vg_component *from;  /* the package whose field is read */
    const char *qual;    /* the alternative's ":ARCH", or NULL */
    size_t qlen;
    int own;             /* only the depending package's architecture or "all" */
    size_t added;        /* edges the alternative gave */
} dpkg_relation;

static int provide_one(void *arg, const char *s, size_t n)
{
    dpkg_relation *a = arg;
    size_t len = relation_name_len(s, n);
    return len ? vg_lang_index_add_len(&a->names->virtual_, s, len, a->from) : VG_OK;
}

/* An edge to c if it has the architecture the alternative asks for: the
 * ":ARCH" qualifier names one ("any" is any); without one, the depending
 * package's own architecture or "all" first (a->own), else any. */
static int depend_if_fits(void *arg, vg_component *c)
{
    dpkg_relation *a = arg;
    if (a->qual && !(a->qlen == 3 && memcmp(a->qual, "any", 3) == 0)) {
        if (!c->arch || strlen(c->arch) != a->qlen || memcmp(c->arch, a->qual, a->qlen) != 0)
            return VG_OK;
    } else if (a->own && c->arch && a->from->arch && strcmp(c->arch, "all") != 0 &&
               strcmp(c->arch, a->from->arch) != 0) {
        return VG_OK;
    }
    a->added++;
    return vg_inventory_add_edge(a->run->inv, a->from, c, VG_EDGE_DEPENDS_ON);
}

/* One alternative "name[:arch] [(op version)]" of a group; the first one
 * that gives edges satisfies the group. */
static int depend_alternative(void *arg, const char *s, size_t n)
{
    dpkg_relation *a = arg;
    if (a->added)
        return VG_OK;
    size_t len = relation_name_len(s, n);
    a->qual = len < n && s[len] == ':' ? s + len + 1 : NULL;
    a->qlen = a->qual ? relation_name_len(a->qual, n - len - 1) : 0;
    int rc = VG_OK;
    for (a->own = 1; a->own >= 0 && !a->added && rc == VG_OK; a->own--)
        rc = vg_lang_index_each_of(&a->names->real, s, len, depend_if_fits, a);
    a->qual = NULL; /* a virtual package: any provider */
    a->own = 0;
    if (!a->added && rc == VG_OK)
        rc = vg_lang_index_each_of(&a->names->virtual_, s, len, depend_if_fits, a);
    return rc;
}

static int depend_group(void *arg, const char *s, size_t n)
{
    dpkg_relation *a = arg;
    a->added = 0;
    return vg_text_each_item(s, n, "|", depend_alternative, a);
}

/* DEPENDS_ON edges for the Pre-Depends and Depends of every record. */
static int add_dependencies(vg_catalog_run *run, const dpkg_record *records)
{
    dpkg_names names;
    vg_lang_index_init(&names.real, run->arena);
    vg_lang_index_init(&names.virtual_, run->arena);
    int rc = VG_OK;
    for (const dpkg_record *r = records; r && rc == VG_OK; r = r->next) {
        dpkg_relation a = {.run = run, .names = &names, .from = r->component};
        rc = vg_lang_index_add(&names.real, r->package, r->component);
        if (rc == VG_OK && r->provides)
            rc = vg_text_each_item(r->provides, strlen(r->provides), ",", provide_one, &a);
    }
    for (const dpkg_record *r = records; r && rc == VG_OK; r = r->next) {
        dpkg_relation a = {.run = run, .names = &names, .from = r->component};
        if (r->pre_depends)
            rc = vg_text_each_item(r->pre_depends, strlen(r->pre_depends), ",", depend_group, &a);
        if (rc == VG_OK && r->depends)
            rc = vg_text_each_item(r->depends, strlen(r->depends), ",", depend_group, &a);
    }
    vg_lang_index_free(&names.real);
    vg_lang_index_free(&names.virtual_);
    return rc;
}

static int dpkg_finish(vg_catalog_run *run, void *state)
{
    dpkg_state *st = state;
    if (!st->records)
        return VG_OK;
    vg_map lists, copyrights;
    vg_map_init(&lists);
    vg_map_init(&copyrights);
    int rc = VG_OK;
    /* lists and copyrights were prepended: walk them so the first collected wins */
    for (dpkg_list *l = st->lists; l && rc == VG_OK; l = l->next)
        rc = vg_map_put(&lists, l->key, strlen(l->key), l);
    for (dpkg_copyright *c = st->copyrights; c && rc == VG_OK; c = c->next)
        rc = vg_map_put(&copyrights, c->package, strlen(c->package), (void *)c->license);

    const vg_os *os = run->inv->has_os ? &run->inv->os : NULL;
    const char *vendor = os && os->id && os->id[0] ? os->id : "debian";
    const char *distro = vg_purl_distro(run->arena, os);
    for (dpkg_record *r = st->records; r && rc == VG_OK; r = r->next)
        rc = add_component(run, r, &lists, &copyrights, vendor, distro);
    vg_map_free(&lists);
    vg_map_free(&copyrights);
    if (rc == VG_OK)
        rc = add_dependencies(run, st->records);
    if (rc)
        return vg_error(run->ctx, rc, "dpkg: out of memory");
    return VG_OK;
}

const vg_cataloger vg_cataloger_dpkg = {
    .name = "dpkg",
    .wants = dpkg_wants,
    .max_size = DPKG_MAX_SIZE,
    .begin = dpkg_begin,
    .collect = dpkg_collect,
    .finish = dpkg_finish,
};

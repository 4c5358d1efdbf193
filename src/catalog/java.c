/*
 * java.c — the "java" cataloger: Java archives and, through java_pom.c,
 * Maven pom.xml and Gradle lock files in source trees.
 *
 * Archives: files named *.jar, *.war, *.ear, *.jpi, *.hpi (Jenkins
 * plugins), *.par, *.sar (JBoss), *.nar (NiFi) and *.kar (Karaf), any case
 * of the extension, all zip files (JAR File Specification, Java SE 21;
 * PKWARE APPNOTE for zip).  *.rar (resource adapters) and *.zip are not
 * taken: both names mostly belong to other formats.  They are read through
 * libarchive's seekable zip reader over vg_file.read_at (never loaded
 * whole).  From each archive:
 *  - META-INF/maven/GROUP/ARTIFACT/pom.properties (java.util.Properties
 *    syntax: groupId, artifactId, version), written by Maven's archiver;
 *  - META-INF/MANIFEST.MF, main section (JAR File Specification, "JAR
 *    Manifest");
 *  - nested archives: every entry whose name has one of the extensions
 *    above (WEB-INF/lib/x.jar, BOOT-INF/lib/x.jar, lib/x.jar in an ear ...),
 *    read from the outer archive's entry into memory and opened the same
 *    way, at most JAVA_NEST_DEPTH levels below the file.
 *
 * Identity of an archive: its pom.properties when it has exactly one;
 * with several (shaded or fat jars), the one whose artifactId matches the
 * file name (ARTIFACT-VERSION.ext, then ARTIFACT.ext, then ARTIFACT-digit...,
 * longest artifactId first), else the one whose artifactId is the
 * manifest's Implementation-Title or ends its Bundle-SymbolicName.  The
 * other pom.properties become components the archive CONTAINS (embedded
 * copies).  Without a matching pom.properties, the archive is still a
 * component: name = file name without extension and without the part
 * from the first "-" followed by a digit (ARTIFACT-VERSION.jar; that
 * version is not used), version = Implementation-
 * Version, else Bundle-Version, else Specification-Version, and NO purl:
 * the maven purl type requires the groupId as namespace and vigil never
 * guesses one (vigil:java:identity says which rule named the component).
 *
 * Package URL: pkg:maven/GROUP/ARTIFACT@VERSION, plus ?type=EXT for the
 * archive's own identity when it is not a jar (war, ear, hpi for .jpi/.hpi,
 * par, sar, nar, kar).  Location: the file's path in the target, also for
 * nested archives and embedded copies, so that the OS package that owns
 * the file is linked to them; vigil:java:path gives the exact place,
 * "outer.war!/WEB-INF/lib/x.jar".  Nested archives are CONTAINed by the
 * archive they sit in.
 *
 * The same content at several paths (a symlink such as Debian's
 * /usr/share/java/foo.jar -> foo-1.2.jar, or a copy) is one set of
 * components: files with the same size and the same last 64 KiB (the zip
 * central directory, which holds the CRC-32 of every entry) are read
 * once, and every path is a location of each of its components (a
 * directory walk hands symlinks over after every regular file, so the
 * first is the real file), unless the jar is named after its file name
 * and the two names differ.  That content fingerprint, "SIZE:FNV-1a-64 of
 * the last 64 KiB" in hex, is the property vigil:java:fingerprint of the
 * archive's components (a nested archive has its own, an embedded copy
 * its archive's): two jars with the same coordinates but other content
 * (rebuilt, patched, repackaged) stay two components when the inventory
 * merges copies (inventory.h).
 *
 * Limits (zip bombs, recursive nesting): JAVA_META_MAX per manifest or
 * pom.properties, JAVA_NESTED_MAX per nested archive, JAVA_HELD_MAX for the
 * nested archives held in memory at once, JAVA_TOTAL_MAX uncompressed bytes
 * read from one file, JAVA_ENTRIES_MAX entries per archive.  Passing one is
 * a warning naming the file and the entry; the rest of the scan goes on.
 *
 * Left out: SHA-1 lookups of unidentified jars in a Maven index, the
 * pom.xml copies inside archives (META-INF/maven/.../pom.xml: their
 * dependencies are not what was packaged), manifest Class-Path references,
 * jars with a prefix before the zip data (executable jars with a launch
 * script: libarchive's seekable reader may reject them), signed-jar checks,
 * archives inside other archive formats (tar, zip).
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/java.h"
#include "catalog/pkgdb_text.h"
#include "vigil/buf.h"
#include "vigil/map.h"
#include "vigil/purl.h"
#include "vigil/xml.h"

#define JAVA_ARCHIVE_MAX ((size_t)16 << 30)   /* top-level file (read through read_at) */
#define JAVA_TEXT_MAX ((size_t)8 << 20)       /* pom.xml, lock file */
#define JAVA_META_MAX ((size_t)1 << 20)       /* MANIFEST.MF, pom.properties */
#define JAVA_NESTED_MAX ((size_t)64 << 20)    /* one nested archive, uncompressed */
#define JAVA_HELD_MAX ((size_t)96 << 20)      /* nested archives in memory at once */
#define JAVA_TOTAL_MAX ((uint64_t)1 << 30)    /* uncompressed bytes read from one file */
#define JAVA_ENTRIES_MAX 200000               /* entries looked at in one archive */
#define JAVA_POMS_MAX 10000                   /* pom.properties kept per archive */
#define JAVA_NEST_DEPTH 4                     /* archives opened below the file */
#define JAVA_TAIL_BYTES ((size_t)64 << 10)    /* fingerprint: size + last bytes */
#define JAVA_READ_CHUNK ((size_t)64 << 10)

/* ---- file names ------------------------------------------------------ */

static const char *const java_extensions[] = {"jar", "war", "ear", "jpi", "hpi", "par", "sar", "nar", "kar"};

/* The lower-case extension if name[0..len) ends in ".EXT" of a Java
 * archive (with something before the dot), else NULL. */
static const char *java_archive_ext(const char *name, size_t len)
{
    if (len < 5 || name[len - 4] != '.')
        return NULL;
    char e[3];
    for (int i = 0; i < 3; i++) {
        char c = name[len - 3 + i];
        e[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    for (size_t i = 0; i < sizeof java_extensions / sizeof java_extensions[0]; i++)
        if (memcmp(e, java_extensions[i], 3) == 0)
            return java_extensions[i];
    return NULL;
}

static int java_wants(const char *path, size_t len, size_t base)
{
    if (len - base >= 5 && path[len - 4] == '.' && java_archive_ext(path + base, len - base))
        return 1;
    return vg_java_is_pom_name(path, len, base) || vg_java_is_gradle_lockfile(path, len, base);
}

/* ---- MANIFEST.MF ---------------------------------------------------- */

/* Position after the line end (CR LF, LF or CR) at text[pos], or pos at
 * the end of the text. */
static size_t skip_newline(const char *text, size_t len, size_t pos)
{
    if (pos < len && text[pos] == '\r')
        return pos + 1 < len && text[pos + 1] == '\n' ? pos + 2 : pos + 1;
    return pos < len && text[pos] == '\n' ? pos + 1 : pos;
}

int vg_java_manifest_parse(vg_arena *arena, const char *text, size_t len, vg_java_manifest *out, size_t *bad)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        {"Implementation-Title", offsetof(vg_java_manifest, implementation_title)},
        {"Implementation-Version", offsetof(vg_java_manifest, implementation_version)},
        {"Implementation-Vendor", offsetof(vg_java_manifest, implementation_vendor)},
        {"Specification-Title", offsetof(vg_java_manifest, specification_title)},
        {"Specification-Version", offsetof(vg_java_manifest, specification_version)},
        {"Specification-Vendor", offsetof(vg_java_manifest, specification_vendor)},
        {"Bundle-SymbolicName", offsetof(vg_java_manifest, bundle_symbolic_name)},
        {"Bundle-Name", offsetof(vg_java_manifest, bundle_name)},
        {"Bundle-Version", offsetof(vg_java_manifest, bundle_version)},
        {"Bundle-Vendor", offsetof(vg_java_manifest, bundle_vendor)},
        {"Bundle-License", offsetof(vg_java_manifest, bundle_license)},
        {"Bundle-Description", offsetof(vg_java_manifest, bundle_description)},
        {"Bundle-DocURL", offsetof(vg_java_manifest, bundle_docurl)},
        {"Automatic-Module-Name", offsetof(vg_java_manifest, automatic_module_name)},
    };
    memset(out, 0, sizeof *out);
    vg_buf value;
    vg_buf_init(&value, len + 1);
    size_t pos = 0, nbad = 0;
    int rc = VG_OK;
    while (pos < len && rc == VG_OK) {
        /* One header: a line, then continuation lines starting with a space. */
        size_t start = pos, end = pos;
        while (end < len && text[end] != '\n' && text[end] != '\r')
            end++;
        size_t next = skip_newline(text, len, end);
        if (end == start)
            break; /* blank line: the main section is over */
        const char *colon = memchr(text + start, ':', end - start);
        if (!colon || colon == text + start || text[start] == ' ') {
            nbad++;
            pos = next;
            continue;
        }
        size_t namelen = (size_t)(colon - (text + start));
        size_t v = (size_t)(colon - text) + 1;
        if (v < end && text[v] == ' ')
            v++;
        vg_buf_reset(&value);
        rc = vg_buf_add(&value, text + v, end - v);
        pos = next;
        while (rc == VG_OK && pos < len && text[pos] == ' ') {
            size_t cend = pos + 1;
            while (cend < len && text[cend] != '\n' && text[cend] != '\r')
                cend++;
            rc = vg_buf_add(&value, text + pos + 1, cend - pos - 1);
            pos = skip_newline(text, len, cend);
        }
        if (rc)
            break;
        size_t vlen = value.len;
        while (vlen && (value.data[vlen - 1] == ' ' || value.data[vlen - 1] == '\t'))
            vlen--;
        if (!vlen)
            continue;
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            if (strlen(fields[i].name) != namelen || strncasecmp(fields[i].name, text + start, namelen) != 0)
                continue;
            const char **slot = (const char **)((char *)out + fields[i].offset);
            if (!*slot && !(*slot = vg_text_utf8_copy(arena, value.data, vlen, NULL)))
                rc = VG_ERR_NOMEM;
            break;
        }
    }
    vg_buf_free(&value);
    if (bad)
        *bad = nbad;
    return rc == VG_ERR_NOMEM ? rc : VG_OK;
}

/* ---- .properties ----------------------------------------------------- */

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Appends the logical line's text from s[*i..end) to out, unescaping, up to
 * a key terminator when key is set.  Continuations were joined already. */
static int props_unescape(const char *s, size_t *i, size_t end, int key, vg_buf *out)
{
    while (*i < end) {
        char c = s[*i];
        if (key && (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f'))
            return VG_OK;
        (*i)++;
        if (c != '\\' || *i >= end) {
            if (vg_buf_addc(out, c))
                return VG_ERR_LIMIT;
            continue;
        }
        c = s[(*i)++];
        unsigned long cp = (unsigned char)c;
        switch (c) {
        case 't': cp = '\t'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 'f': cp = '\f'; break;
        case 'u': {
            cp = 0;
            for (int k = 0; k < 4; k++) {
                int d = *i < end ? hex_digit(s[*i]) : -1;
                if (d < 0) {
                    cp = 0xFFFD; /* malformed \u escape */
                    break;
                }
                cp = cp << 4 | (unsigned)d;
                (*i)++;
            }
            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
                cp = 0xFFFD;
            break;
        }
        default: break;
        }
        char u[4];
        size_t n = vg_xml_encode_utf8(cp, u);
        if (c != 'u' && cp >= 0x80) {
            u[0] = c; /* a raw byte after a backslash stays itself */
            n = 1;
        }
        if (vg_buf_add(out, u, n))
            return VG_ERR_LIMIT;
    }
    return VG_OK;
}

int vg_java_properties_parse(const char *text, size_t len, vg_java_property_fn fn, void *arg)
{
    vg_buf line, key, value;
    vg_buf_init(&line, len + 1);
    vg_buf_init(&key, len + 1);
    vg_buf_init(&value, len + 1);
    size_t pos = 0;
    int rc = VG_OK;
    while (pos < len && rc == VG_OK) {
        /* Build one logical line: natural lines joined while they end in an
         * odd number of backslashes, leading white space of each dropped. */
        vg_buf_reset(&line);
        int first = 1, comment = 0;
        for (;;) {
            while (pos < len && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\f'))
                pos++;
            size_t end = pos;
            while (end < len && text[end] != '\n' && text[end] != '\r')
                end++;
            if (first && end > pos && (text[pos] == '#' || text[pos] == '!'))
                comment = 1;
            size_t backslashes = 0;
            while (!comment && backslashes < end - pos && text[end - 1 - backslashes] == '\\')
                backslashes++;
            int cont = backslashes % 2 == 1;
            if (!comment && (rc = vg_buf_add(&line, text + pos, end - pos - (cont ? 1 : 0))) != VG_OK)
                break;
            pos = skip_newline(text, len, end);
            first = 0;
            if (!cont || pos >= len)
                break;
        }
        if (rc || comment || !line.len)
            continue;
        vg_buf_reset(&key);
        vg_buf_reset(&value);
        size_t i = 0;
        if ((rc = props_unescape(line.data, &i, line.len, 1, &key)) != VG_OK)
            break;
        while (i < line.len && (line.data[i] == ' ' || line.data[i] == '\t' || line.data[i] == '\f'))
            i++;
        if (i < line.len && (line.data[i] == '=' || line.data[i] == ':'))
            i++;
        while (i < line.len && (line.data[i] == ' ' || line.data[i] == '\t' || line.data[i] == '\f'))
            i++;
        if ((rc = props_unescape(line.data, &i, line.len, 0, &value)) != VG_OK)
            break;
        rc = fn(arg, key.data ? key.data : "", value.data ? value.data : "", value.len);
    }
    vg_buf_free(&line);
    vg_buf_free(&key);
    vg_buf_free(&value);
    return rc;
}

/* ---- what one file holds --------------------------------------------- */

typedef struct java_pom {
    const char *group, *artifact, *version; /* all set, valid UTF-8 */
    const char *entry;                      /* META-INF/maven/G/A/pom.properties */
    struct java_pom *next;
} java_pom;

typedef struct java_archive {
    const char *entry;           /* name inside the parent archive; NULL for the file */
    char fingerprint[48];        /* of its content: "SIZE:HEX" */
    const char *ext;             /* "jar", "war" ... */
    struct java_archive *parent;
    vg_java_manifest manifest;
    int has_manifest;
    java_pom *poms, **poms_tail;
    size_t npoms;
    vg_component *component;     /* set by finish() */
    struct java_archive *next;   /* next archive of the same file, parents first */
} java_archive;

typedef struct java_path {
    const char *path;
    int layer;
    struct java_path *next;
} java_path;

/* One top-level archive content, seen at one or more paths. */
typedef struct java_file {
    java_archive *archives, **archives_tail;
    java_path *paths, **paths_tail;
    struct java_file *next;
} java_file;

typedef struct java_state {
    java_file *files, **files_tail;
    vg_map by_fingerprint; /* "size:hash" -> java_file */
} java_state;

static void *java_begin(vg_catalog_run *run)
{
    java_state *st = vg_arena_alloc(run->arena, sizeof *st);
    if (st) {
        st->files_tail = &st->files;
        vg_map_init(&st->by_fingerprint);
    }
    return st;
}

static void java_discard(void *state)
{
    java_state *st = state;
    vg_map_free(&st->by_fingerprint);
}

/* ---- reading archives ------------------------------------------------ */

typedef struct java_scan {
    vg_catalog_run *run;
    const vg_file *file;
    java_file *jf;
    uint64_t pos;       /* read position of the top-level callback */
    unsigned char *io;  /* its buffer */
    uint64_t total;     /* uncompressed bytes read from this file */
    size_t held;        /* nested archive bytes in memory now */
    int stopped;        /* a whole-file limit was hit: read nothing more */
    int nomem;
} java_scan;

/* The place of arc inside the file: "" for the file itself, else
 * "WEB-INF/lib/a.jar!/lib/b.jar" (into buf). */
static void inner_path(const java_archive *arc, vg_buf *buf)
{
    if (!arc || !arc->parent)
        return;
    inner_path(arc->parent, buf);
    if (arc->parent->parent)
        (void)vg_buf_addstr(buf, "!/");
    (void)vg_buf_addstr(buf, arc->entry);
}

/* Warns about the entry (may be NULL) of arc, naming the file and the place. */
static void java_warn(java_scan *js, const java_archive *arc, const char *entry, const char *what)
{
    vg_buf where;
    vg_buf_init(&where, 1 << 16);
    inner_path(arc, &where);
    if (entry) {
        if (where.len)
            (void)vg_buf_addstr(&where, "!/");
        (void)vg_buf_addstr(&where, entry);
    }
    char *safe = where.len ? vg_text_utf8_copy(js->run->arena, where.data, where.len, NULL) : NULL;
    if (safe)
        vg_warn(js->run->ctx, js->file->path, "%s: %s", safe, what);
    else
        vg_warn(js->run->ctx, js->file->path, "%s", what);
    vg_buf_free(&where);
}

static la_ssize_t top_read(struct archive *a, void *client, const void **buf)
{
    java_scan *js = client;
    if (js->pos >= js->file->size)
        return 0;
    long n = js->file->read_at(js->file, js->pos, js->io, JAVA_READ_CHUNK);
    if (n < 0) {
        archive_set_error(a, EIO, "read error");
        return ARCHIVE_FATAL;
    }
    js->pos += (uint64_t)n;
    *buf = js->io;
    return n;
}

static la_int64_t top_seek(struct archive *a, void *client, la_int64_t offset, int whence)
{
    java_scan *js = client;
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)js->pos : (int64_t)js->file->size;
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) {
        archive_set_error(a, EINVAL, "seek out of range");
        return ARCHIVE_FATAL;
    }
    js->pos = (uint64_t)(base + offset);
    return (la_int64_t)js->pos;
}

enum { READ_OK, READ_ENTRY_TOO_BIG, READ_FILE_TOO_BIG, READ_DAMAGED, READ_NOMEM };

/* Reads the current entry's data into out (capped at max bytes), counting
 * every uncompressed byte against the file's budget. */
static int read_entry(java_scan *js, struct archive *a, size_t max, vg_buf *out)
{
    char chunk[16384];
    vg_buf_init(out, max);
    for (;;) {
        la_ssize_t n = archive_read_data(a, chunk, sizeof chunk);
        if (n == 0)
            return READ_OK;
        if (n < 0)
            return READ_DAMAGED;
        js->total += (uint64_t)n;
        if (js->total > JAVA_TOTAL_MAX) {
            js->stopped = 1;
            return READ_FILE_TOO_BIG;
        }
        int rc = vg_buf_add(out, chunk, (size_t)n);
        if (rc == VG_ERR_LIMIT)
            return READ_ENTRY_TOO_BIG;
        if (rc)
            return READ_NOMEM;
    }
}

/* Reports a failed read_entry(); returns nonzero on out of memory. */
static int read_failed(java_scan *js, struct archive *a, const java_archive *arc, const char *entry, int r,
                       size_t max)
{
    char what[512];
    switch (r) {
    case READ_ENTRY_TOO_BIG:
        snprintf(what, sizeof what, "entry larger than %zu bytes uncompressed; not read (zip bomb?)", max);
        break;
    case READ_FILE_TOO_BIG:
        snprintf(what, sizeof what,
                 "more than %llu bytes uncompressed read from this file; the rest of it is not read (zip bomb?)",
                 (unsigned long long)JAVA_TOTAL_MAX);
        break;
    case READ_NOMEM:
        js->nomem = 1;
        return 1;
    default:
        snprintf(what, sizeof what, "cannot read the entry: %s",
                 archive_error_string(a) ? archive_error_string(a) : "damaged data");
        break;
    }
    java_warn(js, arc, entry, what);
    return 0;
}

/* groupId, artifactId, version of a pom.properties: offsets + 1 into store
 * (0 = absent; the parser's strings are scratch). */
typedef struct pom_fields {
    size_t off[3], len[3];
    vg_buf store;
} pom_fields;

static int pom_field(void *arg, const char *key, const char *value, size_t value_len)
{
    static const char *const keys[3] = {"groupId", "artifactId", "version"};
    pom_fields *pf = arg;
    for (int i = 0; i < 3; i++) {
        if (strcmp(key, keys[i]) != 0)
            continue;
        while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
            value_len--;
        pf->off[i] = pf->store.len + 1;
        pf->len[i] = value_len;
        if (vg_buf_add(&pf->store, value, value_len) || vg_buf_addc(&pf->store, '\0'))
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

static int handle_pom_properties(java_scan *js, java_archive *arc, const char *entry, const vg_buf *data)
{
    vg_arena *arena = js->run->arena;
    pom_fields pf = {0};
    vg_buf_init(&pf.store, data->len * 2 + 16);
    int rc = vg_java_properties_parse(data->data ? data->data : "", data->len, pom_field, &pf);
    if (rc) {
        vg_buf_free(&pf.store);
        if (rc == VG_ERR_NOMEM)
            js->nomem = 1;
        return rc;
    }
    const char *field[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++)
        if (pf.off[i] && pf.len[i] &&
            !(field[i] = vg_text_utf8_copy(arena, pf.store.data + pf.off[i] - 1, pf.len[i], NULL)))
            js->nomem = 1;
    vg_buf_free(&pf.store);
    if (js->nomem)
        return VG_ERR_NOMEM;
    if (!field[0] || !field[1] || !field[2]) {
        java_warn(js, arc, entry, "pom.properties without groupId, artifactId and version; ignored");
        return VG_OK;
    }
    if (arc->npoms >= JAVA_POMS_MAX) {
        if (arc->npoms++ == JAVA_POMS_MAX)
            java_warn(js, arc, NULL, "too many pom.properties; the rest are ignored");
        return VG_OK;
    }
    java_pom *p = vg_arena_alloc(arena, sizeof *p);
    const char *e = vg_text_utf8_copy(arena, entry, strlen(entry), NULL);
    if (!p || !e) {
        js->nomem = 1;
        return VG_ERR_NOMEM;
    }
    p->group = field[0];
    p->artifact = field[1];
    p->version = field[2];
    p->entry = e;
    *arc->poms_tail = p;
    arc->poms_tail = &p->next;
    arc->npoms++;
    return VG_OK;
}

static int is_pom_properties(const char *name)
{
    static const char prefix[] = "META-INF/maven/", suffix[] = "/pom.properties";
    size_t len = strlen(name), pl = sizeof prefix - 1, sl = sizeof suffix - 1;
    if (len <= pl + sl || memcmp(name, prefix, pl) != 0 || memcmp(name + len - sl, suffix, sl) != 0)
        return 0;
    /* exactly GROUP/ARTIFACT between them */
    const char *mid = name + pl;
    size_t midlen = len - pl - sl;
    const char *slash = memchr(mid, '/', midlen);
    return slash && slash != mid && slash != mid + midlen - 1 &&
           !memchr(slash + 1, '/', midlen - (size_t)(slash + 1 - mid));
}

/* "SIZE:HEX": size and the FNV-1a 64 of the last bytes (tail[0..n)) of
 * an archive, into key[48]. */
static void fingerprint_of(size_t size, const unsigned char *tail, size_t n, char key[48])
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= tail[i];
        h *= 0x100000001b3ull;
    }
    snprintf(key, 48, "%zu:%016llx", size, (unsigned long long)h);
}

static java_archive *new_archive(java_scan *js, java_archive *parent, const char *entry, const char *ext)
{
    java_archive *arc = vg_arena_alloc(js->run->arena, sizeof *arc);
    if (!arc) {
        js->nomem = 1;
        return NULL;
    }
    arc->parent = parent;
    arc->ext = ext;
    arc->poms_tail = &arc->poms;
    if (entry && !(arc->entry = vg_text_utf8_copy(js->run->arena, entry, strlen(entry), NULL))) {
        js->nomem = 1;
        return NULL;
    }
    *js->jf->archives_tail = arc;
    js->jf->archives_tail = &arc->next;
    return arc;
}

static void scan_archive(java_scan *js, struct archive *a, java_archive *arc, int depth);

/* The current entry of a is an archive: read it and look inside. */
static void scan_nested(java_scan *js, struct archive *a, java_archive *parent, const char *entry, const char *ext,
                        int depth)
{
    if (depth >= JAVA_NEST_DEPTH) {
        char what[160];
        snprintf(what, sizeof what, "archive nested more than %d levels deep; not opened", JAVA_NEST_DEPTH);
        java_warn(js, parent, entry, what);
        return;
    }
    size_t max = JAVA_NESTED_MAX;
    if (JAVA_HELD_MAX - js->held < max)
        max = JAVA_HELD_MAX - js->held;
    vg_buf data;
    int r = read_entry(js, a, max, &data);
    if (r != READ_OK) {
        vg_buf_free(&data);
        read_failed(js, a, parent, entry, r, max);
        return;
    }
    java_archive *arc = new_archive(js, parent, entry, ext);
    if (!arc) {
        vg_buf_free(&data);
        return;
    }
    size_t tail = data.len < JAVA_TAIL_BYTES ? data.len : JAVA_TAIL_BYTES;
    fingerprint_of(data.len, data.data ? (const unsigned char *)data.data + data.len - tail : NULL, tail,
                   arc->fingerprint);
    js->held += data.len;
    struct archive *na = archive_read_new();
    if (!na) {
        js->nomem = 1;
    } else if (archive_read_support_format_zip_seekable(na) != ARCHIVE_OK ||
               archive_read_open_memory(na, data.data ? data.data : "", data.len) != ARCHIVE_OK) {
        char what[512];
        snprintf(what, sizeof what, "not a readable zip archive: %s",
                 archive_error_string(na) ? archive_error_string(na) : "unknown error");
        java_warn(js, arc, NULL, what);
    } else {
        scan_archive(js, na, arc, depth + 1);
    }
    if (na)
        archive_read_free(na);
    js->held -= data.len;
    vg_buf_free(&data);
}

/* Looks at every entry of a, the content of arc. */
static void scan_archive(java_scan *js, struct archive *a, java_archive *arc, int depth)
{
    size_t entries = 0;
    while (!js->stopped && !js->nomem) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            char what[512];
            snprintf(what, sizeof what, "damaged archive, not read further: %s",
                     archive_error_string(a) ? archive_error_string(a) : "unknown error");
            java_warn(js, arc, NULL, what);
            break;
        }
        if (++entries > JAVA_ENTRIES_MAX) {
            char what[128];
            snprintf(what, sizeof what, "more than %d entries; the rest are not read", JAVA_ENTRIES_MAX);
            java_warn(js, arc, NULL, what);
            break;
        }
        const char *name = archive_entry_pathname(e);
        if (!name || archive_entry_filetype(e) != AE_IFREG)
            continue;
        size_t len = strlen(name);
        const char *ext = java_archive_ext(name, len);
        if (ext && name[len - 5] != '/') {
            scan_nested(js, a, arc, name, ext, depth);
            continue;
        }
        int manifest = strcasecmp(name, "META-INF/MANIFEST.MF") == 0;
        if (!manifest && !is_pom_properties(name))
            continue;
        if (manifest && arc->has_manifest)
            continue;
        vg_buf data;
        int rr = read_entry(js, a, JAVA_META_MAX, &data);
        if (rr != READ_OK) {
            vg_buf_free(&data);
            read_failed(js, a, arc, name, rr, JAVA_META_MAX);
            continue;
        }
        if (manifest) {
            size_t bad = 0;
            if (vg_java_manifest_parse(js->run->arena, data.data ? data.data : "", data.len, &arc->manifest, &bad))
                js->nomem = 1;
            arc->has_manifest = 1;
        } else {
            (void)handle_pom_properties(js, arc, name, &data);
        }
        vg_buf_free(&data);
    }
}

/* The fingerprint of the file, from its last JAVA_TAIL_BYTES; 0 and a
 * warning if it cannot be read. */
static int fingerprint(vg_catalog_run *run, const vg_file *file, unsigned char *io, char key[48])
{
    size_t n = file->size < JAVA_TAIL_BYTES ? file->size : JAVA_TAIL_BYTES;
    size_t got = 0;
    while (got < n) {
        long r = file->read_at(file, file->size - n + got, io + got, n - got);
        if (r <= 0) {
            vg_warn(run->ctx, file->path, "cannot read: %s", r < 0 ? "read error" : "file shrank while read");
            return 0;
        }
        got += (size_t)r;
    }
    fingerprint_of(file->size, io, n, key);
    return 1;
}

static int collect_archive(vg_catalog_run *run, java_state *st, const vg_file *file)
{
    if (file->size < 22) { /* an end of central directory record */
        vg_warn(run->ctx, file->path, "not a zip archive: %zu bytes", file->size);
        return VG_OK;
    }
    unsigned char *io = malloc(JAVA_READ_CHUNK);
    if (!io)
        return vg_error(run->ctx, VG_ERR_NOMEM, "%s: out of memory", file->path);
    char key[48];
    int rc = VG_OK;
    if (!fingerprint(run, file, io, key))
        goto out;
    java_path *p = vg_arena_alloc(run->arena, sizeof *p);
    if (!p || !(p->path = vg_arena_strdup(run->arena, file->path))) {
        rc = VG_ERR_NOMEM;
        goto out;
    }
    p->layer = file->layer;
    java_file *jf = vg_map_get(&st->by_fingerprint, key, strlen(key));
    if (jf) { /* the same content at another path: read once */
        *jf->paths_tail = p;
        jf->paths_tail = &p->next;
        goto out;
    }
    jf = vg_arena_alloc(run->arena, sizeof *jf);
    char *k = vg_arena_strdup(run->arena, key);
    if (!jf || !k || vg_map_put(&st->by_fingerprint, k, strlen(k), jf)) {
        rc = VG_ERR_NOMEM;
        goto out;
    }
    jf->archives_tail = &jf->archives;
    jf->paths = p;
    jf->paths_tail = &p->next;
    *st->files_tail = jf;
    st->files_tail = &jf->next;

    java_scan js = {.run = run, .file = file, .jf = jf, .io = io};
    java_archive *top = new_archive(&js, NULL, NULL, java_archive_ext(file->path, strlen(file->path)));
    if (top)
        memcpy(top->fingerprint, key, sizeof key);
    struct archive *a = top ? archive_read_new() : NULL;
    if (!a) {
        rc = VG_ERR_NOMEM;
        goto out;
    }
    if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
        archive_read_set_read_callback(a, top_read) != ARCHIVE_OK ||
        archive_read_set_seek_callback(a, top_seek) != ARCHIVE_OK ||
        archive_read_set_callback_data(a, &js) != ARCHIVE_OK || archive_read_open1(a) != ARCHIVE_OK) {
        vg_warn(run->ctx, file->path, "not a readable zip archive: %s",
                archive_error_string(a) ? archive_error_string(a) : "unknown error");
    } else {
        scan_archive(&js, a, top, 0);
    }
    archive_read_free(a);
    if (js.nomem)
        rc = VG_ERR_NOMEM;
out:
    free(io);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    return VG_OK;
}

/* Loads a whole text file (pom.xml, lock file) through read_at when the
 * source did not load it; *out is malloc'd or NULL with a warning. */
static int load_text(vg_catalog_run *run, const vg_file *file, char **out)
{
    *out = NULL;
    if (file->size > JAVA_TEXT_MAX) {
        vg_warn(run->ctx, file->path, "skipped: %zu bytes is more than the %zu read from a build file", file->size,
                JAVA_TEXT_MAX);
        return VG_OK;
    }
    char *text = malloc(file->size + 1);
    if (!text)
        return vg_error(run->ctx, VG_ERR_NOMEM, "%s: out of memory", file->path);
    size_t got = 0;
    while (got < file->size) {
        long n = file->read_at(file, got, text + got, file->size - got);
        if (n <= 0) {
            vg_warn(run->ctx, file->path, "cannot read: %s", n < 0 ? "read error" : "file shrank while read");
            free(text);
            return VG_OK;
        }
        got += (size_t)n;
    }
    text[got] = '\0';
    *out = text;
    return VG_OK;
}

static int java_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    size_t len = strlen(file->path);
    const char *slash = strrchr(file->path, '/');
    size_t base = slash ? (size_t)(slash - file->path) + 1 : 0;
    int pom = vg_java_is_pom_name(file->path, len, base);
    if (!pom && !vg_java_is_gradle_lockfile(file->path, len, base))
        return collect_archive(run, state, file);
    const char *text = (const char *)file->data;
    char *loaded = NULL;
    if (!text) {
        int rc = load_text(run, file, &loaded);
        if (rc || !loaded)
            return rc;
        text = loaded;
    }
    int rc = pom ? vg_java_pom_collect(run, file->path, file->layer, text, file->size)
                 : vg_java_gradle_collect(run, file->path, file->layer, text, file->size);
    free(loaded);
    return rc;
}

/* ---- components --------------------------------------------------------- */

/* Does the file name stem (without extension) name artifact?  2: stem is
 * ARTIFACT-VERSION, 1: stem is ARTIFACT or ARTIFACT-<digit>..., 0: no. */
static int name_match(const char *stem, size_t stemlen, const java_pom *p)
{
    size_t al = strlen(p->artifact), vl = strlen(p->version);
    if (stemlen < al || memcmp(stem, p->artifact, al) != 0)
        return 0;
    if (stemlen == al)
        return 1;
    if (stem[al] != '-')
        return 0;
    if (stemlen == al + 1 + vl && memcmp(stem + al + 1, p->version, vl) == 0)
        return 2;
    return stemlen > al + 1 && stem[al + 1] >= '0' && stem[al + 1] <= '9';
}

/* The pom.properties that is the archive's own identity, or NULL. */
static const java_pom *own_pom(const java_archive *arc, const char *stem, size_t stemlen)
{
    if (arc->npoms == 1)
        return arc->poms;
    const java_pom *best = NULL;
    int best_tier = 0;
    for (const java_pom *p = arc->poms; p; p = p->next) {
        int tier = name_match(stem, stemlen, p);
        if (tier > best_tier || (tier && tier == best_tier && strlen(p->artifact) > strlen(best->artifact))) {
            best = p;
            best_tier = tier;
        }
    }
    if (best)
        return best;
    const char *title = arc->manifest.implementation_title, *bsn = arc->manifest.bundle_symbolic_name;
    for (const java_pom *p = arc->poms; p; p = p->next) {
        size_t al = strlen(p->artifact);
        if (title && strcmp(title, p->artifact) == 0)
            return p;
        if (bsn) {
            size_t bl = strcspn(bsn, ";");
            if (bl == al || (bl > al && bsn[bl - al - 1] == '.'))
                if (memcmp(bsn + bl - al, p->artifact, al) == 0)
                    return p;
        }
    }
    return NULL;
}

/* Length of the name an archive without its own pom.properties gets from
 * its file name: the stem up to a "-" followed by a digit (the version part
 * of ARTIFACT-VERSION.jar, which is not used as a version), else the stem. */
static size_t derived_name_len(const char *fname, size_t stemlen)
{
    if (!stemlen)
        return strlen(fname);
    for (size_t i = 1; i + 1 < stemlen; i++)
        if (fname[i] == '-' && fname[i + 1] >= '0' && fname[i + 1] <= '9')
            return i;
    return stemlen;
}

typedef struct java_out {
    vg_catalog_run *run;
    const char *location;
    int layer;
    /* "name\nversion" -> component: the inventory keeps one component per
     * (name, version, location), so a second copy inside the same file
     * becomes one more vigil:java:path of the first. */
    vg_map seen;
} java_out;

/* A component found in archive arc (or embedded in it) at display. */
static vg_component *new_component(java_out *o, const java_archive *arc, const char *display)
{
    vg_component *c = vg_inventory_add(o->run->inv);
    if (!c)
        return NULL;
    c->type = "maven";
    c->cataloger = "java";
    c->location = o->location;
    c->layer = o->layer;
    if (vg_component_set_property(o->run->inv, c, "vigil:java:path", display) ||
        vg_component_set_property(o->run->inv, c, "vigil:java:fingerprint", arc->fingerprint))
        return NULL;
    return c;
}

/* The component already made in this file for c's name and version, after
 * adding display to its paths; NULL if none.  *nomem is set on allocation
 * failure. */
static vg_component *already_made(java_out *o, vg_component *c, const char *display, int *nomem)
{
    char *key = vg_arena_printf(o->run->arena, "%s\n%s", c->name ? c->name : "", c->version ? c->version : "");
    if (!key) {
        *nomem = 1;
        return NULL;
    }
    vg_component *prev = vg_map_get(&o->seen, key, strlen(key));
    if (prev) {
        if (vg_component_set_property(o->run->inv, prev, "vigil:java:path", display))
            *nomem = 1;
        return prev;
    }
    return NULL;
}

/* Remembers c (name and version set) for already_made(). */
static int remember(java_out *o, vg_component *c)
{
    char *key = vg_arena_printf(o->run->arena, "%s\n%s", c->name ? c->name : "", c->version ? c->version : "");
    return key ? vg_map_put(&o->seen, key, strlen(key), c) : VG_ERR_NOMEM;
}

static int add_archive_component(java_out *o, java_archive *arc)
{
    vg_arena *arena = o->run->arena;
    vg_inventory *inv = o->run->inv;
    vg_buf where;
    vg_buf_init(&where, (size_t)1 << 20);
    if (vg_buf_addstr(&where, o->location) || (arc->parent && vg_buf_addstr(&where, "!/")))
        return VG_ERR_NOMEM;
    inner_path(arc, &where);
    char *display = vg_arena_strndup(arena, where.data, where.len);
    vg_buf_free(&where);
    if (!display)
        return VG_ERR_NOMEM;
    const char *fname = arc->entry ? arc->entry : o->location;
    const char *slash = strrchr(fname, '/');
    fname = slash ? slash + 1 : fname;
    size_t stemlen = strlen(fname) > 4 ? strlen(fname) - 4 : 0;

    const vg_java_manifest *m = &arc->manifest;
    const java_pom *own = own_pom(arc, fname, stemlen);
    const char *name, *version;
    if (own) {
        name = own->artifact;
        version = own->version;
    } else {
        version = m->implementation_version ? m->implementation_version
                  : m->bundle_version       ? m->bundle_version
                                            : m->specification_version;
        if (!(name = vg_arena_strndup(arena, fname, derived_name_len(fname, stemlen))))
            return VG_ERR_NOMEM;
    }
    vg_component probe = {.name = name, .version = version};
    int nomem = 0;
    vg_component *prev = already_made(o, &probe, display, &nomem);
    if (nomem)
        return VG_ERR_NOMEM;
    if (prev) {
        arc->component = prev;
        if (arc->parent && arc->parent->component && arc->parent->component != prev &&
            vg_inventory_add_edge(inv, arc->parent->component, prev, VG_EDGE_CONTAINS))
            return VG_ERR_NOMEM;
        return VG_OK; /* its embedded copies were counted with the first */
    }
    vg_component *c = new_component(o, arc, display);
    if (!c)
        return VG_ERR_NOMEM;
    arc->component = c;
    c->name = name;
    c->version = version;
    if (remember(o, c))
        return VG_ERR_NOMEM;
    const char *identity;
    if (own) {
        identity = "pom.properties";
        const char *type = arc->ext && strcmp(arc->ext, "jar") != 0
                               ? (strcmp(arc->ext, "jpi") == 0 ? "hpi" : arc->ext) : NULL;
        vg_purl_qualifier q[] = {{"type", type}};
        if (!(c->purl = vg_purl_format(arena, "maven", own->group, own->artifact, own->version, q, 1)) ||
            vg_component_set_property(inv, c, "vigil:java:group", own->group) ||
            vg_component_set_property(inv, c, "vigil:java:pom-properties", own->entry))
            return VG_ERR_NOMEM;
    } else {
        identity = arc->has_manifest ? "manifest" : "file-name";
    }
    c->supplier = m->implementation_vendor ? m->implementation_vendor
                  : m->bundle_vendor       ? m->bundle_vendor
                                           : m->specification_vendor;
    c->license = m->bundle_license;
    c->description = m->bundle_description;
    c->homepage = m->bundle_docurl;
    if (vg_component_set_property(inv, c, "vigil:java:identity", identity) ||
        vg_component_set_property(inv, c, "vigil:java:implementation-title", m->implementation_title) ||
        vg_component_set_property(inv, c, "vigil:java:bundle-symbolic-name", m->bundle_symbolic_name) ||
        vg_component_set_property(inv, c, "vigil:java:automatic-module-name", m->automatic_module_name))
        return VG_ERR_NOMEM;
    if (arc->parent && arc->parent->component &&
        vg_inventory_add_edge(inv, arc->parent->component, c, VG_EDGE_CONTAINS))
        return VG_ERR_NOMEM;
    /* The other pom.properties: copies of other artifacts embedded in this one. */
    for (const java_pom *p = arc->poms; p; p = p->next) {
        if (p == own)
            continue;
        vg_component eprobe = {.name = p->artifact, .version = p->version};
        vg_component *eprev = already_made(o, &eprobe, display, &nomem);
        if (nomem || (eprev && eprev != c && vg_inventory_add_edge(inv, c, eprev, VG_EDGE_CONTAINS)))
            return VG_ERR_NOMEM;
        if (eprev)
            continue;
        vg_component *e = new_component(o, arc, display);
        if (!e)
            return VG_ERR_NOMEM;
        e->name = p->artifact;
        e->version = p->version;
        if (remember(o, e))
            return VG_ERR_NOMEM;
        if (!(e->purl = vg_purl_format(arena, "maven", p->group, p->artifact, p->version, NULL, 0)) ||
            vg_component_set_property(inv, e, "vigil:java:group", p->group) ||
            vg_component_set_property(inv, e, "vigil:java:pom-properties", p->entry) ||
            vg_component_set_property(inv, e, "vigil:java:identity", "pom.properties") ||
            vg_component_set_property(inv, e, "vigil:java:embedded", "true") ||
            vg_inventory_add_edge(inv, c, e, VG_EDGE_CONTAINS))
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

/* Do paths a and b give the top archive top the same identity?  Always
 * when it has its own pom.properties; else when the names derived from
 * the two file names are equal. */
static int same_top_name(const java_archive *top, const char *a, const char *b)
{
    const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
    sa = sa ? sa + 1 : a;
    sb = sb ? sb + 1 : b;
    size_t la = strlen(sa) > 4 ? strlen(sa) - 4 : 0, lb = strlen(sb) > 4 ? strlen(sb) - 4 : 0;
    if (own_pom(top, sa, la) && own_pom(top, sb, lb) == own_pom(top, sa, la))
        return 1;
    size_t na = derived_name_len(sa, la), nb = derived_name_len(sb, lb);
    return na == nb && memcmp(sa, sb, na) == 0;
}

static int java_finish(vg_catalog_run *run, void *state)
{
    java_state *st = state;
    int rc = VG_OK;
    for (java_file *jf = st->files; jf && rc == VG_OK; jf = jf->next) {
        if (!jf->archives)
            continue;
        /* One set of components per distinct name the paths give the
         * file (only differs for files named after their file name), at
         * the first such path the walk met; the others are more locations. */
        for (const java_path *loc = jf->paths; loc && rc == VG_OK; loc = loc->next) {
            int seen = 0;
            for (const java_path *p = jf->paths; p != loc && !seen; p = p->next)
                seen = same_top_name(jf->archives, p->path, loc->path);
            if (seen)
                continue;
            java_out o = {.run = run, .location = loc->path, .layer = loc->layer};
            vg_map_init(&o.seen);
            for (java_archive *arc = jf->archives; arc && rc == VG_OK; arc = arc->next)
                rc = add_archive_component(&o, arc);
            /* the same content at the other paths: more locations of the
             * components of this file */
            for (const java_path *p = loc->next; p && rc == VG_OK; p = p->next)
                for (size_t i = 0; i < o.seen.cap && rc == VG_OK && same_top_name(jf->archives, p->path, loc->path);
                     i++) {
                    const vg_map_slot *slot = vg_map_slot_at(&o.seen, i);
                    if (slot)
                        rc = vg_component_add_location(run->inv, slot->value, p->path);
                }
            vg_map_free(&o.seen);
        }
    }
    vg_map_free(&st->by_fingerprint);
    if (rc)
        return vg_error(run->ctx, rc, "java: out of memory");
    return VG_OK;
}

const vg_cataloger vg_cataloger_java = {
    .name = "java",
    .wants = java_wants,
    .max_size = JAVA_ARCHIVE_MAX,
    .flags = VG_CATALOG_RANDOM_ACCESS,
    .begin = java_begin,
    .collect = java_collect,
    .finish = java_finish,
    .discard = java_discard,
};

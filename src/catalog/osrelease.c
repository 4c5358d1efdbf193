/*
 * osrelease.c — the "os-release" cataloger: identifies the operating system
 * of the target from os-release(5) (freedesktop.org / systemd, as of
 * systemd 254) and fills inv->os.  It is first in the cataloger table, so
 * every other cataloger can read inv->os in its finish().
 *
 * Files: etc/os-release and usr/lib/os-release.  As os-release(5) says,
 * etc/os-release takes precedence and, when it exists, is used exclusively;
 * usr/lib/os-release is the fallback.  (etc/os-release is usually a symlink
 * to ../usr/lib/os-release; the source resolves it and hands the content
 * under the link's path.)
 *
 * Syntax, as os-release(5) specifies it (a subset of shell): KEY=VALUE lines;
 * blank lines and lines starting with '#' are ignored; values are
 * unquoted, "double-quoted" (backslash escapes \" \\ \$ \` and any other
 * escaped character taken literally) or 'single-quoted' (no escapes), and
 * such pieces may be concatenated.  A line that is not of this form is
 * skipped, with one warning per file.
 *
 * Left out: the os-release(5) defaults for missing keys (ID=linux,
 * NAME=Linux) are not filled in — a missing ID stays NULL so that
 * consumers can tell "unknown" apart; etc/alpine-release, etc/debian_version,
 * etc/redhat-release and other distribution-specific files are not read;
 * extension-release files are ignored.
 */
#include <string.h>

#include "catalog/pkgdb_text.h"
#include "vigil/buf.h"
#include "vigil/catalog.h"

#define OSRELEASE_MAX_SIZE ((size_t)64 << 10) /* the file is a few hundred bytes */
#define OSRELEASE_VALUE_MAX ((size_t)8 << 10)

typedef struct osrelease_state {
    vg_os from_etc;
    vg_os from_usr_lib;
    int have_etc;
    int have_usr_lib;
} osrelease_state;

static int os_release_wants(const char *path, size_t len, size_t base)
{
    if (len - base != 10 || memcmp(path + base, "os-release", 10) != 0)
        return 0;
    return (len == 14 && memcmp(path, "etc/", 4) == 0) ||
           (len == 18 && memcmp(path, "usr/lib/", 8) == 0);
}

static void *os_release_begin(vg_catalog_run *run)
{
    return vg_arena_alloc(run->arena, sizeof(osrelease_state));
}

/* The field of os a key is stored in, or NULL for keys vigil does not keep. */
static const char **os_field(vg_os *os, const char *key, size_t keylen)
{
    static const struct {
        const char *key;
        size_t offset;
    } fields[] = {
        {"ID", offsetof(vg_os, id)},
        {"ID_LIKE", offsetof(vg_os, id_like)},
        {"VERSION_ID", offsetof(vg_os, version_id)},
        {"VERSION_CODENAME", offsetof(vg_os, version_codename)},
        {"NAME", offsetof(vg_os, name)},
        {"PRETTY_NAME", offsetof(vg_os, pretty_name)},
        {"CPE_NAME", offsetof(vg_os, cpe_name)},
        {"HOME_URL", offsetof(vg_os, home_url)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strlen(fields[i].key) == keylen && memcmp(fields[i].key, key, keylen) == 0)
            return (const char **)(void *)((char *)os + fields[i].offset);
    return NULL;
}

static int is_key_char(char c, int first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/* Decodes the shell-like value line[0..len) into out.  Returns VG_OK,
 * VG_ERR_FORMAT (unterminated quote, or unquoted whitespace followed by
 * more text) or VG_ERR_LIMIT/NOMEM from the buffer. */
static int decode_value(const char *line, size_t len, vg_buf *out)
{
    /* trailing whitespace outside quotes is not part of the value */
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    size_t i = 0;
    int rc = VG_OK;
    while (i < len && rc == VG_OK) {
        char c = line[i];
        if (c == '"') {
            i++;
            while (i < len && line[i] != '"' && rc == VG_OK) {
                if (line[i] == '\\' && i + 1 < len)
                    i++; /* \" \\ \$ \` and any other escaped character */
                rc = vg_buf_addc(out, line[i++]);
            }
            if (i >= len)
                return VG_ERR_FORMAT;
            i++; /* closing quote */
        } else if (c == '\'') {
            const char *end = memchr(line + i + 1, '\'', len - i - 1);
            if (!end)
                return VG_ERR_FORMAT;
            rc = vg_buf_add(out, line + i + 1, (size_t)(end - (line + i + 1)));
            i = (size_t)(end - line) + 1;
        } else if (c == '\\') {
            if (i + 1 >= len)
                return VG_ERR_FORMAT;
            rc = vg_buf_addc(out, line[i + 1]);
            i += 2;
        } else if (c == ' ' || c == '\t') {
            return VG_ERR_FORMAT; /* the shell would run the rest as a command */
        } else {
            rc = vg_buf_addc(out, c);
            i++;
        }
    }
    return rc;
}

/* Parses one os-release file into os.  Returns VG_OK or VG_ERR_NOMEM; bad
 * lines are warned about once. */
static int parse_os_release(vg_catalog_run *run, const vg_file *file, vg_os *os)
{
    const char *text = (const char *)file->data;
    size_t len = file->size;
    size_t lineno = 0, bad_line = 0, bad_count = 0;
    int bad_utf8 = 0;
    vg_buf value;
    vg_buf_init(&value, OSRELEASE_VALUE_MAX);
    int rc = VG_OK;

    const char *line;
    size_t linelen, pos = 0;
    while (rc == VG_OK && vg_text_next_line(text, len, &pos, &line, &linelen)) {
        lineno++;
        size_t i = 0;
        while (i < linelen && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == linelen || line[i] == '#')
            continue;
        size_t key = i;
        while (i < linelen && is_key_char(line[i], i == key))
            i++;
        if (i == key || i == linelen || line[i] != '=') {
            if (!bad_count++)
                bad_line = lineno;
            continue;
        }
        size_t keylen = i - key;
        vg_buf_reset(&value);
        int drc = decode_value(line + i + 1, linelen - i - 1, &value);
        if (drc == VG_ERR_NOMEM) {
            rc = drc;
            break;
        }
        if (drc != VG_OK) {
            if (drc == VG_ERR_LIMIT) /* the buffer freed itself; start over */
                vg_buf_init(&value, OSRELEASE_VALUE_MAX);
            if (!bad_count++)
                bad_line = lineno;
            continue;
        }
        const char **field = os_field(os, line + key, keylen);
        if (!field)
            continue;
        char *v = vg_text_utf8_copy(run->arena, value.data ? value.data : "", value.len, &bad_utf8);
        if (!v) {
            rc = VG_ERR_NOMEM;
            break;
        }
        *field = v; /* a later assignment wins, as in the shell */
    }
    vg_buf_free(&value);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", file->path);
    if (bad_count)
        vg_warn(run->ctx, file->path, "%zu line(s) are not KEY=VALUE assignments and were skipped (first: line %zu)",
                bad_count, bad_line);
    if (bad_utf8)
        vg_warn(run->ctx, file->path, "invalid UTF-8 replaced by U+FFFD");
    return VG_OK;
}

static int os_release_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    osrelease_state *st = state;
    if (file->size > OSRELEASE_MAX_SIZE) {
        vg_warn(run->ctx, file->path, "skipped: %zu bytes is too large for an os-release file", file->size);
        return VG_OK;
    }
    int from_etc = file->path[0] == 'e';
    vg_os *os = from_etc ? &st->from_etc : &st->from_usr_lib;
    memset(os, 0, sizeof *os); /* the same path twice (layers): the last wins */
    if (from_etc)
        st->have_etc = 1;
    else
        st->have_usr_lib = 1;
    return parse_os_release(run, file, os);
}

static int os_release_finish(vg_catalog_run *run, void *state)
{
    osrelease_state *st = state;
    if (st->have_etc) {
        run->inv->os = st->from_etc;
        run->inv->has_os = 1;
    } else if (st->have_usr_lib) {
        run->inv->os = st->from_usr_lib;
        run->inv->has_os = 1;
    }
    return VG_OK;
}

const vg_cataloger vg_cataloger_osrelease = {
    .name = "os-release",
    .wants = os_release_wants,
    .max_size = OSRELEASE_MAX_SIZE,
    .begin = os_release_begin,
    .collect = os_release_collect,
    .finish = os_release_finish,
};

/*
 * python.c — the "python" cataloger: Python distributions, installed or
 * locked.
 *
 * Installed (PyPA "Recording installed projects" and "Core metadata
 * specifications", metadata versions 1.0-2.4):
 *  - NAME-VER.dist-info/METADATA: one component; RECORD next to it (CSV:
 *    path,hash,size) gives its files, resolved against the site directory
 *    (the directory holding the .dist-info) as absolute paths;
 *  - NAME-VER.egg-info/PKG-INFO (directory form, with requires.txt) and
 *    NAME-VER.egg-info as a file (the PKG-INFO content itself).
 *  Used fields: Name, Version, Summary, Home-page (else a Project-URL
 *  labelled Homepage/Home), Author (else Author-email, Maintainer,
 *  Maintainer-email), License-Expression (else a one-line License of at
 *  most 100 bytes that is not "UNKNOWN", else the single
 *  "License :: ... :: X" classifier), Requires-Dist.  Only the header is
 *  read (up to the first blank line).  Requires-Dist entries without an
 *  "extra" marker, and the unsectioned lines of requires.txt, become
 *  DEPENDS_ON edges to the distribution of that name (PEP 503 normalised)
 *  in the same site directory, when there is one.
 *
 * Lock files (every package is a component located at the lock file):
 *  - poetry.lock, lock-version 1.1 and 2.x (TOML): [[package]] name,
 *    version, description, category ("dev" -> dev scope; 1.1) or groups
 *    (without "main" -> dev scope; 2.x), optional = true -> optional scope,
 *    [package.dependencies] -> edges, [package.source] (git -> vcs_url
 *    qualifier "git+URL@COMMIT"; legacy -> repository_url; directory, file,
 *    url -> properties).  The project root comes from pyproject.toml in the
 *    same directory ([project] or [tool.poetry] name/version): an
 *    application component with DEPENDS_ON edges to its declared
 *    dependencies that are locked and CONTAINS edges to every locked
 *    package.  Without a pyproject.toml there is no root.
 *  - uv.lock, version 1 (TOML, as uv 0.4-0.8 write it): [[package]] name,
 *    version, source (registry other than PyPI -> repository_url; git ->
 *    vcs_url; url -> download_url; path, directory, editable, virtual ->
 *    local: purl without version), dependencies, optional-dependencies,
 *    dev-dependencies (entries { name, version? }).  Packages whose source
 *    is editable or virtual "." are application roots.  Scope from the
 *    roots: reachable through dependencies -> required, else through
 *    optional-dependencies -> optional, else through dev-dependencies -> dev.
 *  - Pipfile.lock (JSON, pipenv): "default" -> required, "develop" -> dev
 *    (unless also in default).  "version": "==V" pins; git entries with a
 *    ref are components without version, with vcs_url.  No graph.
 *  - requirements*.txt (pip requirements file format): a requirement whose
 *    only specifier is "==V" or "===V" (no wildcard) is a component; extras,
 *    environment markers, per-requirement options (--hash) and comments
 *    are skipped, backslash continuations joined.  Option lines (-r, -c,
 *    -e, -i, --...) and URL / "name @ url" requirements are not followed.
 *
 * Package URL (PURL-TYPES.rst, pypi): pkg:pypi/NAME@VERSION with NAME
 * normalised per PEP 503 (lower-case, runs of "-_." -> "-"); the component
 * name stays as written.
 *
 * Left out: .egg directories and zipped eggs, wheels and sdists lying
 * around, installed-files.txt, direct_url.json, conda-meta, Pipfile,
 * pdm.lock, setup.py/setup.cfg, environment markers (all locked packages are
 * kept whatever the platform), hash checks.
 */
#include <string.h>
#include <strings.h>

#include "catalog/lang.h"
#include "catalog/pkgdb_text.h"
#include "vigil/buf.h"
#include "vigil/catalog.h"
#include "vigil/map.h"
#include "vigil/purl.h"
#include "vigil/toml.h"

#define PY_MAX_SIZE ((size_t)32 << 20)  /* largest metadata or lock file read */
#define PY_MAX_REQUIRES 4096             /* Requires-Dist entries kept per distribution */
#define PY_MAX_RECORD_FILES 1000000      /* RECORD lines kept per distribution */
#define PY_NAME_MAX 256                  /* longest distribution name accepted */
#define PY_PATH_MAX 4096                 /* longest resolved RECORD path */

static const char cataloger_name[] = "python";

enum py_kind {
    PY_NONE = 0,
    PY_METADATA,       /* X.dist-info/METADATA */
    PY_RECORD,         /* X.dist-info/RECORD */
    PY_PKG_INFO,       /* X.egg-info/PKG-INFO */
    PY_REQUIRES_TXT,   /* X.egg-info/requires.txt */
    PY_EGG_INFO_FILE,  /* X.egg-info as a file */
    PY_POETRY_LOCK,
    PY_UV_LOCK,
    PY_PIPFILE_LOCK,
    PY_REQUIREMENTS,
    PY_PYPROJECT,
};

/* One installed distribution, from its METADATA / PKG-INFO. */
typedef struct py_dist {
    const char *location, *metadir, *site;
    int layer;
    const char *name, *version, *summary, *homepage, *author, *license;
    const char **requires; /* names from Requires-Dist (no extra marker) */
    size_t nrequires, requires_cap;
    vg_component *component;
    struct py_dist *next;
} py_dist;

/* RECORD or requires.txt of a metadata directory. */
typedef struct py_sidecar {
    enum py_kind kind;
    const char *metadir;
    const char **items; /* RECORD: resolved absolute paths; requires.txt: names */
    size_t nitems;
    struct py_sidecar *next;
} py_sidecar;

/* pyproject.toml: the project a poetry.lock next to it belongs to. */
typedef struct py_project {
    const char *dir, *path;
    int layer;
    const char *name, *version;
    const char **deps;
    size_t ndeps, deps_cap;
    struct py_project *next;
} py_project;

/* A poetry.lock, kept until finish() for its root from pyproject.toml. */
typedef struct py_poetry {
    const char *dir;
    vg_lang_index index;
    struct py_poetry *next;
} py_poetry;

typedef struct py_state {
    py_dist *dists, **dists_tail;
    py_sidecar *sidecars;
    py_project *projects;
    py_poetry *poetry;
} py_state;

/* ---- names ---- */

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_name_char(char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

/* PEP 508 distribution name: alphanumerics with "._-" inside. */
static int py_valid_name(const char *s, size_t len)
{
    if (len == 0 || len > PY_NAME_MAX || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_name_char(s[i]))
            return 0;
    return 1;
}

/* Writes the PEP 503 normal form of s[0..len) (lower-case, runs of "-_."
 * as one "-") to out, which has room for len + 1 bytes; returns its length. */
static size_t py_normalize_into(char *out, const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '-' || c == '_' || c == '.') {
            if (n && out[n - 1] != '-')
                out[n++] = '-';
        } else {
            out[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
    }
    out[n] = '\0';
    return n;
}

/* PEP 503 normal form of a name, in arena (NULL on OOM). */
static char *py_normalize(vg_arena *arena, const char *s, size_t len)
{
    char *out = vg_arena_alloc(arena, len + 1);
    if (out)
        py_normalize_into(out, s, len);
    return out;
}

/* Length of the distribution name at the start of a PEP 508 requirement
 * (after leading blanks, which *skip counts), 0 if there is none. */
static size_t requirement_name(const char *s, size_t len, size_t *skip)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t start = i;
    while (i < len && is_name_char(s[i]))
        i++;
    *skip = start;
    return py_valid_name(s + start, i - start) ? i - start : 0;
}

/* ---- which files ---- */

static int parent_is(const char *path, size_t base, const char *suffix, size_t slen)
{
    return base > slen + 1 && path[base - 1] == '/' && memcmp(path + base - 1 - slen, suffix, slen) == 0 &&
           path[base - 2 - slen] != '/';
}

static enum py_kind py_kind_of(const char *path, size_t len, size_t base)
{
    const char *b = path + base;
    size_t blen = len - base;
    switch (blen) {
    case 6:
        if (memcmp(b, "RECORD", 6) == 0 && parent_is(path, base, ".dist-info", 10))
            return PY_RECORD;
        return PY_NONE;
    case 7:
        return memcmp(b, "uv.lock", 7) == 0 ? PY_UV_LOCK : PY_NONE;
    case 8:
        if (memcmp(b, "METADATA", 8) == 0 && parent_is(path, base, ".dist-info", 10))
            return PY_METADATA;
        if (memcmp(b, "PKG-INFO", 8) == 0 && parent_is(path, base, ".egg-info", 9))
            return PY_PKG_INFO;
        return PY_NONE;
    case 11:
        return memcmp(b, "poetry.lock", 11) == 0 ? PY_POETRY_LOCK : PY_NONE;
    case 12:
        if (memcmp(b, "Pipfile.lock", 12) == 0)
            return PY_PIPFILE_LOCK;
        if (memcmp(b, "requires.txt", 12) == 0 && parent_is(path, base, ".egg-info", 9))
            return PY_REQUIRES_TXT;
        break;
    case 14:
        if (memcmp(b, "pyproject.toml", 14) == 0)
            return PY_PYPROJECT;
        break;
    default:
        break;
    }
    if (blen > 9 && memcmp(b + blen - 9, ".egg-info", 9) == 0)
        return PY_EGG_INFO_FILE;
    if (blen >= 16 && memcmp(b, "requirements", 12) == 0 && memcmp(b + blen - 4, ".txt", 4) == 0)
        return PY_REQUIREMENTS;
    return PY_NONE;
}

static int py_wants(const char *path, size_t len, size_t base)
{
    return py_kind_of(path, len, base) != PY_NONE;
}

/* ---- shared helpers ---- */

static int push_string(vg_arena *arena, const char ***items, size_t *n, size_t *cap, const char *s, size_t max)
{
    if (*n >= max)
        return VG_OK;
    if (*n == *cap) {
        size_t newcap = *cap ? *cap * 2 : 8;
        const char **grown = vg_arena_calloc(arena, newcap, sizeof *grown);
        if (!grown)
            return VG_ERR_NOMEM;
        if (*n)
            memcpy(grown, *items, *n * sizeof *grown);
        *items = grown;
        *cap = newcap;
    }
    (*items)[(*n)++] = s;
    return VG_OK;
}

/* pkg:pypi/NORMALISED@VERSION with qualifiers. */
static int py_set_purl(vg_arena *arena, vg_component *c, const char *version, const vg_purl_qualifier *q, size_t nq)
{
    char *norm = py_normalize(arena, c->name, strlen(c->name));
    if (!norm)
        return VG_ERR_NOMEM;
    c->purl = vg_purl_format(arena, "pypi", NULL, norm, version, q, nq);
    return c->purl ? VG_OK : VG_ERR_NOMEM;
}

/* A locked package: component of name / version at file. */
static vg_component *py_locked(vg_catalog_run *run, const vg_file *file, const char *name, const char *version)
{
    vg_component *c = vg_lang_component(run, file, "pypi", cataloger_name, name, version);
    if (c)
        c->evidence = VG_EVIDENCE_LOCK;
    return c;
}

/* ---- installed metadata ---- */

typedef struct meta_parse {
    vg_arena *arena;
    py_dist *dist;
    const char *license_expression, *license, *classifier_license, *home_page, *project_home;
    const char *author, *author_email, *maintainer, *maintainer_email;
    int classifier_licenses;
} meta_parse;

static int key_is(const char *key, size_t keylen, const char *want)
{
    return strlen(want) == keylen && strncasecmp(key, want, keylen) == 0;
}

static int meta_field(void *arg, const char *key, size_t keylen, const char *value, size_t valuelen)
{
    meta_parse *mp = arg;
    vg_arena *arena = mp->arena;
    py_dist *d = mp->dist;
    const char **slot = NULL;
    if (key_is(key, keylen, "Name"))
        slot = &d->name;
    else if (key_is(key, keylen, "Version"))
        slot = &d->version;
    else if (key_is(key, keylen, "Summary"))
        slot = &d->summary;
    else if (key_is(key, keylen, "Home-page"))
        slot = &mp->home_page;
    else if (key_is(key, keylen, "Author"))
        slot = &mp->author;
    else if (key_is(key, keylen, "Author-email"))
        slot = &mp->author_email;
    else if (key_is(key, keylen, "Maintainer"))
        slot = &mp->maintainer;
    else if (key_is(key, keylen, "Maintainer-email"))
        slot = &mp->maintainer_email;
    else if (key_is(key, keylen, "License-Expression"))
        slot = &mp->license_expression;
    else if (key_is(key, keylen, "License")) {
        if (valuelen == 0 || valuelen > 100 || memchr(value, '\n', valuelen) || strcmp(value, "UNKNOWN") == 0)
            return VG_OK;
        slot = &mp->license;
    } else if (key_is(key, keylen, "Classifier")) {
        static const char prefix[] = "License :: ";
        if (valuelen < sizeof prefix || memcmp(value, prefix, sizeof prefix - 1) != 0)
            return VG_OK;
        const char *last = value;
        for (const char *p = value; (p = strstr(p, " :: ")) != NULL; p += 4)
            last = p + 4;
        mp->classifier_licenses++;
        mp->classifier_license = vg_text_utf8_copy(arena, last, strlen(last), NULL);
        return mp->classifier_license ? VG_OK : VG_ERR_NOMEM;
    } else if (key_is(key, keylen, "Project-URL")) {
        const char *comma = memchr(value, ',', valuelen);
        if (!comma || mp->project_home)
            return VG_OK;
        size_t labellen = (size_t)(comma - value);
        if (!key_is(value, labellen, "Homepage") && !key_is(value, labellen, "Home") &&
            !key_is(value, labellen, "Home-page"))
            return VG_OK;
        const char *url = comma + 1;
        while (*url == ' ')
            url++;
        mp->project_home = vg_text_utf8_copy(arena, url, strlen(url), NULL);
        return mp->project_home ? VG_OK : VG_ERR_NOMEM;
    } else if (key_is(key, keylen, "Requires-Dist")) {
        const char *semi = memchr(value, ';', valuelen);
        if (semi && strstr(semi, "extra"))
            return VG_OK; /* needed only when that extra is asked for */
        size_t skip, n = requirement_name(value, valuelen, &skip);
        if (!n)
            return VG_OK;
        const char *name = py_normalize(arena, value + skip, n);
        if (!name)
            return VG_ERR_NOMEM;
        return push_string(arena, &d->requires, &d->nrequires, &d->requires_cap, name, PY_MAX_REQUIRES);
    }
    if (!slot || *slot)
        return VG_OK; /* first occurrence wins */
    *slot = vg_text_utf8_copy(arena, value, valuelen, NULL);
    return *slot ? VG_OK : VG_ERR_NOMEM;
}

/*
 * Calls meta_field for each field of the header of an RFC 822-style
 * metadata file: "Key: value" lines up to the first empty line, as
 * Python's email parser reads them.  A line starting with blank space
 * (even a blank-only one) continues the field before it; continuation
 * lines are joined with '\n' after their leading blanks.  Lines without a
 * colon are skipped, as the email parser does (recording a defect).
 */
static int parse_metadata_header(meta_parse *mp, const char *text, size_t len)
{
    vg_buf value;
    vg_buf_init(&value, PY_MAX_SIZE);
    const char *key = NULL, *line;
    size_t keylen = 0, pos = 0, linelen;
    int rc = VG_OK;
    while (rc == VG_OK && vg_text_next_line(text, len, &pos, &line, &linelen)) {
        if (linelen == 0)
            break;
        if (line[0] == ' ' || line[0] == '\t') {
            size_t blank = 0;
            while (blank < linelen && (line[blank] == ' ' || line[blank] == '\t'))
                blank++;
            if (key && (vg_buf_addc(&value, '\n') || vg_buf_add(&value, line + blank, linelen - blank)))
                rc = VG_ERR_LIMIT;
            continue;
        }
        if (key)
            rc = meta_field(mp, key, keylen, value.data ? value.data : "", value.len);
        key = NULL;
        const char *colon = memchr(line, ':', linelen);
        if (!colon || rc)
            continue;
        key = line;
        keylen = (size_t)(colon - line);
        const char *v = colon + 1, *end = line + linelen;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        vg_buf_reset(&value);
        if (vg_buf_add(&value, v, (size_t)(end - v)))
            rc = VG_ERR_LIMIT;
    }
    if (rc == VG_OK && key)
        rc = meta_field(mp, key, keylen, value.data ? value.data : "", value.len);
    vg_buf_free(&value);
    return rc;
}

static int collect_metadata(vg_catalog_run *run, py_state *st, const vg_file *file, enum py_kind kind)
{
    vg_arena *arena = run->arena;
    py_dist *d = vg_arena_alloc(arena, sizeof *d);
    if (!d)
        return VG_ERR_NOMEM;
    meta_parse mp = {.arena = arena, .dist = d};
    int rc = parse_metadata_header(&mp, (const char *)file->data, file->size);
    if (rc == VG_ERR_NOMEM)
        return rc;
    if (!d->name || !d->version || !*d->version || !py_valid_name(d->name, strlen(d->name))) {
        vg_warn(run->ctx, file->path, "core metadata without a valid Name and Version");
        return VG_OK;
    }
    d->location = vg_lang_text(arena, file->path);
    d->metadir = kind == PY_EGG_INFO_FILE ? d->location : vg_lang_dirname(arena, file->path);
    d->site = d->metadir ? vg_lang_dirname(arena, d->metadir) : NULL;
    if (!d->location || !d->metadir || !d->site)
        return VG_ERR_NOMEM;
    d->layer = file->layer;
    d->license = mp.license_expression ? mp.license_expression
                 : mp.license          ? mp.license
                 : mp.classifier_licenses == 1 ? mp.classifier_license
                                               : NULL;
    d->homepage = mp.home_page && *mp.home_page && strcmp(mp.home_page, "UNKNOWN") != 0 ? mp.home_page
                                                                                         : mp.project_home;
    const char *authors[] = {mp.author, mp.author_email, mp.maintainer, mp.maintainer_email};
    for (size_t i = 0; i < 4 && !d->author; i++)
        if (authors[i] && *authors[i] && strcmp(authors[i], "UNKNOWN") != 0)
            d->author = authors[i];
    *st->dists_tail = d;
    st->dists_tail = &d->next;
    return VG_OK;
}

/* Appends "/" + site + "/" + rel, with "." and ".." resolved, to out;
 * 0 when the path climbs above the root. */
static int resolve_record_path(vg_buf *out, const char *site, const char *rel, size_t rellen)
{
    vg_buf_reset(out);
    if (rellen && rel[0] == '/') {
        site = "";
    }
    const char *parts[2] = {site, rel};
    size_t lens[2] = {strlen(site), rellen};
    for (int k = 0; k < 2; k++) {
        const char *s = parts[k];
        size_t len = lens[k];
        for (size_t i = 0; i < len;) {
            size_t j = i;
            while (j < len && s[j] != '/')
                j++;
            size_t seg = j - i;
            if (seg == 0 || (seg == 1 && s[i] == '.')) {
                /* empty or "." */
            } else if (seg == 2 && s[i] == '.' && s[i + 1] == '.') {
                if (out->len == 0)
                    return 0;
                while (out->len && out->data[out->len - 1] != '/')
                    out->len--;
                out->len--; /* the slash */
                out->data[out->len] = '\0';
            } else if (vg_buf_addc(out, '/') || vg_buf_add(out, s + i, seg)) {
                return 0;
            }
            i = j + 1;
        }
    }
    return out->len > 0;
}

static int collect_sidecar(vg_catalog_run *run, py_state *st, const vg_file *file, enum py_kind kind)
{
    vg_arena *arena = run->arena;
    py_sidecar *sc = vg_arena_alloc(arena, sizeof *sc);
    if (!sc)
        return VG_ERR_NOMEM;
    sc->kind = kind;
    sc->metadir = vg_lang_dirname(arena, file->path);
    if (!sc->metadir)
        return VG_ERR_NOMEM;
    char *site = vg_lang_dirname(arena, sc->metadir);
    if (!site)
        return VG_ERR_NOMEM;
    size_t cap = 0;
    vg_buf path;
    vg_buf_init(&path, PY_PATH_MAX);
    vg_map seen; /* RECORD paths already kept: a RECORD may list one twice */
    vg_map_init(&seen);
    const char *text = (const char *)file->data, *line;
    size_t pos = 0, linelen;
    int rc = VG_OK;
    while (rc == VG_OK && vg_text_next_line(text, file->size, &pos, &line, &linelen)) {
        if (kind == PY_REQUIRES_TXT) {
            if (linelen && line[0] == '[')
                break; /* extras sections follow the unconditional requirements */
            size_t skip, n = requirement_name(line, linelen, &skip);
            if (!n)
                continue;
            char *name = py_normalize(arena, line + skip, n);
            rc = name ? push_string(arena, &sc->items, &sc->nitems, &cap, name, PY_MAX_REQUIRES) : VG_ERR_NOMEM;
            continue;
        }
        /* RECORD: CSV, the path is the first field, quoted when it holds a comma or quote */
        vg_buf field;
        vg_buf_init(&field, PY_PATH_MAX);
        size_t i = 0;
        int ok = 1;
        if (linelen && line[0] == '"') {
            for (i = 1; i < linelen && ok; i++) {
                if (line[i] == '"') {
                    if (i + 1 < linelen && line[i + 1] == '"')
                        ok = vg_buf_addc(&field, '"') == VG_OK, i++;
                    else
                        break;
                } else {
                    ok = vg_buf_addc(&field, line[i]) == VG_OK;
                }
            }
        } else {
            while (i < linelen && line[i] != ',')
                i++;
            ok = vg_buf_add(&field, line, i) == VG_OK;
        }
        if (ok && field.len && resolve_record_path(&path, site, field.data, field.len) &&
            !vg_map_get(&seen, path.data, path.len)) {
            char *copy = vg_text_utf8_copy(arena, path.data, path.len, NULL);
            rc = copy ? push_string(arena, &sc->items, &sc->nitems, &cap, copy, PY_MAX_RECORD_FILES) : VG_ERR_NOMEM;
            if (rc == VG_OK)
                rc = vg_map_put(&seen, copy, strlen(copy), copy);
        }
        vg_buf_free(&field);
    }
    vg_buf_free(&path);
    vg_map_free(&seen);
    if (rc)
        return rc;
    sc->next = st->sidecars;
    st->sidecars = sc;
    return VG_OK;
}

/* ---- lock files ---- */

static const char *toml_string_or_null(const vg_toml_value *v)
{
    return v && v->type == VG_TOML_STRING ? v->string : NULL;
}

/* "git+URL@COMMIT" for a vcs_url qualifier; URL without query/fragment. */
static char *git_vcs_url(vg_arena *arena, const char *url, const char *commit)
{
    size_t len = strcspn(url, "?#");
    if (strncmp(url, "git+", 4) == 0)
        url += 4, len -= 4;
    return commit && *commit ? vg_arena_printf(arena, "git+%.*s@%s", (int)len, url, commit)
                             : vg_arena_printf(arena, "git+%.*s", (int)len, url);
}

static int collect_poetry(vg_catalog_run *run, py_state *st, const vg_file *file)
{
    vg_arena *arena = run->arena;
    vg_toml_value *root = vg_lang_load_toml(run, file);
    if (!root)
        return VG_OK;
    const vg_toml_value *packages = vg_toml_get_array(root, "package");
    py_poetry *lock = vg_arena_alloc(arena, sizeof *lock);
    if (!lock || !(lock->dir = vg_lang_dirname(arena, file->path)))
        return VG_ERR_NOMEM;
    vg_lang_index_init(&lock->index, arena);
    lock->next = st->poetry;
    st->poetry = lock;
    size_t count = packages ? packages->count : 0;
    vg_component **components = count ? vg_arena_calloc(arena, count, sizeof *components) : NULL;
    if (count && !components)
        return VG_ERR_NOMEM;

    for (size_t i = 0; i < count; i++) {
        const vg_toml_value *pkg = vg_toml_at(packages, i);
        const char *name = vg_toml_get_string(pkg, "name"), *version = vg_toml_get_string(pkg, "version");
        if (!name || !version || !*version || !py_valid_name(name, strlen(name))) {
            vg_warn(run->ctx, file->path, "line %zu: [[package]] without a valid name and version",
                    pkg ? pkg->line : 0);
            continue;
        }
        vg_component *c = py_locked(run, file, name, version);
        if (!c)
            return VG_ERR_NOMEM;
        components[i] = c;
        c->description = vg_lang_text(arena, vg_toml_get_string(pkg, "description"));

        const char *category = vg_toml_get_string(pkg, "category");
        const vg_toml_value *groups = vg_toml_get_array(pkg, "groups");
        c->scope = VG_SCOPE_REQUIRED;
        if (category && strcmp(category, "dev") == 0)
            c->scope = VG_SCOPE_DEV;
        if (groups && groups->count) {
            int main_group = 0;
            for (size_t g = 0; g < groups->count; g++) {
                const char *group = toml_string_or_null(vg_toml_at(groups, g));
                main_group |= group && strcmp(group, "main") == 0;
            }
            if (!main_group)
                c->scope = VG_SCOPE_DEV;
        }
        const vg_toml_value *optional = vg_toml_get(pkg, "optional");
        if (c->scope == VG_SCOPE_REQUIRED && optional && optional->type == VG_TOML_BOOLEAN && optional->boolean)
            c->scope = VG_SCOPE_OPTIONAL;

        vg_purl_qualifier q[2] = {{"vcs_url", NULL}, {"repository_url", NULL}};
        const vg_toml_value *source = vg_toml_get_table(pkg, "source");
        const char *type = vg_toml_get_string(source, "type"), *url = vg_toml_get_string(source, "url");
        if (type && url) {
            if (strcmp(type, "git") == 0) {
                const char *commit = vg_toml_get_string(source, "resolved_reference");
                if (!commit)
                    commit = vg_toml_get_string(source, "reference");
                q[0].value = git_vcs_url(arena, url, commit);
            } else if (strcmp(type, "legacy") == 0) {
                q[1].value = vg_lang_text(arena, url);
            }
            if (vg_component_set_property(run->inv, c, "vigil:pypi:source-type", type) ||
                vg_component_set_property(run->inv, c, "vigil:pypi:source-url", url))
                return VG_ERR_NOMEM;
        }
        if (py_set_purl(arena, c, version, q, 2))
            return VG_ERR_NOMEM;
        char *norm = py_normalize(arena, name, strlen(name));
        if (!norm || vg_lang_index_add(&lock->index, norm, c))
            return VG_ERR_NOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        const vg_toml_value *deps = vg_toml_get_table(vg_toml_at(packages, i), "dependencies");
        if (!components[i] || !deps)
            continue;
        for (size_t k = 0; k < deps->count; k++) {
            char *norm = py_normalize(arena, deps->keys[k], strlen(deps->keys[k]));
            if (!norm || vg_lang_index_depend(run->inv, &lock->index, components[i], norm, NULL, NULL))
                return VG_ERR_NOMEM;
        }
    }
    return VG_OK;
}

/* One package of a uv.lock while its graph is built. */
typedef struct uv_package {
    const vg_toml_value *table;
    vg_component *component;
    const char *norm;
    int root, visited;
    struct uv_package *same_name; /* next package locked under the same name */
} uv_package;

typedef struct uv_lock {
    vg_catalog_run *run;
    uv_package *packages;
    size_t count;
    vg_map names; /* normalised name -> first uv_package */
    uv_package **queue;
    size_t qhead, qtail;
} uv_lock;

/* Packages a { name, version? } dependency entry names. */
static uv_package *uv_lookup(uv_lock *lock, const vg_toml_value *entry, const char **version)
{
    const char *name = vg_toml_get_string(entry, "name");
    *version = vg_toml_get_string(entry, "version");
    if (!name)
        return NULL;
    char norm[PY_NAME_MAX + 1];
    size_t len = strlen(name);
    if (!py_valid_name(name, len))
        return NULL;
    return vg_map_get(&lock->names, norm, py_normalize_into(norm, name, len));
}

/* Calls visit for each package named by the entries of list (an array of
 * dependency entries). */
static int uv_each_dependency(uv_lock *lock, uv_package *from, const vg_toml_value *list, vg_scope scope, int edges)
{
    for (size_t i = 0; list && i < list->count; i++) {
        const char *version;
        for (uv_package *to = uv_lookup(lock, vg_toml_at(list, i), &version); to; to = to->same_name) {
            if (!to->component || to == from)
                continue;
            if (version && (!to->component->version || strcmp(version, to->component->version) != 0))
                continue;
            if (edges && vg_inventory_add_edge(lock->run->inv, from->component, to->component, VG_EDGE_DEPENDS_ON))
                return VG_ERR_NOMEM;
            if (scope != VG_SCOPE_UNKNOWN && !to->visited && !to->root) {
                to->visited = 1;
                to->component->scope = scope;
                lock->queue[lock->qtail++] = to;
            }
        }
    }
    return VG_OK;
}

/* The arrays of a table of arrays (optional-dependencies, dev-dependencies). */
static int uv_each_group(uv_lock *lock, uv_package *from, const vg_toml_value *groups, vg_scope scope, int edges)
{
    for (size_t g = 0; groups && g < groups->count; g++) {
        const vg_toml_value *list = groups->items[g];
        if (list->type == VG_TOML_ARRAY) {
            int rc = uv_each_dependency(lock, from, list, scope, edges);
            if (rc)
                return rc;
        }
    }
    return VG_OK;
}

/* Marks everything reachable from the queue through "dependencies" with scope. */
static int uv_propagate(uv_lock *lock, vg_scope scope)
{
    while (lock->qhead < lock->qtail) {
        uv_package *p = lock->queue[lock->qhead++];
        int rc = uv_each_dependency(lock, p, vg_toml_get_array(p->table, "dependencies"), scope, 0);
        if (rc)
            return rc;
    }
    return VG_OK;
}

static int uv_build(uv_lock *lock, const vg_file *file, const vg_toml_value *packages)
{
    vg_catalog_run *run = lock->run;
    vg_arena *arena = run->arena;
    for (size_t i = 0; i < lock->count; i++) {
        uv_package *p = &lock->packages[i];
        p->table = vg_toml_at(packages, i);
        const char *name = vg_toml_get_string(p->table, "name"), *version = vg_toml_get_string(p->table, "version");
        if (!name || !py_valid_name(name, strlen(name))) {
            vg_warn(run->ctx, file->path, "line %zu: [[package]] without a valid name", p->table->line);
            continue;
        }
        vg_component *c = py_locked(run, file, name, version);
        if (!c || !(p->norm = py_normalize(arena, name, strlen(name))))
            return VG_ERR_NOMEM;
        p->component = c;
        vg_purl_qualifier q[3] = {{"vcs_url", NULL}, {"repository_url", NULL}, {"download_url", NULL}};
        const char *purl_version = version;
        const vg_toml_value *source = vg_toml_get_table(p->table, "source");
        static const char *const kinds[] = {"registry", "git", "url", "path", "directory", "editable", "virtual"};
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            const char *where = vg_toml_get_string(source, kinds[k]);
            if (!where)
                continue;
            if (vg_component_set_property(run->inv, c, "vigil:pypi:source-type", kinds[k]) ||
                vg_component_set_property(run->inv, c, "vigil:pypi:source-url", where))
                return VG_ERR_NOMEM;
            if (k == 0 && strcmp(where, "https://pypi.org/simple") != 0)
                q[1].value = vg_lang_text(arena, where);
            else if (k == 1)
                q[0].value = git_vcs_url(arena, where, strchr(where, '#') ? strchr(where, '#') + 1 : NULL);
            else if (k == 2)
                q[2].value = vg_lang_text(arena, where);
            else if (k >= 3)
                purl_version = NULL; /* local code has no registry identity */
            if (k >= 5 && strcmp(where, ".") == 0)
                p->root = c->application = 1;
            break;
        }
        if (py_set_purl(arena, c, purl_version, q, 3))
            return VG_ERR_NOMEM;
        uv_package *first = vg_map_get(&lock->names, p->norm, strlen(p->norm));
        if (first) {
            while (first->same_name)
                first = first->same_name;
            first->same_name = p;
        } else if (vg_map_put(&lock->names, p->norm, strlen(p->norm), p)) {
            return VG_ERR_NOMEM;
        }
    }
    /* the graph */
    for (size_t i = 0; i < lock->count; i++) {
        uv_package *p = &lock->packages[i];
        if (!p->component)
            continue;
        int rc = uv_each_dependency(lock, p, vg_toml_get_array(p->table, "dependencies"), VG_SCOPE_UNKNOWN, 1);
        if (!rc)
            rc = uv_each_group(lock, p, vg_toml_get_table(p->table, "optional-dependencies"), VG_SCOPE_UNKNOWN, 1);
        if (!rc)
            rc = uv_each_group(lock, p, vg_toml_get_table(p->table, "dev-dependencies"), VG_SCOPE_UNKNOWN, 1);
        if (rc)
            return rc;
    }
    /* scope: breadth-first from the roots, strongest scope first */
    for (int pass = 0; pass < 3; pass++) {
        vg_scope scope = pass == 0 ? VG_SCOPE_REQUIRED : pass == 1 ? VG_SCOPE_OPTIONAL : VG_SCOPE_DEV;
        for (size_t i = 0; i < lock->count; i++) {
            uv_package *p = &lock->packages[i];
            if (!p->root || !p->component)
                continue;
            int rc = pass == 0 ? uv_each_dependency(lock, p, vg_toml_get_array(p->table, "dependencies"), scope, 0)
                     : uv_each_group(lock, p,
                                     vg_toml_get_table(p->table, pass == 1 ? "optional-dependencies"
                                                                           : "dev-dependencies"),
                                     scope, 0);
            if (!rc)
                rc = uv_propagate(lock, scope);
            if (rc)
                return rc;
        }
    }
    /* roots contain every other package of the lock */
    for (size_t i = 0; i < lock->count; i++) {
        if (!lock->packages[i].root || !lock->packages[i].component)
            continue;
        for (size_t j = 0; j < lock->count; j++)
            if (j != i && lock->packages[j].component &&
                vg_inventory_add_edge(run->inv, lock->packages[i].component, lock->packages[j].component,
                                      VG_EDGE_CONTAINS))
                return VG_ERR_NOMEM;
    }
    return VG_OK;
}

static int collect_uv(vg_catalog_run *run, const vg_file *file)
{
    vg_toml_value *root = vg_lang_load_toml(run, file);
    if (!root)
        return VG_OK;
    const vg_toml_value *packages = vg_toml_get_array(root, "package");
    if (!packages || !packages->count)
        return VG_OK;
    uv_lock lock = {.run = run, .count = packages->count};
    lock.packages = vg_arena_calloc(run->arena, lock.count, sizeof *lock.packages);
    lock.queue = vg_arena_calloc(run->arena, lock.count, sizeof *lock.queue);
    if (!lock.packages || !lock.queue)
        return VG_ERR_NOMEM;
    vg_map_init(&lock.names);
    int rc = uv_build(&lock, file, packages);
    vg_map_free(&lock.names);
    return rc;
}

/* The pinned version of a "==V" / "===V" specifier, or NULL. */
static const char *pinned_version(const char *spec)
{
    if (!spec || strncmp(spec, "==", 2) != 0)
        return NULL;
    spec += spec[2] == '=' ? 3 : 2;
    while (*spec == ' ')
        spec++;
    if (!*spec || strpbrk(spec, "*,;<>!~ "))
        return NULL;
    return spec;
}

static int collect_pipfile(vg_catalog_run *run, const vg_file *file)
{
    json_t *root = vg_lang_load_json(run, file);
    if (!root)
        return VG_OK;
    int rc = VG_OK;
    json_t *defaults = json_object_get(root, "default");
    for (int section = 0; section < 2 && rc == VG_OK; section++) {
        json_t *entries = json_object_get(root, section == 0 ? "default" : "develop");
        if (!json_is_object(entries))
            continue;
        const char *name;
        json_t *entry;
        json_object_foreach(entries, name, entry) {
            if (section == 1 && json_is_object(defaults) && json_object_get(defaults, name))
                continue;
            const char *version = pinned_version(json_string_value(json_object_get(entry, "version")));
            const char *git = json_string_value(json_object_get(entry, "git"));
            const char *ref = json_string_value(json_object_get(entry, "ref"));
            if (!py_valid_name(name, strlen(name)) || (!version && !(git && ref)))
                continue; /* unpinned or local: no identity to report */
            vg_component *c = py_locked(run, file, name, version);
            if (!c) {
                rc = VG_ERR_NOMEM;
                break;
            }
            c->scope = section == 0 ? VG_SCOPE_REQUIRED : VG_SCOPE_DEV;
            vg_purl_qualifier q = {"vcs_url", git && ref && !version ? git_vcs_url(run->arena, git, ref) : NULL};
            if (py_set_purl(run->arena, c, c->version, &q, 1)) {
                rc = VG_ERR_NOMEM;
                break;
            }
        }
    }
    json_decref(root);
    return rc;
}

/* One logical line of a requirements file: text[0..len) with comments cut. */
static int requirement_line(vg_catalog_run *run, const vg_file *file, const char *line, size_t len)
{
    size_t skip, n = requirement_name(line, len, &skip);
    if (!n)
        return VG_OK; /* options (-r, -e, --hash ...), URLs, blank lines */
    size_t i = skip + n;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i < len && line[i] == '[') { /* extras */
        const char *close = memchr(line + i, ']', len - i);
        if (!close)
            return VG_OK;
        i = (size_t)(close - line) + 1;
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
    }
    /* the specifier runs to a marker (';') or an option (" -") */
    size_t end = i;
    while (end < len && line[end] != ';' && !(line[end] == '-' && end > i && (line[end - 1] == ' ' || line[end - 1] == '\t')))
        end++;
    while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    char spec[256];
    if (end - i >= sizeof spec || end == i)
        return VG_OK;
    memcpy(spec, line + i, end - i);
    spec[end - i] = '\0';
    const char *version = pinned_version(spec);
    if (!version)
        return VG_OK;
    char name[PY_NAME_MAX + 1];
    memcpy(name, line + skip, n);
    name[n] = '\0';
    vg_component *c = py_locked(run, file, name, version);
    if (!c || py_set_purl(run->arena, c, c->version, NULL, 0))
        return VG_ERR_NOMEM;
    return VG_OK;
}

static int collect_requirements(vg_catalog_run *run, const vg_file *file)
{
    vg_buf logical;
    vg_buf_init(&logical, 64 * 1024);
    const char *text = (const char *)file->data, *line;
    size_t pos = 0, linelen;
    int rc = VG_OK;
    while (rc == VG_OK && vg_text_next_line(text, file->size, &pos, &line, &linelen)) {
        /* a comment starts at '#' at the line start or after whitespace */
        for (size_t i = 0; i < linelen; i++)
            if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
                linelen = i;
                break;
            }
        int continued = linelen && line[linelen - 1] == '\\';
        if (vg_buf_add(&logical, line, linelen - (size_t)continued) != VG_OK) {
            vg_warn(run->ctx, file->path, "logical line longer than 64 KiB");
            break;
        }
        if (continued)
            continue;
        rc = requirement_line(run, file, logical.data ? logical.data : "", logical.len);
        vg_buf_reset(&logical);
    }
    if (rc == VG_OK && logical.len)
        rc = requirement_line(run, file, logical.data, logical.len);
    vg_buf_free(&logical);
    return rc;
}

static int project_dep(vg_catalog_run *run, py_project *p, const char *requirement)
{
    size_t skip, n = requirement_name(requirement, strlen(requirement), &skip);
    if (!n || (n == 6 && strncasecmp(requirement + skip, "python", 6) == 0))
        return VG_OK;
    char *norm = py_normalize(run->arena, requirement + skip, n);
    return norm ? push_string(run->arena, &p->deps, &p->ndeps, &p->deps_cap, norm, PY_MAX_REQUIRES) : VG_ERR_NOMEM;
}

/* Names of a table of dependencies (poetry) or an array of PEP 508 strings. */
static int project_deps(vg_catalog_run *run, py_project *p, const vg_toml_value *deps)
{
    for (size_t i = 0; deps && i < deps->count; i++) {
        const char *s = deps->type == VG_TOML_TABLE ? deps->keys[i] : toml_string_or_null(deps->items[i]);
        int rc = s ? project_dep(run, p, s) : VG_OK;
        if (rc)
            return rc;
    }
    return VG_OK;
}

static int collect_pyproject(vg_catalog_run *run, py_state *st, const vg_file *file)
{
    vg_toml_value *root = vg_lang_load_toml(run, file);
    if (!root)
        return VG_OK;
    vg_arena *arena = run->arena;
    const vg_toml_value *project = vg_toml_get_table(root, "project");
    const vg_toml_value *poetry = vg_toml_get_table(vg_toml_get_table(root, "tool"), "poetry");
    py_project *p = vg_arena_alloc(arena, sizeof *p);
    if (!p)
        return VG_ERR_NOMEM;
    const char *name = vg_toml_get_string(project, "name");
    const char *version = vg_toml_get_string(project, "version");
    if (!name) {
        name = vg_toml_get_string(poetry, "name");
        version = vg_toml_get_string(poetry, "version");
    }
    if (!name || !py_valid_name(name, strlen(name)))
        return VG_OK;
    p->name = name;
    p->version = version;
    p->layer = file->layer;
    if (!(p->path = vg_lang_text(arena, file->path)) || !(p->dir = vg_lang_dirname(arena, file->path)))
        return VG_ERR_NOMEM;
    int rc = project_deps(run, p, vg_toml_get_array(project, "dependencies"));
    const vg_toml_value *groups[] = {vg_toml_get_table(project, "optional-dependencies"),
                                     vg_toml_get_table(root, "dependency-groups")};
    for (size_t g = 0; g < 2 && !rc; g++)
        for (size_t i = 0; groups[g] && i < groups[g]->count && !rc; i++)
            if (groups[g]->items[i]->type == VG_TOML_ARRAY)
                rc = project_deps(run, p, groups[g]->items[i]);
    if (!rc)
        rc = project_deps(run, p, vg_toml_get_table(poetry, "dependencies"));
    if (!rc)
        rc = project_deps(run, p, vg_toml_get_table(poetry, "dev-dependencies"));
    const vg_toml_value *poetry_groups = vg_toml_get_table(poetry, "group");
    for (size_t i = 0; poetry_groups && i < poetry_groups->count && !rc; i++)
        rc = project_deps(run, p, vg_toml_get_table(poetry_groups->items[i], "dependencies"));
    if (rc)
        return rc;
    p->next = st->projects;
    st->projects = p;
    return VG_OK;
}

/* ---- cataloger ---- */

static void *py_begin(vg_catalog_run *run)
{
    py_state *st = vg_arena_alloc(run->arena, sizeof *st);
    if (st)
        st->dists_tail = &st->dists;
    return st;
}

static int py_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    py_state *st = state;
    size_t len = strlen(file->path);
    const char *slash = strrchr(file->path, '/');
    enum py_kind kind = py_kind_of(file->path, len, slash ? (size_t)(slash - file->path) + 1 : 0);
    if (!file->data)
        return VG_OK;
    int rc = VG_OK;
    switch (kind) {
    case PY_METADATA:
    case PY_PKG_INFO:
    case PY_EGG_INFO_FILE: rc = collect_metadata(run, st, file, kind); break;
    case PY_RECORD:
    case PY_REQUIRES_TXT: rc = collect_sidecar(run, st, file, kind); break;
    case PY_POETRY_LOCK: rc = collect_poetry(run, st, file); break;
    case PY_UV_LOCK: rc = collect_uv(run, file); break;
    case PY_PIPFILE_LOCK: rc = collect_pipfile(run, file); break;
    case PY_REQUIREMENTS: rc = collect_requirements(run, file); break;
    case PY_PYPROJECT: rc = collect_pyproject(run, st, file); break;
    case PY_NONE: break;
    }
    return rc == VG_ERR_NOMEM ? vg_error(run->ctx, rc, "out of memory") : rc;
}

/* Key of a distribution in the site index: SITE '\0' NORMALISED-NAME. */
static char *site_key(vg_arena *arena, const char *site, const char *norm, size_t *len)
{
    size_t a = strlen(site), b = strlen(norm);
    char *k = vg_arena_alloc(arena, a + b + 2);
    if (k) {
        memcpy(k, site, a);
        memcpy(k + a + 1, norm, b);
        *len = a + 1 + b;
    }
    return k;
}

static int finish_installed(vg_catalog_run *run, py_state *st, vg_map *sites, vg_map *sidecars_by_dir)
{
    vg_arena *arena = run->arena;
    for (py_sidecar *sc = st->sidecars; sc; sc = sc->next) {
        /* RECORD and requires.txt have different parents (.dist-info vs .egg-info) */
        if (vg_map_put(sidecars_by_dir, sc->metadir, strlen(sc->metadir), sc))
            return VG_ERR_NOMEM;
    }
    for (py_dist *d = st->dists; d; d = d->next) {
        vg_file where = {.path = d->location, .layer = d->layer};
        vg_component *c = vg_lang_component(run, &where, "pypi", cataloger_name, d->name, d->version);
        if (!c || py_set_purl(arena, c, c->version, NULL, 0))
            return VG_ERR_NOMEM;
        c->description = d->summary;
        c->homepage = d->homepage;
        c->supplier = d->author;
        c->license = d->license;
        d->component = c;
        py_sidecar *sc = vg_map_get(sidecars_by_dir, d->metadir, strlen(d->metadir));
        if (sc && sc->kind == PY_RECORD) {
            c->files = sc->items;
            c->nfiles = sc->nitems;
        } else if (sc && sc->kind == PY_REQUIRES_TXT) {
            for (size_t i = 0; i < sc->nitems; i++)
                if (push_string(arena, &d->requires, &d->nrequires, &d->requires_cap, sc->items[i],
                                PY_MAX_REQUIRES))
                    return VG_ERR_NOMEM;
        }
        size_t klen;
        char *norm = py_normalize(arena, d->name, strlen(d->name));
        char *key = norm ? site_key(arena, d->site, norm, &klen) : NULL;
        if (!key)
            return VG_ERR_NOMEM;
        if (!vg_map_get(sites, key, klen) && vg_map_put(sites, key, klen, c))
            return VG_ERR_NOMEM;
    }
    for (py_dist *d = st->dists; d; d = d->next) {
        for (size_t i = 0; i < d->nrequires; i++) {
            size_t klen;
            char *key = site_key(arena, d->site, d->requires[i], &klen);
            if (!key)
                return VG_ERR_NOMEM;
            vg_component *to = vg_map_get(sites, key, klen);
            if (to && to != d->component && vg_inventory_add_edge(run->inv, d->component, to, VG_EDGE_DEPENDS_ON))
                return VG_ERR_NOMEM;
        }
    }
    return VG_OK;
}

static int finish_poetry_roots(vg_catalog_run *run, py_state *st)
{
    for (py_poetry *lock = st->poetry; lock; lock = lock->next) {
        py_project *p = st->projects;
        while (p && strcmp(p->dir, lock->dir) != 0)
            p = p->next;
        if (!p)
            continue;
        vg_file where = {.path = p->path, .layer = p->layer};
        vg_component *root = vg_lang_component(run, &where, "pypi", cataloger_name, p->name, p->version);
        if (!root || py_set_purl(run->arena, root, root->version, NULL, 0))
            return VG_ERR_NOMEM;
        root->application = 1;
        root->evidence = VG_EVIDENCE_MANIFEST;
        for (size_t i = 0; i < p->ndeps; i++)
            if (vg_lang_index_depend(run->inv, &lock->index, root, p->deps[i], NULL, NULL))
                return VG_ERR_NOMEM;
        if (vg_lang_index_contain(run->inv, &lock->index, root))
            return VG_ERR_NOMEM;
    }
    return VG_OK;
}

static void py_discard(void *state)
{
    py_state *st = state;
    for (py_poetry *lock = st->poetry; lock; lock = lock->next)
        vg_lang_index_free(&lock->index);
    st->poetry = NULL;
}

static int py_finish(vg_catalog_run *run, void *state)
{
    py_state *st = state;
    vg_map sites, sidecars;
    vg_map_init(&sites);
    vg_map_init(&sidecars);
    int rc = finish_installed(run, st, &sites, &sidecars);
    if (rc == VG_OK)
        rc = finish_poetry_roots(run, st);
    vg_map_free(&sites);
    vg_map_free(&sidecars);
    py_discard(st);
    return rc == VG_ERR_NOMEM ? vg_error(run->ctx, rc, "out of memory") : rc;
}

const vg_cataloger vg_cataloger_python = {
    .name = cataloger_name,
    .wants = py_wants,
    .max_size = PY_MAX_SIZE,
    .begin = py_begin,
    .collect = py_collect,
    .finish = py_finish,
    .discard = py_discard,
};

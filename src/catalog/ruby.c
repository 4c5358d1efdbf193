/*
 * ruby.c — the "ruby" cataloger: Ruby gems, installed or locked by Bundler.
 *
 * Installed: SPECDIR/NAME-VERSION[-PLATFORM].gemspec below a directory named
 * "specifications" (and its "default" subdirectory), the Ruby-format
 * specifications RubyGems writes at install time (Gem::Specification#to_ruby,
 * RubyGems 2.x-3.x) and Debian's rubygems-integration ships.  vigil does not
 * run Ruby: it reads, line by line and bounded,
 *  - the "# stub: NAME VERSION PLATFORM REQUIRE_PATHS" header;
 *  - "VAR.ATTR = VALUE" assignments where VALUE is a string literal ("...",
 *    '...', %q<...> and the other %q/%Q delimiters, optionally .freeze),
 *    an array of them, or Gem::Version.new(literal): name, version,
 *    platform, summary, homepage, license, licenses, authors;
 *  - VAR.add_runtime_dependency(NAME, ...) and VAR.add_dependency(NAME, ...)
 *    (the latter only when the file has no add_runtime/add_development
 *    calls: old RubyGems wrote the runtime ones that way).
 * Anything else (conditionals, metadata hashes, Ruby code) is ignored; a
 * gemspec without name and version is skipped with a warning.  Runtime
 * dependencies become DEPENDS_ON edges to every installed gem of that name
 * under the same gem directory (the directory holding "specifications").
 *
 * Gemfile.lock (Bundler 1.x-2.x lockfile, as Bundler::LockfileParser reads
 * it): sources GIT, PATH, GEM and PLUGIN SOURCE with remote/revision/
 * branch/tag/ref and "specs:" entries "    NAME (VERSION[-PLATFORM])" with
 * their dependencies "      NAME (REQS)" (DEPENDS_ON edges); PLATFORMS,
 * DEPENDENCIES ("NAME (REQS)" or "NAME!"), RUBY VERSION, BUNDLED WITH
 * (property vigil:gem:bundler-version on every locked gem).  A PATH source
 * whose remote is "." holds the project itself: its specs are application
 * roots, with DEPENDS_ON edges to the DEPENDENCIES entries and CONTAINS
 * edges to every locked gem.  Without one there is no root (the lock file
 * does not name the project).
 *
 * Package URL (PURL-TYPES.rst, gem): pkg:gem/NAME@VERSION?platform=P when
 * the platform is not "ruby"; git gems add vcs_url=git+REMOTE@REVISION, gems
 * from a GEM section whose only remote is not rubygems.org add
 * repository_url (with several remotes the lockfile does not say which
 * one a gem came from; the last is kept in vigil:gem:remote); PATH gems
 * are local code: no version in the purl.  Scope is not recorded in a
 * lockfile (Gemfile groups are not in it), so it is left unknown.
 *
 * Left out: gemspecs in YAML (metadata.gz inside .gem files), installed
 * gems' file lists, Gemfile and *.gemspec project files, CHECKSUMS.
 */
#include <string.h>

#include "catalog/lang.h"
#include "catalog/pkgdb_text.h"
#include "vigil/buf.h"
#include "vigil/catalog.h"
#include "vigil/purl.h"

#define GEM_MAX_SIZE ((size_t)16 << 20)
#define GEM_MAX_DEPS 4096        /* dependencies kept per gem */
#define GEM_STRING_MAX 65536     /* longest string literal decoded */

static const char cataloger_name[] = "ruby";

/* ---- which files ---- */

static int ends_with(const char *s, size_t len, const char *suffix, size_t slen)
{
    return len >= slen && memcmp(s + len - slen, suffix, slen) == 0;
}

/* A gemspec in ".../specifications/" or ".../specifications/default/". */
static int is_installed_gemspec(const char *path, size_t len, size_t base)
{
    if (!ends_with(path + base, len - base, ".gemspec", 8))
        return 0;
    static const char spec[] = "specifications/", def[] = "specifications/default/";
    return (base >= sizeof spec - 1 && memcmp(path + base - (sizeof spec - 1), spec, sizeof spec - 1) == 0) ||
           (base >= sizeof def - 1 && memcmp(path + base - (sizeof def - 1), def, sizeof def - 1) == 0);
}

static int is_gemfile_lock(const char *path, size_t len, size_t base)
{
    return len - base == 12 && memcmp(path + base, "Gemfile.lock", 12) == 0;
}

static int ruby_wants(const char *path, size_t len, size_t base)
{
    return is_gemfile_lock(path, len, base) || is_installed_gemspec(path, len, base);
}

/* ---- shared ---- */

static int valid_gem_name(const char *s, size_t len)
{
    if (len == 0 || len > 256)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

static int push_name(vg_arena *arena, const char ***items, size_t *n, size_t *cap, const char *s)
{
    if (*n >= GEM_MAX_DEPS)
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

static int set_gem_purl(vg_arena *arena, vg_component *c, const char *purl_version, const char *platform,
                        const char *vcs_url, const char *repository_url)
{
    vg_purl_qualifier q[3] = {{"platform", platform && strcmp(platform, "ruby") != 0 ? platform : NULL},
                              {"vcs_url", vcs_url},
                              {"repository_url", repository_url}};
    c->purl = vg_purl_format(arena, "gem", NULL, c->name, purl_version, q, 3);
    return c->purl ? VG_OK : VG_ERR_NOMEM;
}

/* ---- installed gemspecs ---- */

typedef struct gem_spec {
    const char *location, *home;
    int layer;
    const char *name, *version, *platform, *summary, *homepage, *license, *authors;
    const char **deps, **plain_deps; /* add_runtime_dependency / add_dependency names */
    size_t ndeps, deps_cap, nplain, plain_cap;
    int typed_deps;                  /* saw add_runtime/add_development calls */
    vg_component *component;
    struct gem_spec *next;
} gem_spec;

typedef struct ruby_state {
    gem_spec *specs, **tail;
} ruby_state;

/*
 * Decodes one Ruby string literal at *p (end = limit) into out; moves *p
 * past it and past a following ".freeze".  Returns 1 on success, 0 when
 * *p is not a supported literal.
 */
static int ruby_string(const char **p, const char *end, vg_buf *out)
{
    const char *s = *p;
    vg_buf_reset(out);
    if (s >= end)
        return 0;
    char open = 0, close = 0;
    int interpolating = 0;
    if (*s == '"' || *s == '\'') {
        open = close = *s;
        interpolating = *s == '"';
        s++;
    } else if (*s == '%' && end - s >= 3 && (s[1] == 'q' || s[1] == 'Q')) {
        interpolating = s[1] == 'Q';
        open = s[2];
        close = open == '<' ? '>' : open == '{' ? '}' : open == '(' ? ')' : open == '[' ? ']' : open;
        if (open == ' ' || (open >= 'a' && open <= 'z') || (open >= 'A' && open <= 'Z') || (open >= '0' && open <= '9'))
            return 0;
        s += 3;
    } else {
        return 0;
    }
    int depth = 0;
    for (;;) {
        if (s >= end)
            return 0;
        char c = *s++;
        if (c == close && depth == 0)
            break;
        if (c == open && open != close)
            depth++;
        else if (c == close)
            depth--;
        if (c == '\\' && s < end) {
            char e = *s++;
            if (!interpolating) {
                /* single-quoted: only \\ and the delimiter are escapes */
                if (e != '\\' && e != close && e != open && vg_buf_addc(out, '\\'))
                    return 0;
                if (vg_buf_addc(out, e))
                    return 0;
                continue;
            }
            char decoded = e;
            switch (e) {
            case 'n': decoded = '\n'; break;
            case 't': decoded = '\t'; break;
            case 'r': decoded = '\r'; break;
            case 's': decoded = ' '; break;
            case 'e': decoded = 0x1b; break;
            case '0': decoded = '\0'; break;
            case 'u': {
                /* \uXXXX or \u{X...}: kept as UTF-8 */
                unsigned cp = 0;
                int digits = 0, braces = s < end && *s == '{';
                if (braces)
                    s++;
                while (s < end && digits < (braces ? 6 : 4)) {
                    char h = *s;
                    int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                            : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                    if (v < 0)
                        break;
                    cp = cp << 4 | (unsigned)v;
                    digits++;
                    s++;
                }
                if (braces && s < end && *s == '}')
                    s++;
                char utf8[4];
                size_t n = 0;
                if (cp < 0x80)
                    utf8[n++] = (char)cp;
                else if (cp < 0x800)
                    utf8[n++] = (char)(0xc0 | cp >> 6), utf8[n++] = (char)(0x80 | (cp & 0x3f));
                else if (cp < 0x10000)
                    utf8[n++] = (char)(0xe0 | cp >> 12), utf8[n++] = (char)(0x80 | (cp >> 6 & 0x3f)),
                    utf8[n++] = (char)(0x80 | (cp & 0x3f));
                else
                    utf8[n++] = (char)(0xf0 | (cp >> 18 & 0x07)), utf8[n++] = (char)(0x80 | (cp >> 12 & 0x3f)),
                    utf8[n++] = (char)(0x80 | (cp >> 6 & 0x3f)), utf8[n++] = (char)(0x80 | (cp & 0x3f));
                if (vg_buf_add(out, utf8, n))
                    return 0;
                continue;
            }
            default: break;
            }
            if (vg_buf_addc(out, decoded))
                return 0;
            continue;
        }
        if (vg_buf_addc(out, c))
            return 0;
    }
    if (end - s >= 7 && memcmp(s, ".freeze", 7) == 0)
        s += 7;
    *p = s;
    return 1;
}

static void skip_spaces(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
}

/* Copies the decoded literal into the arena as UTF-8. */
static const char *literal_copy(vg_arena *arena, const vg_buf *b)
{
    return vg_text_utf8_copy(arena, b->data ? b->data : "", b->len, NULL);
}

/* VALUE of an assignment: a literal, Gem::Version.new(literal) or an array
 * of literals (joined with ", ", or " OR " for licences). */
static int gemspec_value(vg_arena *arena, const char *p, const char *end, const char *joiner, const char **out)
{
    vg_buf lit, joined;
    vg_buf_init(&lit, GEM_STRING_MAX);
    vg_buf_init(&joined, GEM_STRING_MAX);
    int rc = VG_OK;
    static const char version_new[] = "Gem::Version.new(";
    if (end - p >= (ptrdiff_t)sizeof version_new - 1 && memcmp(p, version_new, sizeof version_new - 1) == 0)
        p += sizeof version_new - 1;
    if (p < end && *p == '[') {
        p++;
        for (int first = 1;; first = 0) {
            skip_spaces(&p, end);
            if (!ruby_string(&p, end, &lit))
                break;
            if ((!first && vg_buf_addstr(&joined, joiner)) || (lit.len && vg_buf_add(&joined, lit.data, lit.len)))
                break;
            skip_spaces(&p, end);
            if (p >= end || *p != ',')
                break;
            p++;
        }
        if (joined.len && !(*out = vg_text_utf8_copy(arena, joined.data, joined.len, NULL)))
            rc = VG_ERR_NOMEM;
    } else if (ruby_string(&p, end, &lit)) {
        if (!(*out = literal_copy(arena, &lit)))
            rc = VG_ERR_NOMEM;
    }
    vg_buf_free(&lit);
    vg_buf_free(&joined);
    return rc;
}

static int gemspec_line(vg_arena *arena, gem_spec *g, const char *line, size_t len)
{
    const char *p = line, *end = line + len;
    skip_spaces(&p, end);
    static const char stub[] = "# stub: ";
    if (end - p > (ptrdiff_t)sizeof stub - 1 && memcmp(p, stub, sizeof stub - 1) == 0) {
        /* NAME VERSION PLATFORM REQUIRE_PATHS (the first stub line only) */
        if (g->name)
            return VG_OK;
        p += sizeof stub - 1;
        const char *words[3];
        size_t lens[3], n = 0;
        while (n < 3 && p < end) {
            const char *w = p;
            while (p < end && *p != ' ')
                p++;
            words[n] = w;
            lens[n++] = (size_t)(p - w);
            skip_spaces(&p, end);
        }
        if (n < 2 || !valid_gem_name(words[0], lens[0]))
            return VG_OK;
        g->name = vg_text_utf8_copy(arena, words[0], lens[0], NULL);
        g->version = vg_text_utf8_copy(arena, words[1], lens[1], NULL);
        if (n == 3)
            g->platform = vg_text_utf8_copy(arena, words[2], lens[2], NULL);
        return g->name && g->version && (n < 3 || g->platform) ? VG_OK : VG_ERR_NOMEM;
    }
    /* VAR.ATTR = VALUE or VAR.add_..._dependency(NAME, ...) */
    const char *dot = p;
    while (dot < end && ((*dot >= 'a' && *dot <= 'z') || *dot == '_'))
        dot++;
    if (dot == p || dot >= end || *dot != '.')
        return VG_OK;
    const char *attr = dot + 1, *q = attr;
    while (q < end && ((*q >= 'a' && *q <= 'z') || *q == '_'))
        q++;
    size_t attrlen = (size_t)(q - attr);
#define ATTR_IS(lit) (attrlen == sizeof lit - 1 && memcmp(attr, lit, attrlen) == 0)
    if (ATTR_IS("add_runtime_dependency") || ATTR_IS("add_development_dependency") || ATTR_IS("add_dependency")) {
        int runtime = ATTR_IS("add_runtime_dependency"), plain = ATTR_IS("add_dependency");
        g->typed_deps |= !plain;
        skip_spaces(&q, end);
        if (q < end && *q == '(')
            q++;
        skip_spaces(&q, end);
        if (!runtime && !plain)
            return VG_OK;
        vg_buf lit;
        vg_buf_init(&lit, GEM_STRING_MAX);
        int rc = VG_OK;
        if (ruby_string(&q, end, &lit) && valid_gem_name(lit.data, lit.len)) {
            const char *name = vg_arena_strndup(arena, lit.data, lit.len);
            rc = !name ? VG_ERR_NOMEM
                 : runtime ? push_name(arena, &g->deps, &g->ndeps, &g->deps_cap, name)
                           : push_name(arena, &g->plain_deps, &g->nplain, &g->plain_cap, name);
        }
        vg_buf_free(&lit);
        return rc;
    }
    skip_spaces(&q, end);
    if (q >= end || *q != '=' || (q + 1 < end && q[1] == '='))
        return VG_OK;
    q++;
    skip_spaces(&q, end);
    const char **slot = NULL;
    const char *joiner = ", ";
    if (ATTR_IS("name"))
        slot = &g->name;
    else if (ATTR_IS("version"))
        slot = &g->version;
    else if (ATTR_IS("platform"))
        slot = &g->platform;
    else if (ATTR_IS("summary"))
        slot = &g->summary;
    else if (ATTR_IS("homepage"))
        slot = &g->homepage;
    else if (ATTR_IS("authors") || ATTR_IS("author"))
        slot = &g->authors;
    else if (ATTR_IS("licenses") || ATTR_IS("license"))
        slot = &g->license, joiner = " OR ";
#undef ATTR_IS
    if (!slot)
        return VG_OK;
    const char *value = NULL;
    int rc = gemspec_value(arena, q, end, joiner, &value);
    if (value)
        *slot = value; /* a later assignment wins, as in Ruby */
    return rc;
}

static int collect_gemspec(vg_catalog_run *run, ruby_state *st, const vg_file *file)
{
    vg_arena *arena = run->arena;
    gem_spec *g = vg_arena_alloc(arena, sizeof *g);
    if (!g)
        return VG_ERR_NOMEM;
    const char *text = (const char *)file->data, *line;
    size_t pos = 0, linelen;
    while (vg_text_next_line(text, file->size, &pos, &line, &linelen))
        if (gemspec_line(arena, g, line, linelen))
            return VG_ERR_NOMEM;
    if (!g->name || !g->version || !*g->version || !valid_gem_name(g->name, strlen(g->name))) {
        vg_warn(run->ctx, file->path, "gemspec without a valid name and version");
        return VG_OK;
    }
    g->layer = file->layer;
    g->location = vg_lang_text(arena, file->path);
    /* the gem directory: the part before "/specifications/" */
    const char *spec = strstr(file->path, "specifications/");
    const char *last = spec;
    while (last && (spec = strstr(last + 1, "specifications/")) != NULL)
        last = spec;
    g->home = vg_arena_strndup(arena, file->path, last ? (size_t)(last - file->path) : 0);
    if (!g->location || !g->home)
        return VG_ERR_NOMEM;
    *st->tail = g;
    st->tail = &g->next;
    return VG_OK;
}

static int finish_gemspecs(vg_catalog_run *run, ruby_state *st)
{
    vg_arena *arena = run->arena;
    vg_lang_index index;
    vg_lang_index_init(&index, arena);
    int rc = VG_OK;
    for (gem_spec *g = st->specs; g && rc == VG_OK; g = g->next) {
        vg_file where = {.path = g->location, .layer = g->layer};
        vg_component *c = vg_lang_component(run, &where, "gem", cataloger_name, g->name, g->version);
        if (!c || set_gem_purl(arena, c, c->version, g->platform, NULL, NULL)) {
            rc = VG_ERR_NOMEM;
            break;
        }
        c->description = g->summary;
        c->homepage = g->homepage;
        c->license = g->license;
        c->supplier = g->authors;
        if (g->platform && strcmp(g->platform, "ruby") != 0)
            c->arch = g->platform;
        g->component = c;
        char *key = vg_arena_printf(arena, "%s%c%s", g->home, 1, g->name);
        rc = key ? vg_lang_index_add(&index, key, c) : VG_ERR_NOMEM;
    }
    for (gem_spec *g = st->specs; g && rc == VG_OK; g = g->next) {
        const char **deps = g->typed_deps ? g->deps : g->plain_deps;
        size_t n = g->typed_deps ? g->ndeps : g->nplain;
        for (size_t i = 0; i < n && rc == VG_OK; i++) {
            char *key = vg_arena_printf(arena, "%s%c%s", g->home, 1, deps[i]);
            rc = key ? vg_lang_index_depend(run->inv, &index, g->component, key, NULL, NULL) : VG_ERR_NOMEM;
        }
    }
    vg_lang_index_free(&index);
    return rc;
}

/* ---- Gemfile.lock ---- */

enum lock_section { SEC_NONE, SEC_SOURCE, SEC_PLATFORMS, SEC_DEPENDENCIES, SEC_BUNDLED_WITH, SEC_OTHER };
enum lock_source { SRC_GEM, SRC_GIT, SRC_PATH, SRC_PLUGIN };

typedef struct lock_spec {
    vg_component *component;
    const char **deps;
    size_t ndeps, deps_cap;
    struct lock_spec *next;
} lock_spec;

typedef struct lock_parse {
    vg_catalog_run *run;
    const vg_file *file;
    enum lock_section section;
    enum lock_source source;
    const char *remote, *revision;
    int remotes; /* remote: lines of the current source */
    lock_spec *specs, **tail, *current;
    const char **direct; /* DEPENDENCIES names */
    size_t ndirect, direct_cap;
    const char *bundler_version;
    vg_lang_index index;
} lock_parse;

/* "NAME (VERSION)" or "NAME (REQS)" or "NAME!" or "NAME": the name's length. */
static size_t lock_entry_name(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] != ' ' && s[n] != '!' && s[n] != '(')
        n++;
    return valid_gem_name(s, n) ? n : 0;
}

static int lock_spec_line(lock_parse *lp, const char *s, size_t len, size_t lineno)
{
    vg_catalog_run *run = lp->run;
    vg_arena *arena = run->arena;
    size_t n = lock_entry_name(s, len);
    const char *open = memchr(s, '(', len);
    const char *close = open ? memchr(open, ')', len - (size_t)(open - s)) : NULL;
    if (!n || !open || !close || close == open + 1) {
        vg_warn(run->ctx, lp->file->path, "line %zu: not a \"NAME (VERSION)\" spec", lineno);
        lp->current = NULL;
        return VG_OK;
    }
    char name[257];
    memcpy(name, s, n);
    name[n] = '\0';
    /* VERSION-PLATFORM: gem versions never hold '-' */
    const char *v = open + 1;
    size_t vlen = (size_t)(close - v);
    const char *dash = memchr(v, '-', vlen);
    char *version = vg_text_utf8_copy(arena, v, dash ? (size_t)(dash - v) : vlen, NULL);
    char *platform = dash ? vg_text_utf8_copy(arena, dash + 1, vlen - (size_t)(dash + 1 - v), NULL) : NULL;
    if (!version || (dash && !platform))
        return VG_ERR_NOMEM;
    vg_component *c = vg_lang_component(run, lp->file, "gem", cataloger_name, name, version);
    if (!c)
        return VG_ERR_NOMEM;
    c->evidence = VG_EVIDENCE_LOCK;
    if (platform && strcmp(platform, "ruby") != 0)
        c->arch = platform;
    const char *vcs = NULL, *repository = NULL, *purl_version = version;
    static const char *const kinds[] = {"rubygems", "git", "path", "plugin"};
    if (vg_component_set_property(run->inv, c, "vigil:gem:source-type", kinds[lp->source]) ||
        vg_component_set_property(run->inv, c, "vigil:gem:remote", lp->remote) ||
        vg_component_set_property(run->inv, c, "vigil:gem:revision", lp->revision) ||
        vg_component_set_property(run->inv, c, "vigil:gem:bundler-version", lp->bundler_version))
        return VG_ERR_NOMEM;
    if (lp->source == SRC_GIT && lp->remote)
        vcs = lp->revision ? vg_arena_printf(arena, "git+%s@%s", lp->remote, lp->revision)
                           : vg_arena_printf(arena, "git+%s", lp->remote);
    else if (lp->source == SRC_GEM && lp->remote && lp->remotes == 1 && strcmp(lp->remote, "https://rubygems.org/") != 0 &&
             strcmp(lp->remote, "https://rubygems.org") != 0)
        repository = lp->remote;
    else if (lp->source == SRC_PATH)
        purl_version = NULL;
    if (set_gem_purl(arena, c, purl_version, platform, vcs, repository))
        return VG_ERR_NOMEM;
    if (lp->source == SRC_PATH && lp->remote && strcmp(lp->remote, ".") == 0)
        c->application = 1;
    lock_spec *ls = vg_arena_alloc(arena, sizeof *ls);
    if (!ls)
        return VG_ERR_NOMEM;
    ls->component = c;
    *lp->tail = ls;
    lp->tail = &ls->next;
    lp->current = ls;
    return vg_lang_index_add(&lp->index, c->name, c);
}

static int lock_line(lock_parse *lp, const char *line, size_t len, size_t lineno)
{
    vg_arena *arena = lp->run->arena;
    size_t indent = 0;
    while (indent < len && line[indent] == ' ')
        indent++;
    if (indent == len)
        return VG_OK;
    const char *s = line + indent;
    size_t slen = len - indent;
    if (indent == 0) {
        lp->current = NULL;
        lp->remote = lp->revision = NULL;
        lp->remotes = 0;
#define IS(lit) (slen == sizeof lit - 1 && memcmp(s, lit, slen) == 0)
        if (IS("GEM"))
            lp->section = SEC_SOURCE, lp->source = SRC_GEM;
        else if (IS("GIT"))
            lp->section = SEC_SOURCE, lp->source = SRC_GIT;
        else if (IS("PATH"))
            lp->section = SEC_SOURCE, lp->source = SRC_PATH;
        else if (IS("PLUGIN SOURCE"))
            lp->section = SEC_SOURCE, lp->source = SRC_PLUGIN;
        else if (IS("PLATFORMS"))
            lp->section = SEC_PLATFORMS;
        else if (IS("DEPENDENCIES"))
            lp->section = SEC_DEPENDENCIES;
        else if (IS("BUNDLED WITH"))
            lp->section = SEC_BUNDLED_WITH;
        else
            lp->section = SEC_OTHER; /* RUBY VERSION, CHECKSUMS, future sections */
#undef IS
        return VG_OK;
    }
    switch (lp->section) {
    case SEC_SOURCE:
        if (indent == 2) {
            const char *colon = memchr(s, ':', slen);
            if (!colon)
                return VG_OK;
            size_t klen = (size_t)(colon - s);
            const char *v = colon + 1;
            while (v < s + slen && *v == ' ')
                v++;
            const char **slot = klen == 6 && memcmp(s, "remote", 6) == 0     ? &lp->remote
                                : klen == 8 && memcmp(s, "revision", 8) == 0 ? &lp->revision
                                                                            : NULL;
            if (slot && !(*slot = vg_text_utf8_copy(arena, v, (size_t)(s + slen - v), NULL)))
                return VG_ERR_NOMEM;
            lp->remotes += slot == &lp->remote;
            return VG_OK;
        }
        if (indent == 4)
            return lock_spec_line(lp, s, slen, lineno);
        if (indent == 6 && lp->current) {
            size_t n = lock_entry_name(s, slen);
            if (!n)
                return VG_OK;
            char *name = vg_arena_strndup(arena, s, n);
            return name ? push_name(arena, &lp->current->deps, &lp->current->ndeps, &lp->current->deps_cap, name)
                        : VG_ERR_NOMEM;
        }
        return VG_OK;
    case SEC_DEPENDENCIES: {
        size_t n = lock_entry_name(s, slen);
        if (!n || indent != 2)
            return VG_OK;
        char *name = vg_arena_strndup(arena, s, n);
        return name ? push_name(arena, &lp->direct, &lp->ndirect, &lp->direct_cap, name) : VG_ERR_NOMEM;
    }
    default: /* PLATFORMS, BUNDLED WITH (read before), other sections */
        return VG_OK;
    }
}

static int collect_gemfile_lock(vg_catalog_run *run, const vg_file *file)
{
    const char *text = (const char *)file->data, *line;
    size_t pos = 0, linelen, lineno = 0;
    lock_parse lp = {.run = run, .file = file};
    lp.tail = &lp.specs;
    vg_lang_index_init(&lp.index, run->arena);
    int rc = VG_OK;
    /* BUNDLED WITH comes last but is a property of every gem: find it first */
    static const char bundled[] = "\nBUNDLED WITH\n";
    const char *bw = memmem(text, file->size, bundled, sizeof bundled - 1);
    if (bw) {
        const char *v = bw + sizeof bundled - 1, *end = text + file->size;
        while (v < end && *v == ' ')
            v++;
        const char *e = v;
        while (e < end && *e != '\n' && *e != '\r' && *e != ' ')
            e++;
        if (e > v && !(lp.bundler_version = vg_text_utf8_copy(run->arena, v, (size_t)(e - v), NULL)))
            rc = VG_ERR_NOMEM;
    }
    while (rc == VG_OK && vg_text_next_line(text, file->size, &pos, &line, &linelen)) {
        lineno++;
        if (linelen && memchr(line, '\t', linelen)) {
            vg_warn(run->ctx, file->path, "line %zu: tab in a lockfile", lineno);
            continue;
        }
        if (lp.section == SEC_BUNDLED_WITH && linelen && line[0] == ' ')
            continue; /* read above */
        rc = lock_line(&lp, line, linelen, lineno);
    }
    for (lock_spec *ls = lp.specs; ls && rc == VG_OK; ls = ls->next)
        for (size_t i = 0; i < ls->ndeps && rc == VG_OK; i++)
            rc = vg_lang_index_depend(run->inv, &lp.index, ls->component, ls->deps[i], NULL, NULL);
    for (lock_spec *ls = lp.specs; ls && rc == VG_OK; ls = ls->next) {
        if (!ls->component->application)
            continue;
        for (size_t i = 0; i < lp.ndirect && rc == VG_OK; i++)
            rc = vg_lang_index_depend(run->inv, &lp.index, ls->component, lp.direct[i], NULL, NULL);
        if (rc == VG_OK)
            rc = vg_lang_index_contain(run->inv, &lp.index, ls->component);
    }
    vg_lang_index_free(&lp.index);
    return rc;
}

/* ---- cataloger ---- */

static void *ruby_begin(vg_catalog_run *run)
{
    ruby_state *st = vg_arena_alloc(run->arena, sizeof *st);
    if (st)
        st->tail = &st->specs;
    return st;
}

static int ruby_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    if (!file->data)
        return VG_OK;
    size_t len = strlen(file->path);
    const char *slash = strrchr(file->path, '/');
    size_t base = slash ? (size_t)(slash - file->path) + 1 : 0;
    int rc = is_gemfile_lock(file->path, len, base) ? collect_gemfile_lock(run, file)
                                                    : collect_gemspec(run, state, file);
    return rc == VG_ERR_NOMEM ? vg_error(run->ctx, rc, "out of memory") : rc;
}

static int ruby_finish(vg_catalog_run *run, void *state)
{
    int rc = finish_gemspecs(run, state);
    return rc == VG_ERR_NOMEM ? vg_error(run->ctx, rc, "out of memory") : rc;
}

const vg_cataloger vg_cataloger_ruby = {
    .name = cataloger_name,
    .wants = ruby_wants,
    .max_size = GEM_MAX_SIZE,
    .begin = ruby_begin,
    .collect = ruby_collect,
    .finish = ruby_finish,
};

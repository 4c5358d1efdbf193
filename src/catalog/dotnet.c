/*
 * dotnet.c — the "dotnet" cataloger: NuGet packages of .NET applications,
 * from *.deps.json files (published and built applications) and from
 * packages.lock.json files (source trees with NuGet lock files enabled).
 *
 * *.deps.json (the .NET host's dependency manifest, dotnet/runtime
 * docs/design/features/host-runtime-information.md and
 * Microsoft.Extensions.DependencyModel): "libraries" maps "Name/Version" to
 * {type, serviceable, sha512, path, hashPath}; libraries of type "package"
 * are NuGet packages and become components, the one(s) of type "project"
 * are the application (application = 1; its purl is pkg:nuget too, as the
 * project would be published under that id); other types ("reference",
 * "runtimepack", "msbuildproject") are not NuGet packages on a feed and are
 * left out.  "targets" maps a target framework (and runtime) to "Name/Version"
 * entries whose "dependencies" object gives DEPENDS_ON edges; the target
 * named by runtimeTarget.name is used, or the first one when it is absent.
 * Properties: vigil:nuget:sha512 (the SRI-style "sha512-..." string),
 * vigil:nuget:path.
 *
 * packages.lock.json (NuGet lock file, version 1 and 2: "dependencies"
 * maps each target framework to package ids with type Direct / Transitive
 * / CentralTransitive / Project, requested range, resolved version,
 * contentHash, dependencies): every non-Project package with a resolved
 * version is one component per (id, version) in the file, whatever the
 * number of frameworks; edges follow each framework's dependencies to the
 * version resolved in that framework.  The lock file does not name the
 * project that owns it, so there is no application component; the type is
 * kept as vigil:nuget:dependency-type (Direct, Transitive...).
 *
 * *.nuspec (NuGet package manifest, learn.microsoft.com/nuget/reference/nuspec;
 * the global packages folder keeps one beside every installed package,
 * ~/.nuget/packages/ID/VERSION/ID.nuspec): package/metadata gives one
 * component, id and version, licence from <license type="expression">,
 * description, projectUrl as homepage, authors as supplier.  An id or
 * version with a $token$ (a manifest nuget pack fills in) is not a value:
 * no id, no component; no version, no purl.
 *
 * *.csproj, *.fsproj, *.vbproj (MSBuild project files; PackageReference,
 * learn.microsoft.com/nuget/consume-packages/package-references-in-project-files):
 * the project is the application (name from PackageId, AssemblyName or the
 * file name; version from PackageVersion, Version or
 * VersionPrefix[-VersionSuffix]; purl only with a version), each
 * ItemGroup/PackageReference with an Include and a pinned Version (or
 * VersionOverride; attribute or child element: "1.2.3", NuGet's minimum,
 * which restore picks, or "[1.2.3]") is a component the project DEPENDS_ON
 * and CONTAINS, one per (id, version) in the file.  Properties come from
 * PropertyGroups without a Condition, the last definition winning as in
 * MSBuild; items are read whatever their Condition (each is a dependency in
 * some configuration).  MSBuild names are matched without case.  Not
 * evaluated: $(Property) references (such a value is not a value), imports
 * (Directory.Build.props, Directory.Packages.props: central versions),
 * floating versions and ranges (not pins), Update items.
 * Both kinds of XML file are read with vigil/xml.h (libexpat): UTF-8,
 * UTF-16 and ISO-8859-1, nothing external; a document it refuses is a
 * warning naming the file and line.
 *
 * Package URL: pkg:nuget/Id@Version.  NuGet ids are case-insensitive; the
 * purl keeps the case the file uses (PURL-TYPES has no lower-casing rule for
 * nuget, and nuget.org shows ids in their original case).  Dependency names
 * are matched case-insensitively (ASCII).
 *
 * Left out: project.assets.json, packages.config, the dependencies a
 * .nuspec lists (ranges), runtime assets and native libraries of each
 * package.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "catalog/lang.h"
#include "vigil/buf.h"
#include "vigil/map.h"
#include "vigil/purl.h"
#include "vigil/xml.h"

#define DOTNET_MAX_SIZE ((size_t)32 << 20)
#define DOTNET_KEY_MAX 1024 /* longest "Name/Version" handled */

static const char deps_suffix[] = ".deps.json";
static const char lock_name[] = "packages.lock.json";
static const char nuspec_suffix[] = ".nuspec";
static const char *const project_suffixes[] = {".csproj", ".fsproj", ".vbproj"};

/* Lower-cases (ASCII) s[0..len) into out of size outsize; 0 if too long. */
static int lower_key(char *out, size_t outsize, const char *s, size_t len)
{
    if (len >= outsize)
        return 0;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[len] = '\0';
    return 1;
}

/* Maps lower-cased keys (copied into the arena) to components. */
static int index_put(vg_map *map, vg_arena *arena, const char *key, vg_component *c)
{
    char buf[DOTNET_KEY_MAX];
    if (!lower_key(buf, sizeof buf, key, strlen(key)))
        return VG_OK;
    char *copy = vg_arena_strdup(arena, buf);
    return copy ? vg_map_put(map, copy, strlen(copy), c) : VG_ERR_NOMEM;
}

static vg_component *index_get(const vg_map *map, const char *key)
{
    char buf[DOTNET_KEY_MAX];
    if (!lower_key(buf, sizeof buf, key, strlen(key)))
        return NULL;
    return vg_map_get(map, buf, strlen(buf));
}

/* A new nuget component; a purl only with a version.  NULL on OOM. */
static vg_component *nuget_component(vg_catalog_run *run, const vg_file *file, const char *name, const char *version)
{
    vg_component *c = vg_lang_component(run, file, "nuget", "dotnet", name, version);
    if (!c || !version)
        return c;
    c->purl = vg_purl_format(run->arena, "nuget", NULL, c->name, c->version, NULL, 0);
    return c->purl ? c : NULL;
}

/* --- *.deps.json ---------------------------------------------------------- */

static int deps_json(vg_catalog_run *run, const vg_file *file, json_t *root)
{
    json_t *libraries = json_object_get(root, "libraries");
    json_t *targets = json_object_get(root, "targets");
    if (!json_is_object(libraries)) {
        vg_warn(run->ctx, file->path, "no \"libraries\" object; not a .NET deps.json");
        return VG_OK;
    }
    vg_map by_key; /* "name/version" lower-cased -> component */
    vg_map_init(&by_key);
    int rc = VG_OK;
    size_t bad = 0;
    const char *key;
    json_t *lib;
    json_object_foreach(libraries, key, lib) {
        const char *type = json_string_value(json_object_get(lib, "type"));
        const char *slash = strrchr(key, '/');
        if (!type || (strcmp(type, "package") != 0 && strcmp(type, "project") != 0))
            continue;
        if (!slash || slash == key || !slash[1]) {
            bad++;
            continue;
        }
        char *name = vg_arena_strndup(run->arena, key, (size_t)(slash - key));
        vg_component *c = name ? nuget_component(run, file, name, slash + 1) : NULL;
        if (!c) {
            rc = VG_ERR_NOMEM;
            break;
        }
        c->application = strcmp(type, "project") == 0;
        const char *sha = json_string_value(json_object_get(lib, "sha512"));
        const char *path = json_string_value(json_object_get(lib, "path"));
        if (vg_component_set_property(run->inv, c, "vigil:nuget:sha512", sha && sha[0] ? vg_lang_text(run->arena, sha) : NULL) ||
            vg_component_set_property(run->inv, c, "vigil:nuget:path", path ? vg_lang_text(run->arena, path) : NULL) ||
            index_put(&by_key, run->arena, key, c)) {
            rc = VG_ERR_NOMEM;
            break;
        }
    }
    /* edges from the runtime target (or the first target) */
    json_t *target = NULL;
    const char *target_name = json_string_value(json_object_get(json_object_get(root, "runtimeTarget"), "name"));
    if (json_is_object(targets)) {
        target = target_name ? json_object_get(targets, target_name) : NULL;
        if (!target) {
            void *it = json_object_iter(targets);
            target = it ? json_object_iter_value(it) : NULL;
        }
    }
    size_t unresolved = 0;
    json_t *entry;
    if (rc == VG_OK && json_is_object(target)) {
        json_object_foreach(target, key, entry) {
            vg_component *from = index_get(&by_key, key);
            json_t *deps = json_object_get(entry, "dependencies");
            if (!from || !json_is_object(deps))
                continue;
            const char *dep;
            json_t *ver;
            json_object_foreach(deps, dep, ver) {
                const char *v = json_string_value(ver);
                char buf[DOTNET_KEY_MAX];
                int n = v ? snprintf(buf, sizeof buf, "%s/%s", dep, v) : -1;
                vg_component *to = n > 0 && (size_t)n < sizeof buf ? index_get(&by_key, buf) : NULL;
                if (!to) {
                    /* framework references and the like are not libraries: only
                     * count names that are libraries at another version */
                    unresolved += json_object_get(libraries, buf) != NULL;
                    continue;
                }
                if (to != from && vg_inventory_add_edge(run->inv, from, to, VG_EDGE_DEPENDS_ON)) {
                    rc = VG_ERR_NOMEM;
                    break;
                }
            }
            if (rc)
                break;
        }
    }
    vg_map_free(&by_key);
    if (rc)
        return rc;
    if (bad)
        vg_warn(run->ctx, file->path, "%zu library key(s) are not \"Name/Version\"; skipped", bad);
    if (unresolved)
        vg_warn(run->ctx, file->path, "%zu dependency(ies) name a library that is not a package", unresolved);
    return VG_OK;
}

/* --- packages.lock.json --------------------------------------------------- */

static int packages_lock(vg_catalog_run *run, const vg_file *file, json_t *root)
{
    json_t *frameworks = json_object_get(root, "dependencies");
    json_t *version = json_object_get(root, "version");
    if (!json_is_object(frameworks)) {
        vg_warn(run->ctx, file->path, "no \"dependencies\" object; not a NuGet lock file");
        return VG_OK;
    }
    if (version && (!json_is_integer(version) || json_integer_value(version) < 1 || json_integer_value(version) > 2))
        vg_warn(run->ctx, file->path, "lock file version is not 1 or 2; read as version 2");
    vg_map by_key; /* "name/version" -> component, one per file */
    vg_map_init(&by_key);
    int rc = VG_OK;
    size_t bad = 0;
    const char *fw, *name;
    json_t *pkgs, *pkg;
    json_object_foreach(frameworks, fw, pkgs) {
        json_object_foreach(pkgs, name, pkg) {
            const char *type = json_string_value(json_object_get(pkg, "type"));
            const char *resolved = json_string_value(json_object_get(pkg, "resolved"));
            if (type && strcmp(type, "Project") == 0)
                continue;
            if (!resolved || !resolved[0] || !name[0]) {
                bad++;
                continue;
            }
            char key[DOTNET_KEY_MAX];
            int n = snprintf(key, sizeof key, "%s/%s", name, resolved);
            if (n <= 0 || (size_t)n >= sizeof key) {
                bad++;
                continue;
            }
            if (index_get(&by_key, key))
                continue;
            vg_component *c = nuget_component(run, file, name, resolved);
            if (c)
                c->evidence = VG_EVIDENCE_LOCK;
            const char *hash = json_string_value(json_object_get(pkg, "contentHash"));
            if (!c || vg_component_set_property(run->inv, c, "vigil:nuget:dependency-type", type ? vg_lang_text(run->arena, type) : NULL) ||
                vg_component_set_property(run->inv, c, "vigil:nuget:content-hash", hash ? vg_lang_text(run->arena, hash) : NULL) ||
                index_put(&by_key, run->arena, key, c)) {
                rc = VG_ERR_NOMEM;
                break;
            }
        }
        if (rc)
            break;
    }
    /* edges: within each framework, a dependency goes to the version resolved there */
    size_t unresolved = 0;
    if (rc == VG_OK) {
        json_object_foreach(frameworks, fw, pkgs) {
            json_object_foreach(pkgs, name, pkg) {
                const char *resolved = json_string_value(json_object_get(pkg, "resolved"));
                char key[DOTNET_KEY_MAX];
                int n = resolved ? snprintf(key, sizeof key, "%s/%s", name, resolved) : -1;
                vg_component *from = n > 0 && (size_t)n < sizeof key ? index_get(&by_key, key) : NULL;
                json_t *deps = json_object_get(pkg, "dependencies");
                if (!from || !json_is_object(deps))
                    continue;
                const char *dep;
                json_t *range;
                json_object_foreach(deps, dep, range) {
                    /* the entry of dep in this framework, matched without case */
                    json_t *target = json_object_get(pkgs, dep);
                    if (!target) {
                        const char *k2;
                        json_t *v2;
                        json_object_foreach(pkgs, k2, v2) if (strcasecmp(k2, dep) == 0) {
                            target = v2;
                            break;
                        }
                    }
                    const char *tres = json_string_value(json_object_get(target, "resolved"));
                    const char *ttype = json_string_value(json_object_get(target, "type"));
                    if (ttype && strcmp(ttype, "Project") == 0)
                        continue;
                    n = tres ? snprintf(key, sizeof key, "%s/%s", dep, tres) : -1;
                    vg_component *to = n > 0 && (size_t)n < sizeof key ? index_get(&by_key, key) : NULL;
                    if (!to) {
                        unresolved++;
                        continue;
                    }
                    if (to != from && vg_inventory_add_edge(run->inv, from, to, VG_EDGE_DEPENDS_ON)) {
                        rc = VG_ERR_NOMEM;
                        break;
                    }
                }
                if (rc)
                    break;
            }
            if (rc)
                break;
        }
    }
    vg_map_free(&by_key);
    if (rc)
        return rc;
    if (bad)
        vg_warn(run->ctx, file->path, "%zu package(s) without a resolved version skipped", bad);
    if (unresolved)
        vg_warn(run->ctx, file->path, "%zu dependency(ies) are not locked in their framework", unresolved);
    return VG_OK;
}

/* --- *.nuspec and MSBuild project files ---------------------------------- */

/* Trimmed copy of an id or version in arena; NULL when absent, blank, or
 * holding a token nobody filled in: "$version$" (nuspec), "$(Version)"
 * (MSBuild).  ('$' has no other use in ids and versions.) */
static const char *xml_value(vg_arena *arena, const char *s, int *nomem)
{
    const char *t = vg_xml_trim(arena, s, nomem);
    return t && !strchr(t, '$') ? t : NULL;
}

static int nuspec(vg_catalog_run *run, const vg_file *file, const vg_xml_node *root)
{
    const vg_xml_node *meta = vg_xml_child(root, "metadata");
    if (strcmp(root->name, "package") != 0 || !meta) {
        vg_warn(run->ctx, file->path, "not a NuGet manifest: no <package><metadata>");
        return VG_OK;
    }
    int nomem = 0;
    vg_arena *arena = run->arena;
    const char *id_text = vg_xml_child_text(meta, "id");
    const char *id = xml_value(arena, id_text, &nomem);
    const char *version = xml_value(arena, vg_xml_child_text(meta, "version"), &nomem);
    if (nomem)
        return VG_ERR_NOMEM;
    if (!id) {
        /* "$id$": a template nuget pack fills in, not a package yet */
        if (!id_text || !strchr(id_text, '$'))
            vg_warn(run->ctx, file->path, "the manifest has no <id>; not listed");
        return VG_OK;
    }
    vg_component *c = nuget_component(run, file, id, version);
    if (!c)
        return VG_ERR_NOMEM;
    const vg_xml_node *license = vg_xml_child(meta, "license");
    const char *type = vg_xml_attr_value(license, "type");
    if (type && strcmp(type, "expression") == 0)
        c->license = vg_xml_trim(arena, license->text, &nomem);
    c->description = vg_xml_trim(arena, vg_xml_child_text(meta, "description"), &nomem);
    c->homepage = vg_xml_trim(arena, vg_xml_child_text(meta, "projectUrl"), &nomem);
    c->supplier = vg_xml_trim(arena, vg_xml_child_text(meta, "authors"), &nomem);
    return nomem ? VG_ERR_NOMEM : VG_OK;
}

/* The attribute of an MSBuild element, name matched without case. */
static const char *msbuild_attr(const vg_xml_node *node, const char *name)
{
    for (const vg_xml_attr *a = node->attrs; a; a = a->next)
        if (strcasecmp(a->name, name) == 0)
            return a->value;
    return NULL;
}

/* Item metadata: an attribute, or else a child element, of item. */
static const char *msbuild_metadata(const vg_xml_node *item, const char *name)
{
    const char *v = msbuild_attr(item, name);
    for (const vg_xml_node *c = item->children; !v && c; c = c->next)
        if (strcasecmp(c->name, name) == 0)
            v = c->text;
    return v;
}

/* The property's value: its last definition in a PropertyGroup where
 * neither the group nor the definition has a Condition; NULL if none. */
static const char *msbuild_property(vg_arena *arena, const vg_xml_node *project, const char *name, int *nomem)
{
    const char *text = NULL;
    for (const vg_xml_node *g = project->children; g; g = g->next) {
        if (strcasecmp(g->name, "PropertyGroup") != 0 || msbuild_attr(g, "Condition"))
            continue;
        for (const vg_xml_node *p = g->children; p; p = p->next)
            if (strcasecmp(p->name, name) == 0 && !msbuild_attr(p, "Condition"))
                text = p->text;
    }
    return xml_value(arena, text, nomem);
}

/* The version a PackageReference pins: "1.2.3" or "[1.2.3]"; NULL for a
 * range, a floating version or nothing. */
static const char *nuget_pin(vg_arena *arena, const char *text, int *nomem)
{
    const char *v = xml_value(arena, text, nomem);
    if (!v)
        return NULL;
    size_t n = strlen(v);
    if (n > 2 && v[0] == '[' && v[n - 1] == ']')
        v = vg_arena_strndup(arena, v + 1, n - 2);
    if (!v)
        *nomem = 1;
    return v && !strpbrk(v, "[](),* \t\r\n") ? v : NULL;
}

static int msbuild_project(vg_catalog_run *run, const vg_file *file, const vg_xml_node *root)
{
    if (strcasecmp(root->name, "Project") != 0) {
        vg_warn(run->ctx, file->path, "not an MSBuild project: the root element is not <Project>");
        return VG_OK;
    }
    vg_arena *arena = run->arena;
    int nomem = 0;
    const char *name = msbuild_property(arena, root, "PackageId", &nomem);
    if (!name)
        name = msbuild_property(arena, root, "AssemblyName", &nomem);
    if (!name) { /* the file name without its extension (all are 7 bytes: ".csproj") */
        const char *slash = strrchr(file->path, '/');
        const char *base = slash ? slash + 1 : file->path;
        name = vg_arena_strndup(arena, base, strlen(base) - 7);
    }
    const char *version = msbuild_property(arena, root, "PackageVersion", &nomem);
    if (!version)
        version = msbuild_property(arena, root, "Version", &nomem);
    const char *prefix = version ? NULL : msbuild_property(arena, root, "VersionPrefix", &nomem);
    const char *suffix = prefix ? msbuild_property(arena, root, "VersionSuffix", &nomem) : NULL;
    if (prefix && !(version = suffix ? vg_arena_printf(arena, "%s-%s", prefix, suffix) : prefix))
        nomem = 1;
    vg_component *project = name && !nomem ? nuget_component(run, file, name, version) : NULL;
    if (!project)
        return VG_ERR_NOMEM;
    project->application = 1;

    vg_map by_key; /* "id/version" lower-cased -> component: one per file */
    vg_map_init(&by_key);
    int rc = VG_OK;
    for (const vg_xml_node *g = root->children; g && rc == VG_OK; g = g->next) {
        if (strcasecmp(g->name, "ItemGroup") != 0)
            continue;
        for (const vg_xml_node *item = g->children; item && rc == VG_OK; item = item->next) {
            if (strcasecmp(item->name, "PackageReference") != 0)
                continue;
            const char *id = xml_value(arena, msbuild_attr(item, "Include"), &nomem);
            const char *pin = msbuild_metadata(item, "VersionOverride");
            const char *v = nuget_pin(arena, pin ? pin : msbuild_metadata(item, "Version"), &nomem);
            char key[DOTNET_KEY_MAX];
            int n = id && v ? snprintf(key, sizeof key, "%s/%s", id, v) : -1;
            if (nomem) {
                rc = VG_ERR_NOMEM;
                break;
            }
            if (n <= 0 || (size_t)n >= sizeof key || strpbrk(id, ";*") || index_get(&by_key, key))
                continue; /* no pin, several ids, a wildcard, or listed already */
            vg_component *c = nuget_component(run, file, id, v);
            if (!c || index_put(&by_key, arena, key, c) ||
                vg_inventory_add_edge(run->inv, project, c, VG_EDGE_DEPENDS_ON) ||
                vg_inventory_add_edge(run->inv, project, c, VG_EDGE_CONTAINS))
                rc = VG_ERR_NOMEM;
        }
    }
    vg_map_free(&by_key);
    return rc;
}

/* Reads a .nuspec (nuspec set) or an MSBuild project file. */
static int dotnet_xml(vg_catalog_run *run, const vg_file *file, int is_nuspec)
{
    vg_arena scratch; /* the tree; what is kept is copied into run->arena */
    vg_arena_init(&scratch);
    vg_xml_node *root = NULL;
    int rc = vg_xml_parse(run->ctx, &scratch, file->path, (const char *)file->data, file->size, &root);
    if (rc == VG_OK)
        rc = is_nuspec ? nuspec(run, file, root) : msbuild_project(run, file, root);
    else if (rc != VG_ERR_NOMEM) {
        vg_warn(run->ctx, file->path, "not read: %s", run->ctx->message);
        rc = VG_OK;
    }
    vg_arena_free(&scratch);
    return rc;
}

/* --- the cataloger ------------------------------------------------------ */

/* Does the name path[base..len) end in suffix, with something before it? */
static int has_suffix(const char *path, size_t len, size_t base, const char *suffix)
{
    size_t n = strlen(suffix);
    return len - base > n && memcmp(path + len - n, suffix, n) == 0;
}

static int is_project_file(const char *path, size_t len, size_t base)
{
    for (size_t i = 0; i < sizeof project_suffixes / sizeof project_suffixes[0]; i++)
        if (has_suffix(path, len, base, project_suffixes[i]))
            return 1;
    return 0;
}

static int dotnet_wants(const char *path, size_t len, size_t base)
{
    size_t n = len - base;
    if (n == sizeof lock_name - 1 && memcmp(path + base, lock_name, n) == 0)
        return 1;
    return has_suffix(path, len, base, deps_suffix) || has_suffix(path, len, base, nuspec_suffix) ||
           is_project_file(path, len, base);
}

static void *dotnet_begin(vg_catalog_run *run)
{
    return vg_arena_alloc(run->arena, 1); /* no state */
}

static int dotnet_collect(vg_catalog_run *run, void *state, const vg_file *file)
{
    size_t len = strlen(file->path);
    const char *slash = strrchr(file->path, '/');
    size_t base = slash ? (size_t)(slash + 1 - file->path) : 0;
    int is_nuspec = has_suffix(file->path, len, base, nuspec_suffix);
    if (is_nuspec || is_project_file(file->path, len, base)) {
        int rc = dotnet_xml(run, file, is_nuspec);
        return rc ? vg_error(run->ctx, rc, "%s: out of memory", file->path) : VG_OK;
    }
    json_t *root = vg_lang_load_json(run, file);
    if (!root)
        return VG_OK; /* warned */
    int rc = strcmp(file->path + base, lock_name) == 0 ? packages_lock(run, file, root) : deps_json(run, file, root);
    json_decref(root);
    return rc ? vg_error(run->ctx, rc, "%s: out of memory", file->path) : VG_OK;
}

static int dotnet_finish(vg_catalog_run *run, void *state)
{
    return VG_OK;
}

const vg_cataloger vg_cataloger_dotnet = {
    .name = "dotnet",
    .wants = dotnet_wants,
    .max_size = DOTNET_MAX_SIZE,
    .begin = dotnet_begin,
    .collect = dotnet_collect,
    .finish = dotnet_finish,
};

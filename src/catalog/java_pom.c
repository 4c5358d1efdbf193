/*
 * java_pom.c — the source-tree half of the Java cataloger: Maven pom.xml
 * and Gradle dependency lock files.
 *
 * pom.xml (Maven POM 4.0.0, maven.apache.org/pom.html), read with
 * vigil/xml.h (libexpat: UTF-8, UTF-16 and ISO-8859-1 documents, internal
 * entities within bounds, nothing external; a document it refuses is a
 * warning naming the file and line, and nothing is listed from it):
 *  - the project is one component with application = 1: groupId,
 *    artifactId and version, groupId and version inherited from <parent>
 *    when the project does not give them (inheritance within this file
 *    only); purl pkg:maven/GROUP/ARTIFACT@VERSION, with ?type=PACKAGING for
 *    war, ear, rar, pom and hpi packaging.  Licence, description, url and
 *    organization are kept.  Without a groupId (own or parent) there is no
 *    purl: the maven purl type requires a namespace and vigil never guesses
 *    one.
 *  - each project/dependencies/dependency whose groupId, artifactId and
 *    version are explicit after ${...} substitution is a component the
 *    project DEPENDS_ON (and CONTAINS, as an application root contains
 *    its pinned dependencies); scope test -> dev, provided and system -> optional,
 *    <optional>true</optional> -> optional, others required.  Version
 *    ranges ("[1.0,2.0)", "1.0,") are not pins and are left out, as are
 *    dependencies whose version comes from dependencyManagement, a parent or
 *    a BOM (those are not resolved: no remote or local repository is read).
 *  - ${name} is replaced from the same file's <properties>, project.version
 *    / pom.version / version, project.groupId, project.artifactId and
 *    project.parent.version / groupId (nested references resolved up to
 *    8 levels); env.*, settings.* and anything else unknown leaves the
 *    value unresolved, and an unresolved version means no component.
 *  Left out: profiles, plugins, modules (each module's own pom.xml is found
 *  by the walk anyway), dependencyManagement, relativePath parents, BOM
 *  imports, exclusions.
 *
 * Gradle lock files (docs.gradle.org, "Locking dependency versions"):
 * gradle.lockfile and buildscript-gradle.lockfile (Gradle 6+): lines
 * "group:artifact:version=conf1,conf2", "empty=..." and # comments;
 * gradle/dependency-locks/CONF.lockfile (Gradle 4.8 to 5): lines
 * "group:artifact:version", the configuration being the file name.  Each
 * locked module is a component (purl pkg:maven/group/artifact@version),
 * dev scope when every configuration it is locked for is a test one
 * (name starting with "test", or containing "Test" as in androidTest...)
 * and for every module of the buildscript lock file (build tooling, not
 * shipped); required otherwise.  The configurations are kept in
 * vigil:java:gradle-configurations.  Lock files do not name the project
 * nor record edges, so there is neither an application root nor an edge.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog/java.h"
#include "catalog/pkgdb_text.h"
#include "vigil/buf.h"
#include "vigil/map.h"
#include "vigil/purl.h"
#include "vigil/xml.h"

#define POM_PROPERTIES_MAX 10000   /* <properties> entries kept */
#define POM_DEPENDENCIES_MAX 10000 /* dependencies read from one pom */
#define POM_SUBST_DEPTH 8          /* ${a} -> ${b} -> ... */
#define POM_VALUE_MAX 4096         /* a substituted value */
#define GRADLE_LINES_MAX 100000

int vg_java_is_pom_name(const char *path, size_t len, size_t base)
{
    return len - base == 7 && memcmp(path + base, "pom.xml", 7) == 0;
}

int vg_java_is_gradle_lockfile(const char *path, size_t len, size_t base)
{
    static const char dir[] = "gradle/dependency-locks/";
    size_t n = len - base, dn = sizeof dir - 1;
    if (n < 9 || memcmp(path + len - 9, ".lockfile", 9) != 0)
        return 0;
    if ((n == 15 && memcmp(path + base, "gradle.lockfile", 15) == 0) ||
        (n == 27 && memcmp(path + base, "buildscript-gradle.lockfile", 27) == 0))
        return 1;
    return base >= dn && memcmp(path + base - dn, dir, dn) == 0 && (base == dn || path[base - dn - 1] == '/');
}

typedef struct pom_ctx {
    vg_catalog_run *run;
    const char *path;
    vg_map props;
    int nomem;
    const char *group, *artifact, *version, *parent_group, *parent_version;
} pom_ctx;

/* Looks a ${name} up: built-ins first, then <properties>. */
static const char *pom_lookup(pom_ctx *pc, const char *name, size_t len)
{
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
    if (IS("project.version") || IS("pom.version") || IS("version"))
        return pc->version;
    if (IS("project.groupId") || IS("pom.groupId") || IS("groupId"))
        return pc->group;
    if (IS("project.artifactId") || IS("pom.artifactId") || IS("artifactId"))
        return pc->artifact;
    if (IS("project.parent.version") || IS("parent.version"))
        return pc->parent_version;
    if (IS("project.parent.groupId") || IS("parent.groupId"))
        return pc->parent_group;
#undef IS
    return vg_map_get(&pc->props, name, len);
}

/* Appends s with its ${...} references replaced to out; 0 if a reference
 * stays unresolved, the depth or size limit is hit, or memory runs out. */
static int pom_expand(pom_ctx *pc, const char *s, vg_buf *out, int depth)
{
    if (depth > POM_SUBST_DEPTH)
        return 0;
    while (*s) {
        const char *ref = strstr(s, "${");
        if (!ref)
            return vg_buf_addstr(out, s) == VG_OK;
        if (vg_buf_add(out, s, (size_t)(ref - s)) != VG_OK)
            return 0;
        const char *end = strchr(ref + 2, '}');
        if (!end)
            return 0;
        const char *value = pom_lookup(pc, ref + 2, (size_t)(end - ref - 2));
        if (!value || !pom_expand(pc, value, out, depth + 1))
            return 0;
        s = end + 1;
    }
    return 1;
}

/* s with every ${...} resolved, as a valid UTF-8 arena string; NULL if s is
 * NULL or something stays unresolved. */
static const char *pom_resolve(pom_ctx *pc, const char *s)
{
    if (!s)
        return NULL;
    vg_buf out;
    vg_buf_init(&out, POM_VALUE_MAX);
    const char *r = NULL;
    if (pom_expand(pc, s, &out, 0) && out.len) {
        r = vg_text_utf8_copy(pc->run->arena, out.data, out.len, NULL);
        if (!r)
            pc->nomem = 1;
    }
    vg_buf_free(&out);
    return r;
}

static int is_version_pin(const char *v)
{
    return v && v[0] && v[0] != '[' && v[0] != '(' && !strchr(v, ',');
}

static int pom_add_dependency(pom_ctx *pc, const vg_xml_node *dep, vg_component *project)
{
    vg_arena *arena = pc->run->arena;
    const char *group = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(dep, "groupId"), &pc->nomem));
    const char *artifact = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(dep, "artifactId"), &pc->nomem));
    const char *version = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(dep, "version"), &pc->nomem));
    const char *scope = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(dep, "scope"), &pc->nomem));
    const char *optional = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(dep, "optional"), &pc->nomem));
    const char *type = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(dep, "type"), &pc->nomem));
    const char *classifier = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(dep, "classifier"), &pc->nomem));
    if (pc->nomem)
        return VG_ERR_NOMEM;
    if (!group || !artifact || !is_version_pin(version))
        return VG_OK; /* managed elsewhere, a range, or unresolved: not inventory */
    vg_component *c = vg_inventory_add(pc->run->inv);
    if (!c)
        return VG_ERR_NOMEM;
    c->type = "maven";
    c->cataloger = "java";
    c->name = artifact;
    c->version = version;
    c->location = pc->path;
    c->evidence = VG_EVIDENCE_MANIFEST;
    if (scope && strcmp(scope, "test") == 0)
        c->scope = VG_SCOPE_DEV;
    else if ((scope && (strcmp(scope, "provided") == 0 || strcmp(scope, "system") == 0)) ||
             (optional && strcmp(optional, "true") == 0))
        c->scope = VG_SCOPE_OPTIONAL;
    else
        c->scope = VG_SCOPE_REQUIRED;
    vg_purl_qualifier q[] = {{"classifier", classifier},
                             {"type", type && strcmp(type, "jar") != 0 ? type : NULL}};
    c->purl = vg_purl_format(arena, "maven", group, artifact, version, q, 2);
    if (!c->purl || vg_component_set_property(pc->run->inv, c, "vigil:java:group", group) ||
        vg_component_set_property(pc->run->inv, c, "vigil:java:scope", scope))
        return VG_ERR_NOMEM;
    if (project && (vg_inventory_add_edge(pc->run->inv, project, c, VG_EDGE_DEPENDS_ON) ||
                    vg_inventory_add_edge(pc->run->inv, project, c, VG_EDGE_CONTAINS)))
        return VG_ERR_NOMEM;
    return VG_OK;
}

static int pom_run(pom_ctx *pc, const vg_xml_node *root)
{
    vg_arena *arena = pc->run->arena;
    vg_inventory *inv = pc->run->inv;
    const vg_xml_node *parent = vg_xml_child(root, "parent");
    pc->parent_group = vg_xml_trim(arena, vg_xml_child_text(parent, "groupId"), &pc->nomem);
    pc->parent_version = vg_xml_trim(arena, vg_xml_child_text(parent, "version"), &pc->nomem);
    pc->group = vg_xml_trim(arena, vg_xml_child_text(root, "groupId"), &pc->nomem);
    pc->artifact = vg_xml_trim(arena, vg_xml_child_text(root, "artifactId"), &pc->nomem);
    pc->version = vg_xml_trim(arena, vg_xml_child_text(root, "version"), &pc->nomem);
    if (!pc->group)
        pc->group = pc->parent_group;
    if (!pc->version)
        pc->version = pc->parent_version;
    size_t nprops = 0;
    for (const vg_xml_node *p = vg_xml_child(root, "properties"); p && p->children; p = NULL)
        for (const vg_xml_node *e = p->children; e; e = e->next) {
            if (++nprops > POM_PROPERTIES_MAX) {
                vg_warn(pc->run->ctx, pc->path, "more than %d <properties>; the rest are ignored",
                        POM_PROPERTIES_MAX);
                break;
            }
            const char *v = vg_xml_trim(arena, e->text, &pc->nomem);
            if (v && vg_map_put(&pc->props, e->name, strlen(e->name), (void *)v))
                pc->nomem = 1;
        }
    if (pc->nomem)
        return VG_ERR_NOMEM;

    /* Resolve the project's own coordinates (they may use properties). */
    const char *group = pom_resolve(pc, pc->group);
    const char *artifact = pom_resolve(pc, pc->artifact);
    const char *version = pom_resolve(pc, pc->version);
    vg_component *project = NULL;
    if (artifact) {
        project = vg_inventory_add(inv);
        if (!project)
            return VG_ERR_NOMEM;
        project->type = "maven";
        project->cataloger = "java";
        project->evidence = VG_EVIDENCE_MANIFEST;
        project->application = 1;
        project->name = artifact;
        project->version = version;
        project->location = pc->path;
        const char *packaging = vg_xml_trim(arena, vg_xml_child_text(root, "packaging"), &pc->nomem);
        static const char *const typed[] = {"war", "ear", "rar", "pom", "hpi"};
        const char *type = NULL;
        for (size_t i = 0; packaging && i < sizeof typed / sizeof typed[0]; i++)
            if (strcmp(packaging, typed[i]) == 0)
                type = typed[i];
        vg_purl_qualifier q[] = {{"type", type}};
        if (group && version && !(project->purl = vg_purl_format(arena, "maven", group, artifact, version, q, 1)))
            return VG_ERR_NOMEM;
        const vg_xml_node *license = vg_xml_child(vg_xml_child(root, "licenses"), "license");
        project->license = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(license, "name"), &pc->nomem));
        project->description = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(root, "description"), &pc->nomem));
        project->homepage = pom_resolve(pc, vg_xml_trim(arena, vg_xml_child_text(root, "url"), &pc->nomem));
        project->supplier = pom_resolve(
            pc, vg_xml_trim(arena, vg_xml_child_text(vg_xml_child(root, "organization"), "name"), &pc->nomem));
        const char *parent_artifact = vg_xml_trim(arena, vg_xml_child_text(parent, "artifactId"), &pc->nomem);
        const char *parent_gav =
            parent_artifact ? vg_arena_printf(arena, "%s:%s:%s", pc->parent_group ? pc->parent_group : "",
                                              parent_artifact, pc->parent_version ? pc->parent_version : "")
                            : NULL;
        const char *parent_utf8 = parent_gav ? vg_text_utf8_copy(arena, parent_gav, strlen(parent_gav), NULL) : NULL;
        if (pc->nomem || (parent_gav && !parent_utf8) ||
            vg_component_set_property(inv, project, "vigil:java:group", group) ||
            vg_component_set_property(inv, project, "vigil:java:packaging", packaging) ||
            vg_component_set_property(inv, project, "vigil:java:parent", parent_utf8))
            return VG_ERR_NOMEM;
    } else {
        vg_warn(pc->run->ctx, pc->path, "the project has no artifactId; its dependencies are listed without it");
    }

    size_t ndeps = 0;
    for (const vg_xml_node *d = vg_xml_child(vg_xml_child(root, "dependencies"), "dependency"); d;
         d = vg_xml_next(d)) {
        if (++ndeps > POM_DEPENDENCIES_MAX) {
            vg_warn(pc->run->ctx, pc->path, "more than %d dependencies; the rest are ignored", POM_DEPENDENCIES_MAX);
            break;
        }
        int rc = pom_add_dependency(pc, d, project);
        if (rc)
            return rc;
    }
    return pc->nomem ? VG_ERR_NOMEM : VG_OK;
}

int vg_java_pom_collect(vg_catalog_run *run, const char *path, int layer, const char *text, size_t len)
{
    (void)layer;
    vg_xml_node *root = NULL;
    vg_arena scratch;
    vg_arena_init(&scratch);
    int rc = vg_xml_parse(run->ctx, &scratch, path, text, len, &root);
    if (rc != VG_OK) {
        vg_arena_free(&scratch);
        if (rc == VG_ERR_NOMEM)
            return rc;
        vg_warn(run->ctx, path, "not read: %s", run->ctx->message);
        return VG_OK;
    }
    if (strcmp(root->name, "project") != 0) {
        vg_warn(run->ctx, path, "not a Maven POM: the root element is <%.64s>, not <project>", root->name);
        vg_arena_free(&scratch);
        return VG_OK;
    }
    pom_ctx pc = {.run = run};
    vg_map_init(&pc.props);
    size_t first = run->inv->ncomponents;
    pc.path = vg_arena_strdup(run->arena, path);
    rc = pc.path ? pom_run(&pc, root) : VG_ERR_NOMEM;
    /* Strings from the scratch tree were copied (trimmed/resolved) into
     * run->arena; set the layer on what was added. */
    for (size_t i = first; rc == VG_OK && i < run->inv->ncomponents; i++)
        run->inv->components[i]->layer = layer;
    vg_map_free(&pc.props);
    vg_arena_free(&scratch);
    if (rc)
        return vg_error(run->ctx, rc, "%s: out of memory", path);
    return VG_OK;
}

/* Is a Gradle configuration name a test one? */
static int gradle_test_configuration(const char *name, size_t len)
{
    if (len >= 4 && memcmp(name, "test", 4) == 0)
        return 1;
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(name + i, "Test", 4) == 0)
            return 1;
    return 0;
}

/* Adds one locked module "group:artifact:version" with its configurations
 * (comma separated). */
static int gradle_add(vg_catalog_run *run, const char *path, int layer, const char *gav, size_t gavlen,
                      const char *confs, size_t conflen, int buildscript)
{
    const char *c1 = memchr(gav, ':', gavlen);
    const char *c2 = c1 ? memchr(c1 + 1, ':', gavlen - (size_t)(c1 + 1 - gav)) : NULL;
    if (!c1 || !c2 || c1 == gav || c2 == c1 + 1 || c2 + 1 == gav + gavlen ||
        memchr(c2 + 1, ':', gavlen - (size_t)(c2 + 1 - gav)))
        return VG_ERR_FORMAT;
    vg_arena *arena = run->arena;
    const char *group = vg_text_utf8_copy(arena, gav, (size_t)(c1 - gav), NULL);
    const char *artifact = vg_text_utf8_copy(arena, c1 + 1, (size_t)(c2 - c1 - 1), NULL);
    const char *version = vg_text_utf8_copy(arena, c2 + 1, gavlen - (size_t)(c2 + 1 - gav), NULL);
    const char *configurations = vg_text_utf8_copy(arena, confs, conflen, NULL);
    if (!group || !artifact || !version || !configurations)
        return VG_ERR_NOMEM;
    int all_test = conflen > 0;
    for (size_t i = 0; i < conflen;) {
        size_t j = i;
        while (j < conflen && confs[j] != ',')
            j++;
        if (!gradle_test_configuration(confs + i, j - i))
            all_test = 0;
        i = j + 1;
    }
    vg_component *c = vg_inventory_add(run->inv);
    if (!c)
        return VG_ERR_NOMEM;
    c->type = "maven";
    c->cataloger = "java";
    c->name = artifact;
    c->version = version;
    c->evidence = VG_EVIDENCE_LOCK;
    c->location = path;
    c->layer = layer;
    c->scope = buildscript || all_test ? VG_SCOPE_DEV : VG_SCOPE_REQUIRED;
    c->purl = vg_purl_format(arena, "maven", group, artifact, version, NULL, 0);
    if (!c->purl || vg_component_set_property(run->inv, c, "vigil:java:group", group) ||
        vg_component_set_property(run->inv, c, "vigil:java:gradle-configurations", configurations))
        return VG_ERR_NOMEM;
    return VG_OK;
}

int vg_java_gradle_collect(vg_catalog_run *run, const char *path, int layer, const char *text, size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (strlen(base) < 9) /* not a *.lockfile: wants() keeps those out */
        return VG_OK;
    int legacy = strcmp(base, "gradle.lockfile") != 0 && strcmp(base, "buildscript-gradle.lockfile") != 0;
    int buildscript = strcmp(base, "buildscript-gradle.lockfile") == 0;
    const char *location = vg_arena_strdup(run->arena, path);
    if (!location)
        return vg_error(run->ctx, VG_ERR_NOMEM, "%s: out of memory", path);
    size_t pos = 0, linelen, lineno = 0, bad = 0, bad_first = 0;
    const char *line;
    while (vg_text_next_line(text, len, &pos, &line, &linelen)) {
        if (++lineno > GRADLE_LINES_MAX) {
            vg_warn(run->ctx, path, "more than %d lines; the rest are ignored", GRADLE_LINES_MAX);
            break;
        }
        while (linelen && (line[linelen - 1] == ' ' || line[linelen - 1] == '\t'))
            linelen--;
        if (!linelen || line[0] == '#')
            continue;
        const char *eq = memchr(line, '=', linelen);
        int rc;
        if (legacy) {
            /* the configuration is the file name without ".lockfile" */
            rc = eq ? VG_ERR_FORMAT
                    : gradle_add(run, location, layer, line, linelen, base, strlen(base) - 9, 0);
        } else if (!eq) {
            rc = VG_ERR_FORMAT;
        } else if ((size_t)(eq - line) == 5 && memcmp(line, "empty", 5) == 0) {
            rc = VG_OK; /* configurations locked with nothing in them */
        } else {
            rc = gradle_add(run, location, layer, line, (size_t)(eq - line), eq + 1,
                            linelen - (size_t)(eq + 1 - line), buildscript);
        }
        if (rc == VG_ERR_NOMEM)
            return vg_error(run->ctx, rc, "%s: out of memory", path);
        if (rc && !bad++)
            bad_first = lineno;
    }
    if (bad)
        vg_warn(run->ctx, path, "%zu line(s) are not \"group:artifact:version%s\" and were skipped (first: line %zu)",
                bad, legacy ? "" : "=configurations", bad_first);
    return VG_OK;
}

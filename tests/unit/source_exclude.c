/*
 * source_exclude.c — unit test of --exclude matching (src/source/exclude.c):
 * the forms Syft documents for directory and image scans ("./package.json",
 * "**\/package.json", "./out" and every path below it, "/etc", "*\/temp"),
 * "**" matching no component or several, fnmatch wildcards within one
 * component only, a directory excluding everything below it, and the
 * patterns refused (no ./ / *\/ **\/ prefix, the root itself, "..").  A long
 * path against many "**" parts must finish in parts x components steps.
 */
#include <stdio.h>
#include <string.h>

#include "source/exclude.h"
#include "vigil/source.h"

static int failures;

/* Does pattern exclude path? */
static int excluded(const char *pattern, const char *path)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    vg_exclude ex;
    int rc = vg_exclude_init(&ctx, &ex, &pattern, 1);
    int hit = rc == VG_OK && vg_exclude_match(&ex, path, strlen(path));
    if (rc)
        fprintf(stderr, "pattern %s refused: %s\n", pattern, ctx.message);
    vg_exclude_free(&ex);
    vg_ctx_free(&ctx);
    return hit;
}

static void expect(const char *pattern, const char *path, int want)
{
    if (excluded(pattern, path) != want) {
        fprintf(stderr, "%s vs %s: expected %s\n", pattern, path, want ? "excluded" : "kept");
        failures++;
    }
}

static void expect_refused(const char *pattern, const char *message_part)
{
    vg_ctx ctx;
    vg_ctx_init(&ctx);
    int rc = vg_scan_exclude_check(&ctx, pattern);
    if (rc != VG_ERR_USAGE || !strstr(ctx.message, message_part)) {
        fprintf(stderr, "%s: expected refusal with \"%s\", got %d \"%s\"\n", pattern, message_part, rc, ctx.message);
        failures++;
    }
    vg_ctx_free(&ctx);
}

int main(void)
{
    /* Syft's examples (scanning /usr/foo). */
    expect("./package.json", "package.json", 1);
    expect("./package.json", "lib/package.json", 0);
    expect("**/package.json", "package.json", 1);
    expect("**/package.json", "a/b/c/package.json", 1);
    expect("**/package.json", "a/b/c/package.json.bak", 0);
    expect("./out/**", "out/x/y.json", 1);
    expect("./out/**", "out", 1);
    expect("./out/**", "outside/x", 0);
    expect("./out/**/*.json", "out/a.json", 1);
    expect("./out/**/*.json", "out/a/b/c.json", 1);
    expect("./out/**/*.json", "out/a/b/c.txt", 0);
    expect("./out/**/*.json", "other/a.json", 0);
    expect("/etc", "etc/os-release", 1);
    expect("/etc", "etc", 1);
    expect("/etc", "usr/etc/x", 0);
    expect("/usr/**/*.txt", "usr/share/doc/a.txt", 1);
    expect("*/temp", "a/temp/file", 1);
    expect("*/temp", "temp", 0);
    expect("*/temp", "a/b/temp", 0);
    /* A directory takes everything below it. */
    expect("./var/lib/dpkg", "var/lib/dpkg/status", 1);
    expect("./var/lib/dpkg", "var/lib/dpkg-old/status", 0);
    expect("**/node_modules", "srv/app/node_modules/left-pad/package.json", 1);
    /* Wildcards stay within one component; "*" matches dot files. */
    expect("./*.json", "a.json", 1);
    expect("./*.json", "d/a.json", 0);
    expect("**/.*", "home/u/.npmrc", 1);
    expect("./a?c", "abc", 1);
    expect("./a?c", "a/c", 0);
    expect("./[ab]*", "beta", 1);
    expect("./[!ab]*", "beta", 0);
    expect("./x\\*", "x*", 1);
    expect("./x\\*", "xy", 0);
    /* Redundant separators and "." parts; a trailing "/". */
    expect(".//var/./lib/", "var/lib/x", 1);
    expect("**/**/b", "b", 1);
    expect("**/a/**/b", "x/a/y/z/b/c", 1);
    expect("**/a/**/b", "x/b/a", 0);

    expect_refused("package.json", "begin the pattern with ./ or /");
    expect_refused("**", "begin the pattern with ./ or /");
    expect_refused("./", "names the scanned root itself");
    expect_refused("/", "names the scanned root itself");
    expect_refused("./a/../../etc", "would leave the scanned root");

    /* Many "**" against a deep path that does not match: bounded work. */
    char pattern[1024], path[4096];
    size_t n = (size_t)snprintf(pattern, sizeof pattern, "./");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(pattern + n, sizeof pattern - n, "**/a/");
    snprintf(pattern + n, sizeof pattern - n, "b");
    n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(path + n, sizeof path - n, "a/");
    path[n - 1] = '\0';
    expect(pattern, path, 0);

    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    return failures ? 1 : 0;
}

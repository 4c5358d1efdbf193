/*
 * purl_parse.c — unit test of vg_purl_parse() (purl.h) against the purl
 * specification's test suite: package-url/purl-spec test-suite-data.json,
 * every case typed in by hand (purl, expected parts or "invalid").  Each
 * valid case is also formatted back with vg_purl_format() and must give
 * the suite's canonical_purl, except where noted: vg_purl_format() builds
 * no subpath and keeps ':' and '/' unencoded in qualifier values.
 */
#include <stdio.h>
#include <string.h>

#include "vigil/arena.h"
#include "vigil/purl.h"

static int failures;

typedef struct {
    const char *purl, *canonical, *type, *ns, *name, *version, *quals, *subpath;
    int invalid;
} purl_case;

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int main(void)
{
    static const purl_case cases[] = {
        {"pkg:maven/org.apache.commons/io@1.3.4", "pkg:maven/org.apache.commons/io@1.3.4", "maven",
         "org.apache.commons", "io", "1.3.4", NULL, NULL, 0},
        {"pkg:maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven", "org.apache.commons", "io",
         NULL, NULL, NULL, 0},
        {"pkg:GOLANG/google.golang.org/genproto#/googleapis/api/annotations/", NULL, "golang", "google.golang.org",
         "genproto", NULL, NULL, "googleapis/api/annotations", 0},
        {"pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/api/annotations/", NULL, "golang",
         "google.golang.org", "genproto", "abcdedf", NULL, "googleapis/api/annotations", 0},
        {"pkg:bitbucket/birKenfeld/pyGments-main@244fd47e07d1014f0aed9c",
         "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c", "bitbucket", "birkenfeld", "pygments-main",
         "244fd47e07d1014f0aed9c", NULL, NULL, 0},
        {"pkg:github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
         "pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c", "github", "package-url", "purl-spec",
         "244fd47e07d1004f0aed9c", NULL, NULL, 0},
        {"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
         "deb", "debian", "curl", "7.50.3-1", "arch=i386&distro=jessie", NULL, 0},
        {"pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io",
         "pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io", "docker", "customer",
         "dockerimage", "sha256:244fd47e07d1004f0aed9c", "repository_url=gcr.io", NULL, 0},
        {"pkg:gem/jruby-launcher@1.1.2?Platform=java", "pkg:gem/jruby-launcher@1.1.2?platform=java", "gem", NULL,
         "jruby-launcher", "1.1.2", "platform=java", NULL, 0},
        {"pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repositorY_url=repo.spring.io/release",
         "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repository_url=repo.spring.io/release",
         "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1",
         "classifier=sources&repository_url=repo.spring.io/release", NULL, 0},
        {"pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?extension=pom&repositorY_url=repo.spring.io/release",
         "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?extension=pom&repository_url=repo.spring.io/release",
         "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1", "extension=pom&repository_url=repo.spring.io/release",
         NULL, 0},
        {"pkg:Maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll",
         "pkg:maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll", "maven", "net.sf.jacob-project",
         "jacob", "1.14.3", "classifier=x86&type=dll", NULL, 0},
        {"pkg:npm/%40angular/animation@12.3.1", "pkg:npm/%40angular/animation@12.3.1", "npm", "@angular", "animation",
         "12.3.1", NULL, NULL, 0},
        {"pkg:Nuget/EnterpriseLibrary.Common@6.0.1304", "pkg:nuget/EnterpriseLibrary.Common@6.0.1304", "nuget", NULL,
         "EnterpriseLibrary.Common", "6.0.1304", NULL, NULL, 0},
        {"pkg:PYPI/Django_package@1.11.1.dev1", "pkg:pypi/django-package@1.11.1.dev1", "pypi", NULL, "django-package",
         "1.11.1.dev1", NULL, NULL, 0},
        {"pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
         "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25", "rpm", "fedora", "curl", "7.50.3-1.fc25",
         "arch=i386&distro=fedora-25", NULL, 0},
        {"EnterpriseLibrary.Common@6.0.1304", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:EnterpriseLibrary.Common@6.0.1304", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:maven/@1.3.4", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:/maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven", "org.apache.commons", "io",
         NULL, NULL, NULL, 0},
        {"pkg://maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven", "org.apache.commons", "io",
         NULL, NULL, NULL, 0},
        {"pkg:///maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven", "org.apache.commons", "io",
         NULL, NULL, NULL, 0},
        {"pkg:maven/HTTPClient/HTTPClient@0.3-3", "pkg:maven/HTTPClient/HTTPClient@0.3-3", "maven", "HTTPClient",
         "HTTPClient", "0.3-3", NULL, NULL, 0},
        {"pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value",
         "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value", "maven", "mygroup", "myartifact",
         "1.0.0 Final", "mykey=my value", NULL, 0},
        {"pkg:npm/myartifact@1.0.0?in%20production=true", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:conan/cctz@2.3", "pkg:conan/cctz@2.3", "conan", NULL, "cctz", "2.3", NULL, NULL, 0},
        {"pkg:conan/bincrafters/cctz@2.3?channel=stable", "pkg:conan/bincrafters/cctz@2.3?channel=stable", "conan",
         "bincrafters", "cctz", "2.3", "channel=stable", NULL, 0},
        {"pkg:conan/bincrafters/cctz@2.3", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:conan/cctz@2.3?channel=stable", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2",
         "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2", "conda", NULL,
         "absl-py", "0.4.1", "build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2", NULL, 0},
        {"pkg:cran/A3@0.9.1", "pkg:cran/A3@0.9.1", "cran", NULL, "A3", "0.9.1", NULL, NULL, 0},
        {"pkg:cran/@0.9.1", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:cran/A3", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:swift/github.com/Alamofire/Alamofire@5.4.3", "pkg:swift/github.com/Alamofire/Alamofire@5.4.3", "swift",
         "github.com/Alamofire", "Alamofire", "5.4.3", NULL, NULL, 0},
        {"pkg:swift/Alamofire@5.4.3", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:swift/github.com/Alamofire/@5.4.3", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:swift/github.com/Alamofire/Alamofire", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:hackage/AC-HalfInteger@1.2.1", "pkg:hackage/AC-HalfInteger@1.2.1", "hackage", NULL, "AC-HalfInteger",
         "1.2.1", NULL, NULL, 0},
        {"pkg:hackage", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        /* canonical form differs: vigil leaves ':' and '/' unencoded in values */
        {"pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fpackage-url%2Fpackageurl-js.git",
         "pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps://github.com/package-url/packageurl-js.git", "npm", NULL,
         "packageurl-js", "0.0.7", "vcs_url=git+https://github.com/package-url/packageurl-js.git", NULL, 0},
        {"pkg:npm/packageurl-js@0.0.7?download_url=https%3A%2F%2Fregistry.npmjs.org%2Fpackageurl-js%2F-%2Fpackageurl-js-0.0.7.tgz",
         "pkg:npm/packageurl-js@0.0.7?download_url=https://registry.npmjs.org/packageurl-js/-/packageurl-js-0.0.7.tgz",
         "npm", NULL, "packageurl-js", "0.0.7",
         "download_url=https://registry.npmjs.org/packageurl-js/-/packageurl-js-0.0.7.tgz", NULL, 0},
        /* Not in the suite: vigil's bounds (bad escapes, decoded NUL, duplicates). */
        {"pkg:npm/a%2@1", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:npm/a%00b@1", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:npm/a@1?x=1&X=2", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1},
        {"pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
         "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl", "deb", "debian",
         "openssl", "3.0.11-1~deb12u2", "arch=amd64&distro=debian-12&upstream=openssl", NULL, 0},
    };
    vg_arena arena;
    vg_arena_init(&arena);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const purl_case *c = &cases[i];
        vg_purl p;
        const char *why = NULL;
        int rc = vg_purl_parse(&arena, c->purl, strlen(c->purl), &p, &why);
        if (c->invalid) {
            if (rc != -1 || !why) {
                fprintf(stderr, "FAIL %s: accepted, expected invalid\n", c->purl);
                failures++;
            }
            continue;
        }
        if (rc != 0) {
            fprintf(stderr, "FAIL %s: refused (%s)\n", c->purl, why ? why : "?");
            failures++;
            continue;
        }
        char quals[512] = "";
        size_t off = 0;
        for (size_t k = 0; k < p.nqualifiers; k++)
            off += (size_t)snprintf(quals + off, sizeof quals - off, "%s%s=%s", k ? "&" : "", p.qualifiers[k].key,
                                    p.qualifiers[k].value);
        if (!same(p.type, c->type) || !same(p.namespace_, c->ns) || !same(p.name, c->name) ||
            !same(p.version, c->version) || !same(p.subpath, c->subpath) ||
            strcmp(quals, c->quals ? c->quals : "") != 0) {
            fprintf(stderr, "FAIL %s: got type=%s ns=%s name=%s version=%s quals=%s subpath=%s\n", c->purl, p.type,
                    p.namespace_ ? p.namespace_ : "-", p.name, p.version ? p.version : "-", quals,
                    p.subpath ? p.subpath : "-");
            failures++;
            continue;
        }
        if (c->canonical) {
            char *built = vg_purl_format(&arena, p.type, p.namespace_, p.name, p.version, p.qualifiers, p.nqualifiers);
            if (!built || strcmp(built, c->canonical) != 0) {
                fprintf(stderr, "FAIL round trip %s:\n  got  %s\n  want %s\n", c->purl, built ? built : "(null)",
                        c->canonical);
                failures++;
            }
        }
        /* Parsing what vigil formats gives the same parts back. */
        char *again = vg_purl_format(&arena, p.type, p.namespace_, p.name, p.version, p.qualifiers, p.nqualifiers);
        vg_purl q;
        if (!again || vg_purl_parse(&arena, again, strlen(again), &q, NULL) != 0 || !same(q.name, p.name) ||
            !same(q.namespace_, p.namespace_) || !same(q.version, p.version) || q.nqualifiers != p.nqualifiers) {
            fprintf(stderr, "FAIL reparse %s\n", again ? again : "(null)");
            failures++;
        }
    }
    if (vg_purl_parse(&arena, "pkg:npm/x@1", 0, &(vg_purl){0}, NULL) != -1) {
        fprintf(stderr, "FAIL empty input accepted\n");
        failures++;
    }
    vg_arena_free(&arena);
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}

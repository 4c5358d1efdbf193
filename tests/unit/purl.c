/*
 * purl.c — unit test of vg_purl_format() and vg_purl_distro() (purl.h).
 *
 * The expected strings are the "build" cases of the purl specification's
 * own test suite, typed in by hand from github.com/package-url/purl-spec:
 * tests/types/deb-test.json, tests/types/apk-test.json,
 * tests/types/rpm-test.json, tests/types/maven-test.json (qualifier values
 * with '/' and ':'), tests/types/pypi-test.json (name normalisation) and
 * tests/spec/specification-test.json (checksum list: ',' is %2C).  Cases
 * marked "spec text" follow the Character encoding section of
 * PURL-SPECIFICATION.rst directly.
 */
#include <stdio.h>
#include <string.h>

#include "vigil/arena.h"
#include "vigil/inventory.h"
#include "vigil/purl.h"

static int failures;

static void expect(const char *what, const char *got, const char *want)
{
    if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0)) {
        fprintf(stderr, "FAIL %s:\n  got  %s\n  want %s\n", what, got ? got : "(null)", want ? want : "(null)");
        failures++;
    }
}

#define Q(k, v) ((vg_purl_qualifier){(k), (v)})

int main(void)
{
    vg_arena arena;
    vg_arena_init(&arena);

    /* deb-test.json */
    {
        vg_purl_qualifier q[] = {Q("arch", "i386"), Q("distro", "jessie")};
        expect("deb curl", vg_purl_format(&arena, "deb", "debian", "curl", "7.50.3-1", q, 2),
               "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie");
    }
    {
        vg_purl_qualifier q[] = {Q("arch", "amd64"), Q("distro", "stretch")};
        expect("deb dpkg", vg_purl_format(&arena, "deb", "debian", "dpkg", "1.19.0.4", q, 2),
               "pkg:deb/debian/dpkg@1.19.0.4?arch=amd64&distro=stretch");
    }
    {
        vg_purl_qualifier q[] = {Q("arch", "amd64")};
        expect("deb ubuntu", vg_purl_format(&arena, "deb", "ubuntu", "dpkg", "1.19.0.4", q, 1),
               "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64");
    }
    {
        vg_purl_qualifier q[] = {Q("arch", "source")};
        expect("deb epoch", vg_purl_format(&arena, "deb", "debian", "attr", "1:2.4.47-2", q, 1),
               "pkg:deb/debian/attr@1:2.4.47-2?arch=source");
    }
    {
        vg_purl_qualifier q[] = {Q("arch", "amd64")};
        expect("deb plus", vg_purl_format(&arena, "deb", "debian", "attr", "1:2.4.47-2+b1", q, 1),
               "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64");
    }
    /* apk-test.json */
    {
        vg_purl_qualifier q[] = {Q("arch", "x86")};
        expect("apk curl", vg_purl_format(&arena, "apk", "alpine", "curl", "7.83.0-r0", q, 1),
               "pkg:apk/alpine/curl@7.83.0-r0?arch=x86");
        expect("apk apk", vg_purl_format(&arena, "apk", "alpine", "apk", "2.12.9-r3", q, 1),
               "pkg:apk/alpine/apk@2.12.9-r3?arch=x86");
    }
    {
        /* given unsorted: the output sorts by key */
        vg_purl_qualifier q[] = {Q("upstream", "openssl"), Q("distro", "alpine-edge"), Q("arch", "x86_64")};
        expect("apk upstream", vg_purl_format(&arena, "apk", "alpine", "libcrypto3", "3.5.5-r0", q, 3),
               "pkg:apk/alpine/libcrypto3@3.5.5-r0?arch=x86_64&distro=alpine-edge&upstream=openssl");
    }
    /* rpm-test.json: the Rpm/Arch/Distro case is the canonical-output case */
    {
        vg_purl_qualifier q[] = {Q("Arch", "i386"), Q("Distro", "fedora-25")};
        expect("rpm case", vg_purl_format(&arena, "Rpm", "Fedora", "curl", "7.50.3-1.fc25", q, 2),
               "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
    }
    {
        vg_purl_qualifier q[] = {Q("arch", "i686"), Q("epoch", "1"), Q("distro", "fedora-25")};
        expect("rpm no namespace", vg_purl_format(&arena, "rpm", NULL, "centerim", "4.22.10-1.el6", q, 3),
               "pkg:rpm/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1");
    }
    /* maven-test.json: '/' and ':' stay in qualifier values */
    {
        vg_purl_qualifier q[] = {Q("repository_url", "repo.spring.io/release"), Q("classifier", "sources")};
        expect("maven repository_url",
               vg_purl_format(&arena, "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1", q, 2),
               "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repository_url=repo.spring.io/release");
        vg_purl_qualifier q2[] = {Q("type", "war"), Q("repository_url", "https://repo.spring.io/release")};
        expect("maven https",
               vg_purl_format(&arena, "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1", q2, 2),
               "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?repository_url=https://repo.spring.io/release&type=war");
    }
    /* specification-test.json: checksum list */
    {
        vg_purl_qualifier q[] = {Q("checksum", "sha1:ad9503c3e994a4f,sha256:41bf9088b3a1e6c1ef1d")};
        expect("generic checksum", vg_purl_format(&arena, "generic", NULL, "openssl", "1.1.10g", q, 1),
               "pkg:generic/openssl@1.1.10g?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d");
    }
    /* pypi-test.json: name lower-cased, '_' -> '-' */
    expect("pypi name", vg_purl_format(&arena, "pypi", NULL, "Django_package", "1.11.1.dev1", NULL, 0),
           "pkg:pypi/django-package@1.11.1.dev1");
    /* npm-test.json: scope '@' in the namespace is encoded */
    expect("npm scope", vg_purl_format(&arena, "npm", "@angular", "animation", "12.3.1", NULL, 0),
           "pkg:npm/%40angular/animation@12.3.1");

    /* spec text: empty qualifier values dropped; all empty means no '?' */
    {
        vg_purl_qualifier q[] = {Q("distro", ""), Q("arch", NULL)};
        expect("empty qualifiers", vg_purl_format(&arena, "deb", "debian", "tar", "1.34+dfsg-1.2", q, 2),
               "pkg:deb/debian/tar@1.34%2Bdfsg-1.2");
        vg_purl_qualifier q2[] = {Q("upstream", "glibc"), Q("distro", ""), Q("arch", "amd64")};
        expect("one empty qualifier", vg_purl_format(&arena, "deb", "debian", "libc6", "2.36-9+deb12u10", q2, 3),
               "pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&upstream=glibc");
    }
    /* spec text: space is %20, '@' in a value is %40, non-ASCII is UTF-8 percent-encoded,
     * '~' is never encoded */
    {
        vg_purl_qualifier q[] = {Q("upstream", "gcc-12@12.2.0-14")};
        expect("encoding", vg_purl_format(&arena, "deb", "debian", "gcc-12-base", "12.2.0-14~x y", q, 1),
               "pkg:deb/debian/gcc-12-base@12.2.0-14~x%20y?upstream=gcc-12%4012.2.0-14");
        expect("utf-8", vg_purl_format(&arena, "generic", NULL, "caf\xc3\xa9", NULL, NULL, 0),
               "pkg:generic/caf%C3%A9");
        expect("slash in name", vg_purl_format(&arena, "generic", "a//b/", "/x/", NULL, NULL, 0),
               "pkg:generic/a/b/x");
    }
    /* PURL-TYPES.rst deb: namespace and name lower-cased */
    expect("deb lower", vg_purl_format(&arena, "deb", "Debian", "LibFoo", "1.0", NULL, 0),
           "pkg:deb/debian/libfoo@1.0");

    /* vg_purl_distro */
    {
        vg_os os = {0};
        expect("distro unknown", vg_purl_distro(&arena, &os), NULL);
        expect("distro NULL", vg_purl_distro(&arena, NULL), NULL);
        os.id = "alpine";
        expect("distro id only", vg_purl_distro(&arena, &os), "alpine");
        os.version_id = "3.10.9";
        expect("distro alpine", vg_purl_distro(&arena, &os), "alpine-3.10.9");
        os.id = "debian";
        os.version_id = "12";
        expect("distro debian", vg_purl_distro(&arena, &os), "debian-12");
    }
    /* no type or no name: NULL */
    expect("no name", vg_purl_format(&arena, "deb", "debian", NULL, "1", NULL, 0), NULL);
    expect("no type", vg_purl_format(&arena, "", "debian", "x", "1", NULL, 0), NULL);

    vg_arena_free(&arena);
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    return 0;
}

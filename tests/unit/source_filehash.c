/*
 * source_filehash.c — unit test of the BSI TR-03183-2 file facts
 * (src/source/filehash.c, vg_component_deployable() in
 * src/model/inventory.c): the SHA-512 of FIPS 180-4's "abc" test vector
 * streamed in pieces; file kinds from magic bytes written here from each
 * format's definition (ELF e_ident, zip local file header, ar's global
 * header, POSIX ustar at offset 257, gzip's ID1 ID2) and from the mode; and
 * which paths of a component are its deployable files.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "source/filehash.h"

static vg_file_hash hash_of(const void *data, size_t len, unsigned mode, const char *path)
{
    vg_file_hash h;
    memset(&h, 0, sizeof h);
    vg_hasher s;
    if (vg_hasher_init(&s) != VG_OK) {
        CHECK(0, "vg_hasher_init failed");
        return h;
    }
    /* in pieces of 1 byte, so that the head is collected across updates */
    for (size_t i = 0; i < len; i++)
        vg_hasher_update(&s, (const unsigned char *)data + i, 1);
    CHECK(vg_hasher_final(&s, mode, path, &h) == VG_OK, "vg_hasher_final failed");
    return h;
}

int main(void)
{
    /* FIPS 180-4 / NIST example: SHA-512("abc"). */
    vg_file_hash h = hash_of("abc", 3, 0644, "a.txt");
    CHECK(strcmp(h.sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                           "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f") == 0,
          "sha512(abc) = %s", h.sha512);
    CHECK(h.size == 3 && !h.executable && !h.archive, "abc: size %llu exec %u archive %u",
          (unsigned long long)h.size, h.executable, h.archive);

    CHECK(hash_of("\x7f" "ELF\x02\x01\x01", 7, 0644, "lib.so").executable, "ELF without x bit: executable");
    CHECK(hash_of("#!/bin/sh\n", 10, 0755, "run").executable, "script with mode 755: executable");
    CHECK(!hash_of("#!/bin/sh\n", 10, 0644, "run").executable, "script with mode 644: not executable");

    vg_file_hash zip = hash_of("PK\x03\x04\x14\x00", 6, 0644, "x.jar");
    CHECK(zip.archive && !zip.executable, "zip: archive %u", zip.archive);
    CHECK(hash_of("!<arch>\ndebian-binary", 21, 0644, "x.deb").archive, "ar: archive");
    unsigned char tar[512];
    memset(tar, 0, sizeof tar);
    memcpy(tar + 257, "ustar", 5);
    CHECK(hash_of(tar, sizeof tar, 0644, "data.tar").archive, "ustar at 257: archive");
    CHECK(!hash_of(tar, 200, 0644, "short").archive, "too short for the ustar magic: no archive");
    CHECK(hash_of("\x1f\x8b\x08\x00", 4, 0644, "usr/src/x.tar.gz").archive, "gzip named .tar.gz: archive");
    CHECK(!hash_of("\x1f\x8b\x08\x00", 4, 0644, "usr/share/man/man1/ls.1.gz").archive,
          "gzip of one man page: no archive");

    /* Deployable files. */
    const char *files[] = {"/usr/bin/bash", "/usr/share/doc/bash/copyright"};
    vg_component deb = {.type = "deb", .files = files, .nfiles = 2, .location = "var/lib/dpkg/status"};
    CHECK(vg_component_deployable(&deb, "usr/bin/bash"), "an owned file");
    CHECK(vg_component_deployable(&deb, "/usr/bin/bash"), "an owned file, absolute");
    CHECK(!vg_component_deployable(&deb, "var/lib/dpkg/status"), "the package database");
    vg_component jar = {.type = "maven", .location = "opt/app/lib/demo-1.2.3.jar"};
    CHECK(vg_component_deployable(&jar, jar.location), "a jar");
    jar.evidence = VG_EVIDENCE_MANIFEST;
    CHECK(!vg_component_deployable(&jar, jar.location), "a jar named by a manifest only");
    vg_property nested = {.name = "vigil:java:path", .value = "opt/app/app.war!/WEB-INF/lib/x-1.0.jar"};
    vg_component inner = {.type = "maven", .location = "opt/app/app.war", .properties = &nested};
    CHECK(!vg_component_deployable(&inner, inner.location), "a jar nested in a war is not the war");
    vg_component pom = {.type = "maven", .location = "opt/app/pom.xml"};
    CHECK(!vg_component_deployable(&pom, pom.location), "a pom.xml");
    vg_component gobin = {.type = "golang", .location = "usr/bin/app"};
    CHECK(vg_component_deployable(&gobin, gobin.location), "a Go binary");
    vg_component gomod = {.type = "golang", .location = "src/go.mod"};
    CHECK(!vg_component_deployable(&gomod, gomod.location), "go.mod");
    vg_component dist = {.type = "pypi", .location = "usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA"};
    CHECK(!vg_component_deployable(&dist, dist.location), "an installed distribution's METADATA");
    vg_component whl = {.type = "pypi", .location = "wheels/x-1.0-py3-none-any.whl"};
    CHECK(vg_component_deployable(&whl, whl.location), "a wheel");

    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

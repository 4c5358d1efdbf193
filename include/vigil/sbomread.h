/*
 * sbomread.h — an existing SBOM as the target of `vigil scan`: CycloneDX
 * 1.4-1.7 JSON, SPDX 2.2/2.3 JSON and SPDX 3.0.1 JSON-LD, written by vigil
 * or by other tools (Syft, Trivy, cdxgen), read back into a vg_inventory.
 *
 * CycloneDX: metadata.component and components[] (a nested component is
 * CONTAINed by its parent), each with purl, name, version, cpe, licenses,
 * supplier, scope, bom-ref, evidence.occurrences (its locations) and
 * properties; dependencies[] (the graph); the operating-system component
 * gives the OS.
 * SPDX: packages[] with externalRefs of referenceType "purl" (and cpe23Type),
 * versionInfo, licenseDeclared, supplier, annotations ("NAME: VALUE");
 * relationships[] (the graph); a package with primaryPackagePurpose
 * OPERATING_SYSTEM gives the OS.
 * Without an OS component the OS comes from the "distro" qualifier of the
 * first deb/apk/rpm purl ("debian-12", "alpine-3.10.9", "rhel-9.2"); each
 * component keeps its own purl with its qualifiers.
 * A component's type, version and arch come from its purl
 * (vg_purl_parse()), its name from the document when that names the same
 * package (a Go module always by its path); source_name/source_version
 * from vigil's or Trivy's properties or the "upstream" qualifier (Syft and
 * Trivy write "upstream=src" or "upstream=src@ver").  vigil's own
 * properties and annotations are restored, so that vigil's SBOM of a target
 * reads back as the inventory of the target for matching; src/sbomread.c
 * lists what is read from Syft and Trivy.  Components without a purl are
 * kept by name and version, with vigil's type or "generic".
 *
 * SPDX 3: software_Package elements of the @graph with software_packageUrl
 * (or a packageUrl externalIdentifier), software_packageVersion, cpe23
 * identifiers, suppliedBy (the agent's name), summary, software_homePage,
 * the expression of hasDeclaredLicense, vigil's properties
 * (extension_CdxPropertiesExtension); relationships dependsOn and its kin
 * and contains (the graph), LifecycleScopedRelationship scopes; the
 * operatingSystem package gives the OS.
 *
 * Leaves out: XML and tag-value encodings, files; CycloneDX
 * "vulnerabilities" (read those with vex.h).  What a document held that is
 * not kept is counted in a vg_sbom_dropped (vg_sbom_read_ex), for `vigil
 * convert` to list.
 */
#ifndef VIGIL_SBOMREAD_H
#define VIGIL_SBOMREAD_H

#include <stddef.h>

#include "vigil/error.h"
#include "vigil/inventory.h"

#define VG_SBOM_MAX_DOCUMENT ((size_t)512 << 20) /* largest SBOM file read */
#define VG_SBOM_MAX_COMPONENTS 1000000
#define VG_SBOM_MAX_DEPTH 64                     /* nesting of CycloneDX components */

/* What a document held that the inventory does not keep: kinds[0..n), each
 * a static description ("files (SPDX 2 files[])", "vulnerabilities") and
 * how many; kinds beyond VG_SBOM_MAX_DROPPED are counted in the last. */
#define VG_SBOM_MAX_DROPPED 32
typedef struct vg_sbom_dropped {
    size_t n;
    struct {
        const char *what;
        size_t count;
    } kinds[VG_SBOM_MAX_DROPPED];
} vg_sbom_dropped;

/* 1 when data[0..len) starts like a JSON document (first non-blank byte
 * '{'), so `vigil scan` treats the file as an SBOM rather than an archive. */
int vg_sbom_sniff(const char *data, size_t len);

/* Reads the CycloneDX or SPDX JSON document data[0..len) into inv
 * (initialised by the caller), sets inv->target (kind VG_TARGET_SBOM, path
 * and name = path, digest = sha256 of the bytes) and finalizes it.
 * VG_ERR_FORMAT with a message naming path when it is not JSON, is
 * truncated, or is neither format; VG_ERR_UNSUPPORTED for an SPDX/CycloneDX
 * version outside those above; VG_ERR_LIMIT; VG_ERR_NOMEM.  Bad single
 * components (a purl that does not parse) are warned about and kept by name. */
int vg_sbom_read(vg_ctx *ctx, const char *path, const char *data, size_t len, vg_inventory *inv);
/* vg_sbom_read(), and when dropped is not NULL (zeroed by the caller) it
 * counts what was not carried into inv, in the order first met. */
int vg_sbom_read_ex(vg_ctx *ctx, const char *path, const char *data, size_t len, vg_inventory *inv,
                    vg_sbom_dropped *dropped);

/* Reads the file at path (at most VG_SBOM_MAX_DOCUMENT bytes) with
 * vg_sbom_read().  VG_ERR_NOT_FOUND, VG_ERR_IO, VG_ERR_LIMIT or its errors. */
int vg_sbom_read_file(vg_ctx *ctx, const char *path, vg_inventory *inv);
/* The same with vg_sbom_read_ex(). */
int vg_sbom_read_file_ex(vg_ctx *ctx, const char *path, vg_inventory *inv, vg_sbom_dropped *dropped);

#endif

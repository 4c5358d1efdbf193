/*
 * sbomread.h — an existing SBOM as the target of `vigil scan`: CycloneDX
 * 1.4-1.6 JSON and SPDX 2.2/2.3 JSON, written by vigil or by other tools
 * (Syft, Trivy, cdxgen), read back into a vg_inventory.
 *
 * CycloneDX: metadata.component and components[] (nested components
 * flattened), each with purl, name, version, cpe, licenses, supplier,
 * bom-ref; the operating-system component gives the OS; vigil's own
 * vigil:package:* / vigil:location properties are restored.
 * SPDX: packages[] with externalRefs of referenceType "purl" (and cpe23Type),
 * versionInfo, licenseDeclared, supplier; a package with
 * primaryPackagePurpose OPERATING_SYSTEM gives the OS.
 * Without an OS component the OS comes from the "distro" qualifier of the
 * first deb/apk/rpm purl ("debian-12", "alpine-3.10.9", "rhel-9.2").
 * A component's type, namespace, name, version and arch come from its purl
 * (vg_purl_parse()); source_name/source_version from the "upstream"
 * qualifier (Syft and Trivy write "upstream=src" or "upstream=src@ver")
 * unless vigil properties give them.  Components without a purl are kept
 * with type "generic" name and version only.
 *
 * Leaves out: XML and tag-value encodings, SPDX 3, dependency graphs,
 * files; CycloneDX "vulnerabilities" (read those with vex.h).
 */
#ifndef VIGIL_SBOMREAD_H
#define VIGIL_SBOMREAD_H

#include <stddef.h>

#include "vigil/error.h"
#include "vigil/inventory.h"

#define VG_SBOM_MAX_DOCUMENT ((size_t)512 << 20) /* largest SBOM file read */
#define VG_SBOM_MAX_COMPONENTS 1000000
#define VG_SBOM_MAX_DEPTH 64                     /* nesting of CycloneDX components */

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

/* Reads the file at path (at most VG_SBOM_MAX_DOCUMENT bytes) with
 * vg_sbom_read().  VG_ERR_NOT_FOUND, VG_ERR_IO, VG_ERR_LIMIT or its errors. */
int vg_sbom_read_file(vg_ctx *ctx, const char *path, vg_inventory *inv);

#endif

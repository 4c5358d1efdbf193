/*
 * cpe.h — Common Platform Enumeration names: conversion of the CPE 2.2 URI
 * binding ("cpe:/o:debian:debian_linux:12", as os-release(5) CPE_NAME
 * gives it) to the CPE 2.3 formatted string binding
 * ("cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:*") that CycloneDX and
 * SPDX carry.
 *
 * Implements NISTIR 7695 (CPE Naming Specification 2.3): 6.1.3 unbinding
 * a URI into a well-formed name (decode, packed edition), then 6.2.2
 * binding it to a formatted string (quoting).  Not implemented: matching
 * (NISTIR 7696) and the dictionary.
 */
#ifndef VIGIL_CPE_H
#define VIGIL_CPE_H

#include "vigil/arena.h"

/* Converts uri (a CPE 2.2 URI) to a CPE 2.3 formatted string in arena.
 * A string that is already a 2.3 formatted string (11 attributes after
 * "cpe:2.3:") is returned as a copy.  Returns VG_OK, VG_ERR_FORMAT when uri
 * is not a valid CPE name (bad percent-encoding, characters a URI may not
 * hold, more than 7 components, a misplaced %01/%02, a packed edition
 * without 5 fields), or VG_ERR_NOMEM; *out is NULL unless VG_OK. */
int vg_cpe_from_uri(vg_arena *arena, const char *uri, char **out);

#endif

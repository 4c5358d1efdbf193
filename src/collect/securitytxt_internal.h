/*
 * securitytxt_internal.h — the parser behind `vigil collect securitytxt`
 * (src/collect/securitytxt.c): RFC 9116 security.txt, optionally inside
 * an OpenPGP cleartext signature (RFC 4880, 7).  Pure over untrusted
 * bytes; tests/fuzz/fuzz_securitytxt.c fuzzes it.
 */
#ifndef VIGIL_COLLECT_SECURITYTXT_INTERNAL_H
#define VIGIL_COLLECT_SECURITYTXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define SECTXT_MAX_SIZE 32768   /* bytes of a file; a larger one is refused */
#define SECTXT_MAX_LINE 2048    /* bytes of a line, its end excluded */
#define SECTXT_MAX_LINES 4096   /* lines of a file */
#define SECTXT_MAX_FIELDS 256   /* fields kept; the rest is a problem */
#define SECTXT_YEAR 31536000LL  /* 365 days: RFC 9116, 2.5.5 recommends an Expires less than a year ahead */

/* Parses the security.txt text data[0..len) (len at most SECTXT_MAX_SIZE)
 * collected at the Unix time now; fetched_from is the URL the file was
 * fetched from (Canonical is matched against it), or NULL for a file.
 * Returns the members "signature", "fields", "contact", "expires",
 * "expires_in_days", ..., "problems" of the document as a new object, or
 * NULL when out of memory or len is too large. */
json_t *sectxt_parse(const char *data, size_t len, int64_t now, const char *fetched_from);

/* An RFC 3339 date-time (RFC 3339, 5.6) in text[0..len) as Unix time in
 * *out; 0, or -1 when it is not one. */
int sectxt_rfc3339(const char *text, size_t len, int64_t *out);

#endif

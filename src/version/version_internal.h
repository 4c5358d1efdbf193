/*
 * version_internal.h — the per-scheme comparators behind version.h and the
 * helpers they share.  Every comparator is handed NUL-terminated strings
 * whose length the dispatcher (version.c) has already checked against
 * VG_VERSION_MAX_LEN, so none of them has to re-check lengths; each returns
 * VG_OK with *out set, or VG_ERR_FORMAT without touching *out.
 */
#ifndef VIGIL_VERSION_INTERNAL_H
#define VIGIL_VERSION_INTERNAL_H

#include <stddef.h>
#include "vigil/version.h"

int version_cmp_dpkg(const char *a, const char *b, int *out);
int version_cmp_rpm(const char *a, const char *b, int *out);
int version_cmp_apk(const char *a, const char *b, int *out);
int version_cmp_semver(const char *a, const char *b, int *out);
int version_cmp_pep440(const char *a, const char *b, int *out);
int version_cmp_maven(const char *a, const char *b, int *out);
int version_cmp_rubygems(const char *a, const char *b, int *out);
int version_cmp_go(const char *a, const char *b, int *out);
int version_cmp_cargo(const char *a, const char *b, int *out);
int version_cmp_nuget(const char *a, const char *b, int *out);
int version_cmp_composer(const char *a, const char *b, int *out);

/* Validity checks: VG_OK or VG_ERR_FORMAT. */
int version_valid_dpkg(const char *v);
int version_valid_rpm(const char *v);
int version_valid_apk(const char *v);
int version_valid_semver(const char *v);
int version_valid_pep440(const char *v);
int version_valid_maven(const char *v);
int version_valid_rubygems(const char *v);
int version_valid_go(const char *v);
int version_valid_cargo(const char *v);
int version_valid_nuget(const char *v);
int version_valid_composer(const char *v);

/* Compares the unsigned decimal numbers a[0..alen) and b[0..blen) (ASCII
 * digits only, any length, leading zeros allowed) by value: <0, 0, >0. */
int version_digits_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* Number of ASCII digits at the start of s[0..len). */
size_t version_digits_span(const char *s, size_t len);

/* Three-way result of an integer comparison, for the "return x < y ? -1..." idiom. */
static inline int version_sign(long long d) { return (d > 0) - (d < 0); }

/* ASCII-only character classes (the comparators must not depend on locale). */
static inline int version_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int version_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline int version_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int version_is_alpha(int c) { return version_is_lower(c) || version_is_upper(c); }
static inline int version_is_alnum(int c) { return version_is_digit(c) || version_is_alpha(c); }
static inline int version_to_lower(int c) { return version_is_upper(c) ? c - 'A' + 'a' : c; }

#endif

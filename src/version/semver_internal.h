/*
 * semver_internal.h — the SemVer 2.0.0 parser and precedence shared by
 * semver.c (npm), golang.c (Go modules) and cargo.c (crates.io).  Each
 * caller picks the dialect with a semver_rules value.
 */
#ifndef VIGIL_VERSION_SEMVER_INTERNAL_H
#define VIGIL_VERSION_SEMVER_INTERNAL_H

#include <stddef.h>

typedef struct semver_rules {
    int v_prefix;      /* 1: one optional leading 'v'; 2: 'v' optional, as Go's "v1.2.3" */
    int trim_space;    /* ignore surrounding ASCII white space (npm) */
    int shorthand;     /* "v1" and "v1.2" stand for v1.0.0 and v1.2.0 (Go) */
    const char *max_number; /* decimal upper bound of major/minor/patch, or NULL */
    size_t max_len;    /* longest accepted input, 0 = VG_VERSION_MAX_LEN */
} semver_rules;

typedef struct semver {
    const char *num[3]; /* major, minor, patch digits; "0" for a shorthand */
    size_t numlen[3];
    const char *pre;    /* prerelease without '-', prelen 0 when none */
    size_t prelen;
    const char *build;  /* build metadata without '+', buildlen 0 when none */
    size_t buildlen;
} semver;

/* Parses s[0..len) under rules; VG_OK or VG_ERR_FORMAT. */
int semver_parse(const char *s, size_t len, const semver_rules *rules, semver *out);

/* SemVer 2.0.0 section 11 precedence (build metadata ignored). */
int semver_precedence(const semver *a, const semver *b);

/* Compares dot-separated prerelease identifier lists: numeric identifiers
 * by value, numeric before alphanumeric, alphanumerics in ASCII order, a
 * shorter list first when it is a prefix. */
int semver_prerelease_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif

/*
 * skip.h — how a unit test program says that it, or one of its checks,
 * cannot run here because something it needs is absent (../shared, a tool).
 *
 * Outside CI that is a skip: test_skip() gives the exit status 77, which
 * CTest reports as skipped (SKIP_RETURN_CODE), and test_skip_part() prints
 * a note.  In CI (the environment variable CI set to anything but "", "0" or
 * "false", as CI services and .ci/run set it) nothing may be skipped: both
 * print the reason as a failure and make the program fail.  The same rule as
 * skip() and skip_part() in tests/e2e/lib.sh.
 */
#ifndef VIGIL_TEST_SKIP_H
#define VIGIL_TEST_SKIP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static inline int test_in_ci(void)
{
    const char *ci = getenv("CI");
    return ci && *ci && strcmp(ci, "0") != 0 && strcasecmp(ci, "false") != 0;
}

static inline void test_say(const char *what, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", what);
    vfprintf(stderr, fmt, ap);
    if (test_in_ci())
        fprintf(stderr, " (CI=%s: nothing may be skipped in CI)", getenv("CI"));
    fputc('\n', stderr);
}

/* The status main() returns when the whole program cannot run: 77, or 1 in CI. */
__attribute__((format(printf, 1, 2))) static inline int test_skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    test_say(test_in_ci() ? "FAIL" : "SKIP", fmt, ap);
    va_end(ap);
    return test_in_ci() ? 1 : 77;
}

/* One check cannot run: a note and 0, or 1 in CI (add it to the failures). */
__attribute__((format(printf, 1, 2))) static inline int test_skip_part(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    test_say(test_in_ci() ? "FAIL" : "note: not checked", fmt, ap);
    va_end(ap);
    return test_in_ci();
}

#endif

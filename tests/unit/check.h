/*
 * check.h — the check of the unit test programs: CHECK(cond, fmt, ...)
 * prints "FAIL FILE:LINE: message" when cond is false and counts it in
 * failures, which main() turns into its exit status; the program goes on
 * with the next check, so that one run shows every failure.
 */
#ifndef VIGIL_TEST_CHECK_H
#define VIGIL_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                         \
    do {                                                         \
        if (!(cond)) {                                           \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                        \
            fputc('\n', stderr);                                 \
            failures++;                                          \
        }                                                        \
    } while (0)

#endif

/*
 * vex_internal.h — helpers shared by the VEX readers (openvex.c,
 * cyclonedx_vex.c), their application (vex.c) and the --ignore file
 * (src/match/ignore.c); the calendar functions serve the policy engine's
 * and the incident register's times too.  Internal to the library.
 */
#ifndef VIGIL_VEX_INTERNAL_H
#define VIGIL_VEX_INTERNAL_H

#include <stdint.h>

#include "vigil/vex.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (any year). */
int64_t vex_days_from_civil(int64_t year, unsigned month, unsigned day);
/* Its inverse: the date of a day number. */
void vex_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);

/* 1 when year-month-day is a real calendar day. */
int vex_valid_date(int year, int month, int day);

/* Parses an RFC 3339 date-time ("2023-01-08T18:02:03.64Z",
 * "...-06:00"; a date alone "2023-01-08" is midnight UTC) into seconds
 * since the epoch.  0 on success, -1 when s is not one. */
int vex_parse_time(const char *s, int64_t *out);

/* Appends a zeroed statement to vex (order set); NULL on OOM or past
 * VG_VEX_MAX_STATEMENTS (*limit set to 1 then). */
vg_vex_statement *vex_add(vg_vex *vex, int *limit);

#endif

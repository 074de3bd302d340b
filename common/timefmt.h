/* SPDX-License-Identifier: ISC */
#ifndef TEEC_TIMEFMT_H
#define TEEC_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse a time given on the command line: "now", "@SECONDS" (since the
 * epoch) or RFC 3339 ("2024-09-07T14:37:39Z", fractions and numeric
 * offsets allowed). *is_now is set for "now". 0 or -1.
 */
int time_parse_arg(const char *s, int64_t *secs, int *is_now);
/* Strict RFC 3339 date-time (section 5.6) to seconds. 0 or -1. */
int time_parse_rfc3339(const char *s, size_t n, int64_t *secs);
/* "YYYY-MM-DDTHH:MM:SSZ" into out (at least 32 bytes). */
void time_fmt(int64_t secs, char *out, size_t outlen);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" for a time in milliseconds. */
void time_fmt_ms(uint64_t ms, char *out, size_t outlen);

/* Milliseconds of CLOCK_MONOTONIC, for deadlines and durations. */
int64_t mono_ms(void);

#endif

/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/timefmt.h"

static int
digits(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
time_parse_rfc3339(const char *s, size_t n, int64_t *secs)
{
	int Y, M, D, h, m, sec, oh = 0, om = 0, sign = 0;
	size_t i = 19;

	if (n < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	if (digits(s, 4, &Y) || digits(s + 5, 2, &M) || digits(s + 8, 2, &D) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &m) ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M) || h > 23 ||
	    m > 59 || sec > 60)
		return -1;
	if (sec == 60)
		sec = 59;       /* a leap second: the last whole second before it */
	if (s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (n - i < 6 || s[i + 3] != ':' || digits(s + i + 1, 2, &oh) ||
		    digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		i += 6;
	} else
		return -1;
	if (i != n)
		return -1;
	*secs = days_from_civil(Y, M, D) * 86400 + h * 3600 + m * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	return 0;
}

int
time_parse_arg(const char *s, int64_t *secs, int *is_now)
{
	char *end;
	long long v;

	*is_now = 0;
	if (strcmp(s, "now") == 0) {
		*is_now = 1;
		*secs = (int64_t)time(NULL);
		return 0;
	}
	if (s[0] == '@') {
		if (s[1] == '\0' || s[1] == '-' || s[1] == '+' || s[1] == ' ')
			return -1;
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (*end != '\0' || errno != 0 || v > 253402300799LL)
			return -1;
		*secs = v;
		return 0;
	}
	return time_parse_rfc3339(s, strlen(s), secs);
}

void
time_fmt(int64_t secs, char *out, size_t outlen)
{
	struct tm tm;
	time_t t = (time_t)secs;

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(out, outlen, "@%lld", (long long)secs);
		return;
	}
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
time_fmt_ms(uint64_t ms, char *out, size_t outlen)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);
	char base[32];

	if (ms / 1000 > 253402300799ULL || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, outlen, "@%llu.%03llu", (unsigned long long)(ms / 1000),
		    (unsigned long long)(ms % 1000));
		return;
	}
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, outlen, "%s.%03uZ", base, (unsigned)(ms % 1000));
}

int64_t
mono_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SPDX-License-Identifier: ISC */
/* common/timefmt.c: RFC 3339 and command-line times, formatting, mono_ms. */
#include <time.h>

#include "tests/unit/testutil.h"

#include "common/timefmt.h"

static int64_t
p3339(const char *s)
{
	int64_t t = -12345;

	assert_int_equal(time_parse_rfc3339(s, strlen(s), &t), 0);
	return t;
}

static void
bad3339(const char *s)
{
	int64_t t = -12345;

	if (time_parse_rfc3339(s, strlen(s), &t) != -1)
		fail_msg("accepted \"%s\"", s);
	assert_int_equal(t, -12345);
}

static void
test_rfc3339_utc(void **state)
{
	assert_int_equal(p3339("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(p3339("2024-09-07T14:37:39Z"), 1725719859);
	assert_int_equal(p3339("2024-09-07t14:37:39z"), 1725719859);
	assert_int_equal(p3339("2024-09-07 14:37:39Z"), 1725719859);
	assert_int_equal(p3339("9999-12-31T23:59:59Z"), 253402300799LL);
}

static void
test_rfc3339_fraction_ignored(void **state)
{
	assert_int_equal(p3339("2024-09-07T14:37:39.999999Z"), 1725719859);
	assert_int_equal(p3339("2024-09-07T14:37:39.0Z"), 1725719859);
}

static void
test_rfc3339_offsets(void **state)
{
	assert_int_equal(p3339("2024-09-07T16:37:39+02:00"), 1725719859);
	assert_int_equal(p3339("2024-09-07T09:07:39-05:30"), 1725719859);
	assert_int_equal(p3339("1970-01-01T00:00:00+00:00"), 0);
	assert_int_equal(p3339("1970-01-01T00:00:00-00:00"), 0);
}

static void
test_rfc3339_leap_day_and_second(void **state)
{
	assert_int_equal(p3339("2024-02-29T00:00:00Z"), 1709164800);
	assert_int_equal(p3339("2000-02-29T00:00:00Z"), 951782400);
	/* a leap second reads as the second before it */
	assert_int_equal(p3339("2016-12-31T23:59:60Z"), 1483228799);
	bad3339("2023-02-29T00:00:00Z");
	bad3339("1900-02-29T00:00:00Z");
}

static void
test_rfc3339_malformed(void **state)
{
	static const char *const bad[] = {
		"", "2024", "2024-09-07", "2024-09-07T14:37:39",
		"2024-09-07T14:37Z", "2024-9-07T14:37:39Z",
		"2024-09-07X14:37:39Z", "2024/09/07T14:37:39Z",
		"2024-00-07T14:37:39Z", "2024-13-07T14:37:39Z",
		"2024-09-00T14:37:39Z", "2024-09-31T14:37:39Z",
		"2024-09-07T24:00:00Z", "2024-09-07T14:60:00Z",
		"2024-09-07T14:37:61Z", "2024-09-07T14:37:39.Z",
		"2024-09-07T14:37:39.5", "2024-09-07T14:37:39+2:00",
		"2024-09-07T14:37:39+02", "2024-09-07T14:37:39+0200",
		"2024-09-07T14:37:39+24:00", "2024-09-07T14:37:39+02:60",
		"2024-09-07T14:37:39ZZ", "2024-09-07T14:37:39Z ",
		" 2024-09-07T14:37:39Z", "2024-09-07T14:37:39 Z",
		"+024-09-07T14:37:39Z", "2024-09-07T1a:37:39Z",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad3339(bad[i]);
}

static void
test_rfc3339_length_is_the_bound(void **state)
{
	const char *s = "2024-09-07T14:37:39Zjunk";
	int64_t t;

	/* only n bytes are read: the same text is valid when cut at Z */
	assert_int_equal(time_parse_rfc3339(s, 20, &t), 0);
	assert_int_equal(t, 1725719859);
	assert_int_equal(time_parse_rfc3339(s, 19, &t), -1);
	assert_int_equal(time_parse_rfc3339(s, strlen(s), &t), -1);
}

static void
test_arg_forms(void **state)
{
	int64_t t;
	int now;
	time_t before = time(NULL);

	assert_int_equal(time_parse_arg("now", &t, &now), 0);
	assert_int_equal(now, 1);
	assert_true(t >= (int64_t)before && t <= (int64_t)time(NULL));
	assert_int_equal(time_parse_arg("@0", &t, &now), 0);
	assert_int_equal(now, 0);
	assert_int_equal(t, 0);
	assert_int_equal(time_parse_arg("@1725719859", &t, &now), 0);
	assert_int_equal(t, 1725719859);
	assert_int_equal(time_parse_arg("@253402300799", &t, &now), 0);
	assert_int_equal(time_parse_arg("2024-09-07T14:37:39Z", &t, &now), 0);
	assert_int_equal(t, 1725719859);
	assert_int_equal(now, 0);
}

static void
test_arg_malformed(void **state)
{
	static const char *const bad[] = {
		"", "@", "@-1", "@+1", "@ 1", "@1x", "@1.5", "@253402300800",
		"@99999999999999999999", "Now", "now ", "yesterday", "1725719859",
	};
	int64_t t;
	int now;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (time_parse_arg(bad[i], &t, &now) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
}

static void
test_fmt(void **state)
{
	char out[64];

	time_fmt(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	time_fmt(1725719859, out, sizeof(out));
	assert_string_equal(out, "2024-09-07T14:37:39Z");
	time_fmt_ms(1725719859007ULL, out, sizeof(out));
	assert_string_equal(out, "2024-09-07T14:37:39.007Z");
	time_fmt_ms(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00.000Z");
	/* past year 9999: no calendar date, the raw value */
	time_fmt_ms(253402300800123ULL, out, sizeof(out));
	assert_string_equal(out, "@253402300800.123");
}

static void
test_fmt_parse_round_trip(void **state)
{
	static const int64_t t[] = { 0, 951782400, 1483228799, 1725719859,
	    253402300799LL };
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		time_fmt(t[i], out, sizeof(out));
		assert_int_equal(p3339(out), t[i]);
	}
}

static void
test_mono_ms_advances(void **state)
{
	struct timespec nap = { 0, 30 * 1000 * 1000 };
	int64_t a, b;

	a = mono_ms();
	assert_true(a > 0);
	nanosleep(&nap, NULL);
	b = mono_ms();
	assert_true(b - a >= 30);
	assert_true(b - a < 10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339_utc),
		cmocka_unit_test(test_rfc3339_fraction_ignored),
		cmocka_unit_test(test_rfc3339_offsets),
		cmocka_unit_test(test_rfc3339_leap_day_and_second),
		cmocka_unit_test(test_rfc3339_malformed),
		cmocka_unit_test(test_rfc3339_length_is_the_bound),
		cmocka_unit_test(test_arg_forms),
		cmocka_unit_test(test_arg_malformed),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_fmt_parse_round_trip),
		cmocka_unit_test(test_mono_ms_advances),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

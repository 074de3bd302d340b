/* SPDX-License-Identifier: ISC */
#include <fcntl.h>

#include "tests/unit/testutil.h"

#include "host/progress.h"

static void
test_size_bytes(void **state)
{
	char s[32];

	progress_size(0, s, sizeof(s));
	assert_string_equal(s, "0 B");
	progress_size(1023, s, sizeof(s));
	assert_string_equal(s, "1023 B");
}

static void
test_size_units(void **state)
{
	char s[32];

	progress_size(1024, s, sizeof(s));
	assert_string_equal(s, "1.0 KiB");
	progress_size(12897484, s, sizeof(s));	/* 12.3 MiB */
	assert_string_equal(s, "12.3 MiB");
	progress_size(40ull << 20, s, sizeof(s));
	assert_string_equal(s, "40.0 MiB");
	progress_size(3ull << 30, s, sizeof(s));
	assert_string_equal(s, "3.0 GiB");
	progress_size(5ull << 40, s, sizeof(s));
	assert_string_equal(s, "5.0 TiB");
	progress_size(UINT64_MAX, s, sizeof(s));
	assert_string_equal(s, "16777216.0 TiB");
}

static void
test_size_truncates_safely(void **state)
{
	char s[4];

	progress_size(12897484, s, sizeof(s));
	assert_string_equal(s, "12.");
}

static void
test_format_with_total(void **state)
{
	char s[PROGRESS_LINE_MAX];

	progress_format("sending source", 12897484, 40ull << 20, s, sizeof(s));
	assert_string_equal(s, "sending source: 12.3 MiB / 40.0 MiB");
}

static void
test_format_without_total(void **state)
{
	char s[PROGRESS_LINE_MAX];

	progress_format("receiving bundle", 2048, 0, s, sizeof(s));
	assert_string_equal(s, "receiving bundle: 2.0 KiB");
}

static size_t
drain(int fd, char *out, size_t n)
{
	ssize_t r = read(fd, out, n - 1);

	out[r > 0 ? r : 0] = '\0';
	return r > 0 ? (size_t)r : 0;
}

static void
test_disabled_writes_nothing(void **state)
{
	struct progress p;
	char out[256];
	int fds[2];

	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	progress_init(&p, fds[1], 0, "sending source", 100);
	progress_update(&p, 50);
	progress_update(&p, 100);
	progress_clear(&p);
	assert_int_equal(drain(fds[0], out, sizeof(out)), 0);
	close(fds[0]);
	close(fds[1]);
}

static void
test_enabled_redraws_and_clears(void **state)
{
	struct progress p;
	char out[256];
	int fds[2];

	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	progress_init(&p, fds[1], 1, "sending source", 2048);
	progress_update(&p, 1024);
	drain(fds[0], out, sizeof(out));
	assert_string_equal(out, "\rsending source: 1.0 KiB / 2.0 KiB\033[K");
	/* Within the interval: no redraw, except the final one. */
	progress_update(&p, 1500);
	assert_int_equal(drain(fds[0], out, sizeof(out)), 0);
	progress_update(&p, 2048);
	drain(fds[0], out, sizeof(out));
	assert_string_equal(out, "\rsending source: 2.0 KiB / 2.0 KiB\033[K");
	progress_clear(&p);
	drain(fds[0], out, sizeof(out));
	assert_string_equal(out, "\r\033[K");
	/* Cleared once: a second clear writes nothing. */
	progress_clear(&p);
	assert_int_equal(drain(fds[0], out, sizeof(out)), 0);
	close(fds[0]);
	close(fds[1]);
}

static void
test_clear_without_line(void **state)
{
	struct progress p;
	char out[64];
	int fds[2];

	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	progress_init(&p, fds[1], 1, "x", 0);
	progress_clear(&p);
	progress_clear(NULL);
	progress_update(NULL, 1);
	assert_int_equal(drain(fds[0], out, sizeof(out)), 0);
	close(fds[0]);
	close(fds[1]);
}

static void
test_long_label_bounded(void **state)
{
	struct progress p;
	char label[600], out[1024];
	int fds[2];
	size_t n;

	memset(label, 'a', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	progress_init(&p, fds[1], 1, label, 10);
	progress_cb(10, &p);
	n = drain(fds[0], out, sizeof(out));
	assert_true(n <= PROGRESS_LINE_MAX + 4);
	assert_memory_equal(out + n - 3, "\033[K", 3);
	close(fds[0]);
	close(fds[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_bytes),
		cmocka_unit_test(test_size_units),
		cmocka_unit_test(test_size_truncates_safely),
		cmocka_unit_test(test_format_with_total),
		cmocka_unit_test(test_format_without_total),
		cmocka_unit_test(test_disabled_writes_nothing),
		cmocka_unit_test(test_enabled_redraws_and_clears),
		cmocka_unit_test(test_clear_without_line),
		cmocka_unit_test(test_long_label_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <limits.h>

#include "tests/unit/testutil.h"

#include "common/buf.h"
#include "common/fileio.h"
#include "enclave/buildlog.h"
#include "enclave/workdir.h"

#define NOTICE_LEN (sizeof(BUILDLOG_NOTICE) - 1)

static char dir[PATH_MAX], path[PATH_MAX + 16];

static int
setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/teec-buildlog.XXXXXX",
	    t != NULL && t[0] == '/' ? t : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/build.log", dir);
	return 0;
}

static int
teardown(void **state)
{
	struct teec_err err;

	(void)state;
	return workdir_remove(dir, &err) == TEEC_OK ? 0 : -1;
}

static void
file_is(const char *want, size_t n)
{
	struct buf b;
	struct teec_err err;

	assert_int_equal(read_file_capped(path, 1u << 20, &b, &err), TEEC_OK);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, want, n);
	buf_free(&b);
}

static void
test_under_cap_kept(void **state)
{
	struct buildlog l;
	struct teec_err err;
	const char *notice;
	size_t kept;

	(void)state;
	assert_int_equal(buildlog_open(&l, path, 1000, &err), TEEC_OK);
	assert_int_equal(buildlog_add(&l, (const uint8_t *)"abc", 3, &kept,
	    &notice, &err), TEEC_OK);
	assert_int_equal(kept, 3);
	assert_null(notice);
	assert_int_equal(buildlog_add(&l, (const uint8_t *)"de\n", 3, &kept,
	    &notice, &err), TEEC_OK);
	assert_int_equal(buildlog_close(&l, &err), TEEC_OK);
	file_is("abcde\n", 6);
}

static void
test_cap_truncates_once(void **state)
{
	struct buildlog l;
	struct teec_err err;
	const char *notice;
	uint8_t chunk[100], want[150 + NOTICE_LEN];
	size_t kept, cap = NOTICE_LEN + 150;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	assert_int_equal(buildlog_open(&l, path, cap, &err), TEEC_OK);
	assert_int_equal(buildlog_add(&l, chunk, 100, &kept, &notice, &err),
	    TEEC_OK);
	assert_int_equal(kept, 100);
	assert_null(notice);
	assert_int_equal(buildlog_add(&l, chunk, 100, &kept, &notice, &err),
	    TEEC_OK);
	assert_int_equal(kept, 50);
	assert_string_equal(notice, BUILDLOG_NOTICE);
	assert_int_equal(buildlog_add(&l, chunk, 100, &kept, &notice, &err),
	    TEEC_OK);
	assert_int_equal(kept, 0);
	assert_null(notice);
	assert_int_equal(l.written, cap);
	assert_int_equal(l.dropped, 150);
	assert_int_equal(buildlog_close(&l, &err), TEEC_OK);
	memset(want, 'x', 150);
	memcpy(want + 150, BUILDLOG_NOTICE, NOTICE_LEN);
	file_is((const char *)want, cap);
}

static void
test_exact_fit_not_truncated(void **state)
{
	struct buildlog l;
	struct teec_err err;
	const char *notice;
	uint8_t chunk[50];
	size_t kept;

	(void)state;
	memset(chunk, 'y', sizeof(chunk));
	assert_int_equal(buildlog_open(&l, path, NOTICE_LEN + 50, &err),
	    TEEC_OK);
	assert_int_equal(buildlog_add(&l, chunk, 50, &kept, &notice, &err),
	    TEEC_OK);
	assert_int_equal(kept, 50);
	assert_null(notice);
	assert_int_equal(buildlog_add(&l, chunk, 1, &kept, &notice, &err),
	    TEEC_OK);
	assert_int_equal(kept, 0);
	assert_non_null(notice);
	assert_int_equal(buildlog_close(&l, &err), TEEC_OK);
}

static void
test_cap_too_small(void **state)
{
	struct buildlog l;
	struct teec_err err;

	(void)state;
	assert_int_equal(buildlog_open(&l, path, NOTICE_LEN, &err), TEEC_ERROR);
	assert_int_equal(buildlog_close(&l, &err), TEEC_OK);
}

static void
test_existing_file_refused(void **state)
{
	struct buildlog l;
	struct teec_err err;

	(void)state;
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(buildlog_open(&l, path, 1000, &err), TEEC_ERROR);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_under_cap_kept),
		T(test_cap_truncates_once),
		T(test_exact_fit_not_truncated),
		T(test_cap_too_small),
		T(test_existing_file_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

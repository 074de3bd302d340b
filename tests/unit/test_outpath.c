/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <limits.h>

#include "tests/unit/testutil.h"
#include "tests/unit/hostfake.h"

#include "host/outpath.h"

static char top[64], tree[96], sub[128];

static int
setup(void **state)
{
	snprintf(top, sizeof(top), "/tmp/teec-outpath.XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	snprintf(tree, sizeof(tree), "%s/hello", top);
	snprintf(sub, sizeof(sub), "%s/hello/out", top);
	if (mkdir(tree, 0755) == -1 || mkdir(sub, 0755) == -1)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	hf_rmtree(top);
	return 0;
}

static void
test_default_is_basename(void **state)
{
	struct teec_err err;
	char out[PATH_MAX];

	assert_int_equal(outpath_default(tree, out, sizeof(out), &err),
	    TEEC_OK);
	assert_string_equal(out, "hello.teec");
}

static void
test_default_resolves_dot(void **state)
{
	struct teec_err err;
	char out[PATH_MAX], cwd[PATH_MAX], p[PATH_MAX];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(sub), 0);
	assert_int_equal(outpath_default(".", out, sizeof(out), &err), TEEC_OK);
	assert_string_equal(out, "out.teec");
	assert_int_equal(outpath_default("..", out, sizeof(out), &err),
	    TEEC_OK);
	assert_string_equal(out, "hello.teec");
	snprintf(p, sizeof(p), "%s/", tree);
	assert_int_equal(outpath_default(p, out, sizeof(out), &err), TEEC_OK);
	assert_string_equal(out, "hello.teec");
	assert_int_equal(chdir(cwd), 0);
}

static void
test_default_root_fallback(void **state)
{
	struct teec_err err;
	char out[PATH_MAX];

	assert_int_equal(outpath_default("/", out, sizeof(out), &err), TEEC_OK);
	assert_string_equal(out, "source.teec");
}

static void
test_default_missing_dir(void **state)
{
	struct teec_err err;
	char out[PATH_MAX], p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/nope", top);
	assert_int_equal(outpath_default(p, out, sizeof(out), &err),
	    TEEC_ERROR);
	assert_non_null(strstr(err.msg, "No such file"));
}

static void
test_default_small_buffer(void **state)
{
	struct teec_err err;
	char out[6];

	assert_int_equal(outpath_default(tree, out, sizeof(out), &err),
	    TEEC_ERROR);
}

static void
test_relative_inside_top(void **state)
{
	struct teec_err err;
	char out[PATH_MAX], rel[PATH_MAX];
	int inside = -1;

	snprintf(out, sizeof(out), "%s/hello.teec", tree);
	assert_int_equal(outpath_relative(tree, out, &inside, rel, sizeof(rel),
	    &err), TEEC_OK);
	assert_int_equal(inside, 1);
	assert_string_equal(rel, "hello.teec");
}

static void
test_relative_inside_nested(void **state)
{
	struct teec_err err;
	char out[PATH_MAX], rel[PATH_MAX];
	int inside = -1;

	/* Spelled through ".." and the subdirectory: resolved. */
	snprintf(out, sizeof(out), "%s/out/../out/b.teec", tree);
	assert_int_equal(outpath_relative(tree, out, &inside, rel, sizeof(rel),
	    &err), TEEC_OK);
	assert_int_equal(inside, 1);
	assert_string_equal(rel, "out/b.teec");
}

static void
test_relative_outside(void **state)
{
	struct teec_err err;
	char out[PATH_MAX], rel[PATH_MAX];
	int inside = -1;

	snprintf(out, sizeof(out), "%s/hello.teec", top);
	assert_int_equal(outpath_relative(tree, out, &inside, rel, sizeof(rel),
	    &err), TEEC_OK);
	assert_int_equal(inside, 0);
}

static void
test_relative_prefix_sibling(void **state)
{
	struct teec_err err;
	char out[PATH_MAX], rel[PATH_MAX], sib[128];
	int inside = -1;

	/* "/x/hello2" starts like "/x/hello" but is not below it. */
	snprintf(sib, sizeof(sib), "%s/hello2", top);
	assert_int_equal(mkdir(sib, 0755), 0);
	snprintf(out, sizeof(out), "%s/a.teec", sib);
	assert_int_equal(outpath_relative(tree, out, &inside, rel, sizeof(rel),
	    &err), TEEC_OK);
	assert_int_equal(inside, 0);
}

static void
test_relative_cwd_name(void **state)
{
	struct teec_err err;
	char cwd[PATH_MAX], rel[PATH_MAX];
	int inside = -1;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tree), 0);
	assert_int_equal(outpath_relative(".", "hello.teec", &inside, rel,
	    sizeof(rel), &err), TEEC_OK);
	assert_int_equal(inside, 1);
	assert_string_equal(rel, "hello.teec");
	assert_int_equal(chdir(cwd), 0);
}

static void
test_relative_root_tree(void **state)
{
	struct teec_err err;
	char out[PATH_MAX], rel[PATH_MAX];
	int inside = -1;

	snprintf(out, sizeof(out), "%s/x.teec", tree);
	assert_int_equal(outpath_relative("/", out, &inside, rel, sizeof(rel),
	    &err), TEEC_OK);
	assert_int_equal(inside, 1);
	assert_string_equal(rel, out + 1);
}

static void
test_relative_not_a_file_name(void **state)
{
	static const char *const bad[] = { "", "dir/", ".", "..", "a/..",
	    "a/.", NULL };
	struct teec_err err;
	char rel[PATH_MAX];
	size_t i;
	int inside;

	for (i = 0; bad[i] != NULL; i++) {
		assert_int_equal(outpath_relative(tree, bad[i], &inside, rel,
		    sizeof(rel), &err), TEEC_ERROR);
		assert_int_equal(inside, 0);
	}
}

static void
test_relative_missing_directory(void **state)
{
	struct teec_err err;
	char out[PATH_MAX], rel[PATH_MAX];
	int inside;

	snprintf(out, sizeof(out), "%s/nope/x.teec", top);
	assert_int_equal(outpath_relative(tree, out, &inside, rel, sizeof(rel),
	    &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "nope"));
}

static void
test_relative_small_buffer(void **state)
{
	struct teec_err err;
	char out[PATH_MAX], rel[4];
	int inside;

	snprintf(out, sizeof(out), "%s/hello.teec", tree);
	assert_int_equal(outpath_relative(tree, out, &inside, rel, sizeof(rel),
	    &err), TEEC_ERROR);
	assert_int_equal(inside, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_basename),
		cmocka_unit_test(test_default_resolves_dot),
		cmocka_unit_test(test_default_root_fallback),
		cmocka_unit_test(test_default_missing_dir),
		cmocka_unit_test(test_default_small_buffer),
		cmocka_unit_test(test_relative_inside_top),
		cmocka_unit_test(test_relative_inside_nested),
		cmocka_unit_test(test_relative_outside),
		cmocka_unit_test(test_relative_prefix_sibling),
		cmocka_unit_test(test_relative_cwd_name),
		cmocka_unit_test(test_relative_root_tree),
		cmocka_unit_test(test_relative_not_a_file_name),
		cmocka_unit_test(test_relative_missing_directory),
		cmocka_unit_test(test_relative_small_buffer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

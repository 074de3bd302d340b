/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>

#include "tests/unit/testutil.h"

#include "common/caps.h"
#include "common/encode.h"
#include "enclave/collect.h"
#include "enclave/workdir.h"

/* SHA-256 and SHA-384 of "hello\n". */
#define HELLO_256 \
	"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define HELLO_384 \
	"1d0f284efe3edea4b9ca3bd514fa134b17eae361ccc7a1eefeff801b9bd6604e" \
	"01f21f6bf249ef030599f0c218f2ba8c"

struct fx {
	char base[PATH_MAX];    /* removed at the end */
	char src[PATH_MAX + 16];
};

static int
setup(void **state)
{
	struct fx *f;
	char tmpl[PATH_MAX];
	const char *t = getenv("TMPDIR");

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	snprintf(tmpl, sizeof(tmpl), "%s/teec-collect.XXXXXX",
	    t != NULL && t[0] == '/' ? t : "/tmp");
	if (mkdtemp(tmpl) == NULL)
		return -1;
	snprintf(f->base, sizeof(f->base), "%s", tmpl);
	/* glob(7) characters in the directory's own path must not matter. */
	snprintf(f->src, sizeof(f->src), "%s/w[1]*?", f->base);
	if (mkdir(f->src, 0755) == -1)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	struct teec_err err;

	(void)workdir_remove(f->base, &err);
	free(f);
	return 0;
}

static void
put(struct fx *f, const char *rel, const char *content)
{
	char path[PATH_MAX * 2];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->src, rel);
	assert_non_null(fp = fopen(path, "w"));
	fputs(content, fp);
	fclose(fp);
}

static void
dir(struct fx *f, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", f->src, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void
link_to(struct fx *f, const char *target, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", f->src, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int
collect(struct fx *f, const char *p1, const char *p2, struct collect *c,
    struct teec_err *err)
{
	char *pats[2];

	pats[0] = (char *)p1;
	pats[1] = (char *)p2;
	memset(err, 0, sizeof(*err));
	return collect_outputs(f->src, pats, p2 != NULL ? 2 : 1, c, err);
}

static void
refused(struct fx *f, const char *p1, const char *p2, const char *want)
{
	struct collect c;
	struct teec_err err;

	assert_int_equal(collect(f, p1, p2, &c, &err), TEEC_FAIL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
	assert_int_equal(c.n, 0);
	assert_null(c.items);
}

static void
test_one_file_hashed(void **state)
{
	struct fx *f = *state;
	struct collect c;
	struct teec_err err;
	char hex[97];

	put(f, "hello", "hello\n");
	assert_int_equal(collect(f, "hello", NULL, &c, &err), TEEC_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0].name, "hello");
	assert_int_equal(c.items[0].size, 6);
	hex_encode(c.items[0].sha256, 32, hex);
	assert_string_equal(hex, HELLO_256);
	hex_encode(c.items[0].sha384, 48, hex);
	assert_string_equal(hex, HELLO_384);
	assert_non_null(strstr(c.items[0].path, "/w[1]*?/hello"));
	collect_free(&c);
}

static void
test_no_match_names_pattern(void **state)
{
	struct fx *f = *state;

	put(f, "hello", "x");
	refused(f, "hello", "dist/*.tar.gz",
	    "output.files[1] dist/*.tar.gz matched no file");
	refused(f, "missing", NULL, "output.files[0] missing matched no file");
}

static void
test_symlink_outside_refused(void **state)
{
	struct fx *f = *state;

	link_to(f, "/etc/passwd", "passwd");
	refused(f, "passwd", NULL, "output passwd: resolves outside");
	link_to(f, "..", "up");
	refused(f, "up/*", NULL, "resolves outside");
}

static void
test_symlinked_dir_outside_refused(void **state)
{
	struct fx *f = *state;

	link_to(f, "/etc", "etc");
	refused(f, "etc/hostname", NULL, "output etc/hostname: resolves outside");
}

static void
test_symlink_inside_followed(void **state)
{
	struct fx *f = *state;
	struct collect c;
	struct teec_err err;
	char hex[65];

	dir(f, "build");
	put(f, "build/app", "hello\n");
	link_to(f, "build/app", "app");
	assert_int_equal(collect(f, "app", NULL, &c, &err), TEEC_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0].name, "app");
	assert_non_null(strstr(c.items[0].path, "/build/app"));
	hex_encode(c.items[0].sha256, 32, hex);
	assert_string_equal(hex, HELLO_256);
	collect_free(&c);
}

static void
test_dangling_symlink_refused(void **state)
{
	struct fx *f = *state;

	link_to(f, "nothing-here", "app");
	refused(f, "app", NULL, "output app: a symlink to nothing");
}

static void
test_directory_refused(void **state)
{
	struct fx *f = *state;

	dir(f, "out");
	put(f, "out.txt", "x");
	refused(f, "out*", NULL, "output out: not a regular file");
}

static void
test_fifo_refused(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/pipe", f->src);
	assert_int_equal(mkfifo(path, 0644), 0);
	refused(f, "pipe", NULL, "output pipe: not a regular file");
}

static void
test_duplicates_merged(void **state)
{
	struct fx *f = *state;
	struct collect c;
	struct teec_err err;

	put(f, "a", "1");
	put(f, "b", "2");
	assert_int_equal(collect(f, "a", "*", &c, &err), TEEC_OK);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.items[0].name, "a");
	assert_string_equal(c.items[1].name, "b");
	collect_free(&c);
}

static void
test_names_sorted(void **state)
{
	struct fx *f = *state;
	struct collect c;
	struct teec_err err;

	dir(f, "c");
	put(f, "c/d", "");
	put(f, "b", "");
	put(f, "a.z", "");
	put(f, "a", "");
	assert_int_equal(collect(f, "c/*", "[ab]*", &c, &err), TEEC_OK);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.items[0].name, "a");
	assert_string_equal(c.items[1].name, "a.z");
	assert_string_equal(c.items[2].name, "b");
	assert_string_equal(c.items[3].name, "c/d");
	assert_int_equal(c.items[0].size, 0);
	collect_free(&c);
}

static void
test_hidden_files_need_explicit_dot(void **state)
{
	struct fx *f = *state;
	struct collect c;
	struct teec_err err;

	put(f, ".hidden", "");
	refused(f, "*", NULL, "matched no file");
	assert_int_equal(collect(f, ".[!.]*", NULL, &c, &err), TEEC_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0].name, ".hidden");
	collect_free(&c);
}

static void
test_no_brace_expansion(void **state)
{
	struct fx *f = *state;

	put(f, "a", "");
	put(f, "b", "");
	refused(f, "{a,b}", NULL, "matched no file");
}

static void
test_unreportable_name_refused(void **state)
{
	struct fx *f = *state;

	put(f, "back\\slash", "");
	refused(f, "back*", NULL, "output back\\\\slash: a name report.json "
	    "cannot carry");
}

static void
test_non_ascii_name_refused(void **state)
{
	struct fx *f = *state;

	put(f, "caf\xc3\xa9", "");
	refused(f, "caf*", NULL, "output caf\\xc3\\xa9: a name");
}

static void
test_too_many_files(void **state)
{
	struct fx *f = *state;
	char name[32];
	unsigned int i;

	for (i = 0; i <= TEEC_MAX_SUBJECTS; i++) {
		snprintf(name, sizeof(name), "f%05u", i);
		put(f, name, "");
	}
	refused(f, "f*", NULL, "matched more than 4096 files");
}

static void
test_unreadable_directory(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX * 2];

	if (geteuid() == 0) {
		print_message("# skipped: root reads any directory\n");
		skip();
	}
	dir(f, "locked");
	put(f, "locked/x", "");
	snprintf(path, sizeof(path), "%s/locked", f->src);
	assert_int_equal(chmod(path, 0), 0);
	refused(f, "locked/*", NULL, "a directory could not be read");
	assert_int_equal(chmod(path, 0755), 0);
}

static void
test_bad_arguments(void **state)
{
	struct fx *f = *state;
	struct collect c;
	struct teec_err err;

	assert_int_equal(collect_outputs(f->src, NULL, 0, &c, &err), TEEC_ERROR);
	assert_int_equal(collect_outputs("/nonexistent/src", (char *[]){ "a" },
	    1, &c, &err), TEEC_ERROR);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_one_file_hashed),
		T(test_no_match_names_pattern),
		T(test_symlink_outside_refused),
		T(test_symlinked_dir_outside_refused),
		T(test_symlink_inside_followed),
		T(test_dangling_symlink_refused),
		T(test_directory_refused),
		T(test_fifo_refused),
		T(test_duplicates_merged),
		T(test_names_sorted),
		T(test_hidden_files_need_explicit_dot),
		T(test_no_brace_expansion),
		T(test_unreportable_name_refused),
		T(test_non_ascii_name_refused),
		T(test_too_many_files),
		T(test_unreadable_directory),
		T(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

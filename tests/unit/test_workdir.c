/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>

#include "tests/unit/testutil.h"

#include "enclave/workdir.h"

static char base[PATH_MAX];

static int
setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	snprintf(base, sizeof(base), "%s/teec-workdir.XXXXXX",
	    t != NULL && t[0] == '/' ? t : "/tmp");
	return mkdtemp(base) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct teec_err err;

	(void)state;
	return workdir_remove(base, &err) == TEEC_OK ? 0 : -1;
}

static int
count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
touch(const char *dir, const char *name)
{
	char path[PATH_MAX * 2];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1);
	close(fd);
}

static void
test_create_layout(void **state)
{
	struct workdir w;
	struct teec_err err;
	mode_t old;

	(void)state;
	old = umask(077);
	assert_int_equal(workdir_create(base, &w, &err), TEEC_OK);
	umask(old);
	assert_int_equal(strncmp(w.root, base, strlen(base)), 0);
	assert_non_null(strstr(w.root, "/teec-work."));
	assert_int_equal(mode_of(w.root), 0700);
	assert_int_equal(mode_of(w.src), 0755);
	assert_int_equal(mode_of(w.home), 0755);
	assert_int_equal(mode_of(w.tmp), 0755);
	assert_int_equal(count_entries(w.root), 3);
	assert_non_null(strstr(w.log, "/build.log"));
	assert_non_null(strstr(w.bundle, "/bundle.teec"));
	assert_non_null(strstr(w.tar, "/source.tar"));
	assert_int_equal(workdir_destroy(&w, &err), TEEC_OK);
	assert_null(w.root);
	assert_int_equal(count_entries(base), 0);
}

static void
test_create_default_base_tmpdir(void **state)
{
	struct workdir w;
	struct teec_err err;
	char *old = NULL;

	(void)state;
	if (getenv("TMPDIR") != NULL)
		old = strdup(getenv("TMPDIR"));
	setenv("TMPDIR", base, 1);
	assert_int_equal(workdir_create(NULL, &w, &err), TEEC_OK);
	if (old != NULL)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	assert_int_equal(count_entries(base), 1);
	assert_int_equal(workdir_destroy(&w, &err), TEEC_OK);
}

static void
test_create_missing_base(void **state)
{
	struct workdir w;
	struct teec_err err;
	char path[PATH_MAX + 16];

	(void)state;
	snprintf(path, sizeof(path), "%s/nope", base);
	assert_int_equal(workdir_create(path, &w, &err), TEEC_ERROR);
	assert_null(w.root);
	assert_non_null(strstr(err.msg, "nope"));
}

static void
test_remove_locked_dirs_and_links(void **state)
{
	struct workdir w;
	struct teec_err err;
	char path[PATH_MAX * 2], outside[PATH_MAX + 16];

	(void)state;
	/* A directory outside, which links inside must not lead into. */
	snprintf(outside, sizeof(outside), "%s/outside", base);
	assert_int_equal(mkdir(outside, 0755), 0);
	touch(outside, "keep");
	assert_int_equal(workdir_create(base, &w, &err), TEEC_OK);
	snprintf(path, sizeof(path), "%s/locked", w.src);
	assert_int_equal(mkdir(path, 0755), 0);
	touch(path, "f");
	assert_int_equal(chmod(path, 0), 0);
	snprintf(path, sizeof(path), "%s/link", w.src);
	assert_int_equal(symlink(outside, path), 0);
	snprintf(path, sizeof(path), "%s/ro", w.home);
	assert_int_equal(mkdir(path, 0500), 0);
	assert_int_equal(mkfifo(w.log, 0600), 0);
	assert_int_equal(workdir_destroy(&w, &err), TEEC_OK);
	assert_int_equal(count_entries(base), 1);
	assert_int_equal(count_entries(outside), 1);
}

static void
test_remove_very_deep_tree(void **state)
{
	struct workdir w;
	struct teec_err err;
	int i, dfd, next;

	(void)state;
	assert_int_equal(workdir_create(base, &w, &err), TEEC_OK);
	assert_true((dfd = open(w.src, O_RDONLY | O_DIRECTORY)) != -1);
	for (i = 0; i < 5 * WORKDIR_MAX_DEPTH + 3; i++) {
		assert_int_equal(mkdirat(dfd, "d", 0755), 0);
		assert_true((next = openat(dfd, "d", O_RDONLY | O_DIRECTORY)) !=
		    -1);
		close(dfd);
		dfd = next;
	}
	assert_int_equal(mkdirat(dfd, ".teec-deep.0", 0755), 0);
	close(dfd);
	assert_int_equal(workdir_destroy(&w, &err), TEEC_OK);
	assert_int_equal(count_entries(base), 0);
}

static void
test_remove_missing_and_file(void **state)
{
	struct teec_err err;
	char path[PATH_MAX + 16];

	(void)state;
	snprintf(path, sizeof(path), "%s/missing", base);
	assert_int_equal(workdir_remove(path, &err), TEEC_OK);
	touch(base, "file");
	snprintf(path, sizeof(path), "%s/file", base);
	assert_int_equal(workdir_remove(path, &err), TEEC_OK);
	assert_int_equal(count_entries(base), 0);
}

static void
test_remove_link_not_target(void **state)
{
	struct teec_err err;
	char path[PATH_MAX + 16], target[PATH_MAX + 16];

	(void)state;
	snprintf(target, sizeof(target), "%s/target", base);
	assert_int_equal(mkdir(target, 0755), 0);
	touch(target, "keep");
	snprintf(path, sizeof(path), "%s/link", base);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(workdir_remove(path, &err), TEEC_OK);
	assert_int_equal(count_entries(target), 1);
}

static void
test_free_accepts_zeroed(void **state)
{
	struct workdir w;
	struct teec_err err;

	(void)state;
	memset(&w, 0, sizeof(w));
	workdir_free(&w);
	workdir_free(NULL);
	assert_int_equal(workdir_destroy(&w, &err), TEEC_OK);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_layout),
		T(test_create_default_base_tmpdir),
		T(test_create_missing_base),
		T(test_remove_locked_dirs_and_links),
		T(test_remove_very_deep_tree),
		T(test_remove_missing_and_file),
		T(test_remove_link_not_target),
		T(test_free_accepts_zeroed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

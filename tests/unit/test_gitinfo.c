/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include "tests/unit/testutil.h"
#include "tests/unit/hostfake.h"

#include "host/gitinfo.h"

static char dir[64];

#define COMMIT "0123456789abcdef0123456789abcdef01234567"

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/teec-gitinfo.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	hf_rmtree(dir);
	return 0;
}

/* A stand-in for git: a shell script with the given body. */
static const char *
fake_git(const char *name, const char *body)
{
	static char path[128];
	char text[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
	assert_int_equal(hf_write(path, text), 0);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

static void
test_parse_ok(void **state)
{
	int64_t t = -1;

	assert_int_equal(gitinfo_parse_time("1700000000\n", 11, &t), 0);
	assert_int_equal(t, 1700000000);
	assert_int_equal(gitinfo_parse_time("0", 1, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(gitinfo_parse_time("999999999999999999", 18, &t), 0);
	assert_int_equal(t, 999999999999999999LL);
}

static void
test_parse_refused(void **state)
{
	static const char *const bad[] = { "", "\n", "-1", "+1", "01",
	    "1700000000\n\n", "17 00", "1e9", "1700000000\r\n",
	    "1234567890123456789", " 1", "0x10", NULL };
	int64_t t = 42;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		assert_int_equal(gitinfo_parse_time(bad[i], strlen(bad[i]), &t),
		    -1);
		assert_int_equal(t, 42);
	}
	assert_int_equal(gitinfo_parse_time("12\0" "3", 4, &t), -1);
}

static void
test_fake_git_answer_and_arguments(void **state)
{
	char want[256], args[256], p[128];
	struct buf b;
	struct teec_err err;
	const char *g;
	int64_t t = -1;

	snprintf(p, sizeof(p), "%s/args", dir);
	snprintf(args, sizeof(args), "echo \"$*\" > %s; echo 1700000123", p);
	g = fake_git("git-ok", args);
	assert_int_equal(gitinfo_commit_time(g, "/some/tree", COMMIT, &t), 0);
	assert_int_equal(t, 1700000123);
	assert_int_equal(read_file_capped(p, 4096, &b, &err), TEEC_OK);
	snprintf(want, sizeof(want), "--no-pager -C /some/tree log -1 "
	    "--format=%%ct %s --\n", COMMIT);
	assert_string_equal((char *)b.data, want);
	buf_free(&b);
}

static void
test_git_environment_cleaned(void **state)
{
	const char *g;
	int64_t t = -1;

	setenv("GIT_DIR", "/elsewhere", 1);
	g = fake_git("git-env", "[ -z \"${GIT_DIR+x}\" ] || exit 1; echo 5");
	assert_int_equal(gitinfo_commit_time(g, dir, COMMIT, &t), 0);
	assert_int_equal(t, 5);
	unsetenv("GIT_DIR");
}

static void
test_git_fails(void **state)
{
	int64_t t = 42;

	assert_int_equal(gitinfo_commit_time(fake_git("git-fail",
	    "echo 17; exit 128"), dir, COMMIT, &t), -1);
	assert_int_equal(t, 42);
}

static void
test_git_garbage(void **state)
{
	int64_t t = 42;

	assert_int_equal(gitinfo_commit_time(fake_git("git-junk",
	    "echo 'fatal: not a git repository'"), dir, COMMIT, &t), -1);
	assert_int_equal(t, 42);
}

static void
test_git_too_much_output(void **state)
{
	int64_t t = 42;

	assert_int_equal(gitinfo_commit_time(fake_git("git-flood",
	    "yes 1 | head -c 100000"), dir, COMMIT, &t), -1);
	assert_int_equal(t, 42);
}

static void
test_git_missing(void **state)
{
	char p[128];
	int64_t t = 42;

	snprintf(p, sizeof(p), "%s/no-such-git", dir);
	assert_int_equal(gitinfo_commit_time(p, dir, COMMIT, &t), -1);
	assert_int_equal(t, 42);
}

static void
test_bad_commit_not_run(void **state)
{
	static const char *const bad[] = { "HEAD", "--output=/tmp/x",
	    "0123456789ABCDEF0123456789ABCDEF01234567",
	    "0123456789abcdef0123456789abcdef0123456",
	    "0123456789abcdef0123456789abcdef012345678", NULL };
	char p[128], args[256];
	int64_t t = 42;
	size_t i;

	snprintf(p, sizeof(p), "%s/ran", dir);
	snprintf(args, sizeof(args), "touch %s; echo 1", p);
	for (i = 0; bad[i] != NULL; i++)
		assert_int_equal(gitinfo_commit_time(fake_git("git-ran", args),
		    dir, bad[i], &t), -1);
	assert_int_equal(gitinfo_commit_time(NULL, dir, NULL, &t), -1);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(t, 42);
}

static void
test_real_git_repository(void **state)
{
	char cmd[1024], repo[128], head[128];
	struct buf b;
	struct teec_err err;
	int64_t t = -1;
	size_t n;

	if (system("git --version >/dev/null 2>&1") != 0)
		skip();
	snprintf(repo, sizeof(repo), "%s/repo", dir);
	snprintf(cmd, sizeof(cmd), "mkdir %s && cd %s && "
	    "git init -q && echo hi > f && git add f && "
	    "GIT_COMMITTER_DATE='@1600000000 +0000' "
	    "GIT_AUTHOR_DATE='@1500000000 +0000' "
	    "git -c user.name=t -c user.email=t@t commit -q -m m && "
	    "git rev-parse HEAD > %s/head", repo, repo, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(head, sizeof(head), "%s/head", dir);
	assert_int_equal(read_file_capped(head, 4096, &b, &err), TEEC_OK);
	n = strcspn((char *)b.data, "\n");
	((char *)b.data)[n] = '\0';
	/* The committer time, not the author time. */
	assert_int_equal(gitinfo_commit_time(NULL, repo, (char *)b.data, &t),
	    0);
	assert_int_equal(t, 1600000000);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_fake_git_answer_and_arguments),
		cmocka_unit_test(test_git_environment_cleaned),
		cmocka_unit_test(test_git_fails),
		cmocka_unit_test(test_git_garbage),
		cmocka_unit_test(test_git_too_much_output),
		cmocka_unit_test(test_git_missing),
		cmocka_unit_test(test_bad_commit_not_run),
		cmocka_unit_test(test_real_git_repository),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

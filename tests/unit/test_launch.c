/* SPDX-License-Identifier: ISC */
/* host/launch.c with shell scripts standing in for teec-enclave. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <signal.h>
#include <time.h>

#include "tests/unit/testutil.h"
#include "tests/unit/hostfake.h"

#include "host/launch.h"

static char dir[64];

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/teec-launch.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	/* The workers' work bases go in here. */
	return setenv("TMPDIR", dir, 1);
}

static int
teardown(void **state)
{
	hf_rmtree(dir);
	return 0;
}

static const char *
script(const char *name, const char *body)
{
	static char path[128];
	char text[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
	assert_int_equal(hf_write(path, text), 0);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

/* Read what the worker wrote to its fd 3 until it closes (or n - 1). */
static void
read_all(int fd, char *out, size_t n)
{
	size_t have = 0;
	ssize_t r;

	while (have < n - 1 && (r = read(fd, out + have, n - 1 - have)) > 0)
		have += (size_t)r;
	out[have] = '\0';
}

/* The arguments a worker is given: head, --workdir BASE, then tail. */
static const char *
t_args(const char *head, const struct worker *w, const char *tail)
{
	static char s[LAUNCH_WORKBASE_MAX + 256];

	snprintf(s, sizeof(s), "%s --workdir %s%s", head, w->workbase, tail);
	return s;
}

/* How many teec-host.* work bases are left in dir. */
static int
workbases_left(void)
{
	char cmd[256], out[64];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "find %s -maxdepth 1 -name 'teec-host.*' "
	    "| wc -l", dir);
	assert_non_null(f = popen(cmd, "r"));
	if (fgets(out, sizeof(out), f) != NULL)
		n = atoi(out);
	pclose(f);
	return n;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_arguments_and_descriptors(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char out[512];

	cfg.worker = script("args", "echo \"$*\" >&3; "
	    "[ \"$(readlink /proc/self/fd/0)\" = /dev/null ] && echo stdin-null >&3; "
	    "readlink /proc/$$/fd/3 | grep -q '^socket:' && echo fd3-socket >&3; "
	    "ls -l /proc/$$/fd | grep -c 'socket:' >&3");
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	assert_true(w.fd >= 0);
	assert_true(w.pid > 0);
	read_all(w.fd, out, sizeof(out));
	/* One socket: the host's end did not leak into the worker. */
	assert_string_equal(out, t_args("serve --fd 3 --nsm emulated", &w,
	    "\nstdin-null\nfd3-socket\n1\n"));
	launch_local.stop(&w, 1);
	assert_int_equal(w.fd, -1);
	assert_true(w.reaped);
	assert_true(WIFEXITED(w.status) && WEXITSTATUS(w.status) == 0);
}

static void
test_unisolated_passed(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char out[256];

	cfg.worker = script("args2", "echo \"$*\" >&3");
	cfg.unisolated = 1;
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	read_all(w.fd, out, sizeof(out));
	assert_string_equal(out, t_args("serve --fd 3 --nsm emulated "
	    "--unisolated", &w, "\n"));
	launch_local.stop(&w, 1);
}

static void
test_workbase_private_removed_after_stop(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	struct stat st;
	char out[256];

	cfg.worker = script("base", "eval d=\\${$#}; mkdir \"$d/teec-work.1\" && "
	    "echo made >\"$d/teec-work.1/f\" && echo ok >&3");
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	assert_int_equal(strncmp(w.workbase, dir, strlen(dir)), 0);
	assert_int_equal(lstat(w.workbase, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	read_all(w.fd, out, sizeof(out));
	assert_string_equal(out, "ok\n");
	assert_int_equal(workbases_left(), 1);
	launch_local.stop(&w, 1);
	assert_string_equal(w.workbase, "");
	assert_int_equal(workbases_left(), 0);
}

static void
test_workbase_removed_after_kill(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char out[64], base[LAUNCH_WORKBASE_MAX];

	/*
	 * A worker that ignores SIGTERM and leaves an unwritable, unreadable
	 * subtree: it is killed, and the host still removes everything.
	 */
	cfg.worker = script("stuck", "trap '' TERM; eval d=\\${$#}; "
	    "mkdir -p \"$d/teec-work.2/a/b\" && touch \"$d/teec-work.2/a/b/x\" && "
	    "chmod 0 \"$d/teec-work.2/a\" && echo ready >&3; "
	    "while :; do sleep 1; done");
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	snprintf(base, sizeof(base), "%s", w.workbase);
	assert_int_equal(read(w.fd, out, 6), 6);
	assert_memory_equal(out, "ready\n", 6);
	launch_local.stop(&w, 0);
	assert_true(w.reaped);
	assert_true(WIFSIGNALED(w.status));
	assert_int_equal(access(base, F_OK), -1);
	assert_int_equal(workbases_left(), 0);
}

static void
test_workbase_removed_when_exec_fails(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char p[128];

	snprintf(p, sizeof(p), "%s/absent", dir);
	cfg.worker = p;
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_ERROR);
	assert_int_equal(workbases_left(), 0);
}

static void
test_missing_worker(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char p[128];

	snprintf(p, sizeof(p), "%s/no-such-worker", dir);
	cfg.worker = p;
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "cannot run"));
	assert_non_null(strstr(err.msg, "No such file"));
	assert_int_equal(w.fd, -1);
	/* Nothing left to stop. */
	launch_local.stop(&w, 0);
}

static void
test_not_executable(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char p[128];

	snprintf(p, sizeof(p), "%s/plain", dir);
	assert_int_equal(hf_write(p, "#!/bin/sh\n"), 0);
	cfg.worker = p;
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "Permission denied"));
}

static void
test_exit_status_reaped(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char how[128];

	cfg.worker = script("exit3", "exit 3");
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	assert_int_equal(launch_wait(&w, 5000), 1);
	assert_true(w.reaped);
	launch_describe_status(w.status, how, sizeof(how));
	assert_string_equal(how, "exited with status 3");
	launch_local.stop(&w, 0);
	launch_local.stop(&w, 0);
}

static void
test_wait_times_out(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;

	cfg.worker = script("sleepy", "exec sleep 30");
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	assert_int_equal(launch_wait(&w, 50), 0);
	assert_false(w.reaped);
	launch_local.stop(&w, 0);
	assert_true(w.reaped);
	assert_true(WIFSIGNALED(w.status) && WTERMSIG(w.status) == SIGTERM);
}

static void
test_cancel_stops_and_unblocks(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char out[64];

	cfg.worker = script("cancel", "exec sleep 30");
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	launch_cancel(&w);
	/* The stream is shut down: a read returns at once. */
	read_all(w.fd, out, sizeof(out));
	assert_string_equal(out, "");
	launch_local.stop(&w, 0);
	assert_true(WIFSIGNALED(w.status) && WTERMSIG(w.status) == SIGTERM);
	launch_cancel(&w);	/* after reaping: harmless */
	launch_cancel(NULL);
}

static void
test_sigterm_ignored_then_killed(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char out[16];
	int64_t t0, dt;

	cfg.worker = script("stubborn", "trap '' TERM; echo r >&3; "
	    "while :; do sleep 1; done");
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	assert_int_equal(read(w.fd, out, 2), 2);
	t0 = now_ms();
	launch_local.stop(&w, 0);
	dt = now_ms() - t0;
	assert_true(dt >= LAUNCH_KILL_GRACE_MS - 50);
	assert_true(dt < LAUNCH_KILL_GRACE_MS + 2000);
	assert_true(WIFSIGNALED(w.status) && WTERMSIG(w.status) == SIGKILL);
}

/* A process is gone, or a zombie nobody reaped yet (PID 1 in containers). */
static int
gone(pid_t pid)
{
	char p[64], st[512];
	FILE *f;
	int dead;

	snprintf(p, sizeof(p), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(p, "r")) == NULL)
		return 1;
	dead = fgets(st, sizeof(st), f) != NULL &&
	    strstr(st, ") Z ") != NULL;
	fclose(f);
	return dead;
}

static void
test_leftovers_in_group_killed(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;
	char out[64];
	long bg;
	int i;

	cfg.worker = script("leaver", "sleep 300 </dev/null >/dev/null 2>&1 3>&- & "
	    "echo $! >&3; exit 0");
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	read_all(w.fd, out, sizeof(out));
	bg = strtol(out, NULL, 10);
	assert_true(bg > 1);
	assert_int_equal(launch_wait(&w, 5000), 1);
	for (i = 0; i < 100 && !gone((pid_t)bg); i++)
		usleep(10000);
	assert_true(gone((pid_t)bg));
	launch_local.stop(&w, 0);
}

static void
test_graceful_stop_waits(void **state)
{
	struct launch_cfg cfg = { 0 };
	struct worker w;
	struct teec_err err;

	/* Exits on its own shortly after its stream closes. */
	cfg.worker = script("tidy", "cat <&3 >/dev/null; sleep 0.2; exit 7");
	assert_int_equal(launch_local.start(&cfg, &w, &err), TEEC_OK);
	launch_local.stop(&w, 1);
	assert_true(WIFEXITED(w.status) && WEXITSTATUS(w.status) == 7);
}

static void
test_describe_status(void **state)
{
	char how[128];

	launch_describe_status(0, how, sizeof(how));
	assert_string_equal(how, "exited with status 0");
	launch_describe_status(SIGKILL, how, sizeof(how));
	assert_string_equal(how, "killed by signal 9 (Killed)");
}

static void
test_find_worker_falls_back_to_path(void **state)
{
	struct teec_err err;
	char out[4096], small[4];

	/* No teec-enclave beside the test program: a PATH search. */
	assert_int_equal(launch_find_worker(out, sizeof(out), &err), TEEC_OK);
	assert_string_equal(out, LAUNCH_WORKER_NAME);
	assert_int_equal(launch_find_worker(small, sizeof(small), &err),
	    TEEC_ERROR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arguments_and_descriptors),
		cmocka_unit_test(test_unisolated_passed),
		cmocka_unit_test(test_workbase_private_removed_after_stop),
		cmocka_unit_test(test_workbase_removed_after_kill),
		cmocka_unit_test(test_workbase_removed_when_exec_fails),
		cmocka_unit_test(test_missing_worker),
		cmocka_unit_test(test_not_executable),
		cmocka_unit_test(test_exit_status_reaped),
		cmocka_unit_test(test_wait_times_out),
		cmocka_unit_test(test_cancel_stops_and_unblocks),
		cmocka_unit_test(test_sigterm_ignored_then_killed),
		cmocka_unit_test(test_leftovers_in_group_killed),
		cmocka_unit_test(test_graceful_stop_waits),
		cmocka_unit_test(test_describe_status),
		cmocka_unit_test(test_find_worker_falls_back_to_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

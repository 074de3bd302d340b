/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <time.h>

#include "tests/unit/testutil.h"

#include "common/buf.h"
#include "enclave/sandbox.h"
#include "enclave/workdir.h"

static char bwrap[PATH_MAX];
static int have_ns;             /* namespaces can be created here */

struct fx {
	struct workdir wd;
	struct buf out;
};

static int
setup(void **state)
{
	struct teec_err err;
	struct fx *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (workdir_create(NULL, &f->wd, &err) != TEEC_OK) {
		print_message("# %s\n", err.msg);
		free(f);
		return -1;
	}
	buf_init(&f->out, 4u * 1024u * 1024u);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	struct teec_err err;

	if (workdir_destroy(&f->wd, &err) != TEEC_OK)
		print_message("# %s\n", err.msg);
	buf_free(&f->out);
	free(f);
	return 0;
}

#define REQUIRE_NS() do { \
	if (!have_ns) { \
		print_message("# skipped: namespaces cannot be created " \
		    "here\n"); \
		skip(); \
	} \
} while (0)

static int
collect(void *arg, const uint8_t *p, size_t n)
{
	struct buf *b = arg;

	return buf_append(b, p, n) == 0 ? 0 : 1;
}

/* Run cmd in mode with the normalized environment and extra variables. */
static void
run_env(struct fx *f, enum sandbox_mode mode, const char *cmd,
    unsigned int timeout_s, const struct buildcfg_env *extra, size_t nextra,
    struct sandbox_result *res)
{
	struct sandbox_env env;
	struct sandbox_opts o;
	struct teec_err err;

	assert_int_equal(sandbox_env_build(mode, &f->wd, 1234, extra, nextra,
	    &env, &err), TEEC_OK);
	memset(&o, 0, sizeof(o));
	o.mode = mode;
	o.bwrap = bwrap;
	o.wd = &f->wd;
	o.cmd = cmd;
	o.envp = env.envp;
	o.timeout_s = timeout_s;
	o.grace_ms = 500;
	o.on_output = collect;
	o.watch_fd = -1;
	o.arg = &f->out;
	f->out.len = 0;
	if (sandbox_run(&o, res, &err) != TEEC_OK)
		fail_msg("sandbox_run: %s", err.msg);
	(void)buf_putc(&f->out, '\0');
	f->out.len--;
	sandbox_env_free(&env);
}

static void
run(struct fx *f, enum sandbox_mode mode, const char *cmd,
    unsigned int timeout_s, struct sandbox_result *res)
{
	run_env(f, mode, cmd, timeout_s, NULL, 0, res);
}

static void
expect_exit(struct fx *f, enum sandbox_mode mode, const char *cmd, int code)
{
	struct sandbox_result res;

	run(f, mode, cmd, 30, &res);
	if (res.end != SANDBOX_EXITED || res.status != code)
		fail_msg("%s: end %d status %d, wanted exit %d; output: %s", cmd,
		    res.end, res.status, code, (char *)f->out.data);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_probe_ok(void **state)
{
	struct teec_err err;

	(void)state;
	REQUIRE_NS();
	assert_int_equal(sandbox_probe(bwrap, &err), TEEC_OK);
}

static void
test_probe_failure_says_why(void **state)
{
	struct teec_err err;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(sandbox_probe("/bin/false", &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "cannot create namespaces"));
	assert_int_equal(sandbox_probe("/nonexistent/bwrap", &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "cannot start the build command"));
}

static void
test_find_bwrap_absent(void **state)
{
	char out[PATH_MAX], *old = NULL;
	struct teec_err err;

	(void)state;
	if (getenv("PATH") != NULL)
		old = strdup(getenv("PATH"));
	setenv("PATH", ".:relative:/nonexistent", 1);
	assert_int_equal(sandbox_find_bwrap(out, sizeof(out), &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "not found on PATH"));
	if (old != NULL)
		setenv("PATH", old, 1);
	free(old);
}

static void
test_env_sorted_and_complete(void **state)
{
	struct fx *f = *state;
	struct buildcfg_env extra[2] = {
		{ "CFLAGS", "-O2" }, { "PATH", "/opt/bin:/usr/bin:/bin" },
	};
	struct sandbox_env e;
	struct teec_err err;
	size_t i;

	assert_int_equal(sandbox_env_build(SANDBOX_NAMESPACES, &f->wd, 7, extra,
	    2, &e, &err), TEEC_OK);
	assert_int_equal(e.n, 8);
	for (i = 1; i < e.n; i++)
		assert_true(strcmp(e.names[i - 1], e.names[i]) < 0);
	assert_string_equal(sandbox_env_get(&e, "PATH"), "/opt/bin:/usr/bin:/bin");
	assert_string_equal(sandbox_env_get(&e, "HOME"), "/tmp/teec/home");
	assert_string_equal(sandbox_env_get(&e, "SOURCE_DATE_EPOCH"), "7");
	assert_string_equal(e.envp[0], "CFLAGS=-O2");
	assert_null(e.envp[e.n]);
	sandbox_env_free(&e);

	assert_int_equal(sandbox_env_build(SANDBOX_NONE, &f->wd, 0, NULL, 0, &e,
	    &err), TEEC_OK);
	assert_string_equal(sandbox_env_get(&e, "HOME"), f->wd.home);
	assert_string_equal(sandbox_env_get(&e, "PWD"), f->wd.src);
	assert_string_equal(sandbox_env_get(&e, "PATH"), SANDBOX_PATH);
	sandbox_env_free(&e);
}

static void
test_env_refuses_controlled(void **state)
{
	struct fx *f = *state;
	struct buildcfg_env extra[1] = { { "HOME", "/root" } };
	struct sandbox_env e;
	struct teec_err err;

	assert_int_equal(sandbox_env_build(SANDBOX_NONE, &f->wd, 0, extra, 1,
	    &e, &err), TEEC_ERROR);
	assert_null(e.envp);
}

#define ENV_CMD "printf '%s|%s|%s|%s|%s|%s|%s|%s|' \"$TZ\" \"$LC_ALL\" " \
    "\"$SOURCE_DATE_EPOCH\" \"$HOME\" \"$TMPDIR\" \"$PWD\" \"$PATH\" " \
    "\"$(pwd)\"; umask; env | cut -d= -f1 | sort | tr '\\n' ' '"

static void
test_env_inside_namespaces(void **state)
{
	struct fx *f = *state;

	REQUIRE_NS();
	expect_exit(f, SANDBOX_NAMESPACES, ENV_CMD, 0);
	assert_string_equal((char *)f->out.data, "UTC|C.UTF-8|1234|"
	    "/tmp/teec/home|/tmp/teec/tmp|/tmp/teec/src|"
	    "/usr/local/bin:/usr/bin:/bin|/tmp/teec/src|0022\n"
	    "HOME LC_ALL PATH PWD SOURCE_DATE_EPOCH TMPDIR TZ ");
}

static void
test_env_unisolated(void **state)
{
	struct fx *f = *state;
	char want[4096];

	expect_exit(f, SANDBOX_NONE, ENV_CMD, 0);
	snprintf(want, sizeof(want), "UTC|C.UTF-8|1234|%s|%s|%s|"
	    "/usr/local/bin:/usr/bin:/bin|%s|0022\n"
	    "HOME LC_ALL PATH PWD SOURCE_DATE_EPOCH TMPDIR TZ ", f->wd.home,
	    f->wd.tmp, f->wd.src, f->wd.src);
	assert_string_equal((char *)f->out.data, want);
}

static void
test_env_extra_variables(void **state)
{
	struct fx *f = *state;
	struct buildcfg_env extra[2] = {
		{ "GREETING", "hello world" }, { "PATH", "/bin" },
	};
	struct sandbox_result res;

	run_env(f, SANDBOX_NONE, "printf '%s|%s' \"$GREETING\" \"$PATH\"", 30,
	    extra, 2, &res);
	assert_int_equal(res.end, SANDBOX_EXITED);
	assert_string_equal((char *)f->out.data, "hello world|/bin");
}

static void
test_cannot_write_outside_work(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX];
	struct stat st;

	REQUIRE_NS();
	expect_exit(f, SANDBOX_NAMESPACES, "touch /etc/teec-sandbox-test", 1);
	assert_int_equal(stat("/etc/teec-sandbox-test", &st), -1);
	expect_exit(f, SANDBOX_NAMESPACES, "touch \"$HOME/../x\"", 1);
	snprintf(path, sizeof(path), "%s/x", f->wd.root);
	assert_int_equal(stat(path, &st), -1);
	expect_exit(f, SANDBOX_NAMESPACES, "echo forged > ../build.log", 2);
	expect_exit(f, SANDBOX_NAMESPACES, "touch /usr/teec-sandbox-test", 1);
	expect_exit(f, SANDBOX_NAMESPACES, "mkdir /var/tmp/teec-sandbox-test", 1);
	assert_int_equal(stat("/var/tmp/teec-sandbox-test", &st), -1);
	/* Writable: the source tree, HOME, TMPDIR, and a private /tmp. */
	expect_exit(f, SANDBOX_NAMESPACES, "touch a \"$HOME/b\" \"$TMPDIR/c\" "
	    "/tmp/d", 0);
	snprintf(path, sizeof(path), "%s/a", f->wd.src);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/b", f->wd.home);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/c", f->wd.tmp);
	assert_int_equal(stat(path, &st), 0);
}

static void
test_no_capabilities_no_remount(void **state)
{
	struct fx *f = *state;

	REQUIRE_NS();
	expect_exit(f, SANDBOX_NAMESPACES, "grep -q '^CapEff:.0000000000000000$' "
	    "/proc/self/status", 0);
	expect_exit(f, SANDBOX_NAMESPACES, "mount -o remount,rw / 2>/dev/null",
	    32);
	expect_exit(f, SANDBOX_NAMESPACES, "test \"$(hostname)\" = teec", 0);
}

/* A TCP listener on the host's loopback; returns its port. */
static int
tcp_listener(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int s;

	assert_true((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, 4), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return s;
}

static void
test_no_network(void **state)
{
	struct fx *f = *state;
	char cmd[256];
	int s, port;

	REQUIRE_NS();
	s = tcp_listener(&port);
	snprintf(cmd, sizeof(cmd), "exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/%d'"
	    " 2>/dev/null", port);
	/* The listener is reachable from the host's namespace... */
	expect_exit(f, SANDBOX_NONE, cmd, 0);
	/* ...and not from the build's. */
	expect_exit(f, SANDBOX_NAMESPACES, cmd, 1);
	/* Only a loopback interface. */
	expect_exit(f, SANDBOX_NAMESPACES, "test \"$(ls /sys/class/net)\" = lo "
	    "|| test \"$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ')\" "
	    "= lo", 0);
	close(s);
}

static void
test_timeout_kills(void **state)
{
	struct fx *f = *state;
	struct sandbox_result res;
	int64_t t0;

	REQUIRE_NS();
	t0 = mono_ms();
	run(f, SANDBOX_NAMESPACES, "sleep 1000", 1, &res);
	assert_int_equal(res.end, SANDBOX_TIMED_OUT);
	assert_true(mono_ms() - t0 < 5000);
}

static int
pid_alive(pid_t pid)
{
	char path[64], st[512];
	FILE *fp;
	char *p;
	int alive = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(st, sizeof(st), fp) != NULL &&
	    (p = strrchr(st, ')')) != NULL && p[1] == ' ')
		alive = p[2] != 'Z' && p[2] != 'X';
	fclose(fp);
	return alive;
}

static void
test_timeout_kills_group_unisolated(void **state)
{
	struct fx *f = *state;
	struct sandbox_result res;
	int64_t t0;
	long pid;

	t0 = mono_ms();
	run(f, SANDBOX_NONE, "sleep 1000 & echo $!; sleep 1000; wait", 1, &res);
	assert_int_equal(res.end, SANDBOX_TIMED_OUT);
	assert_true(mono_ms() - t0 < 5000);
	pid = strtol((char *)f->out.data, NULL, 10);
	assert_true(pid > 1);
	usleep(100000);
	assert_false(pid_alive((pid_t)pid));
}

static void
test_term_ignored_then_killed(void **state)
{
	struct fx *f = *state;
	struct sandbox_result res;
	int64_t t0;

	t0 = mono_ms();
	run(f, SANDBOX_NONE, "trap '' TERM; while :; do sleep 1; done", 1, &res);
	assert_int_equal(res.end, SANDBOX_TIMED_OUT);
	assert_true(mono_ms() - t0 < 5000);
}

static void
test_exit_status_propagates(void **state)
{
	struct fx *f = *state;

	expect_exit(f, SANDBOX_NONE, "exit 7", 7);
	expect_exit(f, SANDBOX_NONE, "true", 0);
	if (have_ns) {
		expect_exit(f, SANDBOX_NAMESPACES, "exit 7", 7);
		expect_exit(f, SANDBOX_NAMESPACES, "exit 0", 0);
	}
}

static void
test_signal_reported(void **state)
{
	struct fx *f = *state;
	struct sandbox_result res;

	run(f, SANDBOX_NONE, "kill -KILL $$", 30, &res);
	assert_int_equal(res.end, SANDBOX_SIGNALED);
	assert_int_equal(res.status, SIGKILL);
}

static void
test_background_does_not_hold_the_build(void **state)
{
	struct fx *f = *state;
	struct sandbox_result res;
	int64_t t0;

	t0 = mono_ms();
	run(f, SANDBOX_NONE, "sleep 1000 & echo started", 30, &res);
	assert_int_equal(res.end, SANDBOX_EXITED);
	assert_true(mono_ms() - t0 < 3000);
	if (have_ns) {
		t0 = mono_ms();
		run(f, SANDBOX_NAMESPACES, "sleep 1000 & echo started", 30, &res);
		assert_int_equal(res.end, SANDBOX_EXITED);
		assert_true(mono_ms() - t0 < 3000);
	}
}

static void
test_output_complete_and_ordered(void **state)
{
	struct fx *f = *state;
	size_t i;

	expect_exit(f, SANDBOX_NONE, "i=0; while [ $i -lt 20000 ]; do "
	    "printf '%05d\\n' $i; i=$((i+1)); done; echo err >&2", 0);
	assert_int_equal(f->out.len, 20000 * 6 + 4);
	for (i = 0; i < 20000; i += 4999) {
		char want[8];

		snprintf(want, sizeof(want), "%05zu\n", i);
		assert_memory_equal(f->out.data + i * 6, want, 6);
	}
	assert_memory_equal(f->out.data + 20000 * 6, "err\n", 4);
}

static void
test_no_descriptor_leaks(void **state)
{
	struct fx *f = *state;
	int fd;

	/* Not close-on-exec, like the connection a worker gets as --fd 3. */
	assert_true((fd = open("/dev/null", O_RDONLY)) != -1);
	expect_exit(f, SANDBOX_NONE, "ls /proc/self/fd | wc -l", 0);
	assert_string_equal((char *)f->out.data, "4\n");
	if (have_ns) {
		expect_exit(f, SANDBOX_NAMESPACES, "ls /proc/self/fd | wc -l", 0);
		assert_string_equal((char *)f->out.data, "4\n");
	}
	close(fd);
}

static void
test_stdin_is_null(void **state)
{
	struct fx *f = *state;

	expect_exit(f, SANDBOX_NONE, "cat; echo done", 0);
	assert_string_equal((char *)f->out.data, "done\n");
}

static void
test_hidden_paths(void **state)
{
	struct fx *f = *state;
	struct sandbox_env env;
	struct sandbox_result res;
	struct sandbox_opts o;
	struct teec_err err;
	const char *hide[1];
	char secret[PATH_MAX], cmd[2 * PATH_MAX + 64];
	FILE *fp;

	REQUIRE_NS();
	/* A directory outside WORK, like the development CA's. */
	snprintf(secret, sizeof(secret), "%s.hidden", f->wd.root);
	assert_int_equal(mkdir(secret, 0700), 0);
	snprintf(cmd, sizeof(cmd), "%s/key", secret);
	assert_non_null(fp = fopen(cmd, "w"));
	fclose(fp);
	hide[0] = secret;
	snprintf(cmd, sizeof(cmd), "test -d '%s' && test ! -e '%s/key' && "
	    "test -z \"$(ls /run)\"", secret, secret);
	assert_int_equal(sandbox_env_build(SANDBOX_NAMESPACES, &f->wd, 0, NULL,
	    0, &env, &err), TEEC_OK);
	memset(&o, 0, sizeof(o));
	o.mode = SANDBOX_NAMESPACES;
	o.bwrap = bwrap;
	o.wd = &f->wd;
	o.cmd = cmd;
	o.envp = env.envp;
	o.timeout_s = 30;
	o.hide = hide;
	o.nhide = 1;
	o.watch_fd = -1;
	assert_int_equal(sandbox_run(&o, &res, &err), TEEC_OK);
	assert_int_equal(res.end, SANDBOX_EXITED);
	assert_int_equal(res.status, 0);
	sandbox_env_free(&env);
	assert_int_equal(workdir_remove(secret, &err), TEEC_OK);
}

static int
watch_abort(void *arg)
{
	(void)arg;
	return 1;
}

static void
test_watch_fd_aborts(void **state)
{
	struct fx *f = *state;
	struct sandbox_env env;
	struct sandbox_result res;
	struct sandbox_opts o;
	struct teec_err err;
	int sv[2];
	int64_t t0;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	    0);
	close(sv[1]);           /* the host went away */
	assert_int_equal(sandbox_env_build(SANDBOX_NONE, &f->wd, 0, NULL, 0,
	    &env, &err), TEEC_OK);
	memset(&o, 0, sizeof(o));
	o.mode = SANDBOX_NONE;
	o.wd = &f->wd;
	o.cmd = "sleep 1000";
	o.envp = env.envp;
	o.timeout_s = 60;
	o.grace_ms = 500;
	o.watch_fd = sv[0];
	o.on_watch = watch_abort;
	t0 = mono_ms();
	assert_int_equal(sandbox_run(&o, &res, &err), TEEC_OK);
	assert_int_equal(res.end, SANDBOX_ABORTED);
	assert_true(mono_ms() - t0 < 3000);
	close(sv[0]);
	sandbox_env_free(&env);
}

static void
test_stop_flag_aborts(void **state)
{
	struct fx *f = *state;
	static volatile sig_atomic_t stop = 1;
	struct sandbox_env env;
	struct sandbox_result res;
	struct sandbox_opts o;
	struct teec_err err;

	assert_int_equal(sandbox_env_build(SANDBOX_NONE, &f->wd, 0, NULL, 0,
	    &env, &err), TEEC_OK);
	memset(&o, 0, sizeof(o));
	o.mode = SANDBOX_NONE;
	o.wd = &f->wd;
	o.cmd = "sleep 1000";
	o.envp = env.envp;
	o.timeout_s = 60;
	o.grace_ms = 500;
	o.watch_fd = -1;
	o.stop = &stop;
	assert_int_equal(sandbox_run(&o, &res, &err), TEEC_OK);
	assert_int_equal(res.end, SANDBOX_ABORTED);
	sandbox_env_free(&env);
}

static void
test_bad_arguments(void **state)
{
	struct fx *f = *state;
	struct sandbox_result res;
	struct sandbox_opts o;
	struct teec_err err;

	memset(&o, 0, sizeof(o));
	o.mode = SANDBOX_NAMESPACES;
	o.wd = &f->wd;
	o.cmd = "true";
	o.timeout_s = 1;
	assert_int_equal(sandbox_run(&o, &res, &err), TEEC_ERROR);
}

int
main(void)
{
	struct teec_err err;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_ok),
		cmocka_unit_test(test_probe_failure_says_why),
		cmocka_unit_test(test_find_bwrap_absent),
		cmocka_unit_test_setup_teardown(test_env_sorted_and_complete,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_refuses_controlled,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_inside_namespaces,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_unisolated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_env_extra_variables, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cannot_write_outside_work,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_capabilities_no_remount,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_network, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timeout_kills, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_timeout_kills_group_unisolated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_term_ignored_then_killed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_status_propagates,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_reported, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_background_does_not_hold_the_build, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_complete_and_ordered,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_descriptor_leaks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stdin_is_null, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hidden_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_watch_fd_aborts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stop_flag_aborts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup,
		    teardown),
	};

	if (sandbox_find_bwrap(bwrap, sizeof(bwrap), &err) == TEEC_OK &&
	    sandbox_probe(bwrap, &err) == TEEC_OK)
		have_ns = 1;
	else
		print_message("# namespaces: %s\n", err.msg);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: ISC */
/*
 * enclave/listen.c: the --listen specs, one connection accepted on a unix
 * socket, and a vsock listener that a signal stops (vsock connections
 * need a second machine: inside a Nitro Enclave, the parent instance).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/vm_sockets.h>

#include <errno.h>
#include <signal.h>

#include "tests/unit/testutil.h"

#include "enclave/listen.h"

static char dir[64];
static volatile sig_atomic_t stop;

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/teec-listen.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	rmdir(dir);
	return 0;
}

static void
expect_port(const char *spec, uint32_t port)
{
	struct listen_addr a;
	struct teec_err err;

	if (listen_parse(spec, &a, &err) != TEEC_OK)
		fail_msg("%s: %s", spec, err.msg);
	assert_int_equal(a.kind, LISTEN_VSOCK);
	assert_int_equal(a.port, port);
}

static void
expect_refused(const char *spec, const char *why)
{
	struct listen_addr a;
	struct teec_err err;

	assert_int_equal(listen_parse(spec, &a, &err), TEEC_ERROR);
	if (strstr(err.msg, why) == NULL)
		fail_msg("%s: \"%s\" not in \"%s\"", spec, why, err.msg);
}

static void
test_parse_vsock(void **state)
{
	expect_port("vsock:5005", 5005);
	expect_port("vsock:1", 1);
	expect_port("vsock:4294967294", 4294967294u);
}

static void
test_parse_vsock_bad_port(void **state)
{
	expect_refused("vsock:", "port from 1 to 4294967294");
	expect_refused("vsock:0", "port from 1");
	expect_refused("vsock:05005", "port from 1");
	expect_refused("vsock:+5005", "port from 1");
	expect_refused("vsock:-1", "port from 1");
	expect_refused("vsock:5005x", "port from 1");
	expect_refused("vsock:5005 ", "port from 1");
	expect_refused("vsock: 5005", "port from 1");
	expect_refused("vsock:4294967295", "port from 1");	/* VMADDR_PORT_ANY */
	expect_refused("vsock:4294967296", "port from 1");
	expect_refused("vsock:99999999999", "port from 1");
	expect_refused("vsock:3:5005", "port from 1");	/* no CID: it is ANY */
}

static void
test_parse_unix(void **state)
{
	struct listen_addr a;
	struct teec_err err;

	assert_int_equal(listen_parse("unix:/run/teec.sock", &a, &err),
	    TEEC_OK);
	assert_int_equal(a.kind, LISTEN_UNIX);
	assert_string_equal(a.path, "/run/teec.sock");
}

static void
test_parse_other(void **state)
{
	expect_refused("tcp:127.0.0.1:9", "expected unix:PATH or vsock:PORT");
	expect_refused("VSOCK:5005", "expected unix:PATH or vsock:PORT");
	expect_refused("", "expected unix:PATH or vsock:PORT");
	expect_refused("5005", "expected unix:PATH or vsock:PORT");
}

static void
test_unix_accepts_one(void **state)
{
	struct sockaddr_un sa;
	struct teec_err err;
	char spec[128], path[96], buf[4] = "";
	pid_t pid;
	int fd = -1, st, i;

	snprintf(path, sizeof(path), "%s/s", dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	if ((pid = fork()) == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);

		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		memcpy(sa.sun_path, path, strlen(path));
		for (i = 0; i < 200; i++) {
			if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0)
				_exit(write(c, "ok", 2) == 2 ? 0 : 1);
			usleep(10000);
		}
		_exit(2);
	}
	assert_int_equal(listen_accept(spec, NULL, &fd, &err), TEEC_OK);
	assert_int_equal(read(fd, buf, 2), 2);
	assert_string_equal(buf, "ok");
	/* The path is gone once the connection is accepted. */
	assert_int_equal(access(path, F_OK), -1);
	close(fd);
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
on_alarm(int sig)
{
	stop = 1;
}

static void
test_vsock_stopped_by_signal(void **state)
{
	struct sigaction sa, old;
	struct teec_err err;
	int fd = -1, s;

	/* Machines without vsock cannot run this. */
	if ((s = socket(AF_VSOCK, SOCK_STREAM, 0)) == -1) {
		print_message("# skipped: no AF_VSOCK here\n");
		skip();
	}
	close(s);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old);	/* no SA_RESTART: accept sees EINTR */
	stop = 0;
	alarm(1);
	assert_int_equal(listen_accept("vsock:49152", &stop, &fd, &err),
	    TEEC_ERROR);
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err.msg, "interrupted"));
}

static void
test_vsock_port_taken(void **state)
{
	struct sockaddr_vm sa;
	struct teec_err err;
	int fd = -1, s;

	if ((s = socket(AF_VSOCK, SOCK_STREAM, 0)) == -1) {
		print_message("# skipped: no AF_VSOCK here\n");
		skip();
	}
	memset(&sa, 0, sizeof(sa));
	sa.svm_family = AF_VSOCK;
	sa.svm_cid = VMADDR_CID_ANY;
	sa.svm_port = 49153;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(s, 1) == -1) {
		close(s);
		print_message("# skipped: cannot bind vsock here\n");
		skip();
	}
	assert_int_equal(listen_accept("vsock:49153", NULL, &fd, &err),
	    TEEC_ERROR);
	assert_non_null(strstr(err.msg, "vsock port 49153"));
	assert_non_null(strstr(err.msg, strerror(EADDRINUSE)));
	close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_vsock),
		cmocka_unit_test(test_parse_vsock_bad_port),
		cmocka_unit_test(test_parse_unix),
		cmocka_unit_test(test_parse_other),
		cmocka_unit_test(test_unix_accepts_one),
		cmocka_unit_test(test_vsock_stopped_by_signal),
		cmocka_unit_test(test_vsock_port_taken),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

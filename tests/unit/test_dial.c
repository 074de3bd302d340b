/* SPDX-License-Identifier: ISC */
/* common/dial.c: net_dial against loopback listeners. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>

#include "tests/unit/testutil.h"

#include "common/dial.h"
#include "common/timefmt.h"

static int
tcp_listen(int backlog, uint16_t *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int s;

	assert_true((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, backlog), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return s;
}

/* A listener whose queue is full: a new connection hangs. */
static int
full_listener(uint16_t *port, int c[4])
{
	struct sockaddr_in sa;
	int l, i;

	l = tcp_listen(0, port);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(*port);
	for (i = 0; i < 4; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
		(void)connect(c[i], (struct sockaddr *)&sa, sizeof(sa));
	}
	usleep(100000);
	return l;
}

static void
test_connects(void **state)
{
	char why[256] = "";
	uint16_t port;
	int l, s, e = -1, a;

	l = tcp_listen(4, &port);
	s = net_dial("127.0.0.1", port, 2000, -1, &e, why, sizeof(why));
	assert_true(s >= 0);
	assert_int_equal(e, 0);
	assert_true(fcntl(s, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(s, F_GETFD) & FD_CLOEXEC);
	assert_true((a = accept(l, NULL, NULL)) >= 0);
	assert_int_equal(write(a, "x", 1), 1);
	close(a);
	close(s);
	close(l);
}

static void
test_refused(void **state)
{
	char why[256] = "";
	uint16_t port;
	int e = 0;

	close(tcp_listen(1, &port));
	assert_int_equal(net_dial("127.0.0.1", port, 2000, -1, &e, why,
	    sizeof(why)), -1);
	assert_int_equal(e, ECONNREFUSED);
	assert_non_null(strstr(why, "cannot connect to 127.0.0.1:"));
	assert_non_null(strstr(why, "Connection refused"));
}

static void
test_times_out(void **state)
{
	char why[256] = "";
	uint16_t port;
	int64_t t0;
	int l, c[4], e = 0, i;

	l = full_listener(&port, c);
	t0 = mono_ms();
	assert_int_equal(net_dial("127.0.0.1", port, 300, -1, &e, why,
	    sizeof(why)), -1);
	assert_int_equal(e, ETIMEDOUT);
	assert_true(mono_ms() - t0 >= 290);
	assert_true(mono_ms() - t0 < 5000);
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(l);
}

static void
test_cancelled(void **state)
{
	char why[256] = "";
	uint16_t port;
	int64_t t0;
	int l, c[4], e = 0, i, pfd[2];

	l = full_listener(&port, c);
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(write(pfd[1], "x", 1), 1);
	t0 = mono_ms();
	assert_int_equal(net_dial("127.0.0.1", port, 10000, pfd[0], &e, why,
	    sizeof(why)), -1);
	assert_int_equal(e, ECANCELED);
	assert_true(mono_ms() - t0 < 5000);
	close(pfd[0]);
	close(pfd[1]);
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(l);
}

static void
test_unresolvable(void **state)
{
	char why[256] = "";
	int e = 0;

	assert_int_equal(net_dial("nonexistent.invalid", 80, 2000, -1, &e, why,
	    sizeof(why)), -1);
	assert_int_equal(e, EHOSTUNREACH);
	assert_non_null(strstr(why, "cannot resolve nonexistent.invalid"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connects),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_times_out),
		cmocka_unit_test(test_cancelled),
		cmocka_unit_test(test_unresolvable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

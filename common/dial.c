/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/dial.h"
#include "common/policy.h"
#include "common/timefmt.h"

/* Wait for s to connect: 1 connected, 0 time out, -1 error or cancel. */
static int
wait_connected(int s, int64_t deadline, int cancel_fd, int *e)
{
	struct pollfd p[2];
	int64_t left;
	socklen_t len;
	int pr, soerr = 0;

	for (;;) {
		left = deadline - mono_ms();
		if (left <= 0) {
			*e = ETIMEDOUT;
			return 0;
		}
		p[0].fd = s;
		p[0].events = POLLOUT;
		p[0].revents = 0;
		p[1].fd = cancel_fd;
		p[1].events = POLLIN;
		p[1].revents = 0;
		pr = poll(p, cancel_fd != -1 ? 2 : 1, left > INT_MAX ? INT_MAX :
		    (int)left);
		if (pr == -1 && errno == EINTR)
			continue;
		if (pr == -1) {
			*e = errno;
			return -1;
		}
		if (pr == 0)
			continue;       /* the deadline decides */
		break;
	}
	if (cancel_fd != -1 && p[1].revents != 0) {
		*e = ECANCELED;
		return -1;
	}
	len = sizeof(soerr);
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1) {
		*e = errno;
		return -1;
	}
	if (soerr != 0) {
		*e = soerr;
		return -1;
	}
	return 1;
}

int
net_dial(const char *host, uint16_t port, int timeout_ms, int cancel_fd,
    int *e, char *why, size_t whysz)
{
	struct addrinfo hints, *res = NULL, *ai;
	char serv[8];
	int64_t deadline = mono_ms() + timeout_ms;
	int s = -1, r;

	*e = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (policy_host_is_ipv4(host) ?
	    AI_NUMERICHOST : 0);
	snprintf(serv, sizeof(serv), "%u", port);
	if ((r = getaddrinfo(host, serv, &hints, &res)) != 0) {
		*e = EHOSTUNREACH;
		snprintf(why, whysz, "cannot resolve %s: %s", host,
		    gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (deadline - mono_ms() <= 0) {
			*e = ETIMEDOUT;
			break;
		}
		if ((s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol)) == -1) {
			*e = errno;
			continue;
		}
		if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS)
			*e = errno;
		else if (wait_connected(s, deadline, cancel_fd, e) == 1)
			break;
		close(s);
		s = -1;
		if (*e == ECANCELED)
			break;
	}
	freeaddrinfo(res);
	if (s != -1) {
		*e = 0;
		return s;
	}
	if (*e == 0)
		*e = ECONNREFUSED;
	snprintf(why, whysz, "cannot connect to %s:%u: %s", host, port,
	    strerror(*e));
	return -1;
}

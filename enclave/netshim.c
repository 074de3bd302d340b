/* SPDX-License-Identifier: ISC */
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enclave/netshim.h"

#define PIPE_BYTES (16u * 1024u)

/* One direction of a relayed connection. */
struct half {
	int from, to;
	uint8_t buf[PIPE_BYTES];
	size_t off, len;
	int eof;                /* from ended; to shut down once drained */
	int shut;
};

struct pair {
	int used;
	int a, b;               /* the build's TCP end, the proxy's unix end */
	struct half ab, ba;
};

static int
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void
pair_close(struct pair *p)
{
	if (!p->used)
		return;
	close(p->a);
	close(p->b);
	memset(p, 0, sizeof(*p));
}

/* Connect to the proxy for a new connection of the build. */
static void
pair_open(struct pair *pairs, int cfd, const char *path)
{
	struct sockaddr_un un;
	struct pair *p = NULL;
	size_t i;
	int s = -1;

	for (i = 0; i < NETSHIM_MAX_PAIRS; i++)
		if (!pairs[i].used) {
			p = &pairs[i];
			break;
		}
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	if (p == NULL ||
	    (s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(s, (struct sockaddr *)&un, sizeof(un)) == -1 ||
	    nonblock(s) == -1 || nonblock(cfd) == -1) {
		if (s != -1)
			close(s);
		close(cfd);
		return;
	}
	memset(p, 0, sizeof(*p));
	p->used = 1;
	p->a = cfd;
	p->b = s;
	p->ab.from = cfd;
	p->ab.to = s;
	p->ba.from = s;
	p->ba.to = cfd;
}

/* Move what can be moved; -1 when the pair is done or broken. */
static int
half_step(struct half *h, short rev_from, short rev_to)
{
	ssize_t r;

	if (h->len == 0 && !h->eof && (rev_from & (POLLIN | POLLHUP |
	    POLLERR))) {
		r = read(h->from, h->buf, sizeof(h->buf));
		if (r > 0) {
			h->off = 0;
			h->len = (size_t)r;
		} else if (r == 0 || (errno != EAGAIN && errno != EINTR))
			h->eof = 1;
	}
	if (h->len > 0 && (rev_to & (POLLOUT | POLLERR | POLLHUP))) {
		r = send(h->to, h->buf + h->off, h->len, MSG_NOSIGNAL);
		if (r > 0) {
			h->off += (size_t)r;
			h->len -= (size_t)r;
		} else if (r == -1 && errno != EAGAIN && errno != EINTR)
			return -1;
	}
	if (h->eof && h->len == 0 && !h->shut) {
		(void)shutdown(h->to, SHUT_WR);
		h->shut = 1;
	}
	return 0;
}

static short
want_from(const struct half *h)
{
	return h->len == 0 && !h->eof ? POLLIN : 0;
}

static short
want_to(const struct half *h)
{
	return h->len > 0 ? POLLOUT : 0;
}

int
netshim_run(const struct netshim_opts *o, int *wstatus, struct teec_err *err)
{
	struct pollfd pfd[2 + 2 * NETSHIM_MAX_PAIRS];
	struct pair *pairs = NULL;
	struct sockaddr_in in;
	siginfo_t si;
	size_t i, np;
	int lfd = -1, pidfd = -1, one = 1, fd, st, rc = TEEC_ERROR;
	short ra, rb;
	pid_t pid = -1;

	*wstatus = 0;
	if ((pairs = calloc(NETSHIM_MAX_PAIRS, sizeof(*pairs))) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in.sin_port = htons(o->port);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(lfd, (struct sockaddr *)&in, sizeof(in)) == -1 ||
	    listen(lfd, 64) == -1) {
		teec_errf(err, TEEC_ERROR, "netshim: cannot listen on "
		    "127.0.0.1:%u: %s", o->port, strerror(errno));
		goto out;
	}
	if ((pid = fork()) == -1) {
		teec_errf(err, TEEC_ERROR, "netshim: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* exec(2) keeps ignored signals ignored: undo the worker's. */
		signal(SIGPIPE, SIG_DFL);
		execv(o->argv[0], o->argv);
		dprintf(STDERR_FILENO, "teec-enclave netshim: %s: %s\n",
		    o->argv[0], strerror(errno));
		_exit(127);
	}
	pidfd = pidfd_open(pid, 0);
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG |
		    WNOWAIT) == 0 && si.si_pid == pid)
			break;
		np = 0;
		pfd[np].fd = lfd;
		pfd[np++].events = POLLIN;
		pfd[np].fd = pidfd;
		pfd[np++].events = POLLIN;
		for (i = 0; i < NETSHIM_MAX_PAIRS; i++) {
			pfd[2 + 2 * i].fd = pairs[i].used ? pairs[i].a : -1;
			pfd[2 + 2 * i].events = pairs[i].used ?
			    (short)(want_from(&pairs[i].ab) |
			    want_to(&pairs[i].ba)) : 0;
			pfd[3 + 2 * i].fd = pairs[i].used ? pairs[i].b : -1;
			pfd[3 + 2 * i].events = pairs[i].used ?
			    (short)(want_from(&pairs[i].ba) |
			    want_to(&pairs[i].ab)) : 0;
		}
		for (i = 0; i < 2 + 2 * NETSHIM_MAX_PAIRS; i++)
			pfd[i].revents = 0;
		if (poll(pfd, 2 + 2 * NETSHIM_MAX_PAIRS, pidfd == -1 ? 50 :
		    -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < NETSHIM_MAX_PAIRS; i++) {
			if (!pairs[i].used)
				continue;
			ra = pfd[2 + 2 * i].revents;
			rb = pfd[3 + 2 * i].revents;
			if (half_step(&pairs[i].ab, ra, rb) == -1 ||
			    half_step(&pairs[i].ba, rb, ra) == -1 ||
			    (pairs[i].ab.shut && pairs[i].ba.shut) ||
			    ((ra | rb) & POLLNVAL))
				pair_close(&pairs[i]);
		}
		if (pfd[0].revents & POLLIN) {
			fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd != -1)
				pair_open(pairs, fd, o->socket);
		}
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	*wstatus = st;
	rc = TEEC_OK;
out:
	if (pairs != NULL)
		for (i = 0; i < NETSHIM_MAX_PAIRS; i++)
			pair_close(&pairs[i]);
	free(pairs);
	if (pidfd != -1)
		close(pidfd);
	if (lfd != -1)
		close(lfd);
	return rc;
}

/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/vm_sockets.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/dial.h"
#include "common/frame.h"
#include "common/timefmt.h"
#include "host/relay.h"

#define RELAY_SOCKET_NAME       "relay.sock"
#define RELAY_COPY_BYTES        (64u * 1024u)   /* per direction */
#define RELAY_NOTE_MAX          512

struct slot {
	struct relay *r;
	pthread_t th;
	int used;               /* a thread was started and not joined */
	int done;               /* the thread has finished (under lock) */
	int fd;                 /* the worker's connection, -1 when closed */
};

struct relay {
	struct net_policy policy;
	struct proto_relay addr;
	char dir[PATH_MAX];     /* unix: the private directory, "" if none */
	int lfd;
	int wake[2];            /* written once by relay_stop(), never read */
	pthread_mutex_t lock;
	int lock_ok;
	pthread_t acceptor;
	int acceptor_started;
	int stopped;
	int vsock;
	uint32_t peer_cid;      /* vsock: the only CID served; 0: none yet */
	struct slot *slots;
	unsigned int nslots;
	int open_ms, connect_ms, idle_ms;
	void (*note)(void *arg, const char *line);
	void *note_arg;
	struct relay_stats st;
};

static void __attribute__((format(printf, 2, 3)))
note(struct relay *r, const char *fmt, ...)
{
	char line[RELAY_NOTE_MAX];
	va_list ap;

	if (r->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->note(r->note_arg, line);
}

/* Answer the NET_OPEN request; the connection is ended after a refusal. */
static int
reply(struct slot *sl, uint8_t status, const char *reason)
{
	uint8_t p[1 + TEEC_MAX_NET_REASON];
	size_t n;

	proto_net_reply_encode(status, reason, p, &n);
	pthread_mutex_lock(&sl->r->lock);
	if (status == PROTO_NET_OK)
		sl->r->st.relayed++;
	else
		sl->r->st.refused++;
	pthread_mutex_unlock(&sl->r->lock);
	return frame_send(sl->fd, FRAME_NET_OPEN, p, n, NULL) == TEEC_OK ?
	    0 : -1;
}

/*
 * Connect to host:port: every address in turn, non-blocking, until the
 * deadline. The socket, or -1 with *status and why set.
 */
static int
dial(struct relay *r, const char *host, uint16_t port, uint8_t *status,
    char *why, size_t whysz)
{
	int s, e;

	*status = PROTO_NET_DIAL_FAILED;
	s = net_dial(host, port, r->connect_ms, r->wake[0], &e, why, whysz);
	if (s == -1 && e == ETIMEDOUT) {
		*status = PROTO_NET_TIMEOUT;
		snprintf(why, whysz, "%s:%u did not answer within %d ms",
		    host, port, r->connect_ms);
	}
	return s;
}

/* One direction of a relayed connection. */
struct pipe_dir {
	int from, to;
	uint8_t *buf;
	size_t len, off;
	int eof;                /* from said EOF */
	int shut;               /* passed on to `to` */
};

/*
 * Copy both ways until both directions have ended, an error, nothing
 * moved for idle_ms, or relay_stop().
 */
static void
copy(struct relay *r, int wfd, int ofd)
{
	struct pipe_dir d[2];
	struct pollfd p[5];
	int idx[2][2];          /* [dir][0: from, 1: to] -> index in p, or -1 */
	uint8_t *mem = NULL;
	ssize_t n;
	nfds_t np;
	int i, pr;

	if ((mem = malloc(2 * RELAY_COPY_BYTES)) == NULL)
		return;
	memset(d, 0, sizeof(d));
	d[0].from = wfd;
	d[0].to = ofd;
	d[0].buf = mem;
	d[1].from = ofd;
	d[1].to = wfd;
	d[1].buf = mem + RELAY_COPY_BYTES;
	(void)fcntl(wfd, F_SETFL, fcntl(wfd, F_GETFL) | O_NONBLOCK);
	(void)fcntl(ofd, F_SETFL, fcntl(ofd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		if (d[0].shut && d[1].shut)
			break;
		np = 0;
		p[np].fd = r->wake[0];
		p[np].events = POLLIN;
		p[np++].revents = 0;
		for (i = 0; i < 2; i++) {
			idx[i][0] = idx[i][1] = -1;
			if (!d[i].eof && d[i].len == 0) {
				idx[i][0] = (int)np;
				p[np].fd = d[i].from;
				p[np].events = POLLIN;
				p[np++].revents = 0;
			}
			if (d[i].len > 0) {
				idx[i][1] = (int)np;
				p[np].fd = d[i].to;
				p[np].events = POLLOUT;
				p[np++].revents = 0;
			}
		}
		pr = poll(p, np, r->idle_ms);
		if (pr == -1 && errno == EINTR)
			continue;
		if (pr <= 0 || p[0].revents != 0)
			break;          /* error, idle, or stopped */
		for (i = 0; i < 2; i++) {
			if (idx[i][0] >= 0 && p[idx[i][0]].revents != 0) {
				n = read(d[i].from, d[i].buf, RELAY_COPY_BYTES);
				if (n > 0) {
					d[i].len = (size_t)n;
					d[i].off = 0;
				} else if (n == 0)
					d[i].eof = 1;
				else if (errno != EAGAIN && errno != EINTR)
					goto out;
			}
			if (idx[i][1] >= 0 && p[idx[i][1]].revents != 0) {
				n = send(d[i].to, d[i].buf + d[i].off,
				    d[i].len - d[i].off, MSG_NOSIGNAL);
				if (n > 0) {
					d[i].off += (size_t)n;
					if (d[i].off == d[i].len)
						d[i].len = d[i].off = 0;
				} else if (n == -1 && errno != EAGAIN &&
				    errno != EINTR)
					goto out;
			}
			/* RFC 9293 3.6: a half-close is passed on as one. */
			if (d[i].eof && d[i].len == 0 && !d[i].shut) {
				(void)shutdown(d[i].to, SHUT_WR);
				d[i].shut = 1;
			}
		}
	}
out:
	free(mem);
}

static void *
conn_main(void *arg)
{
	struct slot *sl = arg;
	struct relay *r = sl->r;
	struct frame f;
	struct teec_err e;
	char host[TEEC_MAX_HOSTNAME + 1], why[TEEC_ERR_MAX];
	uint16_t port = 0;
	uint8_t status;
	int ofd = -1, rc;

	frame_init(&f);
	rc = frame_recv(sl->fd, &f, TEEC_MAX_NET_OPEN, r->open_ms, &e);
	if (rc == TEEC_OK && f.type != FRAME_NET_OPEN)
		rc = teec_errf(&e, TEEC_FAIL, "expected NET_OPEN, got %s frame",
		    frame_type_name(f.type));
	if (rc == TEEC_OK)
		rc = proto_net_open_decode(f.data, f.len, host, &port, &e);
	if (rc != TEEC_OK) {
		note(r, "relay: refused a connection: %s", e.msg);
		(void)reply(sl, PROTO_NET_BAD_REQUEST, e.msg);
		goto out;
	}
	/* The host's own check; the worker's is the one attested. */
	if (!policy_allows(&r->policy, host, port)) {
		note(r, "relay: refused %s:%u: not allowed by the network "
		    "policy", host, port);
		snprintf(why, sizeof(why), "%s:%u is not allowed by the host's "
		    "copy of the network policy", host, port);
		(void)reply(sl, PROTO_NET_NOT_ALLOWED, why);
		goto out;
	}
	note(r, "relay: %s:%u", host, port);
	if ((ofd = dial(r, host, port, &status, why, sizeof(why))) == -1) {
		note(r, "relay: %s", why);
		(void)reply(sl, status, why);
		goto out;
	}
	if (reply(sl, PROTO_NET_OK, NULL) == -1)
		goto out;
	copy(r, sl->fd, ofd);
out:
	frame_free(&f);
	if (ofd != -1)
		close(ofd);
	pthread_mutex_lock(&r->lock);
	close(sl->fd);
	sl->fd = -1;
	sl->done = 1;
	r->st.active--;
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Join the connection threads that have finished. Under no lock. */
static void
reap(struct relay *r, int all)
{
	unsigned int i;
	int done;

	for (i = 0; i < r->nslots; i++) {
		if (!r->slots[i].used)
			continue;
		pthread_mutex_lock(&r->lock);
		done = r->slots[i].done;
		pthread_mutex_unlock(&r->lock);
		if (!done && !all)
			continue;
		pthread_join(r->slots[i].th, NULL);
		r->slots[i].used = 0;
	}
}

/*
 * vsock: is the peer the enclave this relay serves? A connection from
 * another CID is closed without an answer.
 */
static int
peer_ok(struct relay *r, int fd)
{
	struct sockaddr_vm vm;
	socklen_t len = sizeof(vm);
	uint32_t want;

	if (!r->vsock)
		return 1;
	pthread_mutex_lock(&r->lock);
	want = r->peer_cid;
	pthread_mutex_unlock(&r->lock);
	memset(&vm, 0, sizeof(vm));
	if (getpeername(fd, (struct sockaddr *)&vm, &len) == -1 ||
	    vm.svm_family != AF_VSOCK || !relay_peer_cid_ok(want, vm.svm_cid)) {
		note(r, "relay: refused a connection from CID %u",
		    (unsigned int)vm.svm_cid);
		return 0;
	}
	return 1;
}

int
relay_peer_cid_ok(uint32_t want, uint32_t got)
{
	return want != 0 && got == want;
}

void
relay_set_peer_cid(struct relay *r, uint32_t cid)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->peer_cid = cid;
	pthread_mutex_unlock(&r->lock);
}

/* Too many at once: say so without a thread, and close. */
static void
busy(struct relay *r, int fd)
{
	uint8_t p[1 + TEEC_MAX_NET_REASON];
	char why[96];
	size_t n;

	snprintf(why, sizeof(why), "more than %u relay connections at once",
	    r->nslots);
	proto_net_reply_encode(PROTO_NET_BUSY, why, p, &n);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	(void)frame_send(fd, FRAME_NET_OPEN, p, n, NULL);
	(void)shutdown(fd, SHUT_WR);
	close(fd);
	pthread_mutex_lock(&r->lock);
	r->st.refused++;
	pthread_mutex_unlock(&r->lock);
	note(r, "relay: refused a connection: %s", why);
}

static void *
acceptor_main(void *arg)
{
	struct relay *r = arg;
	struct pollfd p[2];
	unsigned int i;
	int fd, pr;

	for (;;) {
		p[0].fd = r->lfd;
		p[0].events = POLLIN;
		p[0].revents = 0;
		p[1].fd = r->wake[0];
		p[1].events = POLLIN;
		p[1].revents = 0;
		pr = poll(p, 2, -1);
		if (pr == -1 && errno == EINTR)
			continue;
		if (pr == -1 || p[1].revents != 0)
			break;
		if ((fd = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				(void)poll(NULL, 0, 100);
			continue;
		}
		if (!peer_ok(r, fd)) {
			pthread_mutex_lock(&r->lock);
			r->st.accepted++;
			r->st.refused++;
			pthread_mutex_unlock(&r->lock);
			close(fd);
			continue;
		}
		reap(r, 0);
		for (i = 0; i < r->nslots && r->slots[i].used; i++)
			;
		pthread_mutex_lock(&r->lock);
		r->st.accepted++;
		pthread_mutex_unlock(&r->lock);
		if (i == r->nslots) {
			busy(r, fd);
			continue;
		}
		r->slots[i].r = r;
		r->slots[i].fd = fd;
		r->slots[i].done = 0;
		pthread_mutex_lock(&r->lock);
		r->st.active++;
		pthread_mutex_unlock(&r->lock);
		if (pthread_create(&r->slots[i].th, NULL, conn_main,
		    &r->slots[i]) != 0) {
			pthread_mutex_lock(&r->lock);
			r->st.active--;
			r->st.refused++;
			r->slots[i].fd = -1;
			pthread_mutex_unlock(&r->lock);
			close(fd);
			continue;
		}
		r->slots[i].used = 1;
	}
	return NULL;
}

static int
listen_unix(struct relay *r, const char *tmpdir, struct teec_err *err)
{
	struct sockaddr_un un;
	const char *base = tmpdir;
	int n;

	if (base == NULL && ((base = getenv("TMPDIR")) == NULL ||
	    base[0] != '/'))
		base = "/tmp";
	if ((size_t)snprintf(r->dir, sizeof(r->dir), "%s/teec-relay.XXXXXX",
	    base) >= sizeof(r->dir)) {
		r->dir[0] = '\0';
		return teec_errf(err, TEEC_ERROR, "relay: %s: path too long",
		    base);
	}
	/* mkdtemp(3) makes it 0700: only this user reaches the socket. */
	if (mkdtemp(r->dir) == NULL) {
		teec_errf(err, TEEC_ERROR, "relay: %s: %s", r->dir,
		    strerror(errno));
		r->dir[0] = '\0';
		return TEEC_ERROR;
	}
	n = snprintf(r->addr.path, sizeof(r->addr.path), "%s/%s", r->dir,
	    RELAY_SOCKET_NAME);
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	if (n < 0 || (size_t)n >= sizeof(r->addr.path) ||
	    (size_t)n >= sizeof(un.sun_path))
		return teec_errf(err, TEEC_ERROR, "relay: %s: the socket path "
		    "is too long for a unix socket", r->dir);
	memcpy(un.sun_path, r->addr.path, (size_t)n + 1);
	r->addr.kind = PROTO_RELAY_UNIX;
	if ((r->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(r->lfd, (struct sockaddr *)&un, sizeof(un)) == -1 ||
	    listen(r->lfd, SOMAXCONN) == -1)
		return teec_errf(err, TEEC_ERROR, "relay: %s: %s",
		    r->addr.path, strerror(errno));
	return TEEC_OK;
}

static int
listen_vsock(struct relay *r, struct teec_err *err)
{
	struct sockaddr_vm vm;
	socklen_t len = sizeof(vm);

	if ((r->lfd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		if (errno == EAFNOSUPPORT)
			return teec_errf(err, TEEC_ERROR, "relay: this machine "
			    "has no vsock (AF_VSOCK)");
		return teec_errf(err, TEEC_ERROR, "relay: vsock socket: %s",
		    strerror(errno));
	}
	memset(&vm, 0, sizeof(vm));
	vm.svm_family = AF_VSOCK;
	vm.svm_cid = VMADDR_CID_ANY;
	vm.svm_port = VMADDR_PORT_ANY;
	if (bind(r->lfd, (struct sockaddr *)&vm, sizeof(vm)) == -1 ||
	    listen(r->lfd, SOMAXCONN) == -1 ||
	    getsockname(r->lfd, (struct sockaddr *)&vm, &len) == -1)
		return teec_errf(err, TEEC_ERROR, "relay: vsock: %s",
		    strerror(errno));
	if (vm.svm_port == 0 || vm.svm_port > PROTO_RELAY_VSOCK_PORT_MAX)
		return teec_errf(err, TEEC_ERROR, "relay: vsock: the kernel "
		    "chose port %u", vm.svm_port);
	r->addr.kind = PROTO_RELAY_VSOCK;
	r->addr.port = vm.svm_port;
	return TEEC_OK;
}

int
relay_start(const struct relay_opts *o, struct relay **out,
    struct teec_err *err)
{
	struct relay *r = NULL;
	sigset_t all, old;
	int rc = TEEC_ERROR, e;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	r->lfd = -1;
	r->wake[0] = r->wake[1] = -1;
	r->nslots = o->max_conns != 0 ? o->max_conns : TEEC_MAX_NET_CONNS;
	r->open_ms = o->open_ms > 0 ? o->open_ms : TEEC_NET_OPEN_MS;
	r->connect_ms = o->connect_ms > 0 ? o->connect_ms :
	    TEEC_NET_CONNECT_MS;
	r->idle_ms = o->idle_ms > 0 ? o->idle_ms : TEEC_NET_IDLE_MS;
	r->note = o->note;
	r->note_arg = o->note_arg;
	if (pthread_mutex_init(&r->lock, NULL) != 0) {
		free(r);
		return teec_errf(err, TEEC_ERROR, "relay: cannot create a lock");
	}
	r->lock_ok = 1;
	if ((r->slots = calloc(r->nslots, sizeof(*r->slots))) == NULL ||
	    (o->policy != NULL && policy_copy(&r->policy, o->policy) !=
	    TEEC_OK)) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (pipe2(r->wake, O_CLOEXEC) == -1) {
		teec_errf(err, TEEC_ERROR, "relay: pipe: %s", strerror(errno));
		goto out;
	}
	r->vsock = o->vsock != 0;
	if ((o->vsock ? listen_vsock(r, err) : listen_unix(r, o->tmpdir,
	    err)) != TEEC_OK)
		goto out;
	/* The relay's threads take no signal: the main one does. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&r->acceptor, NULL, acceptor_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		teec_errf(err, TEEC_ERROR, "relay: cannot start a thread: %s",
		    strerror(e));
		goto out;
	}
	r->acceptor_started = 1;
	*out = r;
	r = NULL;
	rc = TEEC_OK;
out:
	relay_free(r);
	return rc;
}

const struct proto_relay *
relay_address(const struct relay *r)
{
	return &r->addr;
}

void
relay_get_stats(struct relay *r, struct relay_stats *st)
{
	pthread_mutex_lock(&r->lock);
	*st = r->st;
	pthread_mutex_unlock(&r->lock);
}

void
relay_stop(struct relay *r)
{
	unsigned int i;
	ssize_t w;

	if (r == NULL || r->stopped)
		return;
	r->stopped = 1;
	if (r->wake[1] != -1) {
		/* A pipe of one byte, never read: every poll() sees it. */
		w = write(r->wake[1], "x", 1);
		(void)w;
	}
	if (r->acceptor_started) {
		pthread_join(r->acceptor, NULL);
		r->acceptor_started = 0;
	}
	/* A thread waiting for its NET_OPEN request wakes up at once. */
	if (r->lock_ok && r->slots != NULL) {
		pthread_mutex_lock(&r->lock);
		for (i = 0; i < r->nslots; i++)
			if (r->slots[i].used && r->slots[i].fd != -1)
				(void)shutdown(r->slots[i].fd, SHUT_RDWR);
		pthread_mutex_unlock(&r->lock);
		reap(r, 1);
	}
	if (r->lfd != -1) {
		close(r->lfd);
		r->lfd = -1;
	}
}

void
relay_free(struct relay *r)
{
	if (r == NULL)
		return;
	relay_stop(r);
	if (r->addr.kind == PROTO_RELAY_UNIX && r->addr.path[0] != '\0')
		(void)unlink(r->addr.path);
	if (r->dir[0] != '\0')
		(void)rmdir(r->dir);
	if (r->wake[0] != -1)
		close(r->wake[0]);
	if (r->wake[1] != -1)
		close(r->wake[1]);
	policy_free(&r->policy);
	free(r->slots);
	if (r->lock_ok)
		pthread_mutex_destroy(&r->lock);
	free(r);
}

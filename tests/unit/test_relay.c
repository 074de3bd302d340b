/* SPDX-License-Identifier: ISC */
/*
 * The network relay (host/relay.c) and the worker's dial function through
 * it (enclave/relay_dial.c), on loopback: a TCP echo origin, the relay on
 * a unix socket, and fake relays that answer NET_OPEN with canned bytes.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "tests/unit/testutil.h"

#include "common/caps.h"
#include "common/fileio.h"
#include "common/frame.h"
#include "common/policy.h"
#include "common/proto.h"
#include "enclave/relay_dial.h"
#include "host/relay.h"

/* An echo origin: every connection gets its bytes back until EOF. */
struct origin {
	int lfd;
	uint16_t port;
	pthread_t th;
};

static void *
echo_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char b[8192];
	ssize_t n;

	while ((n = read(fd, b, sizeof(b))) > 0)
		if (write_all(fd, b, (size_t)n) != 0)
			break;
	shutdown(fd, SHUT_WR);
	close(fd);
	return NULL;
}

static void *
origin_main(void *arg)
{
	struct origin *o = arg;
	pthread_t th;
	int fd;

	while ((fd = accept(o->lfd, NULL, NULL)) != -1) {
		if (pthread_create(&th, NULL, echo_conn, (void *)(intptr_t)fd)
		    != 0) {
			close(fd);
			continue;
		}
		pthread_detach(th);
	}
	return NULL;
}

/* A listening TCP socket on 127.0.0.1; its port. */
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

static struct origin g_origin;

static int
group_setup(void **state)
{
	g_origin.lfd = tcp_listen(64, &g_origin.port);
	return pthread_create(&g_origin.th, NULL, origin_main, &g_origin);
}

static int
group_teardown(void **state)
{
	shutdown(g_origin.lfd, SHUT_RDWR);
	pthread_join(g_origin.th, NULL);
	close(g_origin.lfd);
	return 0;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The relay for a policy of the given entries, on a unix socket. */
struct fx {
	char dir[64];
	struct net_policy pol;
	struct relay *r;
	struct relay_dial rd;
	struct relay_opts o;
	int fds_before;
};

static void
fx_policy(struct fx *f, const char *entry)
{
	size_t dup;
	const char *why;

	assert_int_equal(policy_add(&f->pol, entry, &dup, &why), TEEC_OK);
}

static void
fx_start(struct fx *f)
{
	struct teec_err err;

	f->o.policy = &f->pol;
	f->o.tmpdir = f->dir;
	if (relay_start(&f->o, &f->r, &err) != TEEC_OK)
		fail_msg("relay_start: %s", err.msg);
	f->rd.addr = *relay_address(f->r);
	assert_int_equal(f->rd.addr.kind, PROTO_RELAY_UNIX);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char p[96];

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/teec-relaytest.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->fds_before = count_fds();
	snprintf(p, sizeof(p), "127.0.0.1:%u", g_origin.port);
	fx_policy(f, p);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	relay_free(f->r);
	policy_free(&f->pol);
	/* Nothing left: the private directory is gone, and every socket. */
	assert_int_equal(rmdir(f->dir), 0);
	assert_int_equal(count_fds(), f->fds_before);
	free(f);
	return 0;
}

/* Connect to the relay socket without the dial function. */
static int
raw_connect(struct fx *f)
{
	struct sockaddr_un un;
	int s;

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, f->rd.addr.path, strlen(f->rd.addr.path) + 1);
	assert_true((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1);
	assert_int_equal(connect(s, (struct sockaddr *)&un, sizeof(un)), 0);
	return s;
}

/* The relay's answer on s: its status, and its reason into reason. */
static uint8_t
read_reply(int s, char reason[TEEC_MAX_NET_REASON + 1])
{
	struct frame fr;
	struct teec_err err;
	uint8_t st = 0xff;

	frame_init(&fr);
	if (frame_recv(s, &fr, 1 + TEEC_MAX_NET_REASON, 10000, &err) != TEEC_OK)
		fail_msg("no answer: %s", err.msg);
	assert_int_equal(fr.type, FRAME_NET_OPEN);
	assert_int_equal(proto_net_reply_decode(fr.data, fr.len, &st, reason,
	    &err), TEEC_OK);
	frame_free(&fr);
	return st;
}

/* After a refusal the relay closes the connection. */
static void
assert_closed(int s)
{
	char c;

	assert_int_equal(read(s, &c, 1), 0);
}

/* Send n bytes and read them back at the same time; then half-close. */
static void
echo_through(int fd, size_t n)
{
	uint8_t *out = malloc(n), *in = malloc(n + 1);
	struct pollfd p;
	size_t sent = 0, got = 0, i;
	ssize_t r;
	int shut = 0;

	assert_non_null(out);
	assert_non_null(in);
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(i * 31 + (i >> 9));
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		p.fd = fd;
		p.events = POLLIN | (sent < n ? POLLOUT : 0);
		p.revents = 0;
		assert_true(poll(&p, 1, 10000) > 0);
		if ((p.revents & POLLOUT) && sent < n) {
			r = send(fd, out + sent, n - sent, MSG_NOSIGNAL);
			if (r > 0)
				sent += (size_t)r;
		}
		if (sent == n && !shut) {
			/* Half-close: the reply still comes. */
			assert_int_equal(shutdown(fd, SHUT_WR), 0);
			shut = 1;
		}
		if (p.revents & (POLLIN | POLLHUP)) {
			r = read(fd, in + got, n + 1 - got);
			if (r == 0)
				break;
			if (r > 0)
				got += (size_t)r;
			else
				assert_true(errno == EAGAIN);
		}
	}
	assert_int_equal(got, n);
	assert_memory_equal(in, out, n);
	free(out);
	free(in);
}

static void
test_allowed_relayed_both_ways(void **state)
{
	struct fx *f = *state;
	struct relay_stats st;
	char why[256] = "";
	int fd = -1;

	fx_start(f);
	if (proxy_dial_relay(&f->rd, "127.0.0.1", g_origin.port, 5000, &fd,
	    why, sizeof(why)) != 0)
		fail_msg("dial: %s", why);
	echo_through(fd, 5);
	close(fd);
	/* A second connection, bigger than every buffer on the way. */
	assert_int_equal(proxy_dial_relay(&f->rd, "127.0.0.1", g_origin.port,
	    5000, &fd, why, sizeof(why)), 0);
	echo_through(fd, 3 * 1024 * 1024);
	close(fd);
	relay_stop(f->r);
	relay_get_stats(f->r, &st);
	assert_int_equal(st.accepted, 2);
	assert_int_equal(st.relayed, 2);
	assert_int_equal(st.refused, 0);
	assert_int_equal(st.active, 0);
}

/* Lines from the relay's threads. */
struct notes {
	pthread_mutex_t lock;
	char last[512];
	int n;
};

static void
on_note(void *arg, const char *line)
{
	struct notes *n = arg;

	pthread_mutex_lock(&n->lock);
	snprintf(n->last, sizeof(n->last), "%s", line);
	n->n++;
	pthread_mutex_unlock(&n->lock);
}

static void
test_not_allowed_refused(void **state)
{
	struct fx *f = *state;
	struct notes n = { .lock = PTHREAD_MUTEX_INITIALIZER };
	char why[256] = "";
	int fd = -1;

	f->o.note = on_note;
	f->o.note_arg = &n;
	fx_start(f);
	/* The worker's proxy would not ask; the host refuses on its own. */
	assert_int_equal(proxy_dial_relay(&f->rd, "127.0.0.1",
	    (uint16_t)(g_origin.port ^ 1), 5000, &fd, why, sizeof(why)), -1);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(why, "the host relay refused: not allowed: "
	    "127.0.0.1:"));
	assert_non_null(strstr(why, "is not allowed by the host's copy of the "
	    "network policy"));
	assert_int_equal(proxy_dial_relay(&f->rd, "example.org", 443, 5000,
	    &fd, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not allowed: example.org:443"));
	relay_stop(f->r);
	assert_non_null(strstr(n.last, "relay: refused example.org:443: not "
	    "allowed"));
	pthread_mutex_destroy(&n.lock);
}

static void
test_dial_failure(void **state)
{
	struct fx *f = *state;
	char why[256] = "";
	uint16_t port;
	int fd = -1, s;

	/* A port that was just free: nothing listens there. */
	s = tcp_listen(1, &port);
	close(s);
	policy_free(&f->pol);
	{
		char p[32];

		snprintf(p, sizeof(p), "127.0.0.1:%u", port);
		fx_policy(f, p);
	}
	fx_start(f);
	assert_int_equal(proxy_dial_relay(&f->rd, "127.0.0.1", port, 5000, &fd,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "the host relay refused: dial failed: "
	    "cannot connect to 127.0.0.1:"));
	assert_non_null(strstr(why, "Connection refused"));
}

static void
test_dial_unresolvable(void **state)
{
	struct fx *f = *state;
	char why[256] = "";
	int fd = -1;

	fx_policy(f, "nonexistent.invalid:80");
	fx_start(f);
	assert_int_equal(proxy_dial_relay(&f->rd, "nonexistent.invalid", 80,
	    5000, &fd, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "dial failed: cannot resolve "
	    "nonexistent.invalid"));
}

static void
test_dial_timeout(void **state)
{
	struct fx *f = *state;
	struct sockaddr_in sa;
	char why[256] = "", p[32];
	uint16_t port;
	int fd = -1, l, c[4], i;

	/* A listener whose queue is full: connecting to it hangs. */
	l = tcp_listen(0, &port);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	for (i = 0; i < 4; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
		(void)connect(c[i], (struct sockaddr *)&sa, sizeof(sa));
	}
	usleep(100000);
	snprintf(p, sizeof(p), "127.0.0.1:%u", port);
	fx_policy(f, p);
	f->o.connect_ms = 300;
	fx_start(f);
	assert_int_equal(proxy_dial_relay(&f->rd, "127.0.0.1", port, 5000, &fd,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "the host relay refused: timeout: "
	    "127.0.0.1:"));
	assert_non_null(strstr(why, "did not answer within 300 ms"));
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(l);
}

/* A raw request; the relay must answer BAD_REQUEST with want, and close. */
static void
bad_request(struct fx *f, const uint8_t *p, size_t n, const char *want)
{
	char reason[TEEC_MAX_NET_REASON + 1];
	int s = raw_connect(f);

	assert_int_equal(write_all(s, p, n), 0);
	assert_int_equal(read_reply(s, reason), PROTO_NET_BAD_REQUEST);
	if (strstr(reason, want) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", reason, want);
	assert_closed(s);
	close(s);
}

static void
header(uint8_t *h, uint8_t type, uint32_t len)
{
	memset(h, 0, 8);
	h[0] = type;
	h[4] = (uint8_t)(len >> 24);
	h[5] = (uint8_t)(len >> 16);
	h[6] = (uint8_t)(len >> 8);
	h[7] = (uint8_t)len;
}

static void
test_malformed_open(void **state)
{
	static const char *const bad[][2] = {
		{ "Example.org:80", "not in canonical form" },
		{ "example.org", "expected HOST:PORT" },
		{ "example.org:0", "port from 1 to 65535" },
		{ "example.org:080", "port from 1 to 65535" },
		{ "example.org:65536", "port from 1 to 65535" },
		{ ":80", "host" },
		{ "exa mple.org:80", "host" },
		{ "example.org.:80", "host" },
		{ "[::1]:80", "host" },
	};
	struct fx *f = *state;
	uint8_t p[8 + 64];
	size_t i, n;

	fx_start(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = strlen(bad[i][0]);
		header(p, FRAME_NET_OPEN, (uint32_t)n);
		memcpy(p + 8, bad[i][0], n);
		bad_request(f, p, 8 + n, bad[i][1]);
	}
	/* Another frame type, and a header that breaks the frame rules. */
	header(p, FRAME_HELLO, 2);
	p[8] = 0;
	p[9] = 1;
	bad_request(f, p, 10, "expected NET_OPEN, got HELLO");
	header(p, FRAME_NET_OPEN, 0);
	p[1] = 1;
	bad_request(f, p, 8, "flags 0x01");
	header(p, 99, 0);
	bad_request(f, p, 8, "unknown frame type 99");
}

static void
test_oversized_open(void **state)
{
	struct fx *f = *state;
	uint8_t p[8];

	fx_start(f);
	/* Refused from the header: the payload is never waited for. */
	header(p, FRAME_NET_OPEN, TEEC_MAX_NET_OPEN + 1);
	bad_request(f, p, 8, "exceeds the limit of 259 bytes");
	header(p, FRAME_NET_OPEN, 0xffffffffu);
	bad_request(f, p, 8, "exceeds the limit");
}

static void
test_slow_open(void **state)
{
	struct fx *f = *state;
	char reason[TEEC_MAX_NET_REASON + 1];
	struct relay_stats st;
	int s, s2;

	f->o.open_ms = 200;
	fx_start(f);
	/* Nothing at all, and half a request: both cut off. */
	s = raw_connect(f);
	s2 = raw_connect(f);
	assert_int_equal(write_all(s2, "\x0c\0\0\0\0\0\0\x0b" "exa", 11), 0);
	assert_int_equal(read_reply(s, reason), PROTO_NET_BAD_REQUEST);
	assert_non_null(strstr(reason, "timed out after 200 ms"));
	assert_closed(s);
	assert_int_equal(read_reply(s2, reason), PROTO_NET_BAD_REQUEST);
	assert_non_null(strstr(reason, "timed out after 200 ms"));
	assert_closed(s2);
	close(s);
	close(s2);
	relay_stop(f->r);
	relay_get_stats(f->r, &st);
	assert_int_equal(st.refused, 2);
}

static void
test_too_many_connections(void **state)
{
	struct fx *f = *state;
	char reason[TEEC_MAX_NET_REASON + 1], why[256] = "";
	struct relay_stats st;
	int s[2], s3, fd = -1, i;

	f->o.max_conns = 2;
	fx_start(f);
	for (i = 0; i < 2; i++)
		s[i] = raw_connect(f);
	/*
	 * Both threads are waiting for a request: the third is refused.
	 * (Up to 10 s for the threads to start, on a loaded machine.)
	 */
	for (i = 0; i < 1000; i++) {
		relay_get_stats(f->r, &st);
		if (st.active == 2)
			break;
		usleep(10000);
	}
	assert_int_equal(st.active, 2);
	s3 = raw_connect(f);
	assert_int_equal(read_reply(s3, reason), PROTO_NET_BUSY);
	assert_non_null(strstr(reason, "more than 2 relay connections at "
	    "once"));
	close(s3);
	assert_int_equal(proxy_dial_relay(&f->rd, "127.0.0.1", g_origin.port,
	    5000, &fd, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "the host relay refused: busy"));
	/* Once one ends, a new one is taken. */
	close(s[0]);
	for (i = 0; i < 1000; i++) {
		relay_get_stats(f->r, &st);
		if (st.active < 2)
			break;
		usleep(10000);
	}
	if (proxy_dial_relay(&f->rd, "127.0.0.1", g_origin.port, 5000, &fd,
	    why, sizeof(why)) != 0)
		fail_msg("dial: %s", why);
	echo_through(fd, 100);
	close(fd);
	close(s[1]);
}

static void
test_teardown_joins_everything(void **state)
{
	struct fx *f = *state;
	struct relay_stats st;
	struct timespec a, b;
	char why[256] = "", c;
	int fd = -1, idle, i;

	fx_start(f);
	/* One connection relaying, one waiting for its request. */
	assert_int_equal(proxy_dial_relay(&f->rd, "127.0.0.1", g_origin.port,
	    5000, &fd, why, sizeof(why)), 0);
	assert_int_equal(write_all(fd, "x", 1), 0);
	assert_int_equal(read(fd, &c, 1), 1);
	idle = raw_connect(f);
	for (i = 0; i < 100; i++) {
		relay_get_stats(f->r, &st);
		if (st.active == 2)
			break;
		usleep(10000);
	}
	assert_int_equal(st.active, 2);
	clock_gettime(CLOCK_MONOTONIC, &a);
	relay_free(f->r);
	f->r = NULL;
	clock_gettime(CLOCK_MONOTONIC, &b);
	/* At once: nobody waits for a time limit. */
	assert_true(b.tv_sec - a.tv_sec < 3);
	assert_int_equal(read(fd, &c, 1), 0);
	close(fd);
	close(idle);
}

/*
 * The dial function against fake relays: a unix socket whose one
 * connection gets the canned bytes after the request.
 */
struct fake {
	char path[108];
	int lfd;
	const uint8_t *answer;
	size_t answer_len;
	char request[TEEC_MAX_NET_OPEN + 1];
	pthread_t th;
};

static void *
fake_main(void *arg)
{
	struct fake *fk = arg;
	struct frame fr;
	struct teec_err err;
	int s;

	frame_init(&fr);
	if ((s = accept(fk->lfd, NULL, NULL)) == -1)
		return NULL;
	if (frame_recv(s, &fr, TEEC_MAX_NET_OPEN, 5000, &err) == TEEC_OK &&
	    fr.type == FRAME_NET_OPEN)
		memcpy(fk->request, fr.data, fr.len + 1);
	if (fk->answer_len > 0)
		(void)write_all(s, fk->answer, fk->answer_len);
	frame_free(&fr);
	close(s);
	return NULL;
}

static int
fake_dial(struct fake *fk, const char *host, uint16_t port, char *why,
    size_t whysz)
{
	struct sockaddr_un un;
	struct relay_dial rd;
	char dir[] = "/tmp/teec-fakerelay.XXXXXX";
	int fd = -1, rc;

	assert_non_null(mkdtemp(dir));
	snprintf(fk->path, sizeof(fk->path), "%s/s", dir);
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, fk->path, strlen(fk->path) + 1);
	assert_true((fk->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) != -1);
	assert_int_equal(bind(fk->lfd, (struct sockaddr *)&un, sizeof(un)), 0);
	assert_int_equal(listen(fk->lfd, 4), 0);
	assert_int_equal(pthread_create(&fk->th, NULL, fake_main, fk), 0);
	memset(&rd, 0, sizeof(rd));
	rd.addr.kind = PROTO_RELAY_UNIX;
	memcpy(rd.addr.path, fk->path, strlen(fk->path) + 1);
	rc = proxy_dial_relay(&rd, host, port, 2000, &fd, why, whysz);
	if (rc == 0) {
		assert_true(fd >= 0);
		close(fd);
	} else
		assert_int_equal(fd, -1);
	pthread_join(fk->th, NULL);
	close(fk->lfd);
	unlink(fk->path);
	rmdir(dir);
	return rc;
}

static void
test_dial_fake_ok(void **state)
{
	static const uint8_t ok[] = { FRAME_NET_OPEN, 0, 0, 0, 0, 0, 0, 1, 0 };
	struct fake fk = { .answer = ok, .answer_len = sizeof(ok) };
	char why[256] = "";

	assert_int_equal(fake_dial(&fk, "index.crates.io", 443, why,
	    sizeof(why)), 0);
	assert_string_equal(fk.request, "index.crates.io:443");
}

static void
test_dial_fake_refusal(void **state)
{
	static const uint8_t no[] = { FRAME_NET_OPEN, 0, 0, 0, 0, 0, 0, 4,
	    PROTO_NET_NOT_ALLOWED, 'n', 'o', '!' };
	struct fake fk = { .answer = no, .answer_len = sizeof(no) };
	char why[256] = "";

	assert_int_equal(fake_dial(&fk, "10.0.0.1", 8080, why, sizeof(why)),
	    -1);
	assert_string_equal(fk.request, "10.0.0.1:8080");
	assert_string_equal(why, "the host relay refused: not allowed: no!");
}

static void
test_dial_fake_garbage(void **state)
{
	static const struct {
		const char *bytes;
		size_t n;
		const char *want;
	} bad[] = {
		{ "\x01\0\0\0\0\0\0\x02\0\x01", 10, "answered with a HELLO frame" },
		{ "\x0c\0\0\0\0\0\0\x01\x09", 9, "unknown status 9" },
		{ "\x0c\0\0\0\0\0\0\x02\x00x", 10, "a reason after ok" },
		{ "\x0c\0\0\0\0\0\0\x02\x01\x07", 10, "not printable ASCII" },
		{ "\x0c\0\0\0\0\0\0\0", 8, "reply: empty" },
		{ "\x0c\0\0\0\0\0\x10\0", 8, "exceeds the limit" },
		{ "\x0c\x01\0\0\0\0\0\x01\0", 9, "flags" },
		{ "\x0c\0\0\0", 4, "connection closed by peer" },
		{ "", 0, "connection closed by peer" },
	};
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake fk = { .answer = (const uint8_t *)bad[i].bytes,
		    .answer_len = bad[i].n };

		why[0] = '\0';
		assert_int_equal(fake_dial(&fk, "example.org", 80, why,
		    sizeof(why)), -1);
		if (strstr(why, bad[i].want) == NULL)
			fail_msg("%zu: \"%s\" lacks \"%s\"", i, why, bad[i].want);
	}
}

/*
 * vsock: only the build's enclave is served. (vsock does not connect on
 * the test machines: the rule itself, and the setter's NULL case.)
 */
static void
test_peer_cid_rule(void **state)
{
	/* before the enclave's CID is known, nobody */
	assert_false(relay_peer_cid_ok(0, 0));
	assert_false(relay_peer_cid_ok(0, 16));
	assert_false(relay_peer_cid_ok(0, 3));
	/* then that CID only */
	assert_true(relay_peer_cid_ok(16, 16));
	assert_false(relay_peer_cid_ok(16, 17));
	assert_false(relay_peer_cid_ok(16, 3));
	assert_false(relay_peer_cid_ok(16, 0));
	assert_false(relay_peer_cid_ok(16, 0xffffffffu));
	relay_set_peer_cid(NULL, 16);
}

static void
test_dial_no_relay(void **state)
{
	struct relay_dial rd;
	char why[256] = "";
	int fd = -1;

	memset(&rd, 0, sizeof(rd));
	rd.addr.kind = PROTO_RELAY_UNIX;
	snprintf(rd.addr.path, sizeof(rd.addr.path), "/nonexistent/relay");
	assert_int_equal(proxy_dial_relay(&rd, "example.org", 80, 1000, &fd,
	    why, sizeof(why)), -1);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(why, "cannot reach the host relay: No such "
	    "file"));
	/* vsock: no parent instance here, or no vsock at all. */
	memset(&rd, 0, sizeof(rd));
	rd.addr.kind = PROTO_RELAY_VSOCK;
	rd.addr.port = 5006;
	assert_int_equal(proxy_dial_relay(&rd, "example.org", 80, 500, &fd,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cannot reach the host relay"));
	/* A host the proxy would never pass: not even a connection. */
	assert_int_equal(proxy_dial_relay(&rd, "Example.org", 80, 500, &fd,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not canonical"));
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_allowed_relayed_both_ways),
		T(test_not_allowed_refused),
		T(test_dial_failure),
		T(test_dial_unresolvable),
		T(test_dial_timeout),
		T(test_malformed_open),
		T(test_oversized_open),
		T(test_slow_open),
		T(test_too_many_connections),
		T(test_teardown_joins_everything),
		cmocka_unit_test(test_dial_fake_ok),
		cmocka_unit_test(test_dial_fake_refusal),
		cmocka_unit_test(test_dial_fake_garbage),
		cmocka_unit_test(test_dial_no_relay),
		cmocka_unit_test(test_peer_cid_rule),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

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
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/caps.h"
#include "common/dial.h"
#include "common/digest.h"
#include "common/http.h"
#include "common/timefmt.h"
#include "enclave/proxy.h"
#include "enclave/proxy_tls.h"
#include "report/netlog.h"

/*
 * One thread accepts; each connection of the build gets a thread of its
 * own that handles its exchanges one after the other (HTTP/1.1 is
 * request, then response). Every wait is a poll(2) with a deadline that
 * also watches the wake pipe, which proxy_stop() makes readable for good.
 * All sockets are non-blocking; TLS runs over them with OpenSSL's
 * WANT_READ / WANT_WRITE retries.
 */

#define IO_PIECE        (16u * 1024u)   /* one read(2) or SSL_read */
#define INBUF_CAP       (TEEC_MAX_HTTP_HEAD + IO_PIECE)
#define WHY_MAX         TEEC_ERR_MAX
#define RECORD_OVERHEAD 192u            /* a record's JSON around its text */

struct proxy {
	struct net_policy policy;
	struct proxy_limits lim;
	proxy_dial_fn dial;
	void *dial_arg;
	struct proxy_tls *tls;
	int lfd;
	uint16_t port;
	char *unix_path;
	int wake[2];
	pthread_t acceptor;
	int acceptor_started;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int sync_ok;
	int stopping;
	int stopped;
	unsigned int active;            /* connection threads running */
	uint64_t nconns;
	struct proxy_record *recs;
	size_t nrecs, caprecs;
	size_t text;                    /* bytes of URIs and reasons */
	uint64_t overflow;
};

/* Bytes read from one side and not yet used. */
struct inbuf {
	uint8_t *p;
	size_t len;
};

/* One end: a socket, with TLS over it or not. */
struct pio {
	int fd;
	SSL *ssl;
	int unclean_eof;        /* TLS ended without close_notify */
};

struct conn {
	struct proxy *px;
	uint64_t id;
	struct pio cl;          /* the build */
	struct pio up;          /* the origin */
	char up_host[TEEC_MAX_HOSTNAME + 1];
	uint16_t up_port;
	int up_fresh;           /* dialled for the current exchange */
	int tls;                /* inside a CONNECT tunnel */
	char t_host[TEEC_MAX_HOSTNAME + 1];
	uint16_t t_port;
	struct inbuf cin, uin;
	struct buf decoded;     /* a chunked body decoded for HTTP/1.0 */
	char why[WHY_MAX];
	int stopped;            /* proxy_stop() ended a wait */
};

/* One exchange: what its record will say. */
struct xch {
	char method[TEEC_MAX_HTTP_METHOD + 1];
	char uri[TEEC_MAX_URI + 1];
	int recorded;
	int replied;            /* a response head went to the build */
};

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static void __attribute__((format(printf, 2, 3)))
why(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* Records */

/* An absolute URI that report.json can hold (teec-report(5)). */
static int
recordable(const char *uri)
{
	size_t i, n = strlen(uri);

	if (n == 0 || n > TEEC_MAX_URI || !http_uri_chars_ok(uri) ||
	    !((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' &&
	    uri[0] <= 'Z')))
		return 0;
	for (i = 1; i < n && uri[i] != ':'; i++)
		if (!((uri[i] >= 'a' && uri[i] <= 'z') || (uri[i] >= 'A' &&
		    uri[i] <= 'Z') || (uri[i] >= '0' && uri[i] <= '9') ||
		    uri[i] == '+' || uri[i] == '-' || uri[i] == '.'))
			return 0;
	return i < n;
}

/* Append a record; the text it holds is copied. */
static void
record(struct conn *c, const struct xch *x, int refused, const char *reason,
    int status, uint64_t size, const uint8_t sha[32], uint64_t req_size,
    const uint8_t req_sha[32])
{
	struct proxy *px = c->px;
	struct proxy_record *r, *nr;
	char clean[TEEC_MAX_REPORT_TEXT + 1];
	size_t i, n, text;

	if (!recordable(x->uri) || x->method[0] == '\0')
		return;
	/* Reasons are shown as they are: printable ASCII only. */
	if (refused) {
		for (i = 0; reason[i] != '\0' && i < TEEC_MAX_REPORT_TEXT; i++)
			clean[i] = (reason[i] >= 0x20 && reason[i] < 0x7f) ?
			    reason[i] : '?';
		clean[i] = '\0';
		if (i == 0)
			snprintf(clean, sizeof(clean), "refused");
	}
	/* What the record takes in report.json, roughly from above. */
	text = RECORD_OVERHEAD + strlen(x->uri) + (refused ? strlen(clean) :
	    0);
	pthread_mutex_lock(&px->lock);
	if (px->nrecs >= px->lim.max_records ||
	    px->text + text > TEEC_MAX_NET_RECORD_TEXT)
		goto overflow;
	if (px->nrecs == px->caprecs) {
		n = px->caprecs ? px->caprecs * 2 : 64;
		if ((nr = reallocarray(px->recs, n, sizeof(*nr))) == NULL)
			goto overflow;
		px->recs = nr;
		px->caprecs = n;
	}
	r = &px->recs[px->nrecs];
	memset(r, 0, sizeof(*r));
	if ((r->dep.uri = strdup(x->uri)) == NULL ||
	    (r->dep.method = strdup(x->method)) == NULL ||
	    (refused && (r->dep.reason = strdup(clean)) == NULL)) {
		free(r->dep.uri);
		free(r->dep.method);
		goto overflow;
	}
	r->conn = c->id;
	r->tls = c->tls;
	r->dep.refused = refused;
	r->dep.status = r->dep.size = -1;
	if (!refused) {
		r->dep.status = status;
		r->dep.size = (int64_t)size;
		memcpy(r->dep.sha256, sha, 32);
		r->dep.has_sha256 = 1;
		r->req_size = req_size;
		if (req_size > 0)
			memcpy(r->req_sha256, req_sha, 32);
	}
	px->nrecs++;
	px->text += text;
	pthread_mutex_unlock(&px->lock);
	return;
overflow:
	px->overflow++;
	pthread_mutex_unlock(&px->lock);
}

static int
records_full(struct proxy *px)
{
	int full;

	pthread_mutex_lock(&px->lock);
	full = px->nrecs >= px->lim.max_records ||
	    px->text + RECORD_OVERHEAD > TEEC_MAX_NET_RECORD_TEXT;
	if (full)
		px->overflow++;
	pthread_mutex_unlock(&px->lock);
	return full;
}

/* I/O */

/*
 * Wait until fd is ready for ev, the deadline passes (tmo: the message),
 * or the proxy stops. 0 when ready, else -1 with c->why.
 */
static int
wait_io(struct conn *c, int fd, short ev, int64_t deadline, const char *tmo)
{
	struct pollfd p[2];
	int64_t left;
	int r;

	for (;;) {
		left = deadline - mono_ms();
		if (left <= 0) {
			why(c, "%s", tmo);
			return -1;
		}
		p[0].fd = fd;
		p[0].events = ev;
		p[0].revents = 0;
		p[1].fd = c->px->wake[0];
		p[1].events = POLLIN;
		p[1].revents = 0;
		r = poll(p, 2, left > INT_MAX ? INT_MAX : (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			why(c, "poll: %s", strerror(errno));
			return -1;
		}
		if (p[1].revents != 0) {
			c->stopped = 1;
			why(c, "the build ended before the exchange did");
			return -1;
		}
		if (r > 0)
			return 0;
	}
}

static void
ssl_why(struct conn *c, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		why(c, "%s: %s", what, buf);
	} else
		why(c, "%s: %s", what, errno != 0 ? strerror(errno) :
		    "connection ended");
	ERR_clear_error();
}

/* Read at most n bytes: > 0, 0 at the end of the stream, -1 (c->why). */
static ssize_t
pio_read(struct conn *c, struct pio *io, void *p, size_t n, int64_t deadline,
    const char *tmo, const char *who)
{
	size_t got;
	ssize_t r;
	int e;

	for (;;) {
		if (io->ssl != NULL) {
			ERR_clear_error();
			errno = 0;
			if (SSL_read_ex(io->ssl, p, n, &got) == 1)
				return (ssize_t)got;
			e = SSL_get_error(io->ssl, 0);
			if (e == SSL_ERROR_ZERO_RETURN)
				return 0;
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				if (wait_io(c, io->fd, e == SSL_ERROR_WANT_READ ?
				    POLLIN : POLLOUT, deadline, tmo) == -1)
					return -1;
				continue;
			}
			/* A TCP end without close_notify (RFC 8446 6.1). */
			if ((e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) ||
			    (e == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_error())
			    == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
				ERR_clear_error();
				io->unclean_eof = 1;
				return 0;
			}
			ssl_why(c, who);
			return -1;
		}
		r = read(io->fd, p, n);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_io(c, io->fd, POLLIN, deadline, tmo) == -1)
				return -1;
			continue;
		}
		if (errno == ECONNRESET)
			return 0;
		why(c, "%s: %s", who, strerror(errno));
		return -1;
	}
}

/* Write all n bytes: 0, or -1 (c->why). */
static int
pio_write(struct conn *c, struct pio *io, const void *p, size_t n,
    int64_t deadline, const char *tmo, const char *who)
{
	const uint8_t *q = p;
	size_t done;
	ssize_t r;
	int e;

	while (n > 0) {
		if (io->ssl != NULL) {
			ERR_clear_error();
			errno = 0;
			if (SSL_write_ex(io->ssl, q, n, &done) == 1) {
				q += done;
				n -= done;
				continue;
			}
			e = SSL_get_error(io->ssl, 0);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				if (wait_io(c, io->fd, e == SSL_ERROR_WANT_READ ?
				    POLLIN : POLLOUT, deadline, tmo) == -1)
					return -1;
				continue;
			}
			ssl_why(c, who);
			return -1;
		}
		r = send(io->fd, q, n, MSG_NOSIGNAL);
		if (r >= 0) {
			q += r;
			n -= (size_t)r;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_io(c, io->fd, POLLOUT, deadline, tmo) == -1)
				return -1;
			continue;
		}
		why(c, "%s: %s", who, strerror(errno));
		return -1;
	}
	return 0;
}

/* A TLS handshake, as the server (accept) or the client. */
static int
handshake(struct conn *c, struct pio *io, int64_t deadline, const char *tmo)
{
	int r, e;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		if ((r = SSL_do_handshake(io->ssl)) == 1)
			return 0;
		e = SSL_get_error(io->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (wait_io(c, io->fd, e == SSL_ERROR_WANT_READ ? POLLIN :
			    POLLOUT, deadline, tmo) == -1)
				return -1;
			continue;
		}
		return -2;	/* the caller says why */
	}
}

static void
consume(struct inbuf *ib, size_t n)
{
	if (n >= ib->len) {
		ib->len = 0;
		return;
	}
	memmove(ib->p, ib->p + n, ib->len - n);
	ib->len -= n;
}

/*
 * Read until ib holds a whole head. The first byte must come within
 * first_ms, the whole head within head_ms of it. Returns the head's
 * length, 0 when the stream ends before a byte of it, -1 (c->why).
 */
static ssize_t
read_head(struct conn *c, struct pio *io, struct inbuf *ib, int first_ms,
    const char *who)
{
	const struct proxy_limits *lim = &c->px->lim;
	char tmo[128];
	size_t scan = 0, end;
	int64_t deadline;
	ssize_t r;

	if (ib->len > 0)
		deadline = mono_ms() + lim->head_ms;
	else
		deadline = mono_ms() + first_ms;
	for (;;) {
		if ((end = http_head_end(ib->p, ib->len, &scan)) > 0)
			return (ssize_t)end;
		if (ib->len >= TEEC_MAX_HTTP_HEAD) {
			why(c, "%s's header section is over %u bytes", who,
			    TEEC_MAX_HTTP_HEAD);
			return -1;
		}
		if (ib->len > 0)
			snprintf(tmo, sizeof(tmo), "%s's head did not arrive "
			    "within %d s", who, lim->head_ms / 1000);
		else
			snprintf(tmo, sizeof(tmo), "nothing from %s for %d s",
			    who, first_ms / 1000);
		r = pio_read(c, io, ib->p + ib->len, INBUF_CAP - ib->len,
		    deadline, tmo, who);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (ib->len == 0)
				return 0;
			why(c, "%s closed the connection in the middle of a "
			    "head", who);
			return -1;
		}
		if (ib->len == 0)
			deadline = mono_ms() + lim->head_ms;
		ib->len += (size_t)r;
	}
}

/* Replies the proxy makes itself: short, and the connection closes. */
static void
reply(struct conn *c, struct xch *x, int status, const char *phrase,
    const char *msg)
{
	char out[1200], body[1000];
	int n, b;

	if (x != NULL) {
		if (x->replied)
			return;
		x->replied = 1;
	}
	b = snprintf(body, sizeof(body), "teec-enclave proxy: %.900s\n", msg);
	if (b < 0 || (size_t)b >= sizeof(body))
		b = (int)sizeof(body) - 1;
	n = snprintf(out, sizeof(out), "HTTP/1.1 %d %s\r\nContent-Type: "
	    "text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
	    "%.*s", status, phrase, b, b, body);
	if (n < 0 || (size_t)n >= sizeof(out))
		return;
	(void)pio_write(c, &c->cl, out, (size_t)n, mono_ms() + 5000,
	    "the build did not take the proxy's answer", "the build");
}

/* Refuse an exchange: answer (if the build still waits) and record. */
static void
refuse(struct conn *c, struct xch *x, int status, const char *phrase,
    const char *reason)
{
	char msg[WHY_MAX + 512];

	snprintf(msg, sizeof(msg), "%.256s: %s", x->uri, reason);
	if (!c->stopped)
		reply(c, x, status, phrase, msg);
	if (!x->recorded) {
		record(c, x, 1, reason, 0, 0, NULL, 0, NULL);
		x->recorded = 1;
	}
}

/* Origins */

static void
up_close(struct conn *c)
{
	if (c->up.ssl != NULL)
		SSL_free(c->up.ssl);
	if (c->up.fd != -1)
		close(c->up.fd);
	memset(&c->up, 0, sizeof(c->up));
	c->up.fd = -1;
	c->up_host[0] = '\0';
	c->up_port = 0;
	c->uin.len = 0;
}

/* Connect to host:port (TLS when tls), or keep the open connection. */
static int
up_open(struct conn *c, const char *host, uint16_t port, int tls)
{
	const struct proxy_limits *lim = &c->px->lim;
	char tmo[128], w[WHY_MAX];
	int fd = -1, fl, r;

	c->up_fresh = 0;
	if (c->up.fd != -1 && c->up_port == port &&
	    strcmp(c->up_host, host) == 0)
		return 0;
	up_close(c);
	w[0] = '\0';
	if (c->px->dial(c->px->dial_arg, host, port, lim->connect_ms, &fd, w,
	    sizeof(w)) == -1 || fd < 0) {
		why(c, "cannot connect: %s", w[0] != '\0' ? w : "dial failed");
		return -1;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		why(c, "fcntl: %s", strerror(errno));
		close(fd);
		return -1;
	}
	c->up.fd = fd;
	snprintf(c->up_host, sizeof(c->up_host), "%s", host);
	c->up_port = port;
	c->up_fresh = 1;
	if (!tls)
		return 0;
	if ((c->up.ssl = proxy_tls_for_origin(c->px->tls, host, w,
	    sizeof(w))) == NULL || SSL_set_fd(c->up.ssl, fd) != 1) {
		why(c, "%s", w);
		up_close(c);
		return -1;
	}
	SSL_set_connect_state(c->up.ssl);
	snprintf(tmo, sizeof(tmo), "the TLS handshake with the origin did not "
	    "end within %d s", lim->connect_ms / 1000);
	if ((r = handshake(c, &c->up, mono_ms() + lim->connect_ms, tmo)) != 0) {
		if (r == -2)
			proxy_tls_origin_error(c->up.ssl, c->why, sizeof(c->why));
		up_close(c);
		return -1;
	}
	return 0;
}

/* Heads */

/* Hop-by-hop fields (RFC 9110 section 7.6.1) and the proxy's own. */
static int
hop_by_hop(const struct http_head *h, const char *name)
{
	static const char *const hop[] = { "Connection", "Proxy-Connection",
	    "Keep-Alive", "Proxy-Authorization", "Proxy-Authenticate", "TE",
	    "Upgrade", "Expect", NULL };
	size_t i;

	for (i = 0; hop[i] != NULL; i++)
		if (strcasecmp(name, hop[i]) == 0)
			return 1;
	for (i = 0; i < h->nfields; i++)
		if (strcasecmp(h->fields[i].name, "Connection") == 0 &&
		    http_list_has(h->fields[i].value, name))
			return 1;
	return 0;
}

static int
put_fields(struct buf *b, const struct http_head *h, const char *also_drop)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < h->nfields; i++) {
		if (hop_by_hop(h, h->fields[i].name) || (also_drop != NULL &&
		    strcasecmp(h->fields[i].name, also_drop) == 0))
			continue;
		bad |= buf_printf(b, "%s: %s\r\n", h->fields[i].name,
		    h->fields[i].value);
	}
	return bad;
}

/* The request as the origin gets it: origin-form, HTTP/1.1. */
static int
request_head(struct buf *b, const struct http_head *rq, const char *path,
    const char *host, uint16_t port, uint16_t dflt)
{
	int bad = 0;

	buf_init(b, TEEC_MAX_HTTP_HEAD + 1024);
	bad |= buf_printf(b, "%s %s HTTP/1.1\r\n", rq->method,
	    path[0] != '\0' ? path : "/");
	if (http_head_get(rq, "Host") == NULL) {
		if (port == dflt)
			bad |= buf_printf(b, "Host: %s\r\n", host);
		else
			bad |= buf_printf(b, "Host: %s:%u\r\n", host, port);
	}
	bad |= put_fields(b, rq, NULL);
	bad |= buf_printf(b, "\r\n");
	return bad ? -1 : 0;
}

/* The response as the build gets it. */
static int
response_head(struct buf *b, const struct http_head *rs, int close,
    int dechunk)
{
	int bad = 0;

	buf_init(b, TEEC_MAX_HTTP_HEAD + 1024);
	bad |= buf_printf(b, "HTTP/1.1 %d %s\r\n", rs->status, rs->reason);
	bad |= put_fields(b, rs, dechunk ? "Transfer-Encoding" : NULL);
	if (close)
		bad |= buf_printf(b, "Connection: close\r\n");
	bad |= buf_printf(b, "\r\n");
	return bad ? -1 : 0;
}

/* Bodies */

struct body_sink {
	struct digest *d;
	struct buf *decoded;    /* NULL: the raw bytes are forwarded */
};

static void
body_data(void *arg, const uint8_t *p, size_t n)
{
	struct body_sink *s = arg;

	digest_update(s->d, p, n);
	if (s->decoded != NULL)
		(void)buf_append(s->decoded, p, n);
}

/*
 * Move one body from src (what ib holds first) to dst, hashing its
 * decoded bytes into d. dst NULL: read and drop. 0, or -1 with c->why;
 * *dst_failed tells that writing to dst failed.
 */
static int
relay_body(struct conn *c, struct pio *src, struct inbuf *ib, struct pio *dst,
    struct http_body *b, struct digest *d, int dechunk, int64_t xdeadline,
    const char *from, const char *to, int *dst_failed)
{
	const struct proxy_limits *lim = &c->px->lim;
	struct body_sink sink;
	struct teec_err e;
	char tmo[128], wmsg[128];
	int64_t deadline;
	size_t used;
	ssize_t r;

	*dst_failed = 0;
	sink.d = d;
	sink.decoded = dechunk ? &c->decoded : NULL;
	snprintf(wmsg, sizeof(wmsg), "%s did not take data for %d s", to,
	    lim->idle_ms / 1000);
	for (;;) {
		if (ib->len > 0 && !b->done) {
			c->decoded.len = 0;
			if (http_body_feed(b, ib->p, ib->len, &used, body_data,
			    &sink, &e) != TEEC_OK) {
				why(c, "%s: %s", from, e.msg);
				return -1;
			}
			if (dst != NULL && (dechunk ? (c->decoded.len > 0 &&
			    pio_write(c, dst, c->decoded.data, c->decoded.len,
			    min64(mono_ms() + lim->idle_ms, xdeadline), wmsg,
			    to) == -1) : pio_write(c, dst, ib->p, used,
			    min64(mono_ms() + lim->idle_ms, xdeadline), wmsg,
			    to) == -1)) {
				*dst_failed = 1;
				return -1;
			}
			consume(ib, used);
		}
		if (b->done)
			return 0;
		deadline = mono_ms() + lim->idle_ms;
		if (xdeadline <= deadline) {
			deadline = xdeadline;
			snprintf(tmo, sizeof(tmo), "the exchange took longer "
			    "than %d s", lim->exchange_ms / 1000);
		} else
			snprintf(tmo, sizeof(tmo), "no data from %s for %d s",
			    from, lim->idle_ms / 1000);
		r = pio_read(c, src, ib->p + ib->len, INBUF_CAP - ib->len,
		    deadline, tmo, from);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (src->unclean_eof && b->mode == HTTP_BODY_CLOSE) {
				why(c, "%s: the body ended without a TLS "
				    "close_notify (truncated)", from);
				return -1;
			}
			if (http_body_eof(b, &e) != TEEC_OK) {
				why(c, "%s: %s", from, e.msg);
				return -1;
			}
			return 0;
		}
		ib->len += (size_t)r;
	}
}

/* Exchanges */

/* scheme://host[:port] + path into x->uri. */
static void
make_uri(struct xch *x, int https, const char *host, uint16_t port,
    const char *path)
{
	uint16_t dflt = https ? 443 : 80;
	int n;

	if (port == dflt)
		n = snprintf(x->uri, sizeof(x->uri), "%s://%s%s",
		    https ? "https" : "http", host, path);
	else
		n = snprintf(x->uri, sizeof(x->uri), "%s://%s:%u%s",
		    https ? "https" : "http", host, port, path);
	if (n < 0 || (size_t)n >= sizeof(x->uri))
		x->uri[0] = '\0';
}

/*
 * Read the response head for the request sent: 1xx heads are passed on
 * (RFC 9110 section 15.2) until the final one. 0, or -1 with c->why.
 */
static int
response(struct conn *c, const struct http_head *rq, struct http_head *rs,
    int *nothing)
{
	struct teec_err e;
	struct buf hb;
	ssize_t hl;

	*nothing = 0;
	for (;;) {
		http_head_free(rs);
		hl = read_head(c, &c->up, &c->uin, c->px->lim.head_ms,
		    "the origin");
		if (hl == 0) {
			*nothing = 1;
			why(c, "the origin closed the connection without a "
			    "response");
			return -1;
		}
		if (hl < 0)
			return -1;
		if (http_head_parse(c->uin.p, (size_t)hl, HTTP_RESPONSE, rs,
		    &e) != TEEC_OK) {
			why(c, "the origin's response: %s", e.msg);
			return -1;
		}
		consume(&c->uin, (size_t)hl);
		if (rs->status >= 200)
			return 0;
		if (rs->status == 101) {
			why(c, "the origin switched protocols, which the proxy "
			    "does not relay");
			return -1;
		}
		if (rq->minor == 0)
			continue;
		if (response_head(&hb, rs, 0, 0) == -1 ||
		    pio_write(c, &c->cl, hb.data, hb.len, mono_ms() +
		    c->px->lim.idle_ms, "the build did not take the response",
		    "the build") == -1) {
			buf_free(&hb);
			return -1;
		}
		buf_free(&hb);
	}
}

static void tunnel(struct conn *c, const struct http_head *rq);

/*
 * One request of the build and its response. Returns 1 when the
 * connection may carry another, 0 when it ends. CONNECT opens a tunnel
 * whose requests come here again, and ends the connection after it.
 */
static int
exchange(struct conn *c, int first)
{
	const struct proxy_limits *lim = &c->px->lim;
	struct http_head rq, rs;
	struct http_body rqb, rsb;
	struct digest dreq, dres;
	struct teec_err e;
	struct xch x;
	struct buf hb;
	char host[TEEC_MAX_HOSTNAME + 1], reason[WHY_MAX + 128];
	const char *path, *w;
	uint8_t req_sha[32], res_sha[32];
	uint16_t port;
	int64_t xdl;
	ssize_t hl;
	int keep = 0, up_keep, dechunk, failed, nothing, retried = 0;

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	memset(&x, 0, sizeof(x));
	memset(&dreq, 0, sizeof(dreq));
	memset(&dres, 0, sizeof(dres));
	memset(&hb, 0, sizeof(hb));

	hl = read_head(c, &c->cl, &c->cin, first ? lim->head_ms : lim->idle_ms,
	    "the build");
	if (hl <= 0) {
		if (hl < 0 && !c->stopped && c->cin.len > 0)
			reply(c, NULL, 400, "Bad Request", c->why);
		goto out;
	}
	if (http_head_parse(c->cin.p, (size_t)hl, HTTP_REQUEST, &rq, &e) !=
	    TEEC_OK) {
		reply(c, NULL, 400, "Bad Request", e.msg);
		goto out;
	}
	consume(&c->cin, (size_t)hl);
	if (strcmp(rq.method, "CONNECT") == 0) {
		tunnel(c, &rq);
		goto out;
	}
	snprintf(x.method, sizeof(x.method), "%s", rq.method);
	xdl = mono_ms() + lim->exchange_ms;

	/* Where to: the tunnel's origin, or the absolute URL's. */
	if (c->tls) {
		if (rq.target[0] != '/') {
			make_uri(&x, 1, c->t_host, c->t_port, "/");
			refuse(c, &x, 400, "Bad Request", "a request inside a "
			    "tunnel must name a path");
			goto out;
		}
		snprintf(host, sizeof(host), "%s", c->t_host);
		port = c->t_port;
		path = rq.target;
		make_uri(&x, 1, host, port, path);
		/* The Host field must name the tunnel's host. */
		if ((w = http_head_get(&rq, "Host")) != NULL) {
			char hh[TEEC_MAX_HOSTNAME + 1];
			const char *hw;
			uint16_t hp;
			char tmp[TEEC_MAX_HOSTNAME + 16];

			snprintf(tmp, sizeof(tmp), "http://%s/", w);
			if (strlen(w) > TEEC_MAX_HOSTNAME + 6 ||
			    http_target_absolute(tmp, hh, &hp, &path, &hw) ==
			    -1 || strcmp(hh, host) != 0) {
				path = rq.target;
				refuse(c, &x, 400, "Bad Request", "the Host field "
				    "does not name the tunnel's host");
				goto out;
			}
			path = rq.target;
		}
	} else {
		if (http_target_absolute(rq.target, host, &port, &path, &w) ==
		    -1) {
			snprintf(x.uri, sizeof(x.uri), "%s", rq.target);
			refuse(c, &x, 400, "Bad Request", w);
			goto out;
		}
		make_uri(&x, 0, host, port, path[0] != '\0' ? path : "/");
	}
	if (x.uri[0] == '\0' || !recordable(x.uri)) {
		make_uri(&x, c->tls, host, port, "/");
		refuse(c, &x, 400, "Bad Request", "the request target holds "
		    "characters a report cannot record (RFC 3986 section 2)");
		goto out;
	}
	if (!c->tls && !policy_allows(&c->px->policy, host, port)) {
		snprintf(reason, sizeof(reason), "not allowed by the network "
		    "policy (%s:%u)", host, port);
		refuse(c, &x, 403, "Forbidden", reason);
		goto out;
	}
	if (records_full(c->px)) {
		reply(c, &x, 503, "Service Unavailable", "the network "
		    "transcript is full");
		x.recorded = 1;
		goto out;
	}
	if (http_request_body(&rq, lim->max_req_body, &rqb, &e) != TEEC_OK) {
		snprintf(reason, sizeof(reason), "the build's request: %s",
		    e.msg);
		refuse(c, &x, 400, "Bad Request", reason);
		goto out;
	}
	if (request_head(&hb, &rq, path, host, port, c->tls ? 443 : 80) ==
	    -1) {
		refuse(c, &x, 431, "Request Header Fields Too Large", "the "
		    "request head is too large");
		goto out;
	}
	if (digest_init(&dreq, EVP_sha256()) == -1 ||
	    digest_init(&dres, EVP_sha256()) == -1) {
		refuse(c, &x, 500, "Internal Server Error", "out of memory");
		goto out;
	}

again:
	if (up_open(c, host, port, c->tls) == -1) {
		refuse(c, &x, 502, "Bad Gateway", c->why);
		goto out;
	}
	if (pio_write(c, &c->up, hb.data, hb.len, min64(mono_ms() +
	    lim->idle_ms, xdl), "the origin did not take the request",
	    "the origin") == -1) {
		if (!c->up_fresh && !retried && rqb.done) {
			retried = 1;
			up_close(c);
			goto again;
		}
		snprintf(reason, sizeof(reason), "cut off: %s", c->why);
		refuse(c, &x, 502, "Bad Gateway", reason);
		goto out;
	}
	if (!rqb.done) {
		if (http_list_has(http_head_get(&rq, "Expect"), "100-continue") &&
		    pio_write(c, &c->cl, "HTTP/1.1 100 Continue\r\n\r\n", 25,
		    mono_ms() + lim->idle_ms, "the build did not take 100 "
		    "Continue", "the build") == -1) {
			snprintf(reason, sizeof(reason), "cut off: %s", c->why);
			refuse(c, &x, 400, "Bad Request", reason);
			goto out;
		}
		if (relay_body(c, &c->cl, &c->cin, &c->up, &rqb, &dreq, 0, xdl,
		    "the build", "the origin", &failed) == -1) {
			snprintf(reason, sizeof(reason), "cut off while sending "
			    "the request body: %s", c->why);
			refuse(c, &x, failed ? 502 : 400, failed ? "Bad Gateway" :
			    "Bad Request", reason);
			goto out;
		}
	}
	if (response(c, &rq, &rs, &nothing) == -1) {
		if (nothing && !c->up_fresh && !retried && rqb.total == 0 &&
		    rqb.done) {
			/* A kept connection the origin had closed. */
			retried = 1;
			up_close(c);
			goto again;
		}
		snprintf(reason, sizeof(reason), "cut off: %s", c->why);
		if (strstr(c->why, "did not arrive within") != NULL ||
		    strstr(c->why, "nothing from") != NULL)
			refuse(c, &x, 504, "Gateway Timeout", reason);
		else
			refuse(c, &x, 502, "Bad Gateway", reason);
		goto out;
	}
	if (http_response_body(&rs, rq.method, lim->max_body, &rsb, &e) !=
	    TEEC_OK) {
		snprintf(reason, sizeof(reason), "cut off: the origin's "
		    "response: %s", e.msg);
		refuse(c, &x, 502, "Bad Gateway", reason);
		goto out;
	}
	dechunk = rq.minor == 0 && rsb.mode == HTTP_BODY_CHUNKED;
	keep = rq.minor == 1 && http_keep_alive(&rq) &&
	    rsb.mode != HTTP_BODY_CLOSE;
	up_keep = http_keep_alive(&rs) && rsb.mode != HTTP_BODY_CLOSE;
	buf_free(&hb);
	if (response_head(&hb, &rs, !keep, dechunk) == -1 ||
	    pio_write(c, &c->cl, hb.data, hb.len, mono_ms() + lim->idle_ms,
	    "the build did not take the response", "the build") == -1) {
		snprintf(reason, sizeof(reason), "cut off: %s", c->why);
		x.replied = 1;
		refuse(c, &x, 502, "Bad Gateway", reason);
		keep = 0;
		goto out;
	}
	x.replied = 1;
	if (relay_body(c, &c->up, &c->uin, &c->cl, &rsb, &dres, dechunk, xdl,
	    "the origin", "the build", &failed) == -1) {
		snprintf(reason, sizeof(reason), "cut off: %s", c->why);
		refuse(c, &x, 502, "Bad Gateway", reason);
		keep = 0;
		goto out;
	}
	digest_final(&dreq, req_sha);
	digest_final(&dres, res_sha);
	record(c, &x, 0, NULL, rs.status, rsb.total, res_sha, rqb.total,
	    req_sha);
	x.recorded = 1;
	if (!up_keep)
		up_close(c);
out:
	if (!keep)
		up_close(c);
	digest_free(&dreq);
	digest_free(&dres);
	buf_free(&hb);
	http_head_free(&rq);
	http_head_free(&rs);
	return keep;
}

/* CONNECT HOST:PORT (RFC 9110 section 9.3.6), then the tunnel's requests. */
static void
tunnel(struct conn *c, const struct http_head *rq)
{
	const struct proxy_limits *lim = &c->px->lim;
	static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	struct xch x;
	char host[TEEC_MAX_HOSTNAME + 1], reason[WHY_MAX + 128], tmo[128];
	char w[WHY_MAX];
	const char *bad;
	uint16_t port;
	int first = 1;

	memset(&x, 0, sizeof(x));
	snprintf(x.method, sizeof(x.method), "CONNECT");
	if (http_target_authority(rq->target, host, &port, &bad) == -1) {
		snprintf(x.uri, sizeof(x.uri), "https://%s", rq->target);
		refuse(c, &x, 400, "Bad Request", bad);
		return;
	}
	make_uri(&x, 1, host, port, "");
	if (c->tls) {
		refuse(c, &x, 400, "Bad Request", "CONNECT inside a tunnel");
		return;
	}
	if (!policy_allows(&c->px->policy, host, port)) {
		snprintf(reason, sizeof(reason), "not allowed by the network "
		    "policy (%s:%u)", host, port);
		refuse(c, &x, 403, "Forbidden", reason);
		return;
	}
	if (c->cin.len > 0) {
		refuse(c, &x, 400, "Bad Request", "data before the tunnel was "
		    "established");
		return;
	}
	if (records_full(c->px)) {
		reply(c, &x, 503, "Service Unavailable", "the network "
		    "transcript is full");
		return;
	}
	/* The origin first: a build only talks to a verified one. */
	if (up_open(c, host, port, 1) == -1) {
		refuse(c, &x, 502, "Bad Gateway", c->why);
		return;
	}
	if (pio_write(c, &c->cl, ok, sizeof(ok) - 1, mono_ms() + lim->idle_ms,
	    "the build did not take the answer to CONNECT", "the build") ==
	    -1) {
		snprintf(reason, sizeof(reason), "cut off: %s", c->why);
		x.replied = 1;
		refuse(c, &x, 0, "", reason);
		return;
	}
	x.replied = 1;
	if ((c->cl.ssl = proxy_tls_for_build(c->px->tls, host, w,
	    sizeof(w))) == NULL || SSL_set_fd(c->cl.ssl, c->cl.fd) != 1) {
		refuse(c, &x, 0, "", w);
		return;
	}
	SSL_set_accept_state(c->cl.ssl);
	snprintf(tmo, sizeof(tmo), "the build's TLS handshake did not end "
	    "within %d s", lim->connect_ms / 1000);
	switch (handshake(c, &c->cl, mono_ms() + lim->connect_ms, tmo)) {
	case 0:
		break;
	case -2:
		ssl_why(c, "the build's TLS client did not accept the proxy "
		    "(does it trust the per-build CA?)");
		/* FALLTHROUGH */
	default:
		refuse(c, &x, 0, "", c->why);
		return;
	}
	c->tls = 1;
	snprintf(c->t_host, sizeof(c->t_host), "%s", host);
	c->t_port = port;
	while (exchange(c, first))
		first = 0;
}

static void *
conn_main(void *arg)
{
	struct conn *c = arg;
	struct proxy *px = c->px;
	int first = 1;

	while (exchange(c, first) && !c->stopped)
		first = 0;
	up_close(c);
	if (c->cl.ssl != NULL)
		SSL_free(c->cl.ssl);
	close(c->cl.fd);
	free(c->cin.p);
	free(c->uin.p);
	buf_free(&c->decoded);
	ERR_clear_error();
	free(c);
	pthread_mutex_lock(&px->lock);
	px->active--;
	pthread_cond_broadcast(&px->idle);
	pthread_mutex_unlock(&px->lock);
	return NULL;
}

/* A connection over the limit: a short answer, no thread. */
static void
busy(int fd)
{
	static const char msg[] = "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";

	(void)send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void
start_conn(struct proxy *px, int fd)
{
	pthread_attr_t attr;
	pthread_t t;
	struct conn *c = NULL;
	int ok = 0;

	pthread_mutex_lock(&px->lock);
	if (px->stopping || px->active >= px->lim.max_conns) {
		pthread_mutex_unlock(&px->lock);
		busy(fd);
		return;
	}
	px->active++;
	px->nconns++;
	if ((c = calloc(1, sizeof(*c))) != NULL) {
		c->px = px;
		c->id = px->nconns;
	}
	pthread_mutex_unlock(&px->lock);
	if (c != NULL && (c->cin.p = malloc(INBUF_CAP)) != NULL &&
	    (c->uin.p = malloc(INBUF_CAP)) != NULL &&
	    pthread_attr_init(&attr) == 0) {
		c->cl.fd = fd;
		c->up.fd = -1;
		buf_init(&c->decoded, INBUF_CAP);
		if (pthread_attr_setdetachstate(&attr,
		    PTHREAD_CREATE_DETACHED) == 0 &&
		    pthread_create(&t, &attr, conn_main, c) == 0)
			ok = 1;
		pthread_attr_destroy(&attr);
	}
	if (ok)
		return;
	if (c != NULL) {
		free(c->cin.p);
		free(c->uin.p);
		free(c);
	}
	busy(fd);
	pthread_mutex_lock(&px->lock);
	px->active--;
	pthread_cond_broadcast(&px->idle);
	pthread_mutex_unlock(&px->lock);
}

static void *
acceptor(void *arg)
{
	struct proxy *px = arg;
	struct pollfd p[2];
	int fd, fl;

	for (;;) {
		p[0].fd = px->lfd;
		p[0].events = POLLIN;
		p[0].revents = 0;
		p[1].fd = px->wake[0];
		p[1].events = POLLIN;
		p[1].revents = 0;
		if (poll(p, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents != 0)
			break;
		if ((fd = accept4(px->lfd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				(void)poll(NULL, 0, 100);
			continue;
		}
		if ((fl = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
			close(fd);
			continue;
		}
		start_conn(px, fd);
	}
	return NULL;
}

/* Setup */

int
proxy_dial_direct(void *arg, const char *host, uint16_t port, int timeout_ms,
    int *fd, char *why_out, size_t whysz)
{
	int e;

	*fd = net_dial(host, port, timeout_ms, -1, &e, why_out, whysz);
	return *fd == -1 ? -1 : 0;
}

static int
listen_on(struct proxy *px, const char *path, struct teec_err *err)
{
	struct sockaddr_un un;
	struct sockaddr_in in;
	socklen_t len;
	char alt[64];
	int dfd = -1, rc = TEEC_ERROR;
	const char *slash, *use = path;

	if (path == NULL) {
		if ((px->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
		    -1)
			return teec_errf(err, TEEC_ERROR, "socket: %s",
			    strerror(errno));
		memset(&in, 0, sizeof(in));
		in.sin_family = AF_INET;
		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(in);
		if (bind(px->lfd, (struct sockaddr *)&in, sizeof(in)) == -1 ||
		    listen(px->lfd, 64) == -1 ||
		    getsockname(px->lfd, (struct sockaddr *)&in, &len) == -1)
			return teec_errf(err, TEEC_ERROR, "proxy: cannot listen "
			    "on 127.0.0.1: %s", strerror(errno));
		px->port = ntohs(in.sin_port);
		return TEEC_OK;
	}
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	/* A long path is reached through its directory's descriptor. */
	if (strlen(path) >= sizeof(un.sun_path)) {
		if ((slash = strrchr(path, '/')) == NULL || slash == path) {
			teec_errf(err, TEEC_ERROR, "%s: path too long", path);
			goto out;
		}
		snprintf(alt, sizeof(alt), "%.*s", (int)(slash - path), path);
		if (strlen(path) - (size_t)(slash - path) > 32) {
			teec_errf(err, TEEC_ERROR, "%s: path too long", path);
			goto out;
		}
		{
			char dir[PATH_MAX];

			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path),
			    path);
			if ((dfd = open(dir, O_PATH | O_DIRECTORY |
			    O_CLOEXEC)) == -1) {
				teec_errf(err, TEEC_ERROR, "%s: %s", dir,
				    strerror(errno));
				goto out;
			}
		}
		snprintf(alt, sizeof(alt), "/proc/self/fd/%d%s", dfd, slash);
		use = alt;
	}
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", use);
	if ((px->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(px->lfd, (struct sockaddr *)&un, sizeof(un)) == -1 ||
	    listen(px->lfd, 64) == -1) {
		teec_errf(err, TEEC_ERROR, "proxy: cannot listen on %s: %s",
		    path, strerror(errno));
		goto out;
	}
	if ((px->unix_path = strdup(path)) == NULL) {
		(void)unlink(path);
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	rc = TEEC_OK;
out:
	if (dfd != -1)
		close(dfd);
	return rc;
}

int
proxy_start(const struct proxy_opts *o, struct proxy **out,
    struct teec_err *err)
{
	struct proxy *px;
	sigset_t all, old;
	int rc = TEEC_ERROR, r;

	*out = NULL;
	if ((px = calloc(1, sizeof(*px))) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	px->lfd = -1;
	px->wake[0] = px->wake[1] = -1;
	px->lim = o->lim;
	if (px->lim.head_ms <= 0)
		px->lim.head_ms = TEEC_NET_HEAD_MS;
	if (px->lim.idle_ms <= 0)
		px->lim.idle_ms = TEEC_NET_IDLE_MS;
	if (px->lim.exchange_ms <= 0)
		px->lim.exchange_ms = TEEC_NET_EXCHANGE_MS;
	if (px->lim.connect_ms <= 0)
		px->lim.connect_ms = TEEC_NET_CONNECT_MS;
	if (px->lim.max_body == 0)
		px->lim.max_body = TEEC_MAX_HTTP_BODY;
	if (px->lim.max_req_body == 0)
		px->lim.max_req_body = TEEC_MAX_HTTP_REQ_BODY;
	if (px->lim.max_conns == 0 || px->lim.max_conns > TEEC_MAX_NET_CONNS)
		px->lim.max_conns = TEEC_MAX_NET_CONNS;
	if (px->lim.max_records == 0 ||
	    px->lim.max_records > TEEC_MAX_NET_EXCHANGES)
		px->lim.max_records = TEEC_MAX_NET_EXCHANGES;
	px->dial = o->dial != NULL ? o->dial : proxy_dial_direct;
	px->dial_arg = o->dial_arg;
	if (pthread_mutex_init(&px->lock, NULL) != 0) {
		teec_errf(err, TEEC_ERROR, "cannot create a lock");
		free(px);
		return TEEC_ERROR;
	}
	if (pthread_cond_init(&px->idle, NULL) != 0) {
		pthread_mutex_destroy(&px->lock);
		teec_errf(err, TEEC_ERROR, "cannot create a condition");
		free(px);
		return TEEC_ERROR;
	}
	px->sync_ok = 1;
	if (o->policy != NULL && policy_copy(&px->policy, o->policy) !=
	    TEEC_OK) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if ((rc = proxy_tls_new(o->upstream_ca, o->upstream_ca_len,
	    o->system_ca, o->valid_s, &px->tls, err)) != TEEC_OK)
		goto out;
	rc = TEEC_ERROR;
	if (pipe2(px->wake, O_CLOEXEC) == -1) {
		teec_errf(err, TEEC_ERROR, "pipe: %s", strerror(errno));
		goto out;
	}
	if (listen_on(px, o->unix_path, err) != TEEC_OK)
		goto out;
	/* The proxy's threads take no signal: the worker's main one does. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&px->acceptor, NULL, acceptor, px);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		teec_errf(err, TEEC_ERROR, "cannot start the proxy: %s",
		    strerror(r));
		goto out;
	}
	px->acceptor_started = 1;
	*out = px;
	px = NULL;
	rc = TEEC_OK;
out:
	proxy_free(px);
	return rc;
}

uint16_t
proxy_port(const struct proxy *px)
{
	return px->port;
}

int
proxy_ca_pem(const struct proxy *px, struct buf *out, struct teec_err *err)
{
	return proxy_tls_ca_pem(px->tls, out, err);
}

void
proxy_stop(struct proxy *px)
{
	if (px == NULL || px->stopped)
		return;
	px->stopped = 1;
	if (px->sync_ok) {
		pthread_mutex_lock(&px->lock);
		px->stopping = 1;
		pthread_mutex_unlock(&px->lock);
	}
	if (px->wake[1] != -1)
		(void)!write(px->wake[1], "x", 1);
	if (px->acceptor_started) {
		pthread_join(px->acceptor, NULL);
		px->acceptor_started = 0;
	}
	if (px->sync_ok) {
		pthread_mutex_lock(&px->lock);
		while (px->active > 0)
			pthread_cond_wait(&px->idle, &px->lock);
		pthread_mutex_unlock(&px->lock);
	}
	if (px->lfd != -1) {
		close(px->lfd);
		px->lfd = -1;
	}
	if (px->unix_path != NULL)
		(void)unlink(px->unix_path);
}

size_t
proxy_nrecords(const struct proxy *px)
{
	return px->nrecs;
}

const struct proxy_record *
proxy_record(const struct proxy *px, size_t i)
{
	return i < px->nrecs ? &px->recs[i] : NULL;
}

uint64_t
proxy_overflow(const struct proxy *px)
{
	return px->overflow;
}

int
proxy_transcript(const struct proxy *px, struct buf *out,
    struct teec_err *err)
{
	struct netlog_entry e;
	size_t i;

	buf_init(out, TEEC_MAX_NET_TRANSCRIPT);
	if (buf_append(out, "", 0) == -1)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	for (i = 0; i < px->nrecs; i++) {
		memset(&e, 0, sizeof(e));
		e.dep = &px->recs[i].dep;
		e.conn = px->recs[i].conn;
		e.tls = px->recs[i].tls;
		e.req_size = px->recs[i].req_size;
		e.req_sha256 = px->recs[i].req_sha256;
		if (netlog_append(out, i, &e, err) != TEEC_OK) {
			buf_free(out);
			return TEEC_ERROR;
		}
	}
	return TEEC_OK;
}

void
proxy_free(struct proxy *px)
{
	size_t i;

	if (px == NULL)
		return;
	proxy_stop(px);
	for (i = 0; i < px->nrecs; i++) {
		free(px->recs[i].dep.uri);
		free(px->recs[i].dep.method);
		free(px->recs[i].dep.reason);
	}
	free(px->recs);
	if (px->wake[0] != -1)
		close(px->wake[0]);
	if (px->wake[1] != -1)
		close(px->wake[1]);
	free(px->unix_path);
	proxy_tls_free(px->tls);
	policy_free(&px->policy);
	if (px->sync_ok) {
		pthread_cond_destroy(&px->idle);
		pthread_mutex_destroy(&px->lock);
	}
	free(px);
}

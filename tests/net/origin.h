/* SPDX-License-Identifier: ISC */
/*
 * A small HTTP/1.1 origin for the network tests, on 127.0.0.1 only, that
 * can misbehave on command: the request path picks the behaviour.
 *
 *	/hello          200, "hello world\n", Content-Length, keep-alive
 *	/chunked        200, chunked "hello chunked world\n"
 *	/close          200, no length: the body ends when the connection does
 *	/head-only      200 with Content-Length 100 and no body (for HEAD)
 *	/echo           200, the request body back (Content-Length)
 *	/big-header     200 with a 100000-byte header field
 *	/endless        200, chunked, chunks without end
 *	/slow-head      a status line, then a header byte every 100 ms
 *	/slow-body      Content-Length 1000000, a byte every 100 ms
 *	/bad-status     "HTTP/1.1 2x0 OK"
 *	/smuggle        both Content-Length and Transfer-Encoding
 *	/huge           Content-Length 10000000, all of it
 *	anything else   404
 *
 * With TLS the origin makes its own CA and a certificate for 127.0.0.1 and
 * localhost signed by it (ORIGIN_TLS), or one for wrong.example
 * (ORIGIN_TLS_WRONG_NAME), or a self-signed one (ORIGIN_TLS_SELF_SIGNED);
 * origin_ca_pem() gives the CA either way. Header-only, for
 * tests/unit/test_proxy.c and tests/net/origin.c.
 */
#ifndef TEEC_TEST_ORIGIN_H
#define TEEC_TEST_ORIGIN_H

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

enum origin_tls {
	ORIGIN_PLAIN = 0,
	ORIGIN_TLS,
	ORIGIN_TLS_WRONG_NAME,
	ORIGIN_TLS_SELF_SIGNED,
};

struct origin {
	int lfd;
	uint16_t port;
	enum origin_tls tls;
	SSL_CTX *ctx;
	X509 *ca;
	volatile int stop;
	pthread_t acceptor;
	pthread_mutex_t lock;
	int active;
	unsigned long requests;
};

struct origin_conn {
	struct origin *o;
	int fd;
	SSL *ssl;
};

static inline int
origin_send(struct origin_conn *c, const void *p, size_t n)
{
	const char *q = p;
	ssize_t r;
	size_t done;

	while (n > 0) {
		if (c->o->stop)
			return -1;
		if (c->ssl != NULL) {
			if (SSL_write_ex(c->ssl, q, n, &done) != 1)
				return -1;
			r = (ssize_t)done;
		} else if ((r = send(c->fd, q, n, MSG_NOSIGNAL)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			return -1;
		}
		q += r;
		n -= (size_t)r;
	}
	return 0;
}

static inline ssize_t
origin_recv(struct origin_conn *c, void *p, size_t n)
{
	size_t got;
	ssize_t r;

	if (c->ssl != NULL)
		return SSL_read_ex(c->ssl, p, n, &got) == 1 ? (ssize_t)got : 0;
	do
		r = recv(c->fd, p, n, 0);
	while (r == -1 && errno == EINTR);
	return r < 0 ? 0 : r;
}

static inline int
origin_sendf(struct origin_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline int
origin_sendf(struct origin_conn *c, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return origin_send(c, buf, (size_t)n);
}

static inline void
origin_nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Answer one request; 1 to keep the connection, 0 to close it. */
static inline int
origin_answer(struct origin_conn *c, const char *method, const char *path,
    const char *body, size_t blen)
{
	static char filler[1024];
	size_t i;

	if (strcmp(path, "/hello") == 0)
		return origin_sendf(c, "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n"
		    "Content-Type: text/plain\r\n\r\n%s", strcmp(method, "HEAD")
		    == 0 ? "" : "hello world\n") == 0;
	if (strcmp(path, "/chunked") == 0)
		return origin_sendf(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
		    "chunked\r\n\r\n6\r\nhello \r\n8;x=y\r\nchunked \r\n"
		    "6\r\nworld\n\r\n0\r\nX-Trailer: 1\r\n\r\n") == 0;
	if (strcmp(path, "/close") == 0) {
		(void)origin_sendf(c, "HTTP/1.1 200 OK\r\nConnection: close\r\n"
		    "\r\nread until close\n");
		return 0;
	}
	if (strcmp(path, "/head-only") == 0)
		return origin_sendf(c, "HTTP/1.1 200 OK\r\nContent-Length: "
		    "100\r\n\r\n") == 0;
	if (strcmp(path, "/echo") == 0) {
		if (origin_sendf(c, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		    "\r\n", blen) != 0)
			return 0;
		return origin_send(c, body, blen) == 0;
	}
	if (strcmp(path, "/big-header") == 0) {
		memset(filler, 'a', sizeof(filler));
		if (origin_sendf(c, "HTTP/1.1 200 OK\r\nX-Big: ") != 0)
			return 0;
		for (i = 0; i < 100; i++)
			if (origin_send(c, filler, sizeof(filler)) != 0)
				return 0;
		(void)origin_sendf(c, "\r\nContent-Length: 0\r\n\r\n");
		return 0;
	}
	if (strcmp(path, "/endless") == 0) {
		memset(filler, 'e', sizeof(filler));
		if (origin_sendf(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
		    "chunked\r\n\r\n") != 0)
			return 0;
		while (origin_sendf(c, "400\r\n") == 0 &&
		    origin_send(c, filler, sizeof(filler)) == 0 &&
		    origin_sendf(c, "\r\n") == 0)
			;
		return 0;
	}
	if (strcmp(path, "/slow-head") == 0) {
		if (origin_sendf(c, "HTTP/1.1 200 OK\r\nX-Slow: ") != 0)
			return 0;
		while (origin_send(c, "s", 1) == 0)
			origin_nap(100);
		return 0;
	}
	if (strcmp(path, "/slow-body") == 0) {
		if (origin_sendf(c, "HTTP/1.1 200 OK\r\nContent-Length: "
		    "1000000\r\n\r\n") != 0)
			return 0;
		while (origin_send(c, "b", 1) == 0)
			origin_nap(100);
		return 0;
	}
	if (strcmp(path, "/bad-status") == 0) {
		(void)origin_sendf(c, "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n"
		    "\r\n");
		return 0;
	}
	if (strcmp(path, "/smuggle") == 0) {
		(void)origin_sendf(c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
		return 0;
	}
	if (strcmp(path, "/huge") == 0) {
		memset(filler, 'h', sizeof(filler));
		if (origin_sendf(c, "HTTP/1.1 200 OK\r\nContent-Length: "
		    "10240000\r\n\r\n") != 0)
			return 0;
		for (i = 0; i < 10000; i++)
			if (origin_send(c, filler, sizeof(filler)) != 0)
				return 0;
		return 1;
	}
	return origin_sendf(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
	    "\r\n") == 0;
}

static inline void *
origin_conn_main(void *arg)
{
	struct origin_conn *c = arg;
	struct origin *o = c->o;
	char buf[65536], method[16], path[1024], *end, *cl;
	size_t len = 0, hlen, blen;
	ssize_t r;
	int keep = 1;

	if (c->ssl != NULL && SSL_accept(c->ssl) != 1)
		keep = 0;
	while (keep && !o->stop) {
		while ((end = memmem(buf, len, "\r\n\r\n", 4)) == NULL) {
			if (len == sizeof(buf) || (r = origin_recv(c,
			    buf + len, sizeof(buf) - len)) <= 0)
				goto done;
			len += (size_t)r;
		}
		hlen = (size_t)(end - buf) + 4;
		buf[hlen - 1] = '\0';
		if (sscanf(buf, "%15s %1023s", method, path) != 2)
			goto done;
		blen = 0;
		if ((cl = strcasestr(buf, "\r\nContent-Length:")) != NULL &&
		    cl < buf + hlen)
			blen = (size_t)strtoul(cl + 17, NULL, 10);
		if (blen > sizeof(buf) - hlen)
			goto done;
		while (len < hlen + blen) {
			if ((r = origin_recv(c, buf + len, sizeof(buf) -
			    len)) <= 0)
				goto done;
			len += (size_t)r;
		}
		pthread_mutex_lock(&o->lock);
		o->requests++;
		pthread_mutex_unlock(&o->lock);
		keep = origin_answer(c, method, path, buf + hlen, blen);
		memmove(buf, buf + hlen + blen, len - hlen - blen);
		len -= hlen + blen;
	}
done:
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	close(c->fd);
	free(c);
	ERR_clear_error();
	pthread_mutex_lock(&o->lock);
	o->active--;
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

static inline void *
origin_accept_main(void *arg)
{
	struct origin *o = arg;
	struct origin_conn *c;
	struct timeval tv = { 20, 0 };
	pthread_t t;
	int fd;

	while (!o->stop) {
		if ((fd = accept(o->lfd, NULL, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		/* No test connection lives longer than this. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->o = o;
		c->fd = fd;
		if (o->ctx != NULL && ((c->ssl = SSL_new(o->ctx)) == NULL ||
		    SSL_set_fd(c->ssl, fd) != 1)) {
			SSL_free(c->ssl);
			close(fd);
			free(c);
			continue;
		}
		pthread_mutex_lock(&o->lock);
		o->active++;
		pthread_mutex_unlock(&o->lock);
		if (pthread_create(&t, NULL, origin_conn_main, c) != 0) {
			origin_conn_main(c);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

static inline int
origin_ext(X509 *x, X509 *issuer, int nid, const char *v)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &ctx, nid, v)) == NULL)
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

static inline X509 *
origin_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
    int ca, const char *san)
{
	X509 *x = X509_new();
	X509_NAME *n;

	if (x == NULL)
		return NULL;
	n = X509_get_subject_name(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)(rand() & 0x7fffffff));
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) :
	    n);
	X509_set_pubkey(x, key);
	if (ca) {
		origin_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
		origin_ext(x, x, NID_key_usage, "critical,keyCertSign");
	} else {
		origin_ext(x, issuer != NULL ? issuer : x, NID_subject_alt_name,
		    san);
		origin_ext(x, x, NID_ext_key_usage, "serverAuth");
	}
	if (X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()) == 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static inline int
origin_setup_tls(struct origin *o)
{
	EVP_PKEY *cakey = NULL, *key = NULL;
	X509 *leaf = NULL;
	int ok = -1;

	if ((cakey = EVP_EC_gen("P-256")) == NULL ||
	    (key = EVP_EC_gen("P-256")) == NULL ||
	    (o->ca = origin_cert(cakey, "teec test origin CA", NULL, NULL, 1,
	    NULL)) == NULL)
		goto out;
	switch (o->tls) {
	case ORIGIN_TLS:
		leaf = origin_cert(key, "127.0.0.1", o->ca, cakey, 0,
		    "IP:127.0.0.1,DNS:localhost");
		break;
	case ORIGIN_TLS_WRONG_NAME:
		leaf = origin_cert(key, "wrong.example", o->ca, cakey, 0,
		    "DNS:wrong.example");
		break;
	default:
		leaf = origin_cert(key, "127.0.0.1", NULL, NULL, 0,
		    "IP:127.0.0.1,DNS:localhost");
		break;
	}
	if (leaf == NULL || (o->ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate(o->ctx, leaf) != 1 ||
	    SSL_CTX_use_PrivateKey(o->ctx, key) != 1)
		goto out;
	ok = 0;
out:
	X509_free(leaf);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	return ok;
}

/* Start on 127.0.0.1 (port 0: any free one). 0 or -1. */
static inline int
origin_start(struct origin *o, enum origin_tls tls, uint16_t port)
{
	struct sockaddr_in in;
	socklen_t len = sizeof(in);
	int one = 1;

	memset(o, 0, sizeof(*o));
	o->tls = tls;
	pthread_mutex_init(&o->lock, NULL);
	if (tls != ORIGIN_PLAIN && origin_setup_tls(o) == -1)
		return -1;
	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in.sin_port = htons(port);
	if ((o->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(o->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 ||
	    bind(o->lfd, (struct sockaddr *)&in, sizeof(in)) == -1 ||
	    listen(o->lfd, 64) == -1 ||
	    getsockname(o->lfd, (struct sockaddr *)&in, &len) == -1)
		return -1;
	o->port = ntohs(in.sin_port);
	if (pthread_create(&o->acceptor, NULL, origin_accept_main, o) != 0)
		return -1;
	return 0;
}

/* The test CA in PEM (TLS modes), into a file. 0 or -1. */
static inline int
origin_ca_pem(const struct origin *o, const char *path)
{
	FILE *f;
	int ok;

	if (o->ca == NULL || (f = fopen(path, "w")) == NULL)
		return -1;
	ok = PEM_write_X509(f, o->ca) == 1;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static inline void
origin_stop(struct origin *o)
{
	int left = 1, i;

	o->stop = 1;
	shutdown(o->lfd, SHUT_RDWR);
	pthread_join(o->acceptor, NULL);
	close(o->lfd);
	/* Connection threads notice o->stop within their timeouts. */
	for (i = 0; i < 300 && left; i++) {
		pthread_mutex_lock(&o->lock);
		left = o->active;
		pthread_mutex_unlock(&o->lock);
		if (left)
			origin_nap(10);
	}
	SSL_CTX_free(o->ctx);
	X509_free(o->ca);
}

#endif

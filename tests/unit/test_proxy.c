/* SPDX-License-Identifier: ISC */
/*
 * The recording proxy (enclave/proxy.h) against the test origin of
 * tests/net/origin.h on 127.0.0.1: plain and TLS fetches and what they
 * record, refusals, and hostile origins cut off by small caps while the
 * proxy keeps serving.
 */
#include "tests/unit/testutil.h"
#include "tests/net/origin.h"

#include <sys/un.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/digest.h"
#include "common/fileio.h"
#include "common/policy.h"
#include "enclave/proxy.h"
#include "report/netlog.h"

static struct origin plain, tls_ok, tls_wrong, tls_self;
static char dir[64], ca_path[128];

static int
setup(void **state)
{
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/teec-proxy.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(ca_path, sizeof(ca_path), "%s/origin-ca.pem", dir);
	if (origin_start(&plain, ORIGIN_PLAIN, 0) == -1 ||
	    origin_start(&tls_ok, ORIGIN_TLS, 0) == -1 ||
	    origin_start(&tls_wrong, ORIGIN_TLS_WRONG_NAME, 0) == -1 ||
	    origin_start(&tls_self, ORIGIN_TLS_SELF_SIGNED, 0) == -1 ||
	    origin_ca_pem(&tls_ok, ca_path) == -1)
		return -1;
	/* One CA for all three: the other two must still fail. */
	X509_free(tls_wrong.ca);
	X509_up_ref(tls_ok.ca);
	tls_wrong.ca = tls_ok.ca;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	origin_stop(&plain);
	origin_stop(&tls_ok);
	origin_stop(&tls_wrong);
	origin_stop(&tls_self);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A proxy allowing the origins' ports; small limits unless lim is given. */
static struct proxy *
start(const struct proxy_limits *lim, int with_ca, const char *unix_path)
{
	struct net_policy pol;
	struct proxy_opts o;
	struct proxy *px = NULL;
	struct teec_err err;
	struct buf ca;
	const char *why;
	char e[64];
	size_t dup;

	memset(&pol, 0, sizeof(pol));
	snprintf(e, sizeof(e), "127.0.0.1:%u", plain.port);
	assert_int_equal(policy_add(&pol, e, &dup, &why), TEEC_OK);
	snprintf(e, sizeof(e), "127.0.0.1:%u", tls_ok.port);
	assert_int_equal(policy_add(&pol, e, &dup, &why), TEEC_OK);
	snprintf(e, sizeof(e), "127.0.0.1:%u", tls_wrong.port);
	assert_int_equal(policy_add(&pol, e, &dup, &why), TEEC_OK);
	snprintf(e, sizeof(e), "127.0.0.1:%u", tls_self.port);
	assert_int_equal(policy_add(&pol, e, &dup, &why), TEEC_OK);
	memset(&o, 0, sizeof(o));
	o.policy = &pol;
	o.unix_path = unix_path;
	o.system_ca = "/nonexistent/ca-bundle.crt";
	if (lim != NULL)
		o.lim = *lim;
	else {
		o.lim.head_ms = 1500;
		o.lim.idle_ms = 1500;
		o.lim.exchange_ms = 4000;
		o.lim.connect_ms = 3000;
		o.lim.max_body = 1024 * 1024;
	}
	memset(&ca, 0, sizeof(ca));
	if (with_ca) {
		assert_int_equal(read_file_capped(ca_path, 1 << 20, &ca, &err),
		    TEEC_OK);
		o.upstream_ca = ca.data;
		o.upstream_ca_len = ca.len;
	}
	if (proxy_start(&o, &px, &err) != TEEC_OK)
		fail_msg("proxy_start: %s", err.msg);
	buf_free(&ca);
	policy_free(&pol);
	return px;
}

static int
dial_proxy(struct proxy *px)
{
	struct sockaddr_in in;
	struct timeval tv = { 15, 0 };
	int fd;

	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in.sin_port = htons(proxy_port(px));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Everything until the proxy closes (at most cap bytes). */
static void
read_all(int fd, SSL *ssl, struct buf *out, size_t cap)
{
	char b[16384];
	size_t got;
	ssize_t r;

	buf_init(out, cap);
	buf_append(out, "", 0);
	for (;;) {
		if (ssl != NULL)
			r = SSL_read_ex(ssl, b, sizeof(b), &got) == 1 ?
			    (ssize_t)got : 0;
		else
			r = recv(fd, b, sizeof(b), 0);
		if (r <= 0 || buf_append(out, b, (size_t)r) == -1)
			break;
	}
}

/* One request over a new connection, the whole answer back. */
static void
ask(struct proxy *px, const char *req, struct buf *out)
{
	int fd = dial_proxy(px);

	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL),
	    (ssize_t)strlen(req));
	read_all(fd, NULL, out, 64 * 1024 * 1024);
	close(fd);
}

static void
askf(struct proxy *px, struct buf *out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
askf(struct proxy *px, struct buf *out, const char *fmt, ...)
{
	char req[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	ask(px, req, out);
}

static void
sha_of(const char *s, uint8_t out[32])
{
	sha256(s, strlen(s), out);
}

/* Record i must be a fetch of uri with this body. */
static void
fetched(struct proxy *px, size_t i, const char *method, const char *uri,
    int status, const char *body)
{
	const struct proxy_record *r = proxy_record(px, i);
	uint8_t want[32];

	assert_non_null(r);
	assert_string_equal(r->dep.uri, uri);
	assert_string_equal(r->dep.method, method);
	assert_false(r->dep.refused);
	assert_int_equal(r->dep.status, status);
	assert_int_equal(r->dep.size, (int64_t)strlen(body));
	sha_of(body, want);
	assert_memory_equal(r->dep.sha256, want, 32);
}

/* Record i must be a refusal of uri whose reason holds why. */
static void
refused(struct proxy *px, size_t i, const char *method, const char *uri,
    const char *why)
{
	const struct proxy_record *r = proxy_record(px, i);

	assert_non_null(r);
	assert_true(r->dep.refused);
	assert_string_equal(r->dep.method, method);
	if (uri != NULL)
		assert_string_equal(r->dep.uri, uri);
	if (strstr(r->dep.reason, why) == NULL)
		fail_msg("reason \"%s\" does not hold \"%s\"", r->dep.reason,
		    why);
	assert_false(r->dep.has_sha256);
}

static void
has(const struct buf *b, const char *s)
{
	if (b->data == NULL || strstr((const char *)b->data, s) == NULL)
		fail_msg("no \"%s\" in \"%.300s\"", s, b->data != NULL ?
		    (const char *)b->data : "");
}

/* Plain HTTP */

static void
test_plain_fetch(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct buf out;
	char uri[128];

	askf(px, &out, "GET http://127.0.0.1:%u/hello HTTP/1.1\r\nHost: "
	    "127.0.0.1\r\nConnection: close\r\n\r\n", plain.port);
	has(&out, "HTTP/1.1 200 OK\r\n");
	has(&out, "Connection: close\r\n");
	has(&out, "\r\n\r\nhello world\n");
	buf_free(&out);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 1);
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/hello", plain.port);
	fetched(px, 0, "GET", uri, 200, "hello world\n");
	assert_false(proxy_record(px, 0)->tls);
	assert_int_equal(proxy_record(px, 0)->conn, 1);
	assert_int_equal(proxy_overflow(px), 0);
	proxy_free(px);
}

static void
test_chunked_and_close_bodies(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct buf out;
	char uri[128];

	askf(px, &out, "GET http://127.0.0.1:%u/chunked HTTP/1.1\r\n"
	    "Connection: close\r\n\r\n", plain.port);
	/* The build gets the coding as sent; the record the decoded body. */
	has(&out, "Transfer-Encoding: chunked");
	has(&out, "8;x=y\r\nchunked \r\n");
	buf_free(&out);
	askf(px, &out, "GET http://127.0.0.1:%u/close HTTP/1.1\r\n\r\n",
	    plain.port);
	has(&out, "\r\n\r\nread until close\n");
	buf_free(&out);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 2);
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/chunked", plain.port);
	fetched(px, 0, "GET", uri, 200, "hello chunked world\n");
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/close", plain.port);
	fetched(px, 1, "GET", uri, 200, "read until close\n");
	proxy_free(px);
}

static void
test_keep_alive_pipelined(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct buf out;
	char *p;
	int n = 0;

	askf(px, &out, "GET http://127.0.0.1:%u/hello HTTP/1.1\r\n\r\n"
	    "GET http://127.0.0.1:%u/chunked HTTP/1.1\r\n\r\n"
	    "GET http://127.0.0.1:%u/hello HTTP/1.1\r\nConnection: close\r\n\r\n",
	    plain.port, plain.port, plain.port);
	for (p = (char *)out.data; (p = strstr(p, "HTTP/1.1 200")) != NULL;
	    p++)
		n++;
	assert_int_equal(n, 3);
	buf_free(&out);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 3);
	assert_int_equal(proxy_record(px, 0)->conn, proxy_record(px, 2)->conn);
	proxy_free(px);
}

static void
test_head_and_post(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	const struct proxy_record *r;
	struct buf out;
	uint8_t want[32];
	char uri[128];

	askf(px, &out, "HEAD http://127.0.0.1:%u/head-only HTTP/1.1\r\n"
	    "Connection: close\r\n\r\n", plain.port);
	has(&out, "Content-Length: 100");
	buf_free(&out);
	askf(px, &out, "POST http://127.0.0.1:%u/echo HTTP/1.1\r\n"
	    "Content-Length: 7\r\nExpect: 100-continue\r\nConnection: close"
	    "\r\n\r\nsecret!", plain.port);
	has(&out, "HTTP/1.1 100 Continue\r\n\r\n");
	has(&out, "\r\n\r\nsecret!");
	buf_free(&out);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 2);
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/head-only", plain.port);
	fetched(px, 0, "HEAD", uri, 200, "");
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/echo", plain.port);
	fetched(px, 1, "POST", uri, 200, "secret!");
	r = proxy_record(px, 1);
	assert_int_equal(r->req_size, 7);
	sha_of("secret!", want);
	assert_memory_equal(r->req_sha256, want, 32);
	proxy_free(px);
}

static void
test_http10_client_gets_a_decoded_body(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct buf out;

	askf(px, &out, "GET http://127.0.0.1:%u/chunked HTTP/1.0\r\n\r\n",
	    plain.port);
	has(&out, "Connection: close\r\n");
	has(&out, "\r\n\r\nhello chunked world\n");
	assert_null(strstr((char *)out.data, "Transfer-Encoding"));
	buf_free(&out);
	proxy_free(px);
}

/* Refusals */

static void
test_host_not_allowed(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct buf out;

	ask(px, "GET http://127.0.0.1:9/x HTTP/1.1\r\n\r\n", &out);
	has(&out, "HTTP/1.1 403 Forbidden");
	has(&out, "not allowed by the network policy (127.0.0.1:9)");
	buf_free(&out);
	ask(px, "GET http://evil.example/ HTTP/1.1\r\n\r\n", &out);
	has(&out, "HTTP/1.1 403 Forbidden");
	buf_free(&out);
	ask(px, "CONNECT evil.example:443 HTTP/1.1\r\n\r\n", &out);
	has(&out, "HTTP/1.1 403 Forbidden");
	buf_free(&out);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 3);
	refused(px, 0, "GET", "http://127.0.0.1:9/x", "not allowed by the "
	    "network policy (127.0.0.1:9)");
	refused(px, 1, "GET", "http://evil.example/", "not allowed by the "
	    "network policy (evil.example:80)");
	refused(px, 2, "CONNECT", "https://evil.example", "not allowed");
	proxy_free(px);
}

static void
test_bad_requests(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct buf out, big;

	/* Not a proxy request: answered, nothing to record. */
	ask(px, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", &out);
	has(&out, "HTTP/1.1 400 Bad Request");
	buf_free(&out);
	ask(px, "GET http://127.0.0.1:1/ HTTP/9.9\r\n\r\n", &out);
	has(&out, "HTTP/1.1 400 Bad Request");
	buf_free(&out);
	/* https:// in absolute form: recorded, refused. */
	ask(px, "GET https://a.example/ HTTP/1.1\r\n\r\n", &out);
	has(&out, "https URLs go through CONNECT");
	buf_free(&out);
	/* A request smuggling attempt. */
	askf(px, &out, "POST http://127.0.0.1:%u/echo HTTP/1.1\r\n"
	    "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
	    plain.port);
	has(&out, "HTTP/1.1 400 Bad Request");
	buf_free(&out);
	/* An oversized head from the build. */
	buf_init(&big, 1 << 20);
	buf_printf(&big, "GET http://127.0.0.1:%u/hello HTTP/1.1\r\nX: ",
	    plain.port);
	while (big.len < TEEC_MAX_HTTP_HEAD + 100)
		buf_putc(&big, 'x');
	ask(px, (char *)big.data, &out);
	has(&out, "header section is over 65536 bytes");
	buf_free(&out);
	buf_free(&big);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 2);
	refused(px, 0, "GET", "https://a.example/", "CONNECT");
	refused(px, 1, "POST", NULL, "both Transfer-Encoding and "
	    "Content-Length");
	proxy_free(px);
}

static void
test_unrecordable_target(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct buf out;
	char uri[128];

	askf(px, &out, "GET http://127.0.0.1:%u/a{b}|c HTTP/1.1\r\n\r\n",
	    plain.port);
	has(&out, "HTTP/1.1 400 Bad Request");
	buf_free(&out);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 1);
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/", plain.port);
	refused(px, 0, "GET", uri, "characters a report cannot record");
	proxy_free(px);
}

/* HTTPS */

/* CONNECT, then TLS trusting the proxy's CA; NULL when refused. */
static SSL *
tunnel(struct proxy *px, uint16_t port, int *fdp, SSL_CTX **ctxp,
    struct buf *answer)
{
	struct teec_err err;
	struct buf pem;
	X509 *ca;
	BIO *bio;
	SSL_CTX *ctx;
	SSL *ssl;
	char req[128], b[4096];
	ssize_t r;
	int fd = dial_proxy(px);

	snprintf(req, sizeof(req), "CONNECT 127.0.0.1:%u HTTP/1.1\r\nHost: "
	    "127.0.0.1:%u\r\n\r\n", port, port);
	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL),
	    (ssize_t)strlen(req));
	buf_init(answer, 1 << 16);
	buf_append(answer, "", 0);
	while (strstr((char *)answer->data, "\r\n\r\n") == NULL) {
		if ((r = recv(fd, b, sizeof(b), 0)) <= 0)
			break;
		buf_append(answer, b, (size_t)r);
	}
	*fdp = fd;
	*ctxp = NULL;
	if (strncmp((char *)answer->data, "HTTP/1.1 200 ", 13) != 0)
		return NULL;
	buf_init(&pem, 1 << 16);
	assert_int_equal(proxy_ca_pem(px, &pem, &err), TEEC_OK);
	bio = BIO_new_mem_buf(pem.data, (int)pem.len);
	ca = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	assert_non_null(ca);
	ctx = SSL_CTX_new(TLS_client_method());
	X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	ssl = SSL_new(ctx);
	X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1)
		fail_msg("TLS with the proxy: %s (verify %ld)",
		    ERR_error_string(ERR_get_error(), NULL),
		    SSL_get_verify_result(ssl));
	X509_free(ca);
	BIO_free(bio);
	buf_free(&pem);
	*ctxp = ctx;
	return ssl;
}

static void
test_https_fetch(void **state)
{
	struct proxy *px = start(NULL, 1, NULL);
	struct buf answer, out;
	SSL_CTX *ctx;
	SSL *ssl;
	char req[256], uri[128];
	int fd;

	ssl = tunnel(px, tls_ok.port, &fd, &ctx, &answer);
	assert_non_null(ssl);
	buf_free(&answer);
	snprintf(req, sizeof(req), "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:%u"
	    "\r\n\r\nGET /chunked HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n\r\n", tls_ok.port);
	assert_int_equal(SSL_write(ssl, req, (int)strlen(req)), (int)strlen(req));
	read_all(fd, ssl, &out, 1 << 20);
	has(&out, "hello world\n");
	has(&out, "chunked \r\n");
	buf_free(&out);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 2);
	snprintf(uri, sizeof(uri), "https://127.0.0.1:%u/hello", tls_ok.port);
	fetched(px, 0, "GET", uri, 200, "hello world\n");
	assert_true(proxy_record(px, 0)->tls);
	snprintf(uri, sizeof(uri), "https://127.0.0.1:%u/chunked", tls_ok.port);
	fetched(px, 1, "GET", uri, 200, "hello chunked world\n");
	proxy_free(px);
}

static void
test_https_host_mismatch(void **state)
{
	struct proxy *px = start(NULL, 1, NULL);
	struct buf answer, out;
	SSL_CTX *ctx;
	SSL *ssl;
	static const char req[] = "GET /hello HTTP/1.1\r\nHost: other.example"
	    "\r\n\r\n";
	int fd;

	ssl = tunnel(px, tls_ok.port, &fd, &ctx, &answer);
	assert_non_null(ssl);
	buf_free(&answer);
	assert_int_equal(SSL_write(ssl, req, sizeof(req) - 1), sizeof(req) - 1);
	read_all(fd, ssl, &out, 1 << 20);
	has(&out, "HTTP/1.1 400 Bad Request");
	buf_free(&out);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 1);
	refused(px, 0, "GET", NULL, "does not name the tunnel's host");
	proxy_free(px);
}

static void
https_refused(struct origin *o, int with_ca, const char *why)
{
	struct proxy *px = start(NULL, with_ca, NULL);
	struct buf answer;
	SSL_CTX *ctx;
	SSL *ssl;
	char uri[64];
	int fd;

	ssl = tunnel(px, o->port, &fd, &ctx, &answer);
	assert_null(ssl);
	has(&answer, "HTTP/1.1 502 Bad Gateway");
	buf_free(&answer);
	close(fd);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 1);
	snprintf(uri, sizeof(uri), "https://127.0.0.1:%u", o->port);
	refused(px, 0, "CONNECT", uri, why);
	proxy_free(px);
}

static void
test_https_wrong_name(void **state)
{
	https_refused(&tls_wrong, 1, "the origin's certificate does not "
	    "verify");
}

static void
test_https_self_signed(void **state)
{
	https_refused(&tls_self, 1, "the origin's certificate does not verify");
}

static void
test_https_without_the_test_ca(void **state)
{
	https_refused(&tls_ok, 0, "unable to get local issuer certificate");
}

static void
test_upstream_ca_unusable(void **state)
{
	struct proxy_opts o;
	struct proxy *px = NULL;
	struct teec_err err;

	memset(&o, 0, sizeof(o));
	o.upstream_ca = (const uint8_t *)"not a certificate";
	o.upstream_ca_len = 17;
	assert_int_equal(proxy_start(&o, &px, &err), TEEC_FAIL);
	assert_null(px);
	assert_non_null(strstr(err.msg, "upstream CA bundle"));
}

/* Hostile origins */

static void
hostile(struct proxy *px, const char *path, const char *status)
{
	struct buf out;

	askf(px, &out, "GET http://127.0.0.1:%u%s HTTP/1.1\r\n\r\n",
	    plain.port, path);
	if (status != NULL)
		has(&out, status);
	buf_free(&out);
}

static void
test_hostile_origins_are_cut_off(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct buf out;
	char uri[128];
	size_t i;
	static const struct {
		const char *path;
		const char *status;     /* NULL: the head went through */
		const char *why;
	} cases[] = {
		{ "/big-header", "HTTP/1.1 502", "cut off: the origin's header "
		    "section is over 65536 bytes" },
		{ "/bad-status", "HTTP/1.1 502", "malformed status line" },
		{ "/smuggle", "HTTP/1.1 502", "both Transfer-Encoding and "
		    "Content-Length" },
		{ "/slow-head", "HTTP/1.1 504", "cut off: the origin's head did "
		    "not arrive within 1 s" },
		{ "/endless", NULL, "cut off: the origin: body over 1048576 "
		    "bytes" },
		{ "/huge", "HTTP/1.1 502", "body over 1048576 bytes "
		    "(Content-Length 10240000)" },
		{ "/slow-body", NULL, "cut off: the exchange took longer than "
		    "4 s" },
	};

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		hostile(px, cases[i].path, cases[i].status);
	/* And the proxy still serves. */
	askf(px, &out, "GET http://127.0.0.1:%u/hello HTTP/1.1\r\n"
	    "Connection: close\r\n\r\n", plain.port);
	has(&out, "hello world\n");
	buf_free(&out);
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), sizeof(cases) / sizeof(cases[0]) +
	    1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(uri, sizeof(uri), "http://127.0.0.1:%u%s", plain.port,
		    cases[i].path);
		refused(px, i, "GET", uri, cases[i].why);
	}
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%u/hello", plain.port);
	fetched(px, i, "GET", uri, 200, "hello world\n");
	proxy_free(px);
}

static void
test_slow_build_is_cut_off(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct buf out;
	int fd = dial_proxy(px);

	/* Half a head, then nothing. */
	assert_true(send(fd, "GET http://127.0.0.1", 20, MSG_NOSIGNAL) == 20);
	read_all(fd, NULL, &out, 1 << 16);
	has(&out, "HTTP/1.1 400");
	has(&out, "did not arrive within 1 s");
	buf_free(&out);
	close(fd);
	proxy_free(px);
}

/* Limits */

static void
test_connection_cap(void **state)
{
	struct proxy_limits lim;
	struct proxy *px;
	struct buf out;
	int a, b;

	memset(&lim, 0, sizeof(lim));
	lim.max_conns = 2;
	lim.head_ms = 3000;
	px = start(&lim, 0, NULL);
	a = dial_proxy(px);
	b = dial_proxy(px);
	origin_nap(200);
	ask(px, "GET http://127.0.0.1:1/ HTTP/1.1\r\n\r\n", &out);
	has(&out, "HTTP/1.1 503 Service Unavailable");
	buf_free(&out);
	close(a);
	close(b);
	proxy_free(px);
}

static void
test_record_cap(void **state)
{
	struct proxy_limits lim;
	struct proxy *px;
	struct buf out;
	int i;

	memset(&lim, 0, sizeof(lim));
	lim.max_records = 2;
	px = start(&lim, 0, NULL);
	for (i = 0; i < 3; i++) {
		askf(px, &out, "GET http://127.0.0.1:%u/hello HTTP/1.1\r\n"
		    "Connection: close\r\n\r\n", plain.port);
		if (i < 2)
			has(&out, "hello world");
		else
			has(&out, "HTTP/1.1 503 Service Unavailable");
		buf_free(&out);
	}
	proxy_stop(px);
	assert_int_equal(proxy_nrecords(px), 2);
	assert_int_equal(proxy_overflow(px), 1);
	proxy_free(px);
}

struct stopper {
	struct proxy *px;
	int ms;
};

static void *
stop_later(void *arg)
{
	struct stopper *s = arg;

	origin_nap(s->ms);
	proxy_stop(s->px);
	return NULL;
}

static void
test_stop_cuts_exchanges_short(void **state)
{
	struct proxy_limits lim;
	struct stopper s;
	struct proxy *px;
	pthread_t t;
	time_t t0;

	memset(&lim, 0, sizeof(lim));
	px = start(&lim, 0, NULL);
	s.px = px;
	s.ms = 300;
	t0 = time(NULL);
	assert_int_equal(pthread_create(&t, NULL, stop_later, &s), 0);
	hostile(px, "/slow-body", NULL);
	pthread_join(t, NULL);
	assert_true(time(NULL) - t0 < 10);
	assert_int_equal(proxy_nrecords(px), 1);
	refused(px, 0, "GET", NULL, "the build ended before the exchange did");
	proxy_free(px);
}

static void
test_transcript_matches_records(void **state)
{
	struct proxy *px = start(NULL, 0, NULL);
	struct teec_err err;
	struct buf out, tx;
	char *line, *nl;
	size_t i = 0;

	askf(px, &out, "GET http://127.0.0.1:%u/hello HTTP/1.1\r\n"
	    "Connection: close\r\n\r\n", plain.port);
	buf_free(&out);
	ask(px, "GET http://evil.example/ HTTP/1.1\r\n\r\n", &out);
	buf_free(&out);
	proxy_stop(px);
	assert_int_equal(proxy_transcript(px, &tx, &err), TEEC_OK);
	for (line = (char *)tx.data; (nl = strchr(line, '\n')) != NULL;
	    line = nl + 1, i++)
		assert_int_equal(netlog_check_line((uint8_t *)line,
		    (size_t)(nl - line), i, &proxy_record(px, i)->dep, &err),
		    TEEC_OK);
	assert_int_equal(i, 2);
	buf_free(&tx);
	proxy_free(px);
}

/* Plumbing */

static void
test_unix_socket(void **state)
{
	struct sockaddr_un un;
	struct proxy *px;
	struct buf out;
	char path[sizeof(un.sun_path) - 8], req[256];
	int fd;

	snprintf(path, sizeof(path), "%s/proxy.sock", dir);
	px = start(NULL, 0, path);
	assert_int_equal(proxy_port(px), 0);
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&un, sizeof(un)), 0);
	snprintf(req, sizeof(req), "GET http://127.0.0.1:%u/hello HTTP/1.1\r\n"
	    "Connection: close\r\n\r\n", plain.port);
	assert_true(send(fd, req, strlen(req), MSG_NOSIGNAL) > 0);
	read_all(fd, NULL, &out, 1 << 16);
	has(&out, "hello world");
	buf_free(&out);
	close(fd);
	proxy_free(px);
	/* The socket goes with the proxy. */
	assert_int_equal(access(path, F_OK), -1);
}

struct dialled {
	char host[64];
	uint16_t port;
	int calls;
};

static int
test_dial(void *arg, const char *host, uint16_t port, int timeout_ms,
    int *fd, char *why, size_t whysz)
{
	struct dialled *d = arg;

	snprintf(d->host, sizeof(d->host), "%s", host);
	d->port = port;
	d->calls++;
	snprintf(why, whysz, "the relay is closed");
	return -1;
}

static void
test_dial_seam(void **state)
{
	struct net_policy pol;
	struct proxy_opts o;
	struct dialled d;
	struct proxy *px = NULL;
	struct teec_err err;
	struct buf out;
	const char *why;
	size_t dup;

	memset(&pol, 0, sizeof(pol));
	memset(&d, 0, sizeof(d));
	assert_int_equal(policy_add(&pol, "static.crates.io", &dup, &why),
	    TEEC_OK);
	memset(&o, 0, sizeof(o));
	o.policy = &pol;
	o.dial = test_dial;
	o.dial_arg = &d;
	assert_int_equal(proxy_start(&o, &px, &err), TEEC_OK);
	ask(px, "CONNECT Static.Crates.IO:443 HTTP/1.1\r\n\r\n", &out);
	has(&out, "HTTP/1.1 502 Bad Gateway");
	buf_free(&out);
	proxy_stop(px);
	assert_int_equal(d.calls, 1);
	assert_string_equal(d.host, "static.crates.io");
	assert_int_equal(d.port, 443);
	refused(px, 0, "CONNECT", "https://static.crates.io", "cannot "
	    "connect: the relay is closed");
	proxy_free(px);
	policy_free(&pol);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_fetch),
		cmocka_unit_test(test_chunked_and_close_bodies),
		cmocka_unit_test(test_keep_alive_pipelined),
		cmocka_unit_test(test_head_and_post),
		cmocka_unit_test(test_http10_client_gets_a_decoded_body),
		cmocka_unit_test(test_host_not_allowed),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_unrecordable_target),
		cmocka_unit_test(test_https_fetch),
		cmocka_unit_test(test_https_host_mismatch),
		cmocka_unit_test(test_https_wrong_name),
		cmocka_unit_test(test_https_self_signed),
		cmocka_unit_test(test_https_without_the_test_ca),
		cmocka_unit_test(test_upstream_ca_unusable),
		cmocka_unit_test(test_hostile_origins_are_cut_off),
		cmocka_unit_test(test_slow_build_is_cut_off),
		cmocka_unit_test(test_connection_cap),
		cmocka_unit_test(test_record_cap),
		cmocka_unit_test(test_stop_cuts_exchanges_short),
		cmocka_unit_test(test_transcript_matches_records),
		cmocka_unit_test(test_unix_socket),
		cmocka_unit_test(test_dial_seam),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: ISC */
#include "tests/unit/testutil.h"

#include <openssl/sha.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/http.h"

static int
parse(const char *s, enum http_kind kind, struct http_head *h,
    struct teec_err *err)
{
	memset(err, 0, sizeof(*err));
	return http_head_parse((const uint8_t *)s, strlen(s), kind, h, err);
}

static void
refused(const char *s, enum http_kind kind, const char *msg)
{
	struct http_head h;
	struct teec_err err;

	if (parse(s, kind, &h, &err) != TEEC_FAIL)
		fail_msg("accepted: %s", s);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("\"%s\" does not hold \"%s\"", err.msg, msg);
	http_head_free(&h);
}

/* Heads */

static void
test_head_end(void **state)
{
	const char *s = "GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY";
	size_t scan = 0, i, end = 0;

	assert_int_equal(http_head_end((const uint8_t *)s, strlen(s), &scan),
	    strlen(s) - 4);
	/* A byte at a time: found once, at the same place. */
	scan = 0;
	for (i = 1; i <= strlen(s) && end == 0; i++)
		end = http_head_end((const uint8_t *)s, i, &scan);
	assert_int_equal(end, strlen(s) - 4);
	scan = 0;
	assert_int_equal(http_head_end((const uint8_t *)"GET / HTTP/1.1\r\n\r",
	    17, &scan), 0);
	assert_int_equal(scan, 14);
	scan = 0;
	assert_int_equal(http_head_end((const uint8_t *)"\r\n", 2, &scan), 0);
}

static void
test_request_ok(void **state)
{
	struct http_head h;
	struct teec_err err;

	assert_int_equal(parse("GET http://a.example/x?y=1 HTTP/1.1\r\n"
	    "Host: a.example\r\nAccept:  */*  \r\nX-Empty:\r\n\r\n", HTTP_REQUEST,
	    &h, &err), TEEC_OK);
	assert_string_equal(h.method, "GET");
	assert_string_equal(h.target, "http://a.example/x?y=1");
	assert_int_equal(h.minor, 1);
	assert_int_equal(h.nfields, 3);
	assert_string_equal(http_head_get(&h, "host"), "a.example");
	assert_string_equal(http_head_get(&h, "ACCEPT"), "*/*");
	assert_string_equal(http_head_get(&h, "X-Empty"), "");
	assert_null(http_head_get(&h, "Cookie"));
	assert_true(http_keep_alive(&h));
	http_head_free(&h);
	http_head_free(&h);
}

static void
test_response_ok(void **state)
{
	struct http_head h;
	struct teec_err err;

	assert_int_equal(parse("HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\n",
	    HTTP_RESPONSE, &h, &err), TEEC_OK);
	assert_int_equal(h.status, 404);
	assert_string_equal(h.reason, "Not Found");
	assert_int_equal(h.minor, 0);
	assert_false(http_keep_alive(&h));
	http_head_free(&h);
	/* An empty reason, with or without its SP. */
	assert_int_equal(parse("HTTP/1.1 200 \r\n\r\n", HTTP_RESPONSE, &h,
	    &err), TEEC_OK);
	assert_string_equal(h.reason, "");
	http_head_free(&h);
	assert_int_equal(parse("HTTP/1.1 204\r\n\r\n", HTTP_RESPONSE, &h, &err),
	    TEEC_OK);
	assert_int_equal(h.status, 204);
	http_head_free(&h);
	/* obs-text in the reason is kept. */
	assert_int_equal(parse("HTTP/1.1 200 \xc3\xa9t\xe9\r\n\r\n",
	    HTTP_RESPONSE, &h, &err), TEEC_OK);
	http_head_free(&h);
}

static void
test_malformed_status_lines(void **state)
{
	refused("HTTP/1.1 2x0 OK\r\n\r\n", HTTP_RESPONSE, "bad status code");
	refused("HTTP/1.1 099 OK\r\n\r\n", HTTP_RESPONSE, "bad status code");
	refused("HTTP/1.1 600 OK\r\n\r\n", HTTP_RESPONSE, "bad status code");
	refused("HTTP/1.1 2000 OK\r\n\r\n", HTTP_RESPONSE, "bad status code");
	refused("HTTP/1.1 20\r\n\r\n", HTTP_RESPONSE, "bad status code");
	refused("HTTP/2 200 OK\r\n\r\n", HTTP_RESPONSE, "not HTTP/1.0");
	refused("HTTP/1.2 200 OK\r\n\r\n", HTTP_RESPONSE, "not HTTP/1.0");
	refused("http/1.1 200 OK\r\n\r\n", HTTP_RESPONSE, "not HTTP/1.0");
	refused("HTTP/1.1  200 OK\r\n\r\n", HTTP_RESPONSE, "bad status code");
	refused("ICY 200 OK\r\n\r\n", HTTP_RESPONSE, "not HTTP/1.0");
	refused("HTTP/1.1 200 O\x01K\r\n\r\n", HTTP_RESPONSE, "control");
	refused("\r\n\r\n", HTTP_RESPONSE, "empty start line");
}

static void
test_malformed_request_lines(void **state)
{
	refused("GET /\r\n\r\n", HTTP_REQUEST, "malformed request line");
	refused("get / HTTP/1.1\r\n\r\n", HTTP_REQUEST, "unsupported request "
	    "method");
	refused("M-SEARCH * HTTP/1.1\r\n\r\n", HTTP_REQUEST, "unsupported");
	refused("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n\r\n", HTTP_REQUEST,
	    "unsupported");
	refused(" / HTTP/1.1\r\n\r\n", HTTP_REQUEST, "unsupported");
	refused("GET  HTTP/1.1\r\n\r\n", HTTP_REQUEST, "empty request target");
	refused("GET / x HTTP/1.1\r\n\r\n", HTTP_REQUEST, "not an HTTP/1.0");
	refused("GET / HTTP/1.1 \r\n\r\n", HTTP_REQUEST, "not an HTTP/1.0");
	refused("GET /\x80 HTTP/1.1\r\n\r\n", HTTP_REQUEST, "visible ASCII");
	refused("GET /\t HTTP/1.1\r\n\r\n", HTTP_REQUEST, "visible ASCII");
}

static void
test_long_target(void **state)
{
	struct buf b;

	buf_init(&b, 16384);
	buf_printf(&b, "GET /");
	while (b.len < TEEC_MAX_HTTP_TARGET + 10)
		buf_putc(&b, 'a');
	buf_printf(&b, " HTTP/1.1\r\n\r\n");
	refused((char *)b.data, HTTP_REQUEST, "request target longer than");
	buf_free(&b);
}

static void
test_bad_line_endings(void **state)
{
	refused("GET / HTTP/1.1\nHost: a\r\n\r\n", HTTP_REQUEST, "bare CR or LF");
	refused("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", HTTP_REQUEST,
	    "bare CR or LF");
	refused("GET / HTTP/1.1\r\nHost: a\r\n\n\r\n", HTTP_REQUEST,
	    "incomplete");
	refused("GET / HTTP/1.1\r\nHost: a\n\r\n\r\n", HTTP_REQUEST,
	    "bare CR or LF");
	refused("GET / HTTP/1.1\r\nHost: a\r\n\r", HTTP_REQUEST, "incomplete");
}

static void
test_nul_in_head(void **state)
{
	static const char s[] = "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n";
	struct http_head h;
	struct teec_err err;

	assert_int_equal(http_head_parse((const uint8_t *)s, sizeof(s) - 1,
	    HTTP_REQUEST, &h, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "NUL byte in the header section");
	http_head_free(&h);
}

static void
test_bad_fields(void **state)
{
	refused("GET / HTTP/1.1\r\nHost : a\r\n\r\n", HTTP_REQUEST,
	    "malformed header field name");
	refused("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", HTTP_REQUEST,
	    "malformed header field name");
	refused("GET / HTTP/1.1\r\n: a\r\n\r\n", HTTP_REQUEST,
	    "malformed header field");
	refused("GET / HTTP/1.1\r\nNoColon\r\n\r\n", HTTP_REQUEST,
	    "malformed header field");
	refused("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", HTTP_REQUEST,
	    "obsolete line folding");
	refused("GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n", HTTP_REQUEST,
	    "control character");
	refused("GET / HTTP/1.1\r\nA: b\x1b[2J\r\n\r\n", HTTP_REQUEST,
	    "control character");
}

static void
test_too_many_fields(void **state)
{
	struct buf b;
	size_t i;

	buf_init(&b, TEEC_MAX_HTTP_HEAD);
	buf_printf(&b, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < TEEC_MAX_HTTP_FIELDS; i++)
		buf_printf(&b, "X-%zu: v\r\n", i);
	buf_printf(&b, "\r\n");
	{
		struct http_head h;
		struct teec_err err;

		assert_int_equal(parse((char *)b.data, HTTP_RESPONSE, &h, &err),
		    TEEC_OK);
		assert_int_equal(h.nfields, TEEC_MAX_HTTP_FIELDS);
		http_head_free(&h);
	}
	b.len -= 2;
	buf_printf(&b, "One-More: v\r\n\r\n");
	refused((char *)b.data, HTTP_RESPONSE, "more than 128 header fields");
	buf_free(&b);
}

static void
test_oversized_head(void **state)
{
	struct http_head h;
	struct teec_err err;
	uint8_t *p;
	size_t n = TEEC_MAX_HTTP_HEAD + 1;

	p = malloc(n);
	assert_non_null(p);
	memset(p, 'a', n);
	memcpy(p, "HTTP/1.1 200 OK\r\nX: ", 20);
	memcpy(p + n - 4, "\r\n\r\n", 4);
	assert_int_equal(http_head_parse(p, n, HTTP_RESPONSE, &h, &err),
	    TEEC_FAIL);
	assert_string_equal(err.msg, "header section over 65536 bytes");
	http_head_free(&h);
	free(p);
}

static void
test_trailing_data(void **state)
{
	refused("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n", HTTP_REQUEST,
	    "data after the header section");
}

static void
test_list_and_keep_alive(void **state)
{
	struct http_head h;
	struct teec_err err;

	assert_true(http_list_has("keep-alive, Close", "close"));
	assert_true(http_list_has(" close ", "close"));
	assert_false(http_list_has("closed", "close"));
	assert_false(http_list_has("", "close"));
	assert_false(http_list_has(",,", "close"));
	assert_false(http_list_has(NULL, "close"));
	assert_int_equal(parse("GET / HTTP/1.1\r\nConnection: x\r\n"
	    "Connection: close\r\n\r\n", HTTP_REQUEST, &h, &err), TEEC_OK);
	assert_false(http_keep_alive(&h));
	assert_int_equal(http_head_count(&h, "connection"), 2);
	http_head_free(&h);
	assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n"
	    "\r\n", HTTP_REQUEST, &h, &err), TEEC_OK);
	assert_true(http_keep_alive(&h));
	http_head_free(&h);
}

/* Framing */

static int
framing(const char *head, const char *method, struct http_body *b,
    uint64_t max, struct teec_err *err)
{
	struct http_head h;
	int rc;

	assert_int_equal(parse(head, method == NULL ? HTTP_REQUEST :
	    HTTP_RESPONSE, &h, err), TEEC_OK);
	if (method == NULL)
		rc = http_request_body(&h, max, b, err);
	else
		rc = http_response_body(&h, method, max, b, err);
	http_head_free(&h);
	return rc;
}

static void
test_framing_rules(void **state)
{
	struct http_body b;
	struct teec_err err;

	assert_int_equal(framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
	    "GET", &b, 100, &err), TEEC_OK);
	assert_int_equal(b.mode, HTTP_BODY_LENGTH);
	assert_int_equal(b.left, 5);
	assert_int_equal(framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
	    "HEAD", &b, 100, &err), TEEC_OK);
	assert_int_equal(b.mode, HTTP_BODY_NONE);
	assert_true(b.done);
	assert_int_equal(framing("HTTP/1.1 304 OK\r\nContent-Length: 5\r\n\r\n",
	    "GET", &b, 100, &err), TEEC_OK);
	assert_int_equal(b.mode, HTTP_BODY_NONE);
	assert_int_equal(framing("HTTP/1.1 204 OK\r\n\r\n", "GET", &b, 100,
	    &err), TEEC_OK);
	assert_int_equal(b.mode, HTTP_BODY_NONE);
	assert_int_equal(framing("HTTP/1.1 100 Continue\r\n\r\n", "GET", &b,
	    100, &err), TEEC_OK);
	assert_int_equal(b.mode, HTTP_BODY_NONE);
	assert_int_equal(framing("HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: Chunked\r\n\r\n", "GET", &b, 100, &err),
	    TEEC_OK);
	assert_int_equal(b.mode, HTTP_BODY_CHUNKED);
	assert_int_equal(framing("HTTP/1.1 200 OK\r\n\r\n", "GET", &b, 100,
	    &err), TEEC_OK);
	assert_int_equal(b.mode, HTTP_BODY_CLOSE);
	assert_int_equal(framing("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	    "GET", &b, 100, &err), TEEC_OK);
	assert_true(b.done);
	/* Requests without a length have no body. */
	assert_int_equal(framing("POST / HTTP/1.1\r\n\r\n", NULL, &b, 100,
	    &err), TEEC_OK);
	assert_int_equal(b.mode, HTTP_BODY_NONE);
	assert_true(b.done);
	assert_int_equal(framing("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n",
	    NULL, &b, 100, &err), TEEC_OK);
	assert_int_equal(b.mode, HTTP_BODY_LENGTH);
}

static void
test_framing_refused(void **state)
{
	struct http_body b;
	struct teec_err err;

	assert_int_equal(framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", "GET", &b, 100, &err),
	    TEEC_FAIL);
	assert_string_equal(err.msg, "both Transfer-Encoding and "
	    "Content-Length");
	assert_int_equal(framing("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
	    "Content-Length: 5\r\n\r\n", NULL, &b, 100, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "more than one Content-Length");
	assert_int_equal(framing("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n"
	    "\r\n", "GET", &b, 100, &err), TEEC_FAIL);
	assert_int_equal(framing("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n"
	    "\r\n", "GET", &b, 100, &err), TEEC_FAIL);
	assert_int_equal(framing("HTTP/1.1 200 OK\r\nContent-Length: \r\n"
	    "\r\n", "GET", &b, 100, &err), TEEC_FAIL);
	assert_int_equal(framing("HTTP/1.1 200 OK\r\nContent-Length: "
	    "99999999999999999999\r\n\r\n", "GET", &b, UINT64_MAX, &err),
	    TEEC_FAIL);
	assert_int_equal(framing("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n"
	    "\r\n", "GET", &b, 100, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "body over 100 bytes (Content-Length 101)");
	assert_int_equal(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, "
	    "chunked\r\n\r\n", "GET", &b, 100, &err), TEEC_FAIL);
	assert_int_equal(framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "GET", &b, 100,
	    &err), TEEC_FAIL);
	assert_int_equal(framing("HTTP/1.0 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n", "GET", &b, 100, &err), TEEC_FAIL);
}

/* Bodies */

struct sink {
	struct buf b;
	size_t calls;
};

static void
collect(void *arg, const uint8_t *p, size_t n)
{
	struct sink *s = arg;

	assert_int_equal(buf_append(&s->b, p, n), 0);
	s->calls++;
}

/* Feed s in pieces of step bytes; returns the bytes used in total. */
static int
feed_all(struct http_body *b, const char *s, size_t n, size_t step,
    struct sink *k, size_t *used, struct teec_err *err)
{
	size_t off = 0, u, len;
	int rc;

	*used = 0;
	while (off < n && !b->done) {
		len = n - off < step ? n - off : step;
		if ((rc = http_body_feed(b, (const uint8_t *)s + off, len, &u,
		    collect, k, err)) != TEEC_OK)
			return rc;
		off += u;
		*used += u;
		if (u < len && !b->done)
			fail_msg("a piece was not used but the body is not done");
	}
	return TEEC_OK;
}

static void
chunked_body(struct http_body *b, uint64_t max)
{
	memset(b, 0, sizeof(*b));
	b->mode = HTTP_BODY_CHUNKED;
	b->max = max;
}

static void
test_chunked_ok_every_split(void **state)
{
	static const char s[] = "5\r\nhello\r\n1;ext=\"a b\"\r\n \r\n"
	    "A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
	struct http_body b;
	struct teec_err err;
	struct sink k;
	size_t step, used;

	for (step = 1; step <= sizeof(s); step++) {
		memset(&k, 0, sizeof(k));
		buf_init(&k.b, 100);
		chunked_body(&b, 100);
		assert_int_equal(feed_all(&b, s, sizeof(s) - 1, step, &k, &used,
		    &err), TEEC_OK);
		assert_true(b.done);
		assert_int_equal(used, sizeof(s) - 1 - 4);
		assert_int_equal(k.b.len, 16);
		assert_memory_equal(k.b.data, "hello 0123456789", 16);
		assert_int_equal(b.total, 16);
		buf_free(&k.b);
	}
}

static int
chunked_rc(const char *s, uint64_t max, struct teec_err *err)
{
	struct http_body b;
	struct sink k;
	size_t used;
	int rc;

	memset(&k, 0, sizeof(k));
	buf_init(&k.b, 1 << 20);
	chunked_body(&b, max);
	rc = feed_all(&b, s, strlen(s), 7, &k, &used, err);
	buf_free(&k.b);
	return rc;
}

static void
test_chunked_malformed(void **state)
{
	struct teec_err err;

	assert_int_equal(chunked_rc("x\r\n", 100, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "malformed chunk size");
	assert_int_equal(chunked_rc("\r\n", 100, &err), TEEC_FAIL);
	assert_int_equal(chunked_rc("5\nhello\r\n", 100, &err), TEEC_FAIL);
	assert_int_equal(chunked_rc("5\r\nhelloX\r\n", 100, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "chunk data longer than its size");
	assert_int_equal(chunked_rc("5\r\nhello\r\r", 100, &err), TEEC_FAIL);
	assert_int_equal(chunked_rc("5\r\nhello\r\n0\r\nX: \x01\r\n\r\n", 100,
	    &err), TEEC_FAIL);
	assert_int_equal(chunked_rc("5;\x01\r\nhello", 100, &err), TEEC_FAIL);
	assert_int_equal(chunked_rc("0\r\n\rX", 100, &err), TEEC_FAIL);
	assert_int_equal(chunked_rc("-5\r\n", 100, &err), TEEC_FAIL);
	assert_int_equal(chunked_rc("0x5\r\n", 100, &err), TEEC_FAIL);
}

static void
test_chunked_caps(void **state)
{
	struct teec_err err;
	struct buf b;

	/* 17 hex digits never fit. */
	assert_int_equal(chunked_rc("00000000000000001\r\n", UINT64_MAX, &err),
	    TEEC_FAIL);
	assert_string_equal(err.msg, "chunk size too large");
	/* A chunk larger than what is left of the cap is refused at once. */
	assert_int_equal(chunked_rc("65\r\n", 100, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "body over 100 bytes");
	assert_int_equal(chunked_rc("ffffffffffffffff\r\n", UINT64_MAX - 1, &err),
	    TEEC_FAIL);
	/* Endless small chunks: the total cap. */
	buf_init(&b, 1 << 20);
	while (b.len < 2000)
		buf_printf(&b, "1\r\nx\r\n");
	assert_int_equal(chunked_rc((char *)b.data, 100, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "body over 100 bytes");
	buf_free(&b);
	/* An endless chunk extension. */
	buf_init(&b, 1 << 20);
	buf_printf(&b, "1;");
	while (b.len < TEEC_MAX_HTTP_CHUNK_LINE + 10)
		buf_putc(&b, 'e');
	assert_int_equal(chunked_rc((char *)b.data, 100, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "chunk size line over 1024 bytes");
	buf_free(&b);
	/* An endless trailer section. */
	buf_init(&b, 1 << 20);
	buf_printf(&b, "0\r\n");
	while (b.len < TEEC_MAX_HTTP_TRAILERS + 100)
		buf_printf(&b, "X: y\r\n");
	assert_int_equal(chunked_rc((char *)b.data, 100, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "trailer section over 16384 bytes");
	buf_free(&b);
}

static void
test_length_body(void **state)
{
	struct http_body b;
	struct teec_err err;
	struct sink k;
	size_t used;

	memset(&k, 0, sizeof(k));
	buf_init(&k.b, 100);
	memset(&b, 0, sizeof(b));
	b.mode = HTTP_BODY_LENGTH;
	b.max = 100;
	b.left = 5;
	assert_int_equal(feed_all(&b, "helloHTTP", 9, 2, &k, &used, &err),
	    TEEC_OK);
	assert_true(b.done);
	assert_int_equal(used, 5);
	assert_memory_equal(k.b.data, "hello", 5);
	/* Done: nothing more is taken. */
	assert_int_equal(http_body_feed(&b, (const uint8_t *)"x", 1, &used,
	    collect, &k, &err), TEEC_OK);
	assert_int_equal(used, 0);
	assert_int_equal(http_body_eof(&b, &err), TEEC_OK);
	buf_free(&k.b);
}

static void
test_truncated_bodies(void **state)
{
	struct http_body b;
	struct teec_err err;
	size_t used;

	memset(&b, 0, sizeof(b));
	b.mode = HTTP_BODY_LENGTH;
	b.max = 100;
	b.left = 5;
	assert_int_equal(http_body_feed(&b, (const uint8_t *)"hel", 3, &used,
	    NULL, NULL, &err), TEEC_OK);
	assert_int_equal(http_body_eof(&b, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "the connection closed before the end of "
	    "the body (truncated)");
	chunked_body(&b, 100);
	assert_int_equal(http_body_feed(&b, (const uint8_t *)"5\r\nhello\r\n",
	    10, &used, NULL, NULL, &err), TEEC_OK);
	assert_int_equal(http_body_eof(&b, &err), TEEC_FAIL);
}

static void
test_close_body(void **state)
{
	struct http_body b;
	struct teec_err err;
	struct sink k;
	size_t used;

	memset(&k, 0, sizeof(k));
	buf_init(&k.b, 100);
	memset(&b, 0, sizeof(b));
	b.mode = HTTP_BODY_CLOSE;
	b.max = 8;
	assert_int_equal(http_body_feed(&b, (const uint8_t *)"abcd", 4, &used,
	    collect, &k, &err), TEEC_OK);
	assert_int_equal(used, 4);
	assert_false(b.done);
	assert_int_equal(http_body_feed(&b, (const uint8_t *)"efghi", 5, &used,
	    collect, &k, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "body over 8 bytes");
	assert_int_equal(http_body_eof(&b, &err), TEEC_OK);
	buf_free(&k.b);
}

/* Targets */

static void
test_target_absolute(void **state)
{
	char host[TEEC_MAX_HOSTNAME + 1];
	const char *path, *why;
	uint16_t port;

	assert_int_equal(http_target_absolute("http://A.Example/x?y", host,
	    &port, &path, &why), 0);
	assert_string_equal(host, "a.example");
	assert_int_equal(port, 80);
	assert_string_equal(path, "/x?y");
	assert_int_equal(http_target_absolute("HTTP://127.0.0.1:8080", host,
	    &port, &path, &why), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 8080);
	assert_string_equal(path, "");
	assert_int_equal(http_target_absolute("http://a.example:?q", host,
	    &port, &path, &why), 0);
	assert_int_equal(port, 80);
	assert_string_equal(path, "?q");
}

static void
test_target_absolute_refused(void **state)
{
	static const struct {
		const char *t;
		const char *why;
	} cases[] = {
		{ "/x", "not an absolute http:// URL" },
		{ "https://a.example/", "https URLs go through CONNECT" },
		{ "ftp://a.example/", "not an absolute http:// URL" },
		{ "http://u:p@a.example/", "user information in the URL" },
		{ "http://a.example/#f", "fragment in the request target" },
		{ "http://a.example:0/", "port out of range" },
		{ "http://a.example:65536/", "port out of range" },
		{ "http://a.example:80a/", "malformed port" },
		{ "http://[::1]/", "IPv6 addresses are not supported" },
		{ "http:///x", "empty host" },
		{ "http://127.1/", "not an IPv4 address" },
	};
	char host[TEEC_MAX_HOSTNAME + 1];
	const char *path, *why;
	uint16_t port;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = "";
		if (http_target_absolute(cases[i].t, host, &port, &path, &why) !=
		    -1)
			fail_msg("%s accepted", cases[i].t);
		if (strstr(why, cases[i].why) == NULL)
			fail_msg("%s: \"%s\", wanted \"%s\"", cases[i].t, why,
			    cases[i].why);
	}
}

static void
test_target_authority(void **state)
{
	char host[TEEC_MAX_HOSTNAME + 1];
	const char *why;
	uint16_t port;

	assert_int_equal(http_target_authority("static.crates.io:443", host,
	    &port, &why), 0);
	assert_string_equal(host, "static.crates.io");
	assert_int_equal(port, 443);
	assert_int_equal(http_target_authority("static.crates.io", host, &port,
	    &why), -1);
	assert_string_equal(why, "no port");
	assert_int_equal(http_target_authority("a.example:443/x", host, &port,
	    &why), -1);
}

static void
test_uri_chars(void **state)
{
	assert_true(http_uri_chars_ok("https://a.example:8443/p%20q?a=b&c=d;e"));
	assert_false(http_uri_chars_ok("http://a.example/{x}"));
	assert_false(http_uri_chars_ok("http://a.example/a|b"));
	assert_false(http_uri_chars_ok("http://a.example/\"x\""));
	assert_false(http_uri_chars_ok("http://a.example/a\\b"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_end),
		cmocka_unit_test(test_request_ok),
		cmocka_unit_test(test_response_ok),
		cmocka_unit_test(test_malformed_status_lines),
		cmocka_unit_test(test_malformed_request_lines),
		cmocka_unit_test(test_long_target),
		cmocka_unit_test(test_bad_line_endings),
		cmocka_unit_test(test_nul_in_head),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_too_many_fields),
		cmocka_unit_test(test_oversized_head),
		cmocka_unit_test(test_trailing_data),
		cmocka_unit_test(test_list_and_keep_alive),
		cmocka_unit_test(test_framing_rules),
		cmocka_unit_test(test_framing_refused),
		cmocka_unit_test(test_chunked_ok_every_split),
		cmocka_unit_test(test_chunked_malformed),
		cmocka_unit_test(test_chunked_caps),
		cmocka_unit_test(test_length_body),
		cmocka_unit_test(test_truncated_bodies),
		cmocka_unit_test(test_close_body),
		cmocka_unit_test(test_target_absolute),
		cmocka_unit_test(test_target_absolute_refused),
		cmocka_unit_test(test_target_authority),
		cmocka_unit_test(test_uri_chars),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

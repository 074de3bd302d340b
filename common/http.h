/* SPDX-License-Identifier: ISC */
#ifndef TEEC_HTTP_H
#define TEEC_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "common/caps.h"
#include "common/status.h"

/*
 * HTTP/1.1 message framing (RFC 9112) for the worker's recording proxy:
 * the start line and header section of requests and responses, and the
 * message body as Content-Length, chunked or read-until-close. Only what
 * the proxy needs is accepted, and strictly: lines end in CRLF (no bare
 * LF or CR), no obs-fold, no white space before a field's colon, one
 * Content-Length at most, Transfer-Encoding exactly "chunked" and never
 * together with Content-Length (RFC 9112 section 6.1: a message with both
 * is a request smuggling attempt), HTTP/1.0 and HTTP/1.1 only. Every
 * size has a cap from common/caps.h. Nothing here does I/O: bytes go in,
 * the caller moves them.
 *
 * Status: TEEC_OK; TEEC_FAIL when the message is malformed or over a cap
 * (err says which); TEEC_ERROR when out of memory.
 */

enum http_kind {
	HTTP_REQUEST = 1,
	HTTP_RESPONSE,
};

struct http_field {
	const char *name;       /* as sent (compare case-insensitively) */
	const char *value;      /* leading and trailing SP and HTAB removed */
};

struct http_head {
	enum http_kind kind;
	char method[TEEC_MAX_HTTP_METHOD + 1];  /* request: upper-case letters */
	const char *target;     /* request: the request-target, VCHARs */
	int minor;              /* HTTP/1.minor: 0 or 1 */
	int status;             /* response: 100 to 599 */
	const char *reason;     /* response: reason-phrase, may be "" */
	size_t nfields;
	struct http_field fields[TEEC_MAX_HTTP_FIELDS];
	size_t len;             /* bytes of the head, through the empty line */
	char *mem;              /* owned: the strings above point into it */
};

/*
 * Find the end of a head (start line and fields, through CRLF CRLF) in the
 * n bytes at p. Returns its length, or 0 when it is not complete yet.
 * *scan (0 at first) remembers how far the search got, so that a head
 * that arrives a byte at a time is scanned once.
 */
size_t http_head_end(const uint8_t *p, size_t n, size_t *scan);

/*
 * Parse exactly one head of n bytes (what http_head_end() measured; at
 * most TEEC_MAX_HTTP_HEAD). h is zeroed first; free it with
 * http_head_free() whatever the result. A request method must be 1 to
 * TEEC_MAX_HTTP_METHOD upper-case letters (RFC 9110 section 9 methods
 * are; extension methods of other forms are refused).
 */
int http_head_parse(const uint8_t *p, size_t n, enum http_kind kind,
    struct http_head *h, struct teec_err *err);
void http_head_free(struct http_head *h);      /* accepts a zeroed head */

/* The first value of the field name (case-insensitive), or NULL. */
const char *http_head_get(const struct http_head *h, const char *name);
/* How many fields are called name. */
size_t http_head_count(const struct http_head *h, const char *name);
/* 1 when the comma-separated list value holds token (case-insensitive). */
int http_list_has(const char *value, const char *token);

/*
 * RFC 9112 section 9.3: 1 when the connection may carry another message
 * after this one (HTTP/1.1 without "Connection: close", HTTP/1.0 with
 * "Connection: keep-alive"), else 0. Framing is the caller's concern.
 */
int http_keep_alive(const struct http_head *h);

/* A message body, decoded as it streams by. */
enum http_body_mode {
	HTTP_BODY_NONE = 0,     /* no body */
	HTTP_BODY_LENGTH,       /* Content-Length bytes */
	HTTP_BODY_CHUNKED,      /* chunked transfer coding, RFC 9112 7.1 */
	HTTP_BODY_CLOSE,        /* a response read until the connection ends */
};

struct http_body {
	enum http_body_mode mode;
	uint64_t max;           /* cap on the decoded bytes */
	uint64_t total;         /* decoded bytes so far */
	uint64_t left;          /* LENGTH: to come; CHUNKED: of this chunk */
	int state;              /* CHUNKED: where in the coding */
	unsigned int digits;    /* CHUNKED: hex digits of this chunk-size */
	size_t line;            /* CHUNKED: bytes of this chunk or trailer line */
	size_t trailers;        /* CHUNKED: bytes of the trailer section */
	int done;               /* the body is complete */
};

/*
 * How the body of a request is framed (RFC 9112 section 6.3, rules 3 to
 * 6): chunked, Content-Length, or none. max caps the body; a larger
 * Content-Length is TEEC_FAIL at once.
 */
int http_request_body(const struct http_head *h, uint64_t max,
    struct http_body *b, struct teec_err *err);

/*
 * How the body of a response to a request with method is framed (RFC
 * 9112 section 6.3, rules 1 to 7): none for HEAD, 1xx, 204 and 304;
 * chunked; Content-Length; else until the connection closes.
 */
int http_response_body(const struct http_head *h, const char *method,
    uint64_t max, struct http_body *b, struct teec_err *err);

/* Called with each piece of decoded body data. */
typedef void (*http_data_fn)(void *arg, const uint8_t *p, size_t n);

/*
 * Feed n raw bytes of the message body. *used gets how many of them
 * belong to it (the rest, once b->done, start the next message); each
 * piece of body data in them goes to fn (may be NULL). TEEC_FAIL on a
 * malformed chunked coding or when the body passes b->max.
 */
int http_body_feed(struct http_body *b, const uint8_t *p, size_t n,
    size_t *used, http_data_fn fn, void *arg, struct teec_err *err);

/*
 * The connection ended. TEEC_OK when that completes the body (it is read
 * until close, or already done), else TEEC_FAIL "truncated".
 */
int http_body_eof(struct http_body *b, struct teec_err *err);

/*
 * Request targets a forward proxy takes (RFC 9112 section 3.2).
 * Absolute-form "http://HOST[:PORT]/PATH?QUERY" (scheme case-insensitive,
 * no userinfo, no fragment; port default 80): host (canonical, see
 * common/policy.h), port, and *path pointing into target at the path
 * ("" when the target has none: use "/"). Authority-form "HOST:PORT" for
 * CONNECT, the port required. 0, or -1 with *why set.
 */
int http_target_absolute(const char *target, char *host, uint16_t *port,
    const char **path, const char **why);
int http_target_authority(const char *target, char *host, uint16_t *port,
    const char **why);

/*
 * 1 when s holds only the characters RFC 3986 section 2 allows in a URI
 * (letters, digits, -._~:/?#[]@!$&'()*+,;=%), as report.json requires.
 */
int http_uri_chars_ok(const char *s);

#endif

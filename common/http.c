/* SPDX-License-Identifier: ISC */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/http.h"
#include "common/policy.h"

/*
 * RFC 9112 (HTTP/1.1 message syntax) and RFC 9110 (semantics), the parts a
 * forward proxy needs. The grammar names in the comments are theirs.
 */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 9110 section 5.6.2: tchar. */
static int
is_tchar(int c)
{
	return is_alpha(c) || is_digit(c) || (c != 0 &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 9110 section 5.5: field-vchar, SP and HTAB (obs-text included). */
static int
is_field_char(int c)
{
	return (c >= 0x21 && c <= 0x7e) || c >= 0x80 || c == ' ' || c == '\t';
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
http_head_end(const uint8_t *p, size_t n, size_t *scan)
{
	size_t i = *scan;

	for (; i + 4 <= n; i++)
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' &&
		    p[i + 3] == '\n')
			return i + 4;
	/* The last three bytes may start the terminator. */
	*scan = n >= 3 ? n - 3 : 0;
	return 0;
}

void
http_head_free(struct http_head *h)
{
	if (h == NULL)
		return;
	free(h->mem);
	memset(h, 0, sizeof(*h));
}

/* "HTTP/1.0" or "HTTP/1.1" (RFC 9112 section 2.3). */
static int
version(const char *s, int *minor)
{
	if (strncmp(s, "HTTP/1.", 7) != 0 || (s[7] != '0' && s[7] != '1'))
		return -1;
	*minor = s[7] - '0';
	return 0;
}

/* request-line = method SP request-target SP HTTP-version */
static int
request_line(char *s, struct http_head *h, struct teec_err *err)
{
	char *sp1, *sp2;
	size_t i;

	if ((sp1 = strchr(s, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL)
		return teec_errf(err, TEEC_FAIL, "malformed request line");
	*sp1 = '\0';
	*sp2 = '\0';
	if (sp1 == s || (size_t)(sp1 - s) > TEEC_MAX_HTTP_METHOD)
		return teec_errf(err, TEEC_FAIL, "unsupported request method");
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return teec_errf(err, TEEC_FAIL, "unsupported request "
			    "method");
	memcpy(h->method, s, (size_t)(sp1 - s) + 1);
	h->target = sp1 + 1;
	if (h->target[0] == '\0')
		return teec_errf(err, TEEC_FAIL, "empty request target");
	if (strlen(h->target) > TEEC_MAX_HTTP_TARGET)
		return teec_errf(err, TEEC_FAIL, "request target longer than "
		    "%u bytes", TEEC_MAX_HTTP_TARGET);
	for (i = 0; h->target[i] != '\0'; i++)
		if ((unsigned char)h->target[i] < 0x21 ||
		    (unsigned char)h->target[i] > 0x7e)
			return teec_errf(err, TEEC_FAIL, "request target holds "
			    "a byte that is not visible ASCII");
	if (version(sp2 + 1, &h->minor) == -1 || sp2[9] != '\0')
		return teec_errf(err, TEEC_FAIL, "not an HTTP/1.0 or HTTP/1.1 "
		    "request");
	return TEEC_OK;
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ] */
static int
status_line(char *s, struct http_head *h, struct teec_err *err)
{
	size_t i;

	if (version(s, &h->minor) == -1 || s[8] != ' ')
		return teec_errf(err, TEEC_FAIL, "malformed status line: not "
		    "HTTP/1.0 or HTTP/1.1");
	s += 9;
	if (!is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) ||
	    s[0] < '1' || s[0] > '5')
		return teec_errf(err, TEEC_FAIL, "malformed status line: bad "
		    "status code");
	h->status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	/* The SP before an empty reason is often left out; accept that. */
	if (s[3] == '\0') {
		h->reason = s + 3;
		return TEEC_OK;
	}
	if (s[3] != ' ')
		return teec_errf(err, TEEC_FAIL, "malformed status line: bad "
		    "status code");
	h->reason = s + 4;
	for (i = 0; h->reason[i] != '\0'; i++)
		if (!is_field_char((unsigned char)h->reason[i]))
			return teec_errf(err, TEEC_FAIL, "malformed status line: "
			    "control character in the reason");
	return TEEC_OK;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5) */
static int
field_line(char *s, struct http_head *h, struct teec_err *err)
{
	char *colon, *v, *end;
	size_t i;

	if (s[0] == ' ' || s[0] == '\t')
		return teec_errf(err, TEEC_FAIL, "obsolete line folding in the "
		    "header section");
	if ((colon = strchr(s, ':')) == NULL || colon == s)
		return teec_errf(err, TEEC_FAIL, "malformed header field");
	for (i = 0; s + i < colon; i++)
		if (!is_tchar((unsigned char)s[i]))
			return teec_errf(err, TEEC_FAIL, "malformed header field "
			    "name");
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (end = v; *end != '\0'; end++)
		if (!is_field_char((unsigned char)*end))
			return teec_errf(err, TEEC_FAIL, "control character in "
			    "a header field");
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (h->nfields == TEEC_MAX_HTTP_FIELDS)
		return teec_errf(err, TEEC_FAIL, "more than %u header fields",
		    TEEC_MAX_HTTP_FIELDS);
	h->fields[h->nfields].name = s;
	h->fields[h->nfields].value = v;
	h->nfields++;
	return TEEC_OK;
}

int
http_head_parse(const uint8_t *p, size_t n, enum http_kind kind,
    struct http_head *h, struct teec_err *err)
{
	char *line, *cr;
	size_t i;
	int rc, first = 1;

	memset(h, 0, sizeof(*h));
	h->kind = kind;
	if (n > TEEC_MAX_HTTP_HEAD)
		return teec_errf(err, TEEC_FAIL, "header section over %u bytes",
		    TEEC_MAX_HTTP_HEAD);
	if (n < 4 || memcmp(p + n - 4, "\r\n\r\n", 4) != 0)
		return teec_errf(err, TEEC_FAIL, "incomplete header section");
	/* NUL and bare CR or LF are never part of a head (RFC 9112 2.2). */
	for (i = 0; i < n; i++) {
		if (p[i] == '\0')
			return teec_errf(err, TEEC_FAIL, "NUL byte in the header "
			    "section");
		if ((p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n')) ||
		    (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')))
			return teec_errf(err, TEEC_FAIL, "bare CR or LF in the "
			    "header section");
	}
	if ((h->mem = malloc(n + 1)) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	memcpy(h->mem, p, n);
	h->mem[n] = '\0';
	h->len = n;
	/* Lines: each ends at a CR (now NUL); the last one is empty. */
	for (line = h->mem; line < h->mem + n; line = cr + 2) {
		cr = strchr(line, '\r');
		*cr = '\0';
		if (line == cr) {
			if (first)
				return teec_errf(err, TEEC_FAIL, "empty start "
				    "line");
			break;
		}
		if (first) {
			rc = kind == HTTP_REQUEST ? request_line(line, h, err) :
			    status_line(line, h, err);
			first = 0;
		} else
			rc = field_line(line, h, err);
		if (rc != TEEC_OK)
			return rc;
	}
	if (line + 2 != h->mem + n)
		return teec_errf(err, TEEC_FAIL, "data after the header section");
	return TEEC_OK;
}

const char *
http_head_get(const struct http_head *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nfields; i++)
		if (strcasecmp(h->fields[i].name, name) == 0)
			return h->fields[i].value;
	return NULL;
}

size_t
http_head_count(const struct http_head *h, const char *name)
{
	size_t i, k = 0;

	for (i = 0; i < h->nfields; i++)
		if (strcasecmp(h->fields[i].name, name) == 0)
			k++;
	return k;
}

/* RFC 9110 section 5.6.1: #element lists, OWS around the commas. */
int
http_list_has(const char *value, const char *token)
{
	size_t tlen = strlen(token), len;
	const char *s = value, *e;

	if (value == NULL)
		return 0;
	while (*s != '\0') {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		for (e = s; *e != '\0' && *e != ','; e++)
			;
		len = (size_t)(e - s);
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == tlen && len > 0 && strncasecmp(s, token, len) == 0)
			return 1;
		s = e;
	}
	return 0;
}

int
http_keep_alive(const struct http_head *h)
{
	size_t i;
	int close = 0, keep = 0;

	for (i = 0; i < h->nfields; i++)
		if (strcasecmp(h->fields[i].name, "Connection") == 0) {
			close |= http_list_has(h->fields[i].value, "close");
			keep |= http_list_has(h->fields[i].value, "keep-alive");
		}
	if (close)
		return 0;
	return h->minor == 1 || keep;
}

/* Content-Length = 1*DIGIT (RFC 9110 section 8.6), one field only. */
static int
content_length(const struct http_head *h, uint64_t max, uint64_t *out,
    int *present, struct teec_err *err)
{
	const char *v;
	uint64_t n = 0;
	size_t i, count;

	*present = 0;
	if ((count = http_head_count(h, "Content-Length")) == 0)
		return TEEC_OK;
	if (count > 1)
		return teec_errf(err, TEEC_FAIL, "more than one Content-Length");
	v = http_head_get(h, "Content-Length");
	if (v[0] == '\0' || strlen(v) > 19)
		return teec_errf(err, TEEC_FAIL, "malformed Content-Length");
	for (i = 0; v[i] != '\0'; i++) {
		if (!is_digit((unsigned char)v[i]))
			return teec_errf(err, TEEC_FAIL, "malformed "
			    "Content-Length");
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (n > max)
		return teec_errf(err, TEEC_FAIL, "body over %llu bytes "
		    "(Content-Length %llu)", (unsigned long long)max,
		    (unsigned long long)n);
	*out = n;
	*present = 1;
	return TEEC_OK;
}

/* Transfer-Encoding: only exactly "chunked" (RFC 9112 section 6.1). */
static int
chunked(const struct http_head *h, int *present, struct teec_err *err)
{
	size_t count = http_head_count(h, "Transfer-Encoding");

	*present = 0;
	if (count == 0)
		return TEEC_OK;
	if (count > 1 || strcasecmp(http_head_get(h, "Transfer-Encoding"),
	    "chunked") != 0)
		return teec_errf(err, TEEC_FAIL, "unsupported Transfer-Encoding "
		    "(only \"chunked\" is)");
	if (h->minor == 0)
		return teec_errf(err, TEEC_FAIL, "Transfer-Encoding in an "
		    "HTTP/1.0 message");
	*present = 1;
	return TEEC_OK;
}

static int
framing(const struct http_head *h, uint64_t max, struct http_body *b,
    int until_close, struct teec_err *err)
{
	uint64_t len = 0;
	int has_len, is_chunked, rc;

	memset(b, 0, sizeof(*b));
	b->max = max;
	if ((rc = chunked(h, &is_chunked, err)) != TEEC_OK ||
	    (rc = content_length(h, max, &len, &has_len, err)) != TEEC_OK)
		return rc;
	if (is_chunked && has_len)
		return teec_errf(err, TEEC_FAIL, "both Transfer-Encoding and "
		    "Content-Length");
	if (is_chunked)
		b->mode = HTTP_BODY_CHUNKED;
	else if (has_len) {
		b->mode = HTTP_BODY_LENGTH;
		b->left = len;
		b->done = len == 0;
	} else if (until_close)
		b->mode = HTTP_BODY_CLOSE;
	else {
		b->mode = HTTP_BODY_NONE;
		b->done = 1;
	}
	return TEEC_OK;
}

int
http_request_body(const struct http_head *h, uint64_t max,
    struct http_body *b, struct teec_err *err)
{
	return framing(h, max, b, 0, err);
}

int
http_response_body(const struct http_head *h, const char *method,
    uint64_t max, struct http_body *b, struct teec_err *err)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
	if (strcmp(method, "HEAD") == 0 || (h->status >= 100 &&
	    h->status < 200) || h->status == 204 || h->status == 304) {
		b->mode = HTTP_BODY_NONE;
		b->done = 1;
		return TEEC_OK;
	}
	return framing(h, max, b, 1, err);
}

/* Chunked transfer coding states (RFC 9112 section 7.1). */
enum {
	CH_SIZE = 0,            /* chunk-size hex digits */
	CH_EXT,                 /* chunk-ext, up to CR */
	CH_SIZE_LF,
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER_START,       /* a trailer field, or the final CRLF */
	CH_TRAILER,
	CH_TRAILER_LF,
	CH_FINAL_LF,
};

static int
deliver(struct http_body *b, const uint8_t *p, size_t n, http_data_fn fn,
    void *arg, struct teec_err *err)
{
	if ((uint64_t)n > b->max - b->total)
		return teec_errf(err, TEEC_FAIL, "body over %llu bytes",
		    (unsigned long long)b->max);
	b->total += n;
	if (fn != NULL && n > 0)
		fn(arg, p, n);
	return TEEC_OK;
}

static int
feed_chunked(struct http_body *b, const uint8_t *p, size_t n, size_t *used,
    http_data_fn fn, void *arg, struct teec_err *err)
{
	size_t i = 0, k;
	int c, v, rc;

	while (i < n && !b->done) {
		c = p[i];
		switch (b->state) {
		case CH_SIZE:
			if ((v = hex_value(c)) >= 0) {
				if (++b->digits > 16)
					return teec_errf(err, TEEC_FAIL, "chunk "
					    "size too large");
				b->left = (b->left << 4) | (uint64_t)v;
			} else if (b->digits == 0)
				return teec_errf(err, TEEC_FAIL, "malformed "
				    "chunk size");
			else if (c == ';' || c == ' ' || c == '\t')
				b->state = CH_EXT;
			else if (c == '\r')
				b->state = CH_SIZE_LF;
			else
				return teec_errf(err, TEEC_FAIL, "malformed "
				    "chunk size");
			break;
		case CH_EXT:
			if (c == '\r')
				b->state = CH_SIZE_LF;
			else if (!is_field_char(c))
				return teec_errf(err, TEEC_FAIL, "control "
				    "character in a chunk extension");
			break;
		case CH_SIZE_LF:
			if (c != '\n')
				return teec_errf(err, TEEC_FAIL, "bare CR after "
				    "a chunk size");
			if (b->left > b->max - b->total)
				return teec_errf(err, TEEC_FAIL, "body over "
				    "%llu bytes", (unsigned long long)b->max);
			b->state = b->left == 0 ? CH_TRAILER_START : CH_DATA;
			b->line = 0;
			b->digits = 0;
			i++;
			continue;
		case CH_DATA:
			k = n - i;
			if ((uint64_t)k > b->left)
				k = (size_t)b->left;
			if ((rc = deliver(b, p + i, k, fn, arg, err)) !=
			    TEEC_OK)
				return rc;
			b->left -= k;
			i += k;
			if (b->left == 0)
				b->state = CH_DATA_CR;
			continue;
		case CH_DATA_CR:
			if (c != '\r')
				return teec_errf(err, TEEC_FAIL, "chunk data "
				    "longer than its size");
			b->state = CH_DATA_LF;
			break;
		case CH_DATA_LF:
			if (c != '\n')
				return teec_errf(err, TEEC_FAIL, "bare CR after "
				    "chunk data");
			b->state = CH_SIZE;
			b->line = 0;
			i++;
			continue;
		case CH_TRAILER_START:
			if (c == '\r') {
				b->state = CH_FINAL_LF;
				break;
			}
			b->state = CH_TRAILER;
			/* FALLTHROUGH */
		case CH_TRAILER:
			if (c == '\r')
				b->state = CH_TRAILER_LF;
			else if (!is_field_char(c) && c != ':')
				return teec_errf(err, TEEC_FAIL, "control "
				    "character in a trailer field");
			break;
		case CH_TRAILER_LF:
			if (c != '\n')
				return teec_errf(err, TEEC_FAIL, "bare CR in the "
				    "trailer section");
			b->state = CH_TRAILER_START;
			b->line = 0;
			break;
		case CH_FINAL_LF:
			if (c != '\n')
				return teec_errf(err, TEEC_FAIL, "bare CR at the "
				    "end of a chunked body");
			b->done = 1;
			break;
		default:
			return teec_errf(err, TEEC_FAIL, "bad chunked state");
		}
		/* Every byte of a line other than data counts against a cap. */
		if (b->state >= CH_TRAILER_START && b->state <= CH_FINAL_LF) {
			if (++b->trailers > TEEC_MAX_HTTP_TRAILERS)
				return teec_errf(err, TEEC_FAIL, "trailer "
				    "section over %u bytes",
				    TEEC_MAX_HTTP_TRAILERS);
		} else if (++b->line > TEEC_MAX_HTTP_CHUNK_LINE)
			return teec_errf(err, TEEC_FAIL, "chunk size line over "
			    "%u bytes", TEEC_MAX_HTTP_CHUNK_LINE);
		i++;
	}
	*used = i;
	return TEEC_OK;
}

int
http_body_feed(struct http_body *b, const uint8_t *p, size_t n,
    size_t *used, http_data_fn fn, void *arg, struct teec_err *err)
{
	size_t k;
	int rc;

	*used = 0;
	if (b->done || n == 0)
		return TEEC_OK;
	switch (b->mode) {
	case HTTP_BODY_LENGTH:
		k = n;
		if ((uint64_t)k > b->left)
			k = (size_t)b->left;
		if ((rc = deliver(b, p, k, fn, arg, err)) != TEEC_OK)
			return rc;
		b->left -= k;
		b->done = b->left == 0;
		*used = k;
		return TEEC_OK;
	case HTTP_BODY_CLOSE:
		if ((rc = deliver(b, p, n, fn, arg, err)) != TEEC_OK)
			return rc;
		*used = n;
		return TEEC_OK;
	case HTTP_BODY_CHUNKED:
		return feed_chunked(b, p, n, used, fn, arg, err);
	default:
		return TEEC_OK;
	}
}

int
http_body_eof(struct http_body *b, struct teec_err *err)
{
	if (b->mode == HTTP_BODY_CLOSE)
		b->done = 1;
	if (b->done)
		return TEEC_OK;
	return teec_errf(err, TEEC_FAIL, "the connection closed before the "
	    "end of the body (truncated)");
}

/* host [ ":" port ] with the port optional (dflt) or required (dflt 0). */
static int
authority(const char *s, size_t n, char *host, uint16_t *port,
    uint16_t dflt, const char **why)
{
	const char *colon = memchr(s, ':', n);
	size_t hlen = colon != NULL ? (size_t)(colon - s) : n, i, plen;
	unsigned long v = 0;

	if (memchr(s, '@', n) != NULL) {
		*why = "user information in the URL";
		return -1;
	}
	if (policy_host_canon(s, hlen, host, why) == -1)
		return -1;
	if (colon == NULL || colon + 1 == s + n) {
		if (dflt == 0) {
			*why = "no port";
			return -1;
		}
		*port = dflt;
		return 0;
	}
	plen = n - hlen - 1;
	if (plen > 5) {
		*why = "port out of range";
		return -1;
	}
	for (i = 0; i < plen; i++) {
		if (!is_digit((unsigned char)colon[1 + i])) {
			*why = "malformed port";
			return -1;
		}
		v = v * 10 + (unsigned long)(colon[1 + i] - '0');
	}
	if (v < 1 || v > 65535) {
		*why = "port out of range";
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

int
http_target_absolute(const char *target, char *host, uint16_t *port,
    const char **path, const char **why)
{
	const char *a, *end;

	if (strncasecmp(target, "http://", 7) != 0) {
		*why = strncasecmp(target, "https://", 8) == 0 ?
		    "https URLs go through CONNECT" :
		    "not an absolute http:// URL";
		return -1;
	}
	if (strchr(target, '#') != NULL) {
		*why = "fragment in the request target";
		return -1;
	}
	a = target + 7;
	end = a + strcspn(a, "/?");
	if (authority(a, (size_t)(end - a), host, port, 80, why) == -1)
		return -1;
	*path = end;
	return 0;
}

int
http_target_authority(const char *target, char *host, uint16_t *port,
    const char **why)
{
	return authority(target, strlen(target), host, port, 0, why);
}

int
http_uri_chars_ok(const char *s)
{
	static const char punct[] = "-._~:/?#[]@!$&'()*+,;=%";
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!is_alpha((unsigned char)s[i]) &&
		    !is_digit((unsigned char)s[i]) &&
		    strchr(punct, s[i]) == NULL)
			return 0;
	return 1;
}

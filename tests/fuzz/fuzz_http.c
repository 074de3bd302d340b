/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: HTTP/1.1 framing (common/http.h) as the recording
 * proxy drives it. The first byte picks the kind of message (request or
 * response), the piece size the stream is cut into, and the request
 * method a response answers; the rest is what the peer sent. The head is
 * searched for incrementally, parsed, its body framed and fed in pieces,
 * and then the next message on the same connection, until the input is
 * used up or refused. Invariants: nothing is used beyond what was fed,
 * the decoded bytes never pass the cap, a done body takes no more.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/caps.h"
#include "common/http.h"
#include "common/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t seen;

static void
count(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	(void)p;
	seen += n;
}

static void
targets(const struct http_head *h)
{
	char host[TEEC_MAX_HOSTNAME + 1];
	const char *path, *why;
	uint16_t port;

	if (http_target_absolute(h->target, host, &port, &path, &why) == 0 &&
	    (port == 0 || strlen(host) > TEEC_MAX_HOSTNAME))
		abort();
	if (http_target_authority(h->target, host, &port, &why) == 0 &&
	    port == 0)
		abort();
	(void)http_uri_chars_ok(h->target);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "PUT" };
	struct teec_err err = { "" };
	struct http_head h;
	struct http_body b;
	enum http_kind kind;
	const uint8_t *p;
	size_t n, end, scan, used, step, k, i;
	uint64_t max;
	int rc;

	if (size < 1)
		return 0;
	kind = (data[0] & 1) ? HTTP_RESPONSE : HTTP_REQUEST;
	step = 1 + (size_t)((data[0] >> 1) & 7) * 97;
	max = (data[0] & 0x40) ? 64 : TEEC_MAX_HTTP_BODY;
	p = data + 1;
	n = size - 1;
	while (n > 0) {
		/* The head, found as if it came step bytes at a time. */
		scan = 0;
		end = 0;
		for (k = step < n ? step : n;; k = k + step < n ? k + step : n) {
			if (k > TEEC_MAX_HTTP_HEAD + 4)
				return 0;
			end = http_head_end(p, k, &scan);
			if (end != 0 || k == n)
				break;
		}
		if (end == 0 || end > n)
			return 0;
		rc = http_head_parse(p, end, kind, &h, &err);
		if (rc == TEEC_OK) {
			if (h.len != end || h.nfields > TEEC_MAX_HTTP_FIELDS)
				abort();
			for (i = 0; i < h.nfields; i++)
				if (h.fields[i].name[0] == '\0')
					abort();
			if (kind == HTTP_REQUEST)
				targets(&h);
			(void)http_keep_alive(&h);
			rc = kind == HTTP_REQUEST ?
			    http_request_body(&h, max, &b, &err) :
			    http_response_body(&h, methods[data[0] >> 6], max,
			    &b, &err);
		}
		http_head_free(&h);
		if (rc != TEEC_OK)
			return 0;
		p += end;
		n -= end;
		seen = 0;
		while (n > 0 && !b.done) {
			k = step < n ? step : n;
			if (http_body_feed(&b, p, k, &used, count, NULL, &err) !=
			    TEEC_OK)
				return 0;
			if (used > k || seen > max || b.total > max)
				abort();
			p += used;
			n -= used;
			if (used < k && !b.done)
				abort();
		}
		if (!b.done) {
			(void)http_body_eof(&b, &err);
			return 0;
		}
		if (http_body_feed(&b, p, n, &used, count, NULL, &err) !=
		    TEEC_OK || used != 0)
			abort();
	}
	return 0;
}

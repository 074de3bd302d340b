/* SPDX-License-Identifier: ISC */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/encode.h"
#include "common/json.h"
#include "common/policy.h"
#include "common/proto.h"

/*
 * teec-protocol(7), Payloads. Only the members listed there are
 * accepted; the objects are flat (depth 1).
 */

#define DOC_SOURCE "SOURCE_BEGIN"
#define DOC_BUNDLE "BUNDLE_BEGIN"

/* n lower-case hex digits exactly. */
static int
is_lower_hex(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* A git object name: SHA-1 (40) or SHA-256 (64) in lower-case hex. */
static int
commit_ok(const char *s)
{
	return is_lower_hex(s, 40) || is_lower_hex(s, 64);
}

/* The member "sha256": 64 lower-case hex digits, decoded into out. */
static int
get_sha256(const cJSON *obj, const char *doc, uint8_t out[32],
    struct teec_err *err)
{
	const char *s;
	int rc;

	if ((rc = json_get_string(obj, doc, "", "sha256", 0, 64, &s, err)) !=
	    TEEC_OK)
		return rc;
	if (!is_lower_hex(s, 64) || hex_decode_exact(s, 64, out, 32) != 0)
		return teec_errf(err, TEEC_FAIL,
		    "%s: sha256: expected 64 lower-case hex digits", doc);
	return TEEC_OK;
}

static int
parse_object(const char *doc, const uint8_t *p, size_t n, cJSON **root,
    struct teec_err *err)
{
	int rc;

	*root = NULL;
	if (p == NULL && n > 0)
		return teec_errf(err, TEEC_ERROR, "%s: no payload", doc);
	if (n > TEEC_MAX_PROTO_JSON_BYTES)
		return teec_errf(err, TEEC_FAIL,
		    "%s: payload of %zu bytes exceeds the limit of %u bytes",
		    doc, n, TEEC_MAX_PROTO_JSON_BYTES);
	if ((rc = json_parse_strict(doc, p != NULL ? p : (const uint8_t *)"",
	    n, 1, root, err)) != TEEC_OK)
		return rc;
	if ((rc = json_want_object(*root, doc, "", err)) != TEEC_OK) {
		cJSON_Delete(*root);
		*root = NULL;
	}
	return rc;
}

int
proto_source_begin_decode(const uint8_t *p, size_t n,
    struct proto_source_begin *s, struct teec_err *err)
{
	static const char *const keys[] = { "size", "sha256", "commit",
	    "source_date_epoch", "timeout", NULL };
	cJSON *root = NULL;
	const char *commit;
	int64_t v;
	int rc;

	memset(s, 0, sizeof(*s));
	if ((rc = parse_object(DOC_SOURCE, p, n, &root, err)) != TEEC_OK)
		goto out;
	if ((rc = json_only_keys(root, keys, DOC_SOURCE, "", err)) != TEEC_OK)
		goto out;
	if ((rc = json_get_int(root, DOC_SOURCE, "", "size", 0, 0,
	    (int64_t)TEEC_MAX_SOURCE_BYTES, &v, err)) != TEEC_OK)
		goto out;
	s->size = (uint64_t)v;
	if ((rc = get_sha256(root, DOC_SOURCE, s->sha256, err)) != TEEC_OK)
		goto out;
	if ((rc = json_get_string(root, DOC_SOURCE, "", "commit",
	    JSON_OPTIONAL, 64, &commit, err)) != TEEC_OK)
		goto out;
	if (commit != NULL) {
		if (!commit_ok(commit)) {
			rc = teec_errf(err, TEEC_FAIL, "%s: commit: expected 40 "
			    "or 64 lower-case hex digits", DOC_SOURCE);
			goto out;
		}
		memcpy(s->commit, commit, strlen(commit) + 1);
		s->has_commit = 1;
	}
	if ((rc = json_get_int(root, DOC_SOURCE, "", "source_date_epoch", 0, 0,
	    PROTO_MAX_EPOCH, &s->source_date_epoch, err)) != TEEC_OK)
		goto out;
	v = -1;
	if ((rc = json_get_int(root, DOC_SOURCE, "", "timeout", JSON_OPTIONAL,
	    TEEC_TIMEOUT_MIN, TEEC_TIMEOUT_MAX, &v, err)) != TEEC_OK)
		goto out;
	if (v != -1) {
		s->timeout = (unsigned int)v;
		s->has_timeout = 1;
	}
	rc = TEEC_OK;
out:
	/* json_* report a refused value as TEEC_FAIL already. */
	cJSON_Delete(root);
	if (rc != TEEC_OK)
		memset(s, 0, sizeof(*s));
	return rc;
}

int
proto_source_begin_encode(const struct proto_source_begin *s,
    struct buf *out, struct teec_err *err)
{
	char hex[65];

	buf_init(out, TEEC_MAX_PROTO_JSON_BYTES);
	if (s->size > TEEC_MAX_SOURCE_BYTES)
		return teec_errf(err, TEEC_ERROR, "%s: size %" PRIu64 " exceeds "
		    "the limit of %llu bytes", DOC_SOURCE, s->size,
		    (unsigned long long)TEEC_MAX_SOURCE_BYTES);
	if (s->has_commit && !commit_ok(s->commit))
		return teec_errf(err, TEEC_ERROR, "%s: commit: expected 40 or "
		    "64 lower-case hex digits", DOC_SOURCE);
	if (s->source_date_epoch < 0 || s->source_date_epoch > PROTO_MAX_EPOCH)
		return teec_errf(err, TEEC_ERROR, "%s: source_date_epoch out "
		    "of range", DOC_SOURCE);
	if (s->has_timeout && (s->timeout < TEEC_TIMEOUT_MIN ||
	    s->timeout > TEEC_TIMEOUT_MAX))
		return teec_errf(err, TEEC_ERROR, "%s: timeout: expected 1 to "
		    "%u seconds", DOC_SOURCE, TEEC_TIMEOUT_MAX);
	hex_encode(s->sha256, 32, hex);
	if (buf_printf(out, "{\"size\":%" PRIu64 ",\"sha256\":\"%s\"", s->size,
	    hex) == -1 ||
	    (s->has_commit && buf_printf(out, ",\"commit\":\"%s\"",
	    s->commit) == -1) ||
	    buf_printf(out, ",\"source_date_epoch\":%lld",
	    (long long)s->source_date_epoch) == -1 ||
	    (s->has_timeout && buf_printf(out, ",\"timeout\":%u",
	    s->timeout) == -1) ||
	    buf_putc(out, '}') == -1) {
		buf_free(out);
		return teec_errf(err, TEEC_ERROR, "%s: out of memory",
		    DOC_SOURCE);
	}
	return TEEC_OK;
}

int
proto_bundle_begin_decode(const uint8_t *p, size_t n,
    struct proto_bundle_begin *b, struct teec_err *err)
{
	static const char *const keys[] = { "size", "sha256", NULL };
	cJSON *root = NULL;
	int64_t v;
	int rc;

	memset(b, 0, sizeof(*b));
	if ((rc = parse_object(DOC_BUNDLE, p, n, &root, err)) != TEEC_OK)
		goto out;
	if ((rc = json_only_keys(root, keys, DOC_BUNDLE, "", err)) != TEEC_OK)
		goto out;
	if ((rc = json_get_int(root, DOC_BUNDLE, "", "size", 0, 1,
	    (int64_t)TEEC_MAX_BUNDLE_BYTES, &v, err)) != TEEC_OK)
		goto out;
	b->size = (uint64_t)v;
	rc = get_sha256(root, DOC_BUNDLE, b->sha256, err);
out:
	cJSON_Delete(root);
	if (rc != TEEC_OK)
		memset(b, 0, sizeof(*b));
	return rc;
}

int
proto_bundle_begin_encode(const struct proto_bundle_begin *b,
    struct buf *out, struct teec_err *err)
{
	char hex[65];

	buf_init(out, TEEC_MAX_PROTO_JSON_BYTES);
	if (b->size == 0 || b->size > TEEC_MAX_BUNDLE_BYTES)
		return teec_errf(err, TEEC_ERROR, "%s: size %" PRIu64 " is not "
		    "from 1 to %llu bytes", DOC_BUNDLE, b->size,
		    (unsigned long long)TEEC_MAX_BUNDLE_BYTES);
	hex_encode(b->sha256, 32, hex);
	if (buf_printf(out, "{\"size\":%" PRIu64 ",\"sha256\":\"%s\"}", b->size,
	    hex) == -1) {
		buf_free(out);
		return teec_errf(err, TEEC_ERROR, "%s: out of memory",
		    DOC_BUNDLE);
	}
	return TEEC_OK;
}

const char *
proto_error_name(unsigned int code)
{
	switch (code) {
	case FRAME_ERR_PROTOCOL:
		return "PROTOCOL";
	case FRAME_ERR_INPUT:
		return "INPUT";
	case FRAME_ERR_BUILD:
		return "BUILD";
	case FRAME_ERR_INTERNAL:
		return "INTERNAL";
	default:
		return "UNKNOWN";
	}
}

int
proto_error_exit(const struct frame_error *fe)
{
	size_t plen = strlen(PROTO_RECIPE_PREFIX);

	switch (fe->code) {
	case FRAME_ERR_INPUT:
		if (strncmp(fe->msg, PROTO_RECIPE_PREFIX, plen) == 0 &&
		    (fe->msg[plen] == ':' || fe->msg[plen] == '\0'))
			return TEEC_ERROR;
		return TEEC_FAIL;
	case FRAME_ERR_BUILD:
		return TEEC_FAIL;
	default:
		return TEEC_ERROR;
	}
}

/* The UPSTREAM_CA frame carries the whole bundle in one payload. */
_Static_assert(TEEC_MAX_UPSTREAM_CA_BYTES <= TEEC_MAX_FRAME_PAYLOAD,
    "an UPSTREAM_CA payload must fit one frame");
_Static_assert(TEEC_MAX_NET_RELAY >= 5 + PROTO_RELAY_PATH_MAX,
    "a NET_RELAY payload must hold any unix path");

#define DOC_RELAY "NET_RELAY"
#define DOC_OPEN "NET_OPEN"

/*
 * A decimal number of at most max, without sign or leading zeros, that
 * is exactly the n bytes at p. 0, or -1.
 */
static int
parse_decimal(const uint8_t *p, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 10 || (p[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int
proto_relay_encode(const struct proto_relay *r,
    char out[TEEC_MAX_NET_RELAY + 1], struct teec_err *err)
{
	size_t i, n;

	out[0] = '\0';
	switch (r->kind) {
	case PROTO_RELAY_VSOCK:
		if (r->port == 0 || r->port > PROTO_RELAY_VSOCK_PORT_MAX)
			return teec_errf(err, TEEC_ERROR, "%s: vsock port %u "
			    "out of range", DOC_RELAY, r->port);
		snprintf(out, TEEC_MAX_NET_RELAY + 1, "vsock:%u", r->port);
		return TEEC_OK;
	case PROTO_RELAY_UNIX:
		n = strnlen(r->path, sizeof(r->path));
		if (n < 2 || n >= sizeof(r->path) || r->path[0] != '/')
			return teec_errf(err, TEEC_ERROR, "%s: a unix socket "
			    "path must be absolute and shorter than %u bytes",
			    DOC_RELAY, PROTO_RELAY_PATH_MAX);
		for (i = 0; i < n; i++)
			if (r->path[i] < 0x20 || r->path[i] > 0x7e)
				return teec_errf(err, TEEC_ERROR, "%s: the unix "
				    "socket path is not printable ASCII",
				    DOC_RELAY);
		snprintf(out, TEEC_MAX_NET_RELAY + 1, "unix:%s", r->path);
		return TEEC_OK;
	default:
		return teec_errf(err, TEEC_ERROR, "%s: unknown kind",
		    DOC_RELAY);
	}
}

int
proto_relay_decode(const uint8_t *p, size_t n, struct proto_relay *r,
    struct teec_err *err)
{
	uint64_t v;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (p == NULL && n > 0)
		return teec_errf(err, TEEC_ERROR, "%s: no payload", DOC_RELAY);
	if (n > TEEC_MAX_NET_RELAY)
		return teec_errf(err, TEEC_FAIL, "%s: payload of %zu bytes "
		    "exceeds the limit of %u bytes", DOC_RELAY, n,
		    TEEC_MAX_NET_RELAY);
	if (n > 6 && memcmp(p, "vsock:", 6) == 0) {
		if (parse_decimal(p + 6, n - 6, PROTO_RELAY_VSOCK_PORT_MAX,
		    &v) == -1)
			return teec_errf(err, TEEC_FAIL, "%s: vsock: expected a "
			    "port from 1 to %u", DOC_RELAY,
			    PROTO_RELAY_VSOCK_PORT_MAX);
		r->kind = PROTO_RELAY_VSOCK;
		r->port = (uint32_t)v;
		return TEEC_OK;
	}
	if (n > 5 && memcmp(p, "unix:", 5) == 0) {
		p += 5;
		n -= 5;
		if (n < 2 || n >= sizeof(r->path) || p[0] != '/')
			return teec_errf(err, TEEC_FAIL, "%s: unix: expected an "
			    "absolute path shorter than %u bytes", DOC_RELAY,
			    PROTO_RELAY_PATH_MAX);
		for (i = 0; i < n; i++)
			if (p[i] < 0x20 || p[i] > 0x7e)
				return teec_errf(err, TEEC_FAIL, "%s: unix: byte "
				    "%zu of the path is not printable ASCII",
				    DOC_RELAY, i);
		memcpy(r->path, p, n);
		r->path[n] = '\0';
		r->kind = PROTO_RELAY_UNIX;
		return TEEC_OK;
	}
	memset(r, 0, sizeof(*r));
	return teec_errf(err, TEEC_FAIL, "%s: expected \"vsock:PORT\" or "
	    "\"unix:PATH\"", DOC_RELAY);
}

int
proto_net_open_encode(const char *host, uint16_t port,
    char out[TEEC_MAX_NET_OPEN + 1], struct teec_err *err)
{
	char canon[TEEC_MAX_HOSTNAME + 1];
	const char *why = NULL;
	size_t n = strlen(host);

	out[0] = '\0';
	if (policy_host_canon(host, n, canon, &why) == -1 ||
	    strcmp(canon, host) != 0)
		return teec_errf(err, TEEC_ERROR, "%s: host is not canonical%s%s",
		    DOC_OPEN, why != NULL ? ": " : "", why != NULL ? why : "");
	if (port == 0)
		return teec_errf(err, TEEC_ERROR, "%s: port 0", DOC_OPEN);
	snprintf(out, TEEC_MAX_NET_OPEN + 1, "%s:%u", host, port);
	return TEEC_OK;
}

int
proto_net_open_decode(const uint8_t *p, size_t n,
    char host[TEEC_MAX_HOSTNAME + 1], uint16_t *port, struct teec_err *err)
{
	char canon[TEEC_MAX_HOSTNAME + 1];
	const char *why = NULL;
	uint64_t v;
	size_t colon;

	host[0] = '\0';
	*port = 0;
	if (p == NULL && n > 0)
		return teec_errf(err, TEEC_ERROR, "%s: no payload", DOC_OPEN);
	if (n > TEEC_MAX_NET_OPEN)
		return teec_errf(err, TEEC_FAIL, "%s: payload of %zu bytes "
		    "exceeds the limit of %u bytes", DOC_OPEN, n,
		    TEEC_MAX_NET_OPEN);
	for (colon = n; colon > 0 && p[colon - 1] != ':'; colon--)
		;
	if (colon == 0)
		return teec_errf(err, TEEC_FAIL, "%s: expected HOST:PORT",
		    DOC_OPEN);
	colon--;
	if (parse_decimal(p + colon + 1, n - colon - 1, 65535, &v) == -1)
		return teec_errf(err, TEEC_FAIL, "%s: expected a port from 1 "
		    "to 65535", DOC_OPEN);
	if (colon == 0 || colon > TEEC_MAX_HOSTNAME ||
	    policy_host_canon((const char *)p, colon, canon, &why) == -1)
		return teec_errf(err, TEEC_FAIL, "%s: host: %s", DOC_OPEN,
		    why != NULL ? why : "empty or too long");
	/* Canonical on the wire: the same bytes as its canonical form. */
	if (strlen(canon) != colon || memcmp(canon, p, colon) != 0)
		return teec_errf(err, TEEC_FAIL, "%s: host is not in canonical "
		    "form (lower case)", DOC_OPEN);
	memcpy(host, canon, colon + 1);
	*port = (uint16_t)v;
	return TEEC_OK;
}

void
proto_net_reply_encode(uint8_t status, const char *reason,
    uint8_t out[1 + TEEC_MAX_NET_REASON], size_t *outlen)
{
	size_t i, n = reason != NULL ? strlen(reason) : 0;

	out[0] = status;
	if (status == PROTO_NET_OK || n > TEEC_MAX_NET_REASON)
		n = status == PROTO_NET_OK ? 0 : TEEC_MAX_NET_REASON;
	for (i = 0; i < n; i++)
		out[1 + i] = reason[i] >= 0x20 && reason[i] <= 0x7e ?
		    (uint8_t)reason[i] : '?';
	*outlen = 1 + n;
}

int
proto_net_reply_decode(const uint8_t *p, size_t n, uint8_t *status,
    char reason[TEEC_MAX_NET_REASON + 1], struct teec_err *err)
{
	size_t i;

	reason[0] = '\0';
	*status = 0;
	if (p == NULL || n < 1)
		return teec_errf(err, TEEC_FAIL, "%s reply: empty", DOC_OPEN);
	if (n > 1 + TEEC_MAX_NET_REASON)
		return teec_errf(err, TEEC_FAIL, "%s reply: %zu bytes exceed "
		    "the limit of %u", DOC_OPEN, n, 1 + TEEC_MAX_NET_REASON);
	if (p[0] > PROTO_NET_STATUS_MAX)
		return teec_errf(err, TEEC_FAIL, "%s reply: unknown status %u",
		    DOC_OPEN, p[0]);
	if (p[0] == PROTO_NET_OK && n != 1)
		return teec_errf(err, TEEC_FAIL, "%s reply: a reason after ok",
		    DOC_OPEN);
	for (i = 1; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return teec_errf(err, TEEC_FAIL, "%s reply: byte %zu of "
			    "the reason is not printable ASCII", DOC_OPEN, i);
	memcpy(reason, p + 1, n - 1);
	reason[n - 1] = '\0';
	*status = p[0];
	return TEEC_OK;
}

const char *
proto_net_status_name(unsigned int status)
{
	static const char *const names[] = {
		[PROTO_NET_OK] = "ok",
		[PROTO_NET_NOT_ALLOWED] = "not allowed",
		[PROTO_NET_DIAL_FAILED] = "dial failed",
		[PROTO_NET_TIMEOUT] = "timeout",
		[PROTO_NET_BUSY] = "busy",
		[PROTO_NET_BAD_REQUEST] = "bad request",
	};

	if (status > PROTO_NET_STATUS_MAX)
		return "unknown";
	return names[status];
}

/* SPDX-License-Identifier: ISC */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/encode.h"
#include "common/json.h"
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

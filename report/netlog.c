/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/caps.h"
#include "common/encode.h"
#include "common/json.h"
#include "report/netlog.h"

#define DOC "network.jsonl"

int
netlog_append(struct buf *out, size_t seq, const struct netlog_entry *e,
    struct teec_err *err)
{
	const struct report_dep *d = e->dep;
	struct buf line;
	char hex[65];
	int bad = 0, rc = TEEC_ERROR;

	buf_init(&line, TEEC_MAX_NET_LINE);
	if (d == NULL || d->uri == NULL || d->method == NULL || e->conn == 0 ||
	    (d->refused && d->reason == NULL) ||
	    (!d->refused && (!d->has_sha256 || d->status < 100 ||
	    d->status > 599 || d->size < 0 || (e->req_size > 0 &&
	    e->req_sha256 == NULL)))) {
		teec_errf(err, TEEC_ERROR, DOC ": cannot write line %zu: "
		    "incomplete entry", seq);
		goto out;
	}
	bad |= buf_printf(&line, "{\"seq\":%zu,\"conn\":%llu,\"tls\":%s,"
	    "\"method\":", seq, (unsigned long long)e->conn,
	    e->tls ? "true" : "false");
	bad |= json_buf_string(&line, d->method, strlen(d->method));
	bad |= buf_printf(&line, ",\"uri\":");
	bad |= json_buf_string(&line, d->uri, strlen(d->uri));
	if (d->refused) {
		bad |= buf_printf(&line, ",\"refused\":true,\"reason\":");
		bad |= json_buf_string(&line, d->reason, strlen(d->reason));
	} else {
		hex_encode(d->sha256, 32, hex);
		bad |= buf_printf(&line, ",\"status\":%lld,\"size\":%lld,"
		    "\"sha256\":\"%s\",\"requestSize\":%llu",
		    (long long)d->status, (long long)d->size, hex,
		    (unsigned long long)e->req_size);
		if (e->req_size > 0) {
			hex_encode(e->req_sha256, 32, hex);
			bad |= buf_printf(&line, ",\"requestSha256\":\"%s\"",
			    hex);
		}
	}
	bad |= buf_printf(&line, "}\n");
	if (bad != 0) {
		teec_errf(err, TEEC_ERROR, DOC ": cannot write line %zu: longer "
		    "than %u bytes or not UTF-8", seq, TEEC_MAX_NET_LINE);
		goto out;
	}
	if (buf_append(out, line.data, line.len) == -1) {
		teec_errf(err, TEEC_ERROR, DOC ": larger than its cap");
		goto out;
	}
	rc = TEEC_OK;
out:
	buf_free(&line);
	return rc;
}

static int
differs(struct teec_err *err, size_t seq, const char *what)
{
	return teec_errf(err, TEEC_FAIL, DOC ": line %zu: %s differs from "
	    "resolvedDependencies' network entry %zu", seq, what, seq);
}

/* 64 lower-case hex digits. */
static int
sha_hex(const char *s, uint8_t out[32])
{
	size_t i;

	if (strlen(s) != 64)
		return -1;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	return hex_decode_exact(s, 64, out, 32);
}

int
netlog_check_line(const uint8_t *p, size_t n, size_t seq,
    const struct report_dep *d, struct teec_err *err)
{
	static const char *const fetched[] = { "seq", "conn", "tls", "method",
	    "uri", "status", "size", "sha256", "requestSize", "requestSha256",
	    NULL };
	static const char *const refused[] = { "seq", "conn", "tls", "method",
	    "uri", "refused", "reason", NULL };
	cJSON *root = NULL;
	const cJSON *rv;
	const char *s;
	char path[48], sub[64], what[64];
	uint8_t sha[32];
	int64_t v;
	int b, is_refused = 0, rc;

	snprintf(path, sizeof(path), "line %zu", seq);
	if (n > TEEC_MAX_NET_LINE) {
		rc = teec_errf(err, TEEC_FAIL, DOC ": %s: longer than %u bytes",
		    path, TEEC_MAX_NET_LINE);
		goto out;
	}
	snprintf(what, sizeof(what), DOC " line %zu", seq);
	snprintf(sub, sizeof(sub), "line %zu.refused", seq);
	if ((rc = json_parse_strict(what, p, n, 1, &root, err)) != TEEC_OK ||
	    (rc = json_want_object(root, DOC, path, err)) != TEEC_OK)
		goto out;
	if ((rv = cJSON_GetObjectItemCaseSensitive(root, "refused")) != NULL) {
		if ((rc = json_want_bool(rv, DOC, sub, &is_refused,
		    err)) != TEEC_OK)
			goto out;
		if (!is_refused) {
			rc = teec_errf(err, TEEC_FAIL, DOC ": %s.refused: "
			    "expected true (absent when not refused)", path);
			goto out;
		}
	}
	if ((rc = json_only_keys(root, is_refused ? refused : fetched, DOC,
	    path, err)) != TEEC_OK)
		goto out;
	if ((rc = json_get_int(root, DOC, path, "seq", 0, 0, JSON_INT_LIMIT,
	    &v, err)) != TEEC_OK)
		goto out;
	if ((uint64_t)v != seq) {
		rc = teec_errf(err, TEEC_FAIL, DOC ": %s.seq: expected %zu",
		    path, seq);
		goto out;
	}
	if ((rc = json_get_int(root, DOC, path, "conn", 0, 1, JSON_INT_LIMIT,
	    &v, err)) != TEEC_OK ||
	    (rc = json_get_bool(root, DOC, path, "tls", 0, &b, err)) !=
	    TEEC_OK)
		goto out;
	if ((rc = json_get_string(root, DOC, path, "method", 0,
	    TEEC_MAX_HTTP_METHOD, &s, err)) != TEEC_OK)
		goto out;
	if (d == NULL) {
		rc = teec_errf(err, TEEC_FAIL, DOC ": %s: the report has no "
		    "network entry %zu", path, seq);
		goto out;
	}
	if (d->method == NULL || strcmp(s, d->method) != 0) {
		rc = differs(err, seq, "method");
		goto out;
	}
	if ((rc = json_get_string(root, DOC, path, "uri", 0, TEEC_MAX_URI, &s,
	    err)) != TEEC_OK)
		goto out;
	if (d->uri == NULL || strcmp(s, d->uri) != 0) {
		rc = differs(err, seq, "uri");
		goto out;
	}
	if (is_refused != d->refused) {
		rc = differs(err, seq, "refused");
		goto out;
	}
	if (is_refused) {
		if ((rc = json_get_string(root, DOC, path, "reason", 0,
		    TEEC_MAX_REPORT_TEXT, &s, err)) != TEEC_OK)
			goto out;
		if (d->reason == NULL || strcmp(s, d->reason) != 0)
			rc = differs(err, seq, "reason");
		goto out;
	}
	if ((rc = json_get_int(root, DOC, path, "status", 0, 100, 599, &v,
	    err)) != TEEC_OK)
		goto out;
	if (v != d->status) {
		rc = differs(err, seq, "status");
		goto out;
	}
	if ((rc = json_get_int(root, DOC, path, "size", 0, 0, JSON_INT_LIMIT,
	    &v, err)) != TEEC_OK)
		goto out;
	if (v != d->size) {
		rc = differs(err, seq, "size");
		goto out;
	}
	if ((rc = json_get_string(root, DOC, path, "sha256", 0, 0, &s, err)) !=
	    TEEC_OK)
		goto out;
	if (sha_hex(s, sha) == -1) {
		rc = teec_errf(err, TEEC_FAIL, DOC ": %s.sha256: not 64 "
		    "lower-case hex digits", path);
		goto out;
	}
	if (!d->has_sha256 || CRYPTO_memcmp(sha, d->sha256, 32) != 0) {
		rc = differs(err, seq, "sha256");
		goto out;
	}
	if ((rc = json_get_int(root, DOC, path, "requestSize", 0, 0,
	    JSON_INT_LIMIT, &v, err)) != TEEC_OK ||
	    (rc = json_get_string(root, DOC, path, "requestSha256",
	    JSON_OPTIONAL, 0, &s, err)) != TEEC_OK)
		goto out;
	if ((v > 0) != (s != NULL)) {
		rc = teec_errf(err, TEEC_FAIL, DOC ": %s.requestSha256: present "
		    "exactly when requestSize is not 0", path);
		goto out;
	}
	if (s != NULL && sha_hex(s, sha) == -1) {
		rc = teec_errf(err, TEEC_FAIL, DOC ": %s.requestSha256: not 64 "
		    "lower-case hex digits", path);
		goto out;
	}
	rc = TEEC_OK;
out:
	cJSON_Delete(root);
	return rc;
}

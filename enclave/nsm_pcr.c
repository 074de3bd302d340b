/* SPDX-License-Identifier: ISC */
/*
 * The NSM's DescribePCR request and response (aws-nitro-enclaves-nsm-api
 * src/api/mod.rs: Request::DescribePCR { index: u16 },
 * Response::DescribePCR { lock: bool, data: Vec<u8> as serde_bytes }),
 * CBOR-encoded as serde does an externally tagged enum (RFC 8949). The
 * decoder accepts only what teec asks for: the PCR of a SHA-384 bank.
 */
#include <string.h>

#include "common/caps.h"
#include "common/cbor.h"
#include "enclave/nsm.h"

#define VARIANT "DescribePCR"

int
nsm_dev_encode_describe_pcr(uint16_t index, struct buf *req,
    struct teec_err *err)
{
	struct buf m;
	int rc = TEEC_ERROR;

	buf_init(&m, TEEC_NSM_REQUEST_MAX);
	if (cbor_put_head(&m, CBOR_MAP, 1) == -1 ||
	    cbor_put_text(&m, VARIANT) == -1 ||
	    cbor_put_head(&m, CBOR_MAP, 1) == -1 ||
	    cbor_put_text(&m, "index") == -1 ||
	    cbor_put_uint(&m, index) == -1 ||
	    buf_append(req, m.data, m.len) == -1) {
		teec_errf(err, TEEC_ERROR, "NSM request buffer too small");
		goto out;
	}
	rc = TEEC_OK;
out:
	buf_free(&m);
	return rc;
}

static int
is(const struct buf *b, const char *s)
{
	return b->len == strlen(s) && memcmp(b->data, s, b->len) == 0;
}

/* A text string of at most TEEC_MAX_NSM_NAME bytes into b (reset). */
static int
read_name(struct cbor_cur *c, struct buf *b)
{
	struct cbor_head h;

	b->len = 0;
	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_TEXT)
		return -1;
	return cbor_read_string(c, &h, TEEC_MAX_NSM_NAME, b);
}

/* A name safe to show: [A-Za-z0-9_]+. */
static int
is_ident(const struct buf *b)
{
	size_t i;

	if (b->len == 0)
		return 0;
	for (i = 0; i < b->len; i++) {
		uint8_t ch = b->data[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_'))
			return 0;
	}
	return 1;
}

static int
malformed(struct teec_err *err, const char *what)
{
	return teec_errf(err, TEEC_ERROR, "malformed NSM DescribePCR "
	    "response: %s", what);
}

/* The value of {"DescribePCR": {...}}: lock and data, once each. */
static int
decode_fields(struct cbor_cur *c, struct buf *name, int *lock,
    uint8_t data[NITRO_PCR_BYTES], struct teec_err *err)
{
	struct cbor_head h, v;
	struct buf bytes;
	uint64_t i;
	int seen_lock = 0, seen_data = 0, rc = TEEC_ERROR;

	buf_init(&bytes, NITRO_PCR_BYTES);
	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_MAP) {
		malformed(err, "DescribePCR is not a map");
		goto out;
	}
	for (i = 0;; i++) {
		if (!h.indef && i == h.arg)
			break;
		if (i >= TEEC_MAX_CBOR_ITEMS) {
			malformed(err, "too many fields");
			goto out;
		}
		if (h.indef && cbor_peek(c) == 0xff) {
			c->off++;
			break;
		}
		if (read_name(c, name) == -1) {
			malformed(err, "bad field name");
			goto out;
		}
		if (cbor_read_head(c, &v) == -1 || v.is_break) {
			malformed(err, "truncated field");
			goto out;
		}
		if (is(name, "lock")) {
			if (seen_lock++) {
				malformed(err, "duplicate lock");
				goto out;
			}
			if (v.major != CBOR_SIMPLE || v.is_float ||
			    (v.arg != CBOR_TRUE && v.arg != CBOR_FALSE)) {
				malformed(err, "lock is not a boolean");
				goto out;
			}
			*lock = v.arg == CBOR_TRUE;
		} else if (is(name, "data")) {
			if (seen_data++) {
				malformed(err, "duplicate data");
				goto out;
			}
			/* Definite and exactly one SHA-384 value long. */
			if (v.major != CBOR_BYTES || v.indef ||
			    v.arg != NITRO_PCR_BYTES) {
				teec_errf(err, TEEC_ERROR, "malformed NSM "
				    "DescribePCR response: data is not a "
				    "%u-byte string", NITRO_PCR_BYTES);
				goto out;
			}
			if (cbor_read_string(c, &v, NITRO_PCR_BYTES,
			    &bytes) == -1) {
				malformed(err, "truncated data");
				goto out;
			}
		} else if (cbor_skip(c, &v, TEEC_MAX_CBOR_DEPTH,
		    TEEC_MAX_CBOR_ITEMS) == -1) {
			malformed(err, "bad field value");
			goto out;
		}
	}
	if (!seen_lock || !seen_data) {
		malformed(err, !seen_lock ? "no lock" : "no data");
		goto out;
	}
	memcpy(data, bytes.data, NITRO_PCR_BYTES);
	rc = TEEC_OK;
out:
	buf_free(&bytes);
	return rc;
}

int
nsm_dev_decode_describe_pcr(const uint8_t *resp, size_t n, int *lock,
    uint8_t data[NITRO_PCR_BYTES], struct teec_err *err)
{
	struct cbor_cur c;
	struct cbor_head h;
	struct buf name;
	uint8_t pcr[NITRO_PCR_BYTES];
	const char *what;
	int locked = 0, rc = TEEC_ERROR;

	buf_init(&name, TEEC_MAX_NSM_NAME);
	if (n == 0) {
		teec_errf(err, TEEC_ERROR, "empty NSM response");
		goto out;
	}
	if (n > TEEC_NSM_RESPONSE_MAX) {
		teec_errf(err, TEEC_ERROR, "NSM response larger than %u bytes",
		    TEEC_NSM_RESPONSE_MAX);
		goto out;
	}
	cbor_cur_init(&c, resp, n);
	if (cbor_read_head(&c, &h) == -1) {
		malformed(err, "truncated");
		goto out;
	}
	if (h.major != CBOR_MAP || (!h.indef && h.arg != 1)) {
		teec_errf(err, TEEC_ERROR, "unexpected NSM response: not a "
		    "single-entry map");
		goto out;
	}
	if (read_name(&c, &name) == -1) {
		malformed(err, "bad variant name");
		goto out;
	}
	if (is(&name, "Error")) {
		if (read_name(&c, &name) == -1)
			teec_errf(err, TEEC_ERROR, "malformed NSM error "
			    "response");
		else if ((what = nsm_dev_error_what(name.data, name.len)) !=
		    NULL)
			teec_errf(err, TEEC_ERROR, "NSM DescribePCR failed: "
			    "%s (%s)", name.data, what);
		else
			teec_errf(err, TEEC_ERROR, "NSM DescribePCR failed "
			    "with an unknown error code");
		goto out;
	}
	if (!is(&name, VARIANT)) {
		if (is_ident(&name))
			teec_errf(err, TEEC_ERROR, "unexpected NSM response %s "
			    "to a DescribePCR request", name.data);
		else
			teec_errf(err, TEEC_ERROR, "unexpected NSM response "
			    "to a DescribePCR request");
		goto out;
	}
	if (decode_fields(&c, &name, &locked, pcr, err) != TEEC_OK)
		goto out;
	if (h.indef && (cbor_read_head(&c, &h) == -1 || !h.is_break)) {
		malformed(err, "no break, or more than one variant");
		goto out;
	}
	if (cbor_left(&c) != 0) {
		teec_errf(err, TEEC_ERROR, "malformed NSM DescribePCR response: "
		    "%zu trailing bytes", cbor_left(&c));
		goto out;
	}
	*lock = locked;
	memcpy(data, pcr, NITRO_PCR_BYTES);
	rc = TEEC_OK;
out:
	buf_free(&name);
	return rc;
}

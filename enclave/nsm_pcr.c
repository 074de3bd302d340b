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
malformed(struct teec_err *err, const char *what)
{
	return teec_errf(err, TEEC_ERROR, "malformed NSM DescribePCR "
	    "response: %s", what);
}

struct pcr_out {
	int lock;
	uint8_t data[NITRO_PCR_BYTES];
};

/* The value of {"DescribePCR": {...}}: lock and data, once each. */
static int
decode_fields(struct cbor_cur *c, struct buf *name, void *arg,
    struct teec_err *err)
{
	struct pcr_out *o = arg;
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
		if (nsm_dev_read_name(c, name) == -1) {
			malformed(err, "bad field name");
			goto out;
		}
		if (cbor_read_head(c, &v) == -1 || v.is_break) {
			malformed(err, "truncated field");
			goto out;
		}
		if (nsm_dev_name_is(name, "lock")) {
			if (seen_lock++) {
				malformed(err, "duplicate lock");
				goto out;
			}
			if (v.major != CBOR_SIMPLE || v.is_float ||
			    (v.arg != CBOR_TRUE && v.arg != CBOR_FALSE)) {
				malformed(err, "lock is not a boolean");
				goto out;
			}
			o->lock = v.arg == CBOR_TRUE;
		} else if (nsm_dev_name_is(name, "data")) {
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
	memcpy(o->data, bytes.data, NITRO_PCR_BYTES);
	rc = TEEC_OK;
out:
	buf_free(&bytes);
	return rc;
}

int
nsm_dev_decode_describe_pcr(const uint8_t *resp, size_t n, int *lock,
    uint8_t data[NITRO_PCR_BYTES], struct teec_err *err)
{
	struct pcr_out o;

	memset(&o, 0, sizeof(o));
	if (nsm_dev_decode_response(resp, n, VARIANT, decode_fields, &o,
	    err) != TEEC_OK)
		return TEEC_ERROR;
	*lock = o.lock;
	memcpy(data, o.data, NITRO_PCR_BYTES);
	return TEEC_OK;
}

/* SPDX-License-Identifier: ISC */
/*
 * Strict decoding of AWS Nitro attestation documents.
 *
 * Accepts only what teec needs: a COSE_Sign1 with ES384, and the
 * AttestationDocument payload of the AWS specification. References:
 * RFC 8949 (CBOR), RFC 9052 section 4.2 (COSE_Sign1), RFC 9053 section 2.1
 * (ES384 = -35), aws-nitro-enclaves-nsm-api docs/attestation_process.md
 * section 2 (payload fields and their bounds).
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/caps.h"
#include "common/cbor.h"
#include "common/encode.h"
#include "common/utf8.h"
#include "verify/nitro.h"

#define COSE_TAG_SIGN1  18      /* RFC 9052 section 2 */
#define COSE_HDR_ALG    1       /* RFC 9052 section 3.1 */
#define COSE_ALG_ES384  (-35)   /* RFC 9053 section 2.1 */

/* AttestationDocument keys, in the order the NSM emits them. */
enum {
	K_MODULE_ID, K_DIGEST, K_TIMESTAMP, K_PCRS, K_CERTIFICATE, K_CABUNDLE,
	K_PUBLIC_KEY, K_USER_DATA, K_NONCE, K__COUNT
};
static const char *const payload_keys[K__COUNT] = {
	"module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle",
	"public_key", "user_data", "nonce",
};

/* Read a definite or indefinite byte string of at most max bytes into a new allocation. */
static int
take_bytes(struct cbor_cur *c, const struct cbor_head *h, size_t max,
    uint8_t **out, size_t *outlen)
{
	struct buf b;

	*out = NULL;
	*outlen = 0;
	if (h->major != CBOR_BYTES)
		return -1;
	buf_init(&b, max);
	if (cbor_read_string(c, h, max, &b) == -1 ||
	    (b.data == NULL && buf_append(&b, "", 0) == -1)) {
		buf_free(&b);
		return -1;
	}
	*out = b.data;
	*outlen = b.len;
	return 0;
}

/* The protected header must be exactly the map {1: -35}. */
static int
check_protected(const uint8_t *p, size_t n)
{
	struct cbor_cur c;
	struct cbor_head h;
	int indef;

	cbor_cur_init(&c, p, n);
	if (cbor_read_head(&c, &h) == -1 || h.major != CBOR_MAP)
		return -1;
	indef = h.indef;
	if (!indef && h.arg != 1)
		return -1;
	if (cbor_read_head(&c, &h) == -1 || h.major != CBOR_UINT ||
	    h.arg != COSE_HDR_ALG)
		return -1;
	if (cbor_read_head(&c, &h) == -1 || h.major != CBOR_NINT ||
	    h.arg != (uint64_t)(-(COSE_ALG_ES384 + 1)))
		return -1;
	if (indef && (cbor_read_head(&c, &h) == -1 || !h.is_break))
		return -1;
	return cbor_left(&c) == 0 ? 0 : -1;
}

/* The unprotected header must be an empty map. */
static int
check_unprotected(struct cbor_cur *c)
{
	struct cbor_head h;

	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_MAP)
		return -1;
	if (!h.indef)
		return h.arg == 0 ? 0 : -1;
	if (cbor_read_head(c, &h) == -1 || !h.is_break)
		return -1;
	return 0;
}

void
nitro_cose_free(struct nitro_cose *c)
{
	if (c == NULL)
		return;
	free(c->prot);
	free(c->payload);
	memset(c, 0, sizeof(*c));
}

int
nitro_cose_parse(const uint8_t *p, size_t n, struct nitro_cose *c,
    struct teec_err *err)
{
	struct cbor_cur cur;
	struct cbor_head h;
	uint8_t *sig = NULL;
	size_t siglen = 0;
	int arr_indef, rc = TEEC_FAIL;

	memset(c, 0, sizeof(*c));
	if (n > TEEC_MAX_DOC_BYTES) {
		teec_errf(err, TEEC_FAIL, "document larger than %u bytes",
		    TEEC_MAX_DOC_BYTES);
		goto out;
	}
	cbor_cur_init(&cur, p, n);
	if (cbor_read_head(&cur, &h) == -1) {
		teec_errf(err, TEEC_FAIL, "not CBOR");
		goto out;
	}
	/* RFC 9052 section 4.2: COSE_Sign1_Tagged = #6.18(COSE_Sign1); AWS sends it untagged. */
	if (h.major == CBOR_TAG) {
		if (h.arg != COSE_TAG_SIGN1) {
			teec_errf(err, TEEC_FAIL, "CBOR tag %llu is not COSE_Sign1 (18)",
			    (unsigned long long)h.arg);
			goto out;
		}
		c->tagged = 1;
		if (cbor_read_head(&cur, &h) == -1) {
			teec_errf(err, TEEC_FAIL, "truncated after the COSE tag");
			goto out;
		}
	}
	if (h.major != CBOR_ARRAY || (!h.indef && h.arg != 4)) {
		teec_errf(err, TEEC_FAIL, "not a COSE_Sign1 array of 4 items");
		goto out;
	}
	arr_indef = h.indef;
	/* [0] protected: bstr .cbor header_map */
	if (cbor_read_head(&cur, &h) == -1 || h.major != CBOR_BYTES ||
	    take_bytes(&cur, &h, 64, &c->prot, &c->prot_len) == -1) {
		teec_errf(err, TEEC_FAIL, "COSE protected header is not a byte string");
		goto out;
	}
	if (check_protected(c->prot, c->prot_len) == -1) {
		teec_errf(err, TEEC_FAIL, "COSE protected header is not exactly {1: -35} (ES384)");
		goto out;
	}
	/* [1] unprotected: header_map, empty for Nitro */
	if (check_unprotected(&cur) == -1) {
		teec_errf(err, TEEC_FAIL, "COSE unprotected header is not an empty map");
		goto out;
	}
	/* [2] payload: bstr (a detached payload, nil, is not accepted) */
	if (cbor_read_head(&cur, &h) == -1 || h.major != CBOR_BYTES ||
	    take_bytes(&cur, &h, TEEC_MAX_PAYLOAD_BYTES, &c->payload,
	    &c->payload_len) == -1) {
		teec_errf(err, TEEC_FAIL, "COSE payload is not a byte string of at most %u bytes",
		    TEEC_MAX_PAYLOAD_BYTES);
		goto out;
	}
	/* [3] signature: bstr, ES384 r || s */
	if (cbor_read_head(&cur, &h) == -1 || h.major != CBOR_BYTES ||
	    take_bytes(&cur, &h, TEEC_COSE_SIG_BYTES + 1, &sig, &siglen) == -1 ||
	    siglen != TEEC_COSE_SIG_BYTES) {
		teec_errf(err, TEEC_FAIL, "COSE signature is not %u bytes",
		    TEEC_COSE_SIG_BYTES);
		goto out;
	}
	memcpy(c->sig, sig, TEEC_COSE_SIG_BYTES);
	if (arr_indef && (cbor_read_head(&cur, &h) == -1 || !h.is_break)) {
		teec_errf(err, TEEC_FAIL, "COSE_Sign1 array has more than 4 items");
		goto out;
	}
	if (cbor_left(&cur) != 0) {
		teec_errf(err, TEEC_FAIL, "%zu trailing bytes after the COSE_Sign1",
		    cbor_left(&cur));
		goto out;
	}
	rc = TEEC_OK;
out:
	free(sig);
	if (rc != TEEC_OK)
		nitro_cose_free(c);
	return rc;
}

/* Read a text map key (at most 64 bytes; longer keys are never ours). */
static int
read_key(struct cbor_cur *c, struct buf *key)
{
	struct cbor_head h;

	key->len = 0;
	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_TEXT)
		return -1;
	if (cbor_read_string(c, &h, 64, key) == -1 ||
	    (key->data == NULL && buf_append(key, "", 0) == -1))
		return -1;
	return utf8_valid(key->data, key->len) ? 0 : -1;
}

/* An optional field: null, or a byte string of 0..TEEC_MAX_OPT_FIELD bytes. */
static int
read_opt(struct cbor_cur *c, struct nitro_opt *o)
{
	struct cbor_head h;

	if (cbor_read_head(c, &h) == -1)
		return -1;
	if (h.major == CBOR_SIMPLE && !h.is_float && h.arg == CBOR_NULL) {
		o->present = 0;
		return 0;
	}
	if (h.major != CBOR_BYTES ||
	    take_bytes(c, &h, TEEC_MAX_OPT_FIELD, &o->p, &o->n) == -1)
		return -1;
	o->present = 1;
	return 0;
}

/* pcrs: map of uint 0..31 to bstr of 32, 48 or 64 bytes, 1..32 entries. */
static int
read_pcrs(struct cbor_cur *c, struct nitro_doc *d, struct teec_err *err)
{
	struct cbor_head h, k;
	struct buf v;
	uint64_t i, count;
	int indef;

	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_MAP)
		return teec_errf(err, TEEC_FAIL, "pcrs is not a map");
	indef = h.indef;
	count = h.arg;
	if (!indef && (count < 1 || count > TEEC_MAX_PCRS))
		return teec_errf(err, TEEC_FAIL, "pcrs has %llu entries, not 1..%u",
		    (unsigned long long)count, TEEC_MAX_PCRS);
	for (i = 0; indef || i < count; i++) {
		if (cbor_read_head(c, &k) == -1)
			return teec_errf(err, TEEC_FAIL, "pcrs: truncated");
		if (k.is_break && indef)
			break;
		if (i >= TEEC_MAX_PCRS)
			return teec_errf(err, TEEC_FAIL, "pcrs has more than %u entries",
			    TEEC_MAX_PCRS);
		if (k.major != CBOR_UINT || k.arg >= TEEC_MAX_PCRS)
			return teec_errf(err, TEEC_FAIL, "pcrs: index is not an integer 0..%u",
			    TEEC_MAX_PCRS - 1);
		if (d->pcr_len[k.arg] != 0)
			return teec_errf(err, TEEC_FAIL, "pcrs: duplicate index %llu",
			    (unsigned long long)k.arg);
		if (cbor_read_head(c, &h) == -1 || h.major != CBOR_BYTES)
			return teec_errf(err, TEEC_FAIL, "pcrs: PCR%llu is not a byte string",
			    (unsigned long long)k.arg);
		buf_init(&v, 64);
		if (cbor_read_string(c, &h, 64, &v) == -1 ||
		    (v.len != 32 && v.len != 48 && v.len != 64)) {
			buf_free(&v);
			return teec_errf(err, TEEC_FAIL, "pcrs: PCR%llu is not 32, 48 or 64 bytes",
			    (unsigned long long)k.arg);
		}
		memcpy(d->pcr[k.arg], v.data, v.len);
		d->pcr_len[k.arg] = v.len;
		buf_free(&v);
		d->npcrs++;
	}
	if (d->npcrs == 0)
		return teec_errf(err, TEEC_FAIL, "pcrs is empty");
	/* teec identifies the image by PCR0-2; every NSM document has them. */
	if (d->pcr_len[0] == 0 || d->pcr_len[1] == 0 || d->pcr_len[2] == 0)
		return teec_errf(err, TEEC_FAIL, "pcrs lacks PCR0, PCR1 or PCR2");
	return TEEC_OK;
}

/* cabundle: array of 1..TEEC_MAX_CHAIN_CERTS byte strings of 1..TEEC_MAX_CERT_BYTES. */
static int
read_cabundle(struct cbor_cur *c, struct nitro_doc *d, struct teec_err *err)
{
	struct cbor_head h, e;
	uint64_t i, count;
	int indef;

	if (cbor_read_head(c, &h) == -1 || h.major != CBOR_ARRAY)
		return teec_errf(err, TEEC_FAIL, "cabundle is not an array");
	indef = h.indef;
	count = h.arg;
	if (!indef && (count < 1 || count > TEEC_MAX_CHAIN_CERTS))
		return teec_errf(err, TEEC_FAIL, "cabundle has %llu entries, not 1..%u",
		    (unsigned long long)count, TEEC_MAX_CHAIN_CERTS);
	for (i = 0; indef || i < count; i++) {
		if (cbor_read_head(c, &e) == -1)
			return teec_errf(err, TEEC_FAIL, "cabundle: truncated");
		if (e.is_break && indef)
			break;
		if (i >= TEEC_MAX_CHAIN_CERTS)
			return teec_errf(err, TEEC_FAIL, "cabundle has more than %u entries",
			    TEEC_MAX_CHAIN_CERTS);
		if (e.major != CBOR_BYTES ||
		    take_bytes(c, &e, TEEC_MAX_CERT_BYTES, &d->cabundle[i],
		    &d->cabundle_len[i]) == -1 || d->cabundle_len[i] == 0)
			return teec_errf(err, TEEC_FAIL,
			    "cabundle[%llu] is not a byte string of 1..%u bytes",
			    (unsigned long long)i, TEEC_MAX_CERT_BYTES);
		d->ncabundle++;
	}
	if (d->ncabundle == 0)
		return teec_errf(err, TEEC_FAIL, "cabundle is empty");
	return TEEC_OK;
}

static int
read_field(struct cbor_cur *c, int k, struct nitro_doc *d, struct teec_err *err)
{
	struct cbor_head h;
	struct buf t;
	int rc = TEEC_FAIL;

	buf_init(&t, 0);
	switch (k) {
	case K_MODULE_ID:
		buf_init(&t, TEEC_MAX_MODULE_ID);
		if (cbor_read_head(c, &h) == -1 || h.major != CBOR_TEXT ||
		    cbor_read_string(c, &h, TEEC_MAX_MODULE_ID, &t) == -1 ||
		    t.len == 0 || !utf8_valid(t.data, t.len) ||
		    memchr(t.data, '\0', t.len) != NULL) {
			teec_errf(err, TEEC_FAIL,
			    "module_id is not a text string of 1..%u bytes",
			    TEEC_MAX_MODULE_ID);
			goto out;
		}
		d->module_id = (char *)t.data;
		d->module_id_len = t.len;
		t.data = NULL;
		break;
	case K_DIGEST:
		buf_init(&t, 16);
		if (cbor_read_head(c, &h) == -1 || h.major != CBOR_TEXT ||
		    cbor_read_string(c, &h, 16, &t) == -1 || t.len != 6 ||
		    memcmp(t.data, "SHA384", 6) != 0) {
			teec_errf(err, TEEC_FAIL, "digest is not \"SHA384\"");
			goto out;
		}
		break;
	case K_TIMESTAMP:
		if (cbor_read_head(c, &h) == -1 || h.major != CBOR_UINT ||
		    h.arg == 0) {
			teec_errf(err, TEEC_FAIL, "timestamp is not a positive integer");
			goto out;
		}
		d->timestamp_ms = h.arg;
		break;
	case K_PCRS:
		if (read_pcrs(c, d, err) != TEEC_OK)
			goto out;
		break;
	case K_CERTIFICATE:
		if (cbor_read_head(c, &h) == -1 || h.major != CBOR_BYTES ||
		    take_bytes(c, &h, TEEC_MAX_CERT_BYTES, &d->cert,
		    &d->cert_len) == -1 || d->cert_len == 0) {
			teec_errf(err, TEEC_FAIL,
			    "certificate is not a byte string of 1..%u bytes",
			    TEEC_MAX_CERT_BYTES);
			goto out;
		}
		break;
	case K_CABUNDLE:
		if (read_cabundle(c, d, err) != TEEC_OK)
			goto out;
		break;
	case K_PUBLIC_KEY:
	case K_USER_DATA:
	case K_NONCE:
		if (read_opt(c, k == K_PUBLIC_KEY ? &d->public_key :
		    k == K_USER_DATA ? &d->user_data : &d->nonce) == -1) {
			teec_errf(err, TEEC_FAIL,
			    "%s is neither null nor a byte string of 0..%u bytes",
			    payload_keys[k], TEEC_MAX_OPT_FIELD);
			goto out;
		}
		break;
	}
	rc = TEEC_OK;
out:
	buf_free(&t);
	return rc;
}

int
nitro_payload_parse(const uint8_t *p, size_t n, struct nitro_doc *d,
    struct teec_err *err)
{
	struct cbor_cur c;
	struct cbor_head h;
	struct buf key, unknown[TEEC_MAX_CBOR_ITEMS];
	unsigned seen = 0, nunknown = 0, j;
	uint64_t i, count;
	int k, indef, rc = TEEC_FAIL;

	buf_init(&key, 64);
	cbor_cur_init(&c, p, n);
	if (cbor_read_head(&c, &h) == -1 || h.major != CBOR_MAP) {
		teec_errf(err, TEEC_FAIL, "payload is not a CBOR map");
		goto out;
	}
	indef = d->payload_indefinite = h.indef;
	count = h.arg;
	if (!indef && count > TEEC_MAX_CBOR_ITEMS) {
		teec_errf(err, TEEC_FAIL, "payload map has more than %u entries",
		    TEEC_MAX_CBOR_ITEMS);
		goto out;
	}
	for (i = 0; indef || i < count; i++) {
		if (indef && cbor_peek(&c) == 0xff) {
			c.off++;
			break;
		}
		if (i >= TEEC_MAX_CBOR_ITEMS) {
			teec_errf(err, TEEC_FAIL, "payload map has more than %u entries",
			    TEEC_MAX_CBOR_ITEMS);
			goto out;
		}
		if (read_key(&c, &key) == -1) {
			teec_errf(err, TEEC_FAIL, "payload key %llu is not a text string",
			    (unsigned long long)i);
			goto out;
		}
		for (k = 0; k < K__COUNT; k++)
			if (key.len == strlen(payload_keys[k]) &&
			    memcmp(key.data, payload_keys[k], key.len) == 0)
				break;
		if (k < K__COUNT) {
			if (seen & (1u << k)) {
				teec_errf(err, TEEC_FAIL, "duplicate key %s", payload_keys[k]);
				goto out;
			}
			seen |= 1u << k;
			if (read_field(&c, k, d, err) != TEEC_OK)
				goto out;
			continue;
		}
		/*
		 * Keys outside the specification are covered by the signature;
		 * they are skipped (well-formed, bounded) but never twice.
		 */
		for (j = 0; j < nunknown; j++)
			if (unknown[j].len == key.len &&
			    memcmp(unknown[j].data, key.data, key.len) == 0) {
				teec_errf(err, TEEC_FAIL, "duplicate key in payload");
				goto out;
			}
		buf_init(&unknown[nunknown], 64);
		if (buf_append(&unknown[nunknown], key.data, key.len) == -1) {
			teec_errf(err, TEEC_FAIL, "out of memory");
			goto out;
		}
		nunknown++;
		d->unknown_keys++;
		if (cbor_read_head(&c, &h) == -1 || h.is_break ||
		    cbor_skip(&c, &h, TEEC_MAX_CBOR_DEPTH - 1, TEEC_MAX_CBOR_ITEMS) == -1) {
			teec_errf(err, TEEC_FAIL, "payload: malformed value of an unknown key");
			goto out;
		}
	}
	if (cbor_left(&c) != 0) {
		teec_errf(err, TEEC_FAIL, "%zu trailing bytes after the payload map",
		    cbor_left(&c));
		goto out;
	}
	for (k = 0; k <= K_CABUNDLE; k++)
		if (!(seen & (1u << k))) {
			teec_errf(err, TEEC_FAIL, "payload has no %s", payload_keys[k]);
			goto out;
		}
	rc = TEEC_OK;
out:
	for (j = 0; j < nunknown; j++)
		buf_free(&unknown[j]);
	buf_free(&key);
	return rc;
}

void
nitro_doc_free(struct nitro_doc *d)
{
	size_t i;

	if (d == NULL)
		return;
	nitro_cose_free(&d->cose);
	free(d->module_id);
	free(d->cert);
	for (i = 0; i < TEEC_MAX_CHAIN_CERTS; i++)
		free(d->cabundle[i]);
	free(d->public_key.p);
	free(d->user_data.p);
	free(d->nonce.p);
	memset(d, 0, sizeof(*d));
}

int
nitro_parse(const uint8_t *p, size_t n, struct nitro_doc *d,
    struct teec_err *err)
{
	memset(d, 0, sizeof(*d));
	if (nitro_cose_parse(p, n, &d->cose, err) != TEEC_OK ||
	    nitro_payload_parse(d->cose.payload, d->cose.payload_len, d, err) != TEEC_OK) {
		nitro_doc_free(d);
		return TEEC_FAIL;
	}
	return TEEC_OK;
}

static int
is_b64_text(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' ||
		    c == ' ' || c == '\n' || c == '\r' || c == '\t'))
			return 0;
	}
	return n > 0;
}

int
nitro_decode_input(const uint8_t *p, size_t n, uint8_t **out, size_t *outlen,
    struct teec_err *err)
{
	uint8_t *b;
	size_t cap;

	*out = NULL;
	*outlen = 0;
	if (is_b64_text(p, n)) {
		if (n > TEEC_MAX_DOC_TEXT_BYTES)
			return teec_errf(err, TEEC_FAIL, "base64 text larger than %u bytes",
			    TEEC_MAX_DOC_TEXT_BYTES);
		cap = n / 4 * 3 + 3;
		if ((b = malloc(cap)) == NULL)
			return teec_errf(err, TEEC_ERROR, "out of memory");
		if (b64_decode((const char *)p, n, b, cap, outlen) == -1) {
			free(b);
			return teec_errf(err, TEEC_FAIL, "invalid base64");
		}
	} else {
		if ((b = malloc(n ? n : 1)) == NULL)
			return teec_errf(err, TEEC_ERROR, "out of memory");
		memcpy(b, p, n);
		*outlen = n;
	}
	if (*outlen > TEEC_MAX_DOC_BYTES) {
		free(b);
		*outlen = 0;
		return teec_errf(err, TEEC_FAIL, "document larger than %u bytes",
		    TEEC_MAX_DOC_BYTES);
	}
	*out = b;
	return TEEC_OK;
}

int
nitro_is_debug(const struct nitro_doc *d)
{
	static const uint8_t zero[64];
	int i;

	for (i = 0; i < 3; i++)
		if (d->pcr_len[i] == 0 ||
		    memcmp(d->pcr[i], zero, d->pcr_len[i]) != 0)
			return 0;
	return 1;
}

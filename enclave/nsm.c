/* SPDX-License-Identifier: ISC */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "common/caps.h"
#include "common/cbor.h"
#include "common/cose.h"
#include "common/encode.h"
#include "enclave/devca.h"
#include "enclave/nsm.h"

#define ES384_HALF   48u     /* bytes of r and of s (P-384) */
#define COSE_TAG_SIGN1 18u   /* RFC 9052 section 2 */

/* {1: -35}: alg (label 1) = ES384 (-35), RFC 9053 section 2.1. */

struct nsm {
	enum nsm_kind kind;
	int fd;
	struct devca *ca;
	char module_id[64];
	nsm_raw_fn raw;         /* NSM_DEVICE: NULL is NSM_IOCTL_RAW on fd */
	void *raw_arg;
};

/* An optional field: absent is null, present (possibly empty) a bstr. */
static int
put_opt_bytes(struct buf *b, const uint8_t *p, size_t n)
{
	if (p == NULL)
		return cbor_put_null(b);
	return cbor_put_bytes(b, p, n);
}

/* AWS nsm-api docs/attestation_process.md section 2.2 (AttestationDocument). */
int
nitro_encode_payload(const struct nitro_fields *f, struct buf *out)
{
	unsigned i;
	size_t j;

	if (f->module_id == NULL || (f->npcrs > 0 && f->pcrs == NULL) ||
	    (f->cert == NULL && f->cert_len > 0) || (f->ncabundle > 0 &&
	    (f->cabundle == NULL || f->cabundle_len == NULL)))
		return -1;
	if (f->indefinite_map) {
		if (buf_putc(out, 0xbf) == -1)
			return -1;
	} else if (cbor_put_head(out, CBOR_MAP, 9) == -1)
		return -1;
	if (cbor_put_text(out, "module_id") == -1 ||
	    cbor_put_text(out, f->module_id) == -1 ||
	    cbor_put_text(out, "digest") == -1 ||
	    cbor_put_text(out, f->digest != NULL ? f->digest : "SHA384") == -1 ||
	    cbor_put_text(out, "timestamp") == -1 ||
	    cbor_put_uint(out, f->timestamp_ms) == -1 ||
	    cbor_put_text(out, "pcrs") == -1 ||
	    cbor_put_head(out, CBOR_MAP, f->npcrs) == -1)
		return -1;
	for (i = 0; i < f->npcrs; i++) {
		if (cbor_put_uint(out, f->pcr_index != NULL ?
		    f->pcr_index[i] : i) == -1 ||
		    cbor_put_bytes(out, f->pcrs[i], NITRO_PCR_BYTES) == -1)
			return -1;
	}
	if (cbor_put_text(out, "certificate") == -1 ||
	    cbor_put_bytes(out, f->cert, f->cert_len) == -1 ||
	    cbor_put_text(out, "cabundle") == -1 ||
	    cbor_put_head(out, CBOR_ARRAY, f->ncabundle) == -1)
		return -1;
	for (j = 0; j < f->ncabundle; j++) {
		if (f->cabundle[j] == NULL && f->cabundle_len[j] > 0)
			return -1;
		if (cbor_put_bytes(out, f->cabundle[j], f->cabundle_len[j]) == -1)
			return -1;
	}
	if (cbor_put_text(out, "public_key") == -1 ||
	    put_opt_bytes(out, f->public_key, f->public_key_len) == -1 ||
	    cbor_put_text(out, "user_data") == -1 ||
	    put_opt_bytes(out, f->user_data, f->user_data_len) == -1 ||
	    cbor_put_text(out, "nonce") == -1 ||
	    put_opt_bytes(out, f->nonce, f->nonce_len) == -1)
		return -1;
	if (f->indefinite_map && buf_putc(out, 0xff) == -1)
		return -1;
	return 0;
}

/* DER ECDSA-Sig-Value (RFC 5480) to fixed-width r || s (RFC 9053 2.1). */
static int
der_to_raw(const uint8_t *der, size_t derlen, uint8_t raw[2 * ES384_HALF])
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = NULL;
	const BIGNUM *r, *s;
	int ok = 0;

	if (derlen > LONG_MAX ||
	    (sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL ||
	    p != der + derlen)
		goto out;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, ES384_HALF) != ES384_HALF ||
	    BN_bn2binpad(s, raw + ES384_HALF, ES384_HALF) != ES384_HALF)
		goto out;
	ok = 1;
out:
	ECDSA_SIG_free(sig);
	return ok;
}

int
cose_sign1_es384(EVP_PKEY *key, const uint8_t *payload, size_t n, int tagged,
    struct buf *out, struct teec_err *err)
{
	struct buf tbs;
	EVP_MD_CTX *md = NULL;
	uint8_t der[160], raw[2 * ES384_HALF];
	char group[64];
	size_t derlen = sizeof(der), glen = 0;
	int rc = TEEC_ERROR;

	buf_init(&tbs, TEEC_MAX_PAYLOAD_BYTES + 64);
	if (key == NULL || !EVP_PKEY_is_a(key, "EC") ||
	    EVP_PKEY_get_group_name(key, group, sizeof(group), &glen) != 1 ||
	    strcmp(group, "secp384r1") != 0) {
		teec_errf(err, TEEC_ERROR, "ES384 needs an EC P-384 key");
		goto out;
	}
	if (cose_sig_structure(cose_es384_protected,
	    sizeof(cose_es384_protected), payload, n, &tbs) == -1) {
		teec_errf(err, TEEC_ERROR, "payload too large to sign");
		goto out;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &derlen, tbs.data, tbs.len) != 1 ||
	    !der_to_raw(der, derlen, raw)) {
		teec_errf(err, TEEC_ERROR, "ES384 signing failed");
		goto out;
	}
	/* RFC 9052 section 4.2: [protected, unprotected, payload, signature]. */
	if ((tagged && cbor_put_head(out, CBOR_TAG, COSE_TAG_SIGN1) == -1) ||
	    cbor_put_head(out, CBOR_ARRAY, 4) == -1 ||
	    cbor_put_bytes(out, cose_es384_protected,
	    sizeof(cose_es384_protected)) == -1 ||
	    cbor_put_head(out, CBOR_MAP, 0) == -1 ||
	    cbor_put_bytes(out, payload, n) == -1 ||
	    cbor_put_bytes(out, raw, sizeof(raw)) == -1) {
		teec_errf(err, TEEC_ERROR, "COSE_Sign1 larger than its buffer");
		goto out;
	}
	rc = TEEC_OK;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	buf_free(&tbs);
	return rc;
}

int
nsm_open(enum nsm_kind kind, const char *devca_dir, struct nsm **out,
    struct teec_err *err)
{
	struct nsm *n = NULL;
	uint8_t rnd[8];
	char hex[2 * sizeof(rnd) + 1];
	int rc = TEEC_ERROR;

	*out = NULL;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	n->fd = -1;
	if (kind == NSM_AUTO)
		kind = access(NSM_DEV_PATH, F_OK) == 0 ? NSM_DEVICE :
		    NSM_EMULATED;
	n->kind = kind;
	switch (kind) {
	case NSM_DEVICE:
		if (nsm_dev_open(NSM_DEV_PATH, &n->fd, err) != TEEC_OK)
			goto out;
		break;
	case NSM_EMULATED:
		if (devca_open(devca_dir, &n->ca, err) != TEEC_OK)
			goto out;
		if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
			teec_errf(err, TEEC_ERROR, "no randomness");
			goto out;
		}
		hex_encode(rnd, sizeof(rnd), hex);
		/* Shaped like "i-<instance>-enc<16 hex>", marked local. */
		snprintf(n->module_id, sizeof(n->module_id),
		    "i-00000000000000000-local%s", hex);
		break;
	default:
		teec_errf(err, TEEC_ERROR, "unknown NSM kind");
		goto out;
	}
	*out = n;
	n = NULL;
	rc = TEEC_OK;
out:
	nsm_close(n);
	return rc;
}

enum nsm_kind
nsm_get_kind(const struct nsm *n)
{
	return n->kind;
}

const char *
nsm_module_id(const struct nsm *n)
{
	return n->kind == NSM_EMULATED ? n->module_id : NULL;
}

static int
emu_attest(struct nsm *n, const uint8_t *user_data, size_t ud_len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *public_key,
    size_t pk_len, struct buf *doc, struct teec_err *err)
{
	static const uint8_t zero_pcrs[NSM_EMU_PCRS][NITRO_PCR_BYTES];
	struct nitro_fields f;
	struct timespec ts;
	struct buf payload;
	char cn[DEVCA_MAX_CN + 1];
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	uint8_t *certder = NULL, *p;
	const uint8_t *root;
	size_t rootlen;
	uint64_t ms;
	int64_t secs;
	int len, rc = TEEC_ERROR;

	buf_init(&payload, TEEC_MAX_PAYLOAD_BYTES);
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1 || ts.tv_sec <= 0) {
		teec_errf(err, TEEC_ERROR, "no usable clock");
		goto out;
	}
	secs = (int64_t)ts.tv_sec;
	ms = (uint64_t)secs * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	if ((size_t)snprintf(cn, sizeof(cn), "%s%s", n->module_id,
	    DEVCA_LEAF_SUFFIX) >= sizeof(cn)) {
		teec_errf(err, TEEC_ERROR, "module_id too long");
		goto out;
	}
	/* A fresh leaf per document, valid from its time for 3 hours. */
	if (devca_issue_leaf(n->ca, cn, secs, secs + DEVCA_LEAF_SECS, &key,
	    &cert, err) != TEEC_OK)
		goto out;
	if ((len = i2d_X509(cert, NULL)) <= 0 ||
	    (certder = malloc((size_t)len)) == NULL) {
		teec_errf(err, TEEC_ERROR, "cannot encode the leaf");
		goto out;
	}
	p = certder;
	if (i2d_X509(cert, &p) != len) {
		teec_errf(err, TEEC_ERROR, "cannot encode the leaf");
		goto out;
	}
	devca_root_der(n->ca, &root, &rootlen);

	memset(&f, 0, sizeof(f));
	f.module_id = n->module_id;
	f.timestamp_ms = ms;
	f.npcrs = NSM_EMU_PCRS;
	f.pcrs = zero_pcrs;
	f.cert = certder;
	f.cert_len = (size_t)len;
	f.cabundle = &root;
	f.cabundle_len = &rootlen;
	f.ncabundle = 1;
	f.public_key = public_key;
	f.public_key_len = pk_len;
	f.user_data = user_data;
	f.user_data_len = ud_len;
	f.nonce = nonce;
	f.nonce_len = nonce_len;
	if (nitro_encode_payload(&f, &payload) == -1) {
		teec_errf(err, TEEC_ERROR, "attestation payload too large");
		goto out;
	}
	rc = cose_sign1_es384(key, payload.data, payload.len, 0, doc, err);
out:
	EVP_PKEY_free(key);
	X509_free(cert);
	free(certder);
	buf_free(&payload);
	return rc;
}

/* One request and its response, through the device or the seam. */
static int
dev_roundtrip(struct nsm *n, const struct buf *req, uint8_t *resp,
    size_t *resplen, struct teec_err *err)
{
	if (n->raw != NULL)
		return n->raw(n->raw_arg, req->data, req->len, resp,
		    TEEC_NSM_RESPONSE_MAX, resplen, err);
	return nsm_dev_raw(n->fd, req->data, req->len, resp,
	    TEEC_NSM_RESPONSE_MAX, resplen, err);
}

static int
dev_attest(struct nsm *n, const struct buf *req, struct buf *doc,
    struct teec_err *err)
{
	uint8_t *resp = NULL;
	size_t resplen = 0;
	int rc = TEEC_ERROR;

	if ((resp = malloc(TEEC_NSM_RESPONSE_MAX)) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	if (dev_roundtrip(n, req, resp, &resplen, err) != TEEC_OK)
		goto out;
	if (resplen > TEEC_NSM_RESPONSE_MAX) {
		teec_errf(err, TEEC_ERROR, "NSM response longer than its buffer");
		goto out;
	}
	rc = nsm_dev_decode_attest(resp, resplen, doc, err);
out:
	free(resp);
	return rc;
}

int
nsm_attest(struct nsm *n, const uint8_t *user_data, size_t ud_len,
    const uint8_t *nonce, size_t nonce_len, const uint8_t *public_key,
    size_t pk_len, struct buf *doc, struct teec_err *err)
{
	struct buf req;
	int rc = TEEC_ERROR;

	buf_init(doc, TEEC_MAX_DOC_BYTES);
	buf_init(&req, TEEC_NSM_REQUEST_MAX);
	/* The same request either way: the emulator refuses what the NSM would. */
	if (nsm_dev_encode_attest(user_data, ud_len, nonce, nonce_len,
	    public_key, pk_len, &req, err) != TEEC_OK)
		goto out;
	if (n->kind == NSM_DEVICE)
		rc = dev_attest(n, &req, doc, err);
	else
		rc = emu_attest(n, user_data, ud_len, nonce, nonce_len,
		    public_key, pk_len, doc, err);
out:
	buf_free(&req);
	if (rc != TEEC_OK)
		buf_free(doc);
	return rc;
}

int
nsm_describe_pcr(struct nsm *n, uint16_t index, int *lock,
    uint8_t data[NITRO_PCR_BYTES], struct teec_err *err)
{
	struct buf req;
	uint8_t *resp = NULL;
	size_t resplen = 0;
	int rc = TEEC_ERROR;

	if (n->kind == NSM_EMULATED) {
		memset(data, 0, NITRO_PCR_BYTES);
		*lock = 1;
		return TEEC_OK;
	}
	buf_init(&req, TEEC_NSM_REQUEST_MAX);
	if (nsm_dev_encode_describe_pcr(index, &req, err) != TEEC_OK)
		goto out;
	if ((resp = malloc(TEEC_NSM_RESPONSE_MAX)) == NULL) {
		teec_errf(err, TEEC_ERROR, "out of memory");
		goto out;
	}
	if (dev_roundtrip(n, &req, resp, &resplen, err) != TEEC_OK)
		goto out;
	if (resplen > TEEC_NSM_RESPONSE_MAX) {
		teec_errf(err, TEEC_ERROR, "NSM response longer than its buffer");
		goto out;
	}
	rc = nsm_dev_decode_describe_pcr(resp, resplen, lock, data, err);
out:
	free(resp);
	buf_free(&req);
	return rc;
}

int
nsm_open_raw(nsm_raw_fn raw, void *arg, struct nsm **out,
    struct teec_err *err)
{
	struct nsm *n;

	*out = NULL;
	if (raw == NULL)
		return teec_errf(err, TEEC_ERROR, "no NSM transport");
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return teec_errf(err, TEEC_ERROR, "out of memory");
	n->kind = NSM_DEVICE;
	n->fd = -1;
	n->raw = raw;
	n->raw_arg = arg;
	*out = n;
	return TEEC_OK;
}

void
nsm_close(struct nsm *n)
{
	if (n == NULL)
		return;
	if (n->fd != -1)
		close(n->fd);
	devca_free(n->ca);
	free(n);
}

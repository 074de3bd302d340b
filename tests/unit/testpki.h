/* SPDX-License-Identifier: ISC */
/*
 * An in-memory test PKI for unit tests: a root, 0 to TESTPKI_MAX_INTER
 * intermediates and a leaf, shaped like the AWS Nitro chain (P-384,
 * ecdsa-with-SHA384, leaf with critical CA:FALSE and digitalSignature),
 * with knobs to break one property at a time, and a signer of synthetic
 * attestation documents over that chain.
 *
 * Extension knobs use openssl x509v3_config(5) syntax: NULL gives the
 * Nitro-like default, "" leaves the extension out.
 */
#ifndef TEEC_TESTPKI_H
#define TEEC_TESTPKI_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/buf.h"
#include "enclave/nsm.h"

#define TESTPKI_MAX_INTER 4

enum testpki_key {
	TESTPKI_P384 = 0,
	TESTPKI_P256,
	TESTPKI_RSA2048,
};

struct testpki_opts {
	int64_t now;                  /* reference time; 0: time(NULL) */
	unsigned ninter;              /* intermediates, at most TESTPKI_MAX_INTER */
	enum testpki_key root_key, inter_key, leaf_key;
	const char *root_bc, *root_ku;   /* critical,CA:TRUE / critical,keyCertSign,cRLSign */
	const char *inter_bc, *inter_ku; /* critical,CA:TRUE / critical,digitalSignature,keyCertSign,cRLSign */
	const char *leaf_bc, *leaf_ku;   /* critical,CA:FALSE / digitalSignature,nonRepudiation */
	int leaf_sha256;              /* leaf signed with ecdsa-with-SHA256 */
	unsigned expired_inter;       /* 1-based: that intermediate ended a day before now */
	int leaf_validity;            /* use leaf_not_before / leaf_not_after */
	int64_t leaf_not_before, leaf_not_after;
	const char *leaf_cn;          /* NULL: "i-0000-enc0000.test.teec" */
};

struct testpki {
	int64_t now;
	unsigned ninter;
	EVP_PKEY *root_key, *inter_key[TESTPKI_MAX_INTER], *leaf_key;
	X509 *root, *inter[TESTPKI_MAX_INTER], *leaf;
	/* cabundle as the NSM orders it: [root, inter 1 .. inter n] */
	const uint8_t *bundle[TESTPKI_MAX_INTER + 1];
	size_t bundle_len[TESTPKI_MAX_INTER + 1];
	size_t nbundle;
	uint8_t *der[TESTPKI_MAX_INTER + 1];
	uint8_t *leaf_der;
	size_t leaf_der_len;
};

static inline EVP_PKEY *
testpki_genkey(enum testpki_key k)
{
	switch (k) {
	case TESTPKI_P256:
		return EVP_EC_gen("P-256");
	case TESTPKI_RSA2048:
		return EVP_RSA_gen(2048);
	default:
		return EVP_EC_gen("P-384");
	}
}

static inline int
testpki_der(X509 *x, uint8_t **der, size_t *len)
{
	int n = i2d_X509(x, NULL);
	uint8_t *p;

	*der = NULL;
	if (n <= 0 || (*der = malloc((size_t)n)) == NULL)
		return -1;
	p = *der;
	if (i2d_X509(x, &p) != n)
		return -1;
	*len = (size_t)n;
	return 0;
}

/* One certificate; issuer NULL = self-signed. */
static inline X509 *
testpki_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
    int64_t nb, int64_t na, const char *bc, const char *ku, int sha256)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509_EXTENSION *ex;
	X509V3_CTX ctx;
	BIGNUM *bn = NULL;
	uint8_t rnd[16];
	int ok = 0;

	if (x == NULL || name == NULL || !X509_set_version(x, X509_VERSION_3))
		goto out;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	rnd[0] = (rnd[0] & 0x7f) | 0x40;
	if ((bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto out;
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
	    name))
		goto out;
	if (ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na) == NULL ||
	    !X509_set_pubkey(x, key))
		goto out;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	if (bc != NULL && bc[0] != '\0') {
		if ((ex = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
		    bc)) == NULL)
			goto out;
		ok = X509_add_ext(x, ex, -1);
		X509_EXTENSION_free(ex);
		if (!ok)
			goto out;
		ok = 0;
	}
	if (ku != NULL && ku[0] != '\0') {
		if ((ex = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage,
		    ku)) == NULL)
			goto out;
		ok = X509_add_ext(x, ex, -1);
		X509_EXTENSION_free(ex);
		if (!ok)
			goto out;
		ok = 0;
	}
	if (issuer == NULL) {
		/* a root carries an SKI, like the AWS root */
		if ((ex = X509V3_EXT_conf_nid(NULL, &ctx,
		    NID_subject_key_identifier, "hash")) == NULL)
			goto out;
		ok = X509_add_ext(x, ex, -1);
		X509_EXTENSION_free(ex);
		if (!ok)
			goto out;
		ok = 0;
	}
	if (X509_sign(x, ikey ? ikey : key, sha256 ? EVP_sha256() :
	    EVP_sha384()) <= 0)
		goto out;
	ok = 1;
out:
	BN_free(bn);
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static inline void
testpki_free(struct testpki *pki)
{
	unsigned i;

	if (pki == NULL)
		return;
	EVP_PKEY_free(pki->root_key);
	EVP_PKEY_free(pki->leaf_key);
	X509_free(pki->root);
	X509_free(pki->leaf);
	for (i = 0; i < TESTPKI_MAX_INTER; i++) {
		EVP_PKEY_free(pki->inter_key[i]);
		X509_free(pki->inter[i]);
	}
	for (i = 0; i < TESTPKI_MAX_INTER + 1; i++)
		free(pki->der[i]);
	free(pki->leaf_der);
	memset(pki, 0, sizeof(*pki));
}

/* Build the chain. 0, or -1 (pki is then freed). */
static inline int
testpki_make(const struct testpki_opts *o, struct testpki *pki)
{
	char cn[64];
	int64_t now, nb, na;
	X509 *up;
	EVP_PKEY *upkey;
	unsigned i;

	memset(pki, 0, sizeof(*pki));
	if (o->ninter > TESTPKI_MAX_INTER)
		return -1;
	now = o->now != 0 ? o->now : (int64_t)time(NULL);
	pki->now = now;
	pki->ninter = o->ninter;
	if ((pki->root_key = testpki_genkey(o->root_key)) == NULL)
		goto fail;
	pki->root = testpki_cert(pki->root_key, "test root (NOT AWS)", NULL,
	    NULL, now - 365 * 86400, now + 20 * 365 * 86400,
	    o->root_bc ? o->root_bc : "critical,CA:TRUE",
	    o->root_ku ? o->root_ku : "critical,keyCertSign,cRLSign", 0);
	if (pki->root == NULL)
		goto fail;
	up = pki->root;
	upkey = pki->root_key;
	for (i = 0; i < o->ninter; i++) {
		nb = now - 86400;
		na = now + 20 * 86400;
		if (o->expired_inter == i + 1) {
			nb = now - 30 * 86400;
			na = now - 86400;
		}
		snprintf(cn, sizeof(cn), "test intermediate %u", i + 1);
		if ((pki->inter_key[i] = testpki_genkey(o->inter_key)) == NULL)
			goto fail;
		pki->inter[i] = testpki_cert(pki->inter_key[i], cn, up, upkey,
		    nb, na, o->inter_bc ? o->inter_bc : "critical,CA:TRUE",
		    o->inter_ku ? o->inter_ku :
		    "critical,digitalSignature,keyCertSign,cRLSign", 0);
		if (pki->inter[i] == NULL)
			goto fail;
		up = pki->inter[i];
		upkey = pki->inter_key[i];
	}
	nb = o->leaf_validity ? o->leaf_not_before : now - 60;
	na = o->leaf_validity ? o->leaf_not_after : now - 60 + 3 * 3600;
	if ((pki->leaf_key = testpki_genkey(o->leaf_key)) == NULL)
		goto fail;
	pki->leaf = testpki_cert(pki->leaf_key, o->leaf_cn ? o->leaf_cn :
	    "i-0000-enc0000.test.teec", up, upkey, nb, na,
	    o->leaf_bc ? o->leaf_bc : "critical,CA:FALSE",
	    o->leaf_ku ? o->leaf_ku : "digitalSignature,nonRepudiation",
	    o->leaf_sha256);
	if (pki->leaf == NULL)
		goto fail;
	if (testpki_der(pki->root, &pki->der[0], &pki->bundle_len[0]) == -1)
		goto fail;
	for (i = 0; i < o->ninter; i++)
		if (testpki_der(pki->inter[i], &pki->der[i + 1],
		    &pki->bundle_len[i + 1]) == -1)
			goto fail;
	for (i = 0; i <= o->ninter; i++)
		pki->bundle[i] = pki->der[i];
	pki->nbundle = o->ninter + 1;
	if (testpki_der(pki->leaf, &pki->leaf_der, &pki->leaf_der_len) == -1)
		goto fail;
	return 0;
fail:
	testpki_free(pki);
	return -1;
}

/*
 * A signed attestation document over pki: f supplies module_id, PCRs,
 * timestamp (0: pki->now in ms) and the optional fields; certificate and
 * cabundle are set from pki unless f already has them. Signed with the
 * leaf key when it is P-384, else with a throwaway P-384 key (such a
 * document must fail on the key type before its signature matters).
 * doc is appended to. 0 or -1.
 */
static inline int
testpki_doc(const struct testpki *pki, const struct nitro_fields *fin,
    int tagged, struct buf *doc)
{
	static const uint8_t zero[16][NITRO_PCR_BYTES];
	struct nitro_fields f = *fin;
	struct buf payload;
	EVP_PKEY *k = pki->leaf_key, *tmp = NULL;
	int rc = -1;

	buf_init(&payload, 64 * 1024);
	if (f.module_id == NULL)
		f.module_id = "i-00000000000000000-enc0000000000000000";
	if (f.timestamp_ms == 0)
		f.timestamp_ms = (uint64_t)pki->now * 1000u;
	if (f.pcrs == NULL && f.npcrs == 0) {
		f.pcrs = zero;
		f.npcrs = 16;
	}
	if (f.cert == NULL) {
		f.cert = pki->leaf_der;
		f.cert_len = pki->leaf_der_len;
	}
	if (f.cabundle == NULL) {
		f.cabundle = pki->bundle;
		f.cabundle_len = pki->bundle_len;
		f.ncabundle = pki->nbundle;
	}
	if (nitro_encode_payload(&f, &payload) == -1)
		goto out;
	if (!EVP_PKEY_is_a(k, "EC") || EVP_PKEY_get_bits(k) != 384) {
		if ((tmp = EVP_EC_gen("P-384")) == NULL)
			goto out;
		k = tmp;
	}
	if (cose_sign1_es384(k, payload.data, payload.len, tagged, doc,
	    NULL) != 0)
		goto out;
	rc = 0;
out:
	EVP_PKEY_free(tmp);
	buf_free(&payload);
	return rc;
}

#endif

/* SPDX-License-Identifier: ISC */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "verify/es384.h"

#define P384_BYTES 48

int
es384_key_ok(EVP_PKEY *key)
{
	char group[64];
	size_t glen = 0;

	if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
		return 0;
	if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), &glen) != 1)
		return 0;
	return strcmp(group, SN_secp384r1) == 0;
}

int
es384_verify_raw(EVP_PKEY *key, const uint8_t *msg, size_t msglen,
    const uint8_t *sig, size_t siglen)
{
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	EVP_MD_CTX *md = NULL;
	unsigned char *der = NULL;
	int derlen, v, rc = -1;

	if (siglen != 2 * P384_BYTES || !es384_key_ok(key))
		return 0;
	if ((es = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(sig, P384_BYTES, NULL)) == NULL ||
	    (s = BN_bin2bn(sig + P384_BYTES, P384_BYTES, NULL)) == NULL)
		goto out;
	if (ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;
	if ((derlen = i2d_ECDSA_SIG(es, &der)) <= 0)
		goto out;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, key) != 1)
		goto out;
	/* 1: valid; 0: invalid; <0: malformed (r or s out of range): invalid. */
	v = EVP_DigestVerify(md, der, (size_t)derlen, msg, msglen);
	rc = v == 1 ? 1 : 0;
out:
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return rc;
}

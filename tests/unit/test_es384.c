/* SPDX-License-Identifier: ISC */
/*
 * Wycheproof ECDSA P-384 / SHA-384 (IEEE P1363) vectors through the same
 * raw-signature verification the COSE check uses.
 */
#include "tests/unit/testutil.h"

#include <cJSON.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/buf.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "verify/es384.h"

static int
unhex(const char *s, uint8_t **out, size_t *n)
{
	size_t len = strlen(s);

	*n = len / 2;
	*out = malloc(*n + 1);
	if (*out == NULL || len % 2 != 0)
		return -1;
	return hex_decode_exact(s, len, *out, *n);
}

static void
test_wycheproof_p1363(void **state)
{
	char path[8192];
	struct buf b;
	struct teec_err err;
	cJSON *root, *groups, *g, *tests, *t;
	size_t nvalid = 0, ninvalid = 0, total = 0;

	REQUIRE_FIXTURES();
	snprintf(path, sizeof(path), "%s/wycheproof/ecdsa_secp384r1_sha384_p1363_test.json",
	    fixtures_dir());
	assert_int_equal(read_file_capped(path, 4u << 20, &b, &err), 0);
	root = cJSON_ParseWithLength((char *)b.data, b.len);
	assert_non_null(root);
	groups = cJSON_GetObjectItemCaseSensitive(root, "testGroups");
	cJSON_ArrayForEach(g, groups) {
		const char *kd = cJSON_GetObjectItemCaseSensitive(g, "publicKeyDer")->valuestring;
		uint8_t *der;
		size_t derlen;
		const unsigned char *p;
		EVP_PKEY *key;

		assert_int_equal(unhex(kd, &der, &derlen), 0);
		p = der;
		key = d2i_PUBKEY(NULL, &p, (long)derlen);
		assert_non_null(key);
		assert_true(es384_key_ok(key));
		tests = cJSON_GetObjectItemCaseSensitive(g, "tests");
		cJSON_ArrayForEach(t, tests) {
			const char *res = cJSON_GetObjectItemCaseSensitive(t, "result")->valuestring;
			uint8_t *msg, *sig;
			size_t msglen, siglen;
			int want = strcmp(res, "valid") == 0, got;

			/* odd-length or non-hex signatures are invalid by construction */
			unhex(cJSON_GetObjectItemCaseSensitive(t, "msg")->valuestring, &msg, &msglen);
			if (unhex(cJSON_GetObjectItemCaseSensitive(t, "sig")->valuestring, &sig, &siglen) == -1)
				siglen = 0;
			got = es384_verify_raw(key, msg, msglen, sig, siglen);
			if (got != want)
				fail_msg("tcId %d: %s, got %d",
				    cJSON_GetObjectItemCaseSensitive(t, "tcId")->valueint, res, got);
			want ? nvalid++ : ninvalid++;
			total++;
			free(msg);
			free(sig);
		}
		EVP_PKEY_free(key);
		free(der);
	}
	assert_int_equal(total, 280);
	assert_int_equal(nvalid, 193);
	assert_int_equal(ninvalid, 87);
	cJSON_Delete(root);
	buf_free(&b);
}

static void
test_wrong_curve_key_rejected(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	uint8_t sig[96] = { 1 };

	assert_non_null(k);
	assert_false(es384_key_ok(k));
	assert_int_equal(es384_verify_raw(k, (const uint8_t *)"x", 1, sig, 96), 0);
	EVP_PKEY_free(k);
}

static void
test_sign_verify_and_lengths(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-384");
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[128], raw[96];
	const unsigned char *p = der;
	size_t derlen = sizeof(der);
	ECDSA_SIG *es;
	const BIGNUM *r, *s;

	assert_non_null(k);
	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(md, der, &derlen, (const uint8_t *)"msg", 3), 1);
	es = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	ECDSA_SIG_get0(es, &r, &s);
	BN_bn2binpad(r, raw, 48);
	BN_bn2binpad(s, raw + 48, 48);
	assert_int_equal(es384_verify_raw(k, (const uint8_t *)"msg", 3, raw, 96), 1);
	assert_int_equal(es384_verify_raw(k, (const uint8_t *)"msh", 3, raw, 96), 0);
	assert_int_equal(es384_verify_raw(k, (const uint8_t *)"msg", 3, raw, 95), 0);
	raw[95] ^= 1;
	assert_int_equal(es384_verify_raw(k, (const uint8_t *)"msg", 3, raw, 96), 0);
	memset(raw, 0, sizeof(raw));
	assert_int_equal(es384_verify_raw(k, (const uint8_t *)"msg", 3, raw, 96), 0);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wycheproof_p1363),
		cmocka_unit_test(test_wrong_curve_key_rejected),
		cmocka_unit_test(test_sign_verify_and_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

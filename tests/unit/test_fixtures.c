/* SPDX-License-Identifier: ISC */
/*
 * Golden vectors: every document in ../shared/fixtures/nitro against the
 * facts in expected.json, through the same code teec-verify runs.
 */
#include "tests/unit/testutil.h"

#include <time.h>

#include <cJSON.h>

#include "common/buf.h"
#include "common/encode.h"
#include "common/fileio.h"
#include "common/timefmt.h"
#include "verify/attest.h"
#include "verify/chain.h"

static struct trust_roots roots;

static int
setup(void **state)
{
	struct teec_err err;

	roots_init(&roots);
	return roots_add_pem(&roots, "trust-store/roots/aws-nitro-enclaves-root-g1.pem",
	    TEEC_AWS_ROOT_G1_SHA256, &err) == TEEC_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	roots_free(&roots);
	return 0;
}

static cJSON *
load_expected(void)
{
	char path[8192];
	struct buf b;
	struct teec_err err;
	cJSON *j;

	snprintf(path, sizeof(path), "%s/nitro/expected.json", fixtures_dir());
	assert_int_equal(read_file_capped(path, 1u << 20, &b, &err), 0);
	j = cJSON_ParseWithLength((char *)b.data, b.len);
	buf_free(&b);
	assert_non_null(j);
	return j;
}

static void
load_doc(const char *name, uint8_t **doc, size_t *n)
{
	char path[8192];
	struct buf b;
	struct teec_err err;

	snprintf(path, sizeof(path), "%s/nitro/%s", fixtures_dir(), name);
	assert_int_equal(read_file_capped(path, TEEC_MAX_DOC_TEXT_BYTES, &b, &err), 0);
	assert_int_equal(nitro_decode_input(b.data, b.len, doc, n, &err), 0);
	buf_free(&b);
}

static int
run(const uint8_t *doc, size_t n, enum at_mode mode, int64_t at, int dbg,
    struct attest_out *out, struct vresult *r)
{
	struct attest_opts o;

	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	o.at_mode = mode;
	o.at = at;
	o.allow_debug = dbg;

	vresult_init(r);
	return attest_verify(doc, n, &o, out, r);
}

static void
check_len(const cJSON *e, const char *key, const struct nitro_opt *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);

	if (cJSON_IsNull(v)) {
		if (o->present)
			fail_msg("%s: %s should be null", name, key);
	} else {
		if (!o->present || (double)o->n != v->valuedouble)
			fail_msg("%s: %s length %zu, want %g", name, key, o->n, v->valuedouble);
	}
}

static int64_t
iso_secs(const char *s)
{
	int64_t t;

	assert_int_equal(time_parse_rfc3339(s, strlen(s), &t), 0);
	return t;
}

static void
test_real_documents_match_expected(void **state)
{
	cJSON *exp, *e;
	int nreal = 0;

	REQUIRE_FIXTURES();
	exp = load_expected();
	cJSON_ArrayForEach(e, exp) {
		struct attest_out a;
		struct vresult r;
		uint8_t *doc;
		size_t n, i, npcr = 0;
		const cJSON *pcrs, *p;
		int debug;

		if (strncmp(e->string, "real/", 5) != 0)
			continue;
		nreal++;
		load_doc(e->string, &doc, &n);
		debug = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "debug"));
		/* at its own time, debug allowed: verified */
		if (run(doc, n, AT_DOCUMENT, 0, 1, &a, &r) != TEEC_OK)
			fail_msg("%s: not verified: %s", e->string, reason_name(r.reason));
		assert_string_equal(a.doc.module_id,
		    cJSON_GetObjectItemCaseSensitive(e, "module_id")->valuestring);
		assert_true((double)a.doc.timestamp_ms ==
		    cJSON_GetObjectItemCaseSensitive(e, "timestamp_ms")->valuedouble);
		assert_int_equal(a.debug, debug);
		pcrs = cJSON_GetObjectItemCaseSensitive(e, "pcrs");
		cJSON_ArrayForEach(p, pcrs) {
			unsigned idx = (unsigned)atoi(p->string);
			char hex[129];

			assert_true(idx < TEEC_MAX_PCRS);
			hex_encode(a.doc.pcr[idx], a.doc.pcr_len[idx], hex);
			assert_string_equal(hex, p->valuestring);
			npcr++;
		}
		assert_int_equal(npcr, a.doc.npcrs);
		check_len(e, "user_data_len", &a.doc.user_data, e->string);
		check_len(e, "nonce_len", &a.doc.nonce, e->string);
		check_len(e, "public_key_len", &a.doc.public_key, e->string);
		assert_int_equal(a.doc.payload_indefinite,
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "payload_indefinite")) > 0);
		assert_int_equal(a.chain.certs[0].not_before,
		    iso_secs(cJSON_GetObjectItemCaseSensitive(e, "leaf_not_before")->valuestring));
		assert_int_equal(a.chain.certs[0].not_after,
		    iso_secs(cJSON_GetObjectItemCaseSensitive(e, "leaf_not_after")->valuestring));
		assert_int_equal(a.chain.n, a.doc.ncabundle + 1);
		attest_out_free(&a);

		/* without --allow-debug: only non-debug documents verify */
		i = (size_t)run(doc, n, AT_DOCUMENT, 0, 0, &a, &r);
		assert_int_equal(i, debug ? TEEC_FAIL : TEEC_OK);
		if (debug)
			assert_int_equal(r.reason, R_DEBUG_ENCLAVE);
		attest_out_free(&a);

		/* now: the chain has long expired */
		assert_int_equal(run(doc, n, AT_FIXED, (int64_t)time(NULL), 1, &a, &r), TEEC_FAIL);
		assert_int_equal(r.reason, R_CHAIN_EXPIRED);
		attest_out_free(&a);

		/* one day after: expired; one day before: not yet valid */
		assert_int_equal(run(doc, n, AT_FIXED,
		    (int64_t)(a.doc.timestamp_ms / 1000) + 86400, 1, &a, &r), TEEC_FAIL);
		attest_out_free(&a);
		free(doc);
	}
	assert_int_equal(nreal, 18);
	cJSON_Delete(exp);
}

static void
test_mock_and_negative_rejected(void **state)
{
	static const struct { const char *name; enum reason why; } cases[] = {
		{ "mock/blocky-nitrite-selfsigned-2024-04-17.b64", R_MALFORMED },
		{ "mock/marlin-sdk-custom-mockCA-2024-12-13.b64", R_UNTRUSTED_ROOT },
		{ "mock/marlin-sdk-custom-pcr16-mockCA-2025-04-30.b64", R_UNTRUSTED_ROOT },
		{ "negative/base-nitro-validator-2026-01-03-AS-COMMITTED-corrupt.b64", R_MALFORMED },
		{ "negative/eternis-rav-fixture-invalid_attestation.b64", R_BAD_SIGNATURE },
	};
	size_t i;

	REQUIRE_FIXTURES();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct attest_out a;
		struct vresult r;
		uint8_t *doc;
		size_t n;

		load_doc(cases[i].name, &doc, &n);
		assert_int_equal(run(doc, n, AT_DOCUMENT, 0, 1, &a, &r), TEEC_FAIL);
		if (r.reason != cases[i].why)
			fail_msg("%s: reason %s", cases[i].name, reason_name(r.reason));
		attest_out_free(&a);
		free(doc);
	}
}

/* Every single-byte change of a genuine document is rejected. */
static void
mutate_all(const char *name)
{
	struct attest_out a;
	struct vresult r;
	uint8_t *doc;
	size_t n, i;
	static const uint8_t flips[] = { 0x01, 0x80 };
	size_t f;

	load_doc(name, &doc, &n);
	assert_int_equal(run(doc, n, AT_DOCUMENT, 0, 0, &a, &r), TEEC_OK);
	attest_out_free(&a);
	/* every byte with its low bit flipped, every 7th with its high bit */
	for (f = 0; f < sizeof(flips); f++)
		for (i = 0; i < n; i += f == 0 ? 1 : 7) {
			doc[i] ^= flips[f];
			if (run(doc, n, AT_DOCUMENT, 0, 0, &a, &r) == TEEC_OK)
				fail_msg("%s: byte %zu ^ 0x%02x still verifies", name, i, flips[f]);
			attest_out_free(&a);
			doc[i] ^= flips[f];
		}
	/* truncations and one byte more */
	for (i = 0; i < n; i += 97) {
		assert_int_equal(run(doc, i, AT_DOCUMENT, 0, 0, &a, &r), TEEC_FAIL);
		attest_out_free(&a);
	}
	doc = realloc(doc, n + 1);
	doc[n] = 0x00;
	assert_int_equal(run(doc, n + 1, AT_DOCUMENT, 0, 0, &a, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_MALFORMED);
	attest_out_free(&a);
	free(doc);
}

static void
test_single_byte_mutations_definite(void **state)
{
	REQUIRE_FIXTURES();
	mutate_all("real/cape-js-2022-09-15.b64");
}

static void
test_single_byte_mutations_indefinite(void **state)
{
	REQUIRE_FIXTURES();
	mutate_all("real/base-nitro-validator-2026-01-03-repaired.b64");
}

/* The path cache changes nothing but speed: same verdicts, time still checked. */
static void
test_path_cache_same_verdicts(void **state)
{
	struct chain_cache cache;
	struct attest_opts o;
	struct attest_out a;
	struct vresult r;
	uint8_t *doc;
	size_t n;
	int i;

	REQUIRE_FIXTURES();
	memset(&cache, 0, sizeof(cache));
	memset(&o, 0, sizeof(o));
	o.roots = &roots;
	o.cache = &cache;
	load_doc("real/marlin-sdk-aws-2024-12-13.b64", &doc, &n);
	for (i = 0; i < 3; i++) {
		vresult_init(&r);
		assert_int_equal(attest_verify(doc, n, &o, &a, &r), TEEC_OK);
		attest_out_free(&a);
	}
	assert_int_equal(cache.hits, 2);
	/* cached, but at a time the chain is expired */
	o.at_mode = AT_FIXED;
	o.at = (int64_t)time(NULL);
	vresult_init(&r);
	assert_int_equal(attest_verify(doc, n, &o, &a, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_CHAIN_EXPIRED);
	attest_out_free(&a);
	assert_int_equal(cache.hits, 3);
	/* a changed signature still fails with a cached path */
	o.at_mode = AT_DOCUMENT;
	doc[n - 5] ^= 0x01;
	vresult_init(&r);
	assert_int_equal(attest_verify(doc, n, &o, &a, &r), TEEC_FAIL);
	assert_int_equal(r.reason, R_BAD_SIGNATURE);
	attest_out_free(&a);
	free(doc);
}

static void
test_shipped_root_is_pinned_aws_root(void **state)
{
	struct trust_roots r;
	struct teec_err err;

	roots_init(&r);
	assert_int_equal(roots_load_store(&r, "trust-store", &err), TEEC_OK);
	assert_int_equal(r.n, 1);
	roots_free(&r);
	roots_init(&r);
	assert_int_equal(roots_add_pem(&r, "trust-store/roots/aws-nitro-enclaves-root-g1.pem",
	    TEEC_AWS_ROOT_G1_SHA256, &err), TEEC_OK);
	roots_free(&r);
	roots_init(&r);
	assert_int_equal(roots_add_pem(&r, "trust-store/roots/aws-nitro-enclaves-root-g1.pem",
	    "0000000000000000000000000000000000000000000000000000000000000000", &err),
	    TEEC_ERROR);
	roots_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_root_is_pinned_aws_root),
		cmocka_unit_test(test_real_documents_match_expected),
		cmocka_unit_test(test_mock_and_negative_rejected),
		cmocka_unit_test(test_path_cache_same_verdicts),
		cmocka_unit_test(test_single_byte_mutations_definite),
		cmocka_unit_test(test_single_byte_mutations_indefinite),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

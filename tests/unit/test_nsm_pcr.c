/* SPDX-License-Identifier: ISC */
/*
 * The NSM DescribePCR request and response (enclave/nsm_pcr.c), and
 * worker_image_pcrs() with an NSM device stand-in behind the
 * NSM_IOCTL_RAW seam (nsm_open_raw()). The responses are written byte by
 * byte as the NSM's serde/CBOR encoding gives them (nsm-api
 * src/api/mod.rs), including every ErrorCode.
 */
#include "tests/unit/testutil.h"

#include "common/caps.h"
#include "common/cbor.h"
#include "enclave/nsm.h"
#include "enclave/worker.h"

/* {"DescribePCR": {"lock": true, "data": h'00 01 .. 2f'}} as the NSM sends it. */
static size_t
good(uint8_t *out, int lock, uint8_t first)
{
	static const uint8_t head[] = {
		0xa1, 0x6b, 'D', 'e', 's', 'c', 'r', 'i', 'b', 'e', 'P', 'C',
		'R', 0xa2, 0x64, 'l', 'o', 'c', 'k', 0xf5, 0x64, 'd', 'a',
		't', 'a', 0x58, 0x30,
	};
	size_t i;

	memcpy(out, head, sizeof(head));
	out[19] = lock ? 0xf5 : 0xf4;
	for (i = 0; i < 48; i++)
		out[sizeof(head) + i] = (uint8_t)(first + i);
	return sizeof(head) + 48;
}

/* Build a response with the writer: variant, then fields as given. */
struct field {
	const char *name;
	int kind;               /* 0 bool, 1 bytes of len, 2 uint, 3 null, 4 text */
	size_t len;
};

static void
build(struct buf *b, const char *variant, const struct field *f, size_t nf)
{
	static const uint8_t pcr[64];
	size_t i;

	buf_init(b, 4096);
	assert_int_equal(cbor_put_head(b, CBOR_MAP, 1), 0);
	assert_int_equal(cbor_put_text(b, variant), 0);
	assert_int_equal(cbor_put_head(b, CBOR_MAP, nf), 0);
	for (i = 0; i < nf; i++) {
		assert_int_equal(cbor_put_text(b, f[i].name), 0);
		switch (f[i].kind) {
		case 0:
			assert_int_equal(cbor_put_bool(b, 1), 0);
			break;
		case 1:
			assert_int_equal(cbor_put_bytes(b, pcr, f[i].len), 0);
			break;
		case 2:
			assert_int_equal(cbor_put_uint(b, 1), 0);
			break;
		case 3:
			assert_int_equal(cbor_put_null(b), 0);
			break;
		default:
			assert_int_equal(cbor_put_text(b, "x"), 0);
		}
	}
}

static void
expect_refused(const uint8_t *p, size_t n, const char *why)
{
	struct teec_err err;
	uint8_t data[48];
	int lock = 7;

	memset(data, 0xaa, sizeof(data));
	assert_int_equal(nsm_dev_decode_describe_pcr(p, n, &lock, data, &err),
	    TEEC_ERROR);
	if (why != NULL && strstr(err.msg, why) == NULL)
		fail_msg("\"%s\" not in \"%s\"", why, err.msg);
	/* Nothing written on failure. */
	assert_int_equal(lock, 7);
	assert_int_equal(data[0], 0xaa);
	assert_int_equal(data[47], 0xaa);
}

static void
test_encode(void **state)
{
	static const uint8_t want0[] = {
		0xa1, 0x6b, 'D', 'e', 's', 'c', 'r', 'i', 'b', 'e', 'P', 'C',
		'R', 0xa1, 0x65, 'i', 'n', 'd', 'e', 'x', 0x00,
	};
	struct buf b;
	struct teec_err err;

	buf_init(&b, TEEC_NSM_REQUEST_MAX);
	assert_int_equal(nsm_dev_encode_describe_pcr(0, &b, &err), TEEC_OK);
	assert_int_equal(b.len, sizeof(want0));
	assert_memory_equal(b.data, want0, sizeof(want0));
	b.len = 0;
	assert_int_equal(nsm_dev_encode_describe_pcr(300, &b, &err), TEEC_OK);
	assert_int_equal(b.len, sizeof(want0) + 2);
	assert_memory_equal(b.data + sizeof(want0) - 1, "\x19\x01\x2c", 3);
	b.len = 0;
	assert_int_equal(nsm_dev_encode_describe_pcr(65535, &b, &err),
	    TEEC_OK);
	assert_memory_equal(b.data + sizeof(want0) - 1, "\x19\xff\xff", 3);
	buf_free(&b);
}

static void
test_decode_recorded(void **state)
{
	uint8_t r[128], data[48];
	struct teec_err err;
	size_t n = good(r, 1, 0), i;
	int lock = 0;

	assert_int_equal(nsm_dev_decode_describe_pcr(r, n, &lock, data, &err),
	    TEEC_OK);
	assert_int_equal(lock, 1);
	for (i = 0; i < 48; i++)
		assert_int_equal(data[i], i);
	n = good(r, 0, 0x80);
	assert_int_equal(nsm_dev_decode_describe_pcr(r, n, &lock, data, &err),
	    TEEC_OK);
	assert_int_equal(lock, 0);
	assert_int_equal(data[0], 0x80);
}

/* Fields in the other order, an unknown one, indefinite maps: accepted. */
static void
test_decode_shapes_serde_accepts(void **state)
{
	const struct field swapped[] = { { "data", 1, 48 }, { "lock", 0, 0 } };
	const struct field extra[] = { { "lock", 0, 0 }, { "digest", 4, 0 },
	    { "data", 1, 48 } };
	uint8_t r[128], data[48];
	struct teec_err err;
	struct buf b;
	size_t n;
	int lock;

	build(&b, "DescribePCR", swapped, 2);
	assert_int_equal(nsm_dev_decode_describe_pcr(b.data, b.len, &lock,
	    data, &err), TEEC_OK);
	buf_free(&b);
	build(&b, "DescribePCR", extra, 3);
	assert_int_equal(nsm_dev_decode_describe_pcr(b.data, b.len, &lock,
	    data, &err), TEEC_OK);
	buf_free(&b);
	/* bf 6b DescribePCR bf ... ff ff */
	n = good(r, 1, 0);
	r[0] = 0xbf;
	r[13] = 0xbf;
	r[n] = 0xff;
	r[n + 1] = 0xff;
	assert_int_equal(nsm_dev_decode_describe_pcr(r, n + 2, &lock, data,
	    &err), TEEC_OK);
	/* The inner break missing: the outer one is taken for it. */
	expect_refused(r, n + 1, "no break");
}

static void
test_decode_every_error(void **state)
{
	static const char *const codes[][2] = {
		{ "Success", "no error reported as an error" },
		{ "InvalidArgument", "input argument(s) invalid" },
		{ "InvalidIndex", "PCR index out of bounds" },
		{ "InvalidResponse", "does not correspond to the request" },
		{ "ReadOnlyIndex", "the PCR is read-only" },
		{ "InvalidOperation", "missing capabilities" },
		{ "BufferTooSmall", "the response buffer is too small" },
		{ "InputTooLarge", "the request is too large" },
		{ "InternalError", "internal error in the NSM" },
	};
	char want[160];
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		buf_init(&b, 256);
		assert_int_equal(cbor_put_head(&b, CBOR_MAP, 1), 0);
		assert_int_equal(cbor_put_text(&b, "Error"), 0);
		assert_int_equal(cbor_put_text(&b, codes[i][0]), 0);
		snprintf(want, sizeof(want), "NSM DescribePCR failed: %s",
		    codes[i][0]);
		expect_refused(b.data, b.len, want);
		expect_refused(b.data, b.len, codes[i][1]);
		buf_free(&b);
	}
	/* A code this teec does not know, and one that is not text. */
	expect_refused((const uint8_t *)"\xa1\x65" "Error" "\x64" "Nope", 12,
	    "unknown error code");
	expect_refused((const uint8_t *)"\xa1\x65" "Error" "\x02", 8,
	    "malformed NSM error response");
	expect_refused((const uint8_t *)"\xa1\x65" "Error" "\x64" "\x1b[2J", 12,
	    "unknown error code");
}

static void
test_decode_other_variant(void **state)
{
	const struct field doc[] = { { "document", 1, 10 } };
	struct buf b;

	build(&b, "Attestation", doc, 1);
	expect_refused(b.data, b.len, "unexpected NSM response Attestation to "
	    "the DescribePCR request");
	buf_free(&b);
	/* A unit variant is bare text, not a map. */
	expect_refused((const uint8_t *)"\x67" "LockPCR", 8, "not a "
	    "single-entry map");
	/* A variant name that must not reach a terminal as it is. */
	expect_refused((const uint8_t *)"\xa1\x63\x1b[m\xa0", 6,
	    "unexpected NSM response to the DescribePCR request");
}

static void
test_decode_bad_shapes(void **state)
{
	const struct field nolock[] = { { "data", 1, 48 } };
	const struct field nodata[] = { { "lock", 0, 0 } };
	const struct field duplock[] = { { "lock", 0, 0 }, { "lock", 0, 0 },
	    { "data", 1, 48 } };
	const struct field dupdata[] = { { "lock", 0, 0 }, { "data", 1, 48 },
	    { "data", 1, 48 } };
	const struct field lockint[] = { { "lock", 2, 0 }, { "data", 1, 48 } };
	const struct field locknull[] = { { "lock", 3, 0 }, { "data", 1, 48 } };
	const struct field short32[] = { { "lock", 0, 0 }, { "data", 1, 32 } };
	const struct field long64[] = { { "lock", 0, 0 }, { "data", 1, 64 } };
	const struct field empty[] = { { "lock", 0, 0 }, { "data", 1, 0 } };
	const struct field datatext[] = { { "lock", 0, 0 }, { "data", 4, 0 } };
	const struct field datanull[] = { { "lock", 0, 0 }, { "data", 3, 0 } };
	struct {
		const struct field *f;
		size_t n;
		const char *why;
	} cases[] = {
		{ nolock, 1, "no lock" },
		{ nodata, 1, "no data" },
		{ duplock, 3, "duplicate lock" },
		{ dupdata, 3, "duplicate data" },
		{ lockint, 2, "lock is not a boolean" },
		{ locknull, 2, "lock is not a boolean" },
		{ short32, 2, "data is not a 48-byte string" },
		{ long64, 2, "data is not a 48-byte string" },
		{ empty, 2, "data is not a 48-byte string" },
		{ datatext, 2, "data is not a 48-byte string" },
		{ datanull, 2, "data is not a 48-byte string" },
	};
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(&b, "DescribePCR", cases[i].f, cases[i].n);
		expect_refused(b.data, b.len, cases[i].why);
		buf_free(&b);
	}
}

/* serde_bytes is a byte string: an array of 48 integers is refused. */
static void
test_decode_data_as_array(void **state)
{
	struct buf b;
	size_t i;

	buf_init(&b, 256);
	assert_int_equal(cbor_put_head(&b, CBOR_MAP, 1), 0);
	assert_int_equal(cbor_put_text(&b, "DescribePCR"), 0);
	assert_int_equal(cbor_put_head(&b, CBOR_MAP, 2), 0);
	assert_int_equal(cbor_put_text(&b, "lock"), 0);
	assert_int_equal(cbor_put_bool(&b, 1), 0);
	assert_int_equal(cbor_put_text(&b, "data"), 0);
	assert_int_equal(cbor_put_head(&b, CBOR_ARRAY, 48), 0);
	for (i = 0; i < 48; i++)
		assert_int_equal(cbor_put_uint(&b, i), 0);
	expect_refused(b.data, b.len, "data is not a 48-byte string");
	buf_free(&b);
}

static void
test_decode_indefinite_data(void **state)
{
	uint8_t r[160];
	size_t n = good(r, 1, 0);

	/* 5f 58 30 <48> ff: an indefinite byte string of one chunk. */
	memmove(r + 26, r + 25, n - 25);
	r[25] = 0x5f;
	r[n + 1] = 0xff;
	expect_refused(r, n + 2, "data is not a 48-byte string");
}

static void
test_decode_not_a_map(void **state)
{
	expect_refused((const uint8_t *)"\x80", 1, "not a single-entry map");
	expect_refused((const uint8_t *)"\xa2\x61" "a\x01\x61" "b\x02", 7,
	    "not a single-entry map");
	expect_refused((const uint8_t *)"\xa1\x6b" "DescribePCR" "\x80", 14,
	    "DescribePCR is not a map");
	expect_refused((const uint8_t *)"\xa1\x01\x02", 3, "bad variant name");
}

static void
test_decode_trailing_bytes(void **state)
{
	uint8_t r[128];
	size_t n = good(r, 1, 0);

	r[n] = 0x00;
	expect_refused(r, n + 1, "1 trailing bytes");
}

static void
test_decode_truncated_everywhere(void **state)
{
	uint8_t r[128];
	size_t n = good(r, 1, 0), k;

	for (k = 0; k < n; k++)
		expect_refused(r, k, NULL);
}

static void
test_decode_caps(void **state)
{
	uint8_t *big = calloc(1, TEEC_NSM_RESPONSE_MAX + 1);
	struct buf b;
	size_t i;

	assert_non_null(big);
	expect_refused(big, TEEC_NSM_RESPONSE_MAX + 1, "larger than");
	free(big);
	expect_refused((const uint8_t *)"", 0, "empty NSM response");
	/* More fields than TEEC_MAX_CBOR_ITEMS. */
	buf_init(&b, 4096);
	assert_int_equal(cbor_put_head(&b, CBOR_MAP, 1), 0);
	assert_int_equal(cbor_put_text(&b, "DescribePCR"), 0);
	assert_int_equal(cbor_put_head(&b, CBOR_MAP, TEEC_MAX_CBOR_ITEMS + 1),
	    0);
	for (i = 0; i <= TEEC_MAX_CBOR_ITEMS; i++) {
		assert_int_equal(cbor_put_text(&b, "x"), 0);
		assert_int_equal(cbor_put_uint(&b, i), 0);
	}
	expect_refused(b.data, b.len, "too many fields");
	buf_free(&b);
}

/* The NSM device stand-in: answers each request from a list. */
struct standin {
	int calls;
	uint8_t req[8][64];
	size_t reqlen[8];
	int fail_at;            /* -1: never; else that call's transport fails */
	int error_at;           /* -1: never; else that call answers Error */
};

static int
standin_raw(void *arg, const uint8_t *req, size_t reqlen, uint8_t *resp,
    size_t respcap, size_t *resplen, struct teec_err *err)
{
	static const uint8_t invalid_index[] = "\xa1\x65" "Error" "\x6c"
	    "InvalidIndex";
	struct standin *s = arg;
	int k = s->calls++;

	assert_true(k < 8);
	assert_true(reqlen <= sizeof(s->req[0]));
	assert_int_equal(respcap, TEEC_NSM_RESPONSE_MAX);
	memcpy(s->req[k], req, reqlen);
	s->reqlen[k] = reqlen;
	if (k == s->fail_at)
		return teec_errf(err, TEEC_ERROR, "NSM ioctl: Input/output "
		    "error");
	if (k == s->error_at) {
		memcpy(resp, invalid_index, sizeof(invalid_index) - 1);
		*resplen = sizeof(invalid_index) - 1;
		return TEEC_OK;
	}
	/* PCR k holds bytes 16k, 16k + 1, ... */
	*resplen = good(resp, 1, (uint8_t)(16 * k));
	return TEEC_OK;
}

static void
test_worker_image_pcrs_device(void **state)
{
	struct standin s = { .fail_at = -1, .error_at = -1 };
	uint8_t pcrs[3][48];
	struct nsm *n = NULL;
	struct teec_err err;
	struct buf want;
	int known = 0, i;

	assert_int_equal(nsm_open_raw(standin_raw, &s, &n, &err), TEEC_OK);
	assert_int_equal(nsm_get_kind(n), NSM_DEVICE);
	assert_int_equal(worker_image_pcrs(n, pcrs, &known, &err), TEEC_OK);
	assert_int_equal(known, 1);
	assert_int_equal(s.calls, 3);
	for (i = 0; i < 3; i++) {
		buf_init(&want, 64);
		assert_int_equal(nsm_dev_encode_describe_pcr((uint16_t)i, &want,
		    &err), TEEC_OK);
		assert_int_equal(s.reqlen[i], want.len);
		assert_memory_equal(s.req[i], want.data, want.len);
		buf_free(&want);
		assert_int_equal(pcrs[i][0], 16 * i);
		assert_int_equal(pcrs[i][47], 16 * i + 47);
	}
	nsm_close(n);
}

static void
test_worker_image_pcrs_refused(void **state)
{
	struct standin s = { .fail_at = -1, .error_at = 1 };
	uint8_t pcrs[3][48];
	struct nsm *n = NULL;
	struct teec_err err;
	int known = 5;

	assert_int_equal(nsm_open_raw(standin_raw, &s, &n, &err), TEEC_OK);
	assert_int_equal(worker_image_pcrs(n, pcrs, &known, &err), TEEC_ERROR);
	assert_int_equal(known, 0);
	assert_non_null(strstr(err.msg, "InvalidIndex"));
	assert_int_equal(s.calls, 2);
	nsm_close(n);

	memset(&s, 0, sizeof(s));
	s.fail_at = 0;
	s.error_at = -1;
	assert_int_equal(nsm_open_raw(standin_raw, &s, &n, &err), TEEC_OK);
	assert_int_equal(worker_image_pcrs(n, pcrs, &known, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "Input/output error"));
	nsm_close(n);
}

/* The attestation request goes through the same seam. */
static int
attest_raw(void *arg, const uint8_t *req, size_t reqlen, uint8_t *resp,
    size_t respcap, size_t *resplen, struct teec_err *err)
{
	struct buf b;

	(void)arg;
	/* {"Attestation": {"user_data": h'616263', ...}} */
	assert_int_equal(memcmp(req, "\xa1\x6b" "Attestation", 13), 0);
	buf_init(&b, respcap);
	assert_int_equal(cbor_put_head(&b, CBOR_MAP, 1), 0);
	assert_int_equal(cbor_put_text(&b, "Attestation"), 0);
	assert_int_equal(cbor_put_head(&b, CBOR_MAP, 1), 0);
	assert_int_equal(cbor_put_text(&b, "document"), 0);
	assert_int_equal(cbor_put_bytes(&b, "DOC", 3), 0);
	memcpy(resp, b.data, b.len);
	*resplen = b.len;
	buf_free(&b);
	return TEEC_OK;
}

static void
test_attest_through_seam(void **state)
{
	struct nsm *n = NULL;
	struct teec_err err;
	struct buf doc;

	assert_int_equal(nsm_open_raw(attest_raw, NULL, &n, &err), TEEC_OK);
	assert_int_equal(nsm_attest(n, (const uint8_t *)"abc", 3, NULL, 0,
	    NULL, 0, &doc, &err), TEEC_OK);
	assert_int_equal(doc.len, 3);
	assert_memory_equal(doc.data, "DOC", 3);
	buf_free(&doc);
	nsm_close(n);
	assert_int_equal(nsm_open_raw(NULL, NULL, &n, &err), TEEC_ERROR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode_recorded),
		cmocka_unit_test(test_decode_shapes_serde_accepts),
		cmocka_unit_test(test_decode_every_error),
		cmocka_unit_test(test_decode_other_variant),
		cmocka_unit_test(test_decode_bad_shapes),
		cmocka_unit_test(test_decode_data_as_array),
		cmocka_unit_test(test_decode_indefinite_data),
		cmocka_unit_test(test_decode_not_a_map),
		cmocka_unit_test(test_decode_trailing_bytes),
		cmocka_unit_test(test_decode_truncated_everywhere),
		cmocka_unit_test(test_decode_caps),
		cmocka_unit_test(test_worker_image_pcrs_device),
		cmocka_unit_test(test_worker_image_pcrs_refused),
		cmocka_unit_test(test_attest_through_seam),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: ISC */
#include "tests/unit/testutil.h"

#include "common/caps.h"
#include "common/proto.h"

#define H64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define C40 "0123456789abcdef0123456789abcdef01234567"

static int
src_dec(const char *json, struct proto_source_begin *s, struct teec_err *err)
{
	return proto_source_begin_decode((const uint8_t *)json, strlen(json), s, err);
}

/* The decoder refuses json with TEEC_FAIL and a message holding want. */
static void
src_bad(const char *json, const char *want)
{
	struct proto_source_begin s;
	struct teec_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(src_dec(json, &s, &err), TEEC_FAIL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
	assert_int_equal(s.size, 0);
}

static void
test_source_roundtrip(void **state)
{
	struct proto_source_begin s, d;
	struct teec_err err;
	struct buf b;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.size = TEEC_MAX_SOURCE_BYTES;
	memset(s.sha256, 0xab, sizeof(s.sha256));
	memcpy(s.commit, C40, sizeof(C40));
	s.has_commit = 1;
	s.source_date_epoch = 1700000000;
	s.timeout = 600;
	s.has_timeout = 1;
	assert_int_equal(proto_source_begin_encode(&s, &b, &err), TEEC_OK);
	assert_string_equal((char *)b.data, "{\"size\":8589934592,\"sha256\":\""
	    "abababababababababababababababababababababababababababababababab\","
	    "\"commit\":\"" C40 "\",\"source_date_epoch\":1700000000,"
	    "\"timeout\":600}");
	assert_int_equal(proto_source_begin_decode(b.data, b.len, &d, &err), TEEC_OK);
	assert_memory_equal(&s, &d, sizeof(s));
	buf_free(&b);
}

static void
test_source_optional_absent(void **state)
{
	struct proto_source_begin s, d;
	struct teec_err err;
	struct buf b;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.size = 10240;
	assert_int_equal(proto_source_begin_encode(&s, &b, &err), TEEC_OK);
	assert_string_equal((char *)b.data, "{\"size\":10240,\"sha256\":\""
	    "0000000000000000000000000000000000000000000000000000000000000000\","
	    "\"source_date_epoch\":0}");
	assert_int_equal(proto_source_begin_decode(b.data, b.len, &d, &err), TEEC_OK);
	assert_int_equal(d.has_commit, 0);
	assert_string_equal(d.commit, "");
	assert_int_equal(d.has_timeout, 0);
	buf_free(&b);
}

static void
test_source_member_order_free(void **state)
{
	struct proto_source_begin s;
	struct teec_err err;

	(void)state;
	assert_int_equal(src_dec("{ \"source_date_epoch\": 5, \"sha256\": \""
	    H64 "\", \"size\": 3 }", &s, &err), TEEC_OK);
	assert_int_equal(s.size, 3);
	assert_int_equal(s.source_date_epoch, 5);
	assert_int_equal(s.sha256[1], 0x11);
}

static void
test_source_sha256_64_commit(void **state)
{
	struct proto_source_begin s;
	struct teec_err err;

	(void)state;
	assert_int_equal(src_dec("{\"size\":1,\"sha256\":\"" H64 "\",\"commit\":\""
	    H64 "\",\"source_date_epoch\":0}", &s, &err), TEEC_OK);
	assert_int_equal(s.has_commit, 1);
	assert_string_equal(s.commit, H64);
}

static void
test_source_size_missing(void **state)
{
	(void)state;
	src_bad("{\"sha256\":\"" H64 "\",\"source_date_epoch\":0}",
	    "SOURCE_BEGIN: size: missing");
}

static void
test_source_size_negative(void **state)
{
	(void)state;
	src_bad("{\"size\":-1,\"sha256\":\"" H64 "\",\"source_date_epoch\":0}",
	    "SOURCE_BEGIN: size: expected an integer");
}

static void
test_source_size_over_cap(void **state)
{
	(void)state;
	src_bad("{\"size\":8589934593,\"sha256\":\"" H64 "\","
	    "\"source_date_epoch\":0}", "size: expected an integer from 0 to "
	    "8589934592");
}

static void
test_source_size_fraction(void **state)
{
	(void)state;
	src_bad("{\"size\":1.5,\"sha256\":\"" H64 "\",\"source_date_epoch\":0}",
	    "size: expected an integer");
}

static void
test_source_size_string(void **state)
{
	(void)state;
	src_bad("{\"size\":\"1\",\"sha256\":\"" H64 "\",\"source_date_epoch\":0}",
	    "size: expected an integer");
}

static void
test_source_sha256_missing(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"source_date_epoch\":0}",
	    "SOURCE_BEGIN: sha256: missing");
}

static void
test_source_sha256_upper(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"00112233445566778899AABBCCDDEEFF"
	    "00112233445566778899aabbccddeeff\",\"source_date_epoch\":0}",
	    "sha256: expected 64 lower-case hex digits");
}

static void
test_source_sha256_short(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"0011\",\"source_date_epoch\":0}",
	    "sha256: expected 64 lower-case hex digits");
}

static void
test_source_sha256_long(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "00\",\"source_date_epoch\":0}",
	    "sha256: longer than 64 bytes");
}

static void
test_source_sha256_not_hex(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"zz112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\",\"source_date_epoch\":0}",
	    "sha256: expected 64 lower-case hex digits");
}

static void
test_source_sha256_number(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":5,\"source_date_epoch\":0}",
	    "sha256: expected a non-empty string");
}

static void
test_source_commit_short(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"commit\":\"abc\","
	    "\"source_date_epoch\":0}", "commit: expected 40 or 64");
}

static void
test_source_commit_upper(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"commit\":\""
	    "0123456789ABCDEF0123456789abcdef01234567\","
	    "\"source_date_epoch\":0}", "commit: expected 40 or 64");
}

static void
test_source_commit_null(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"commit\":null,"
	    "\"source_date_epoch\":0}", "commit: expected a non-empty string");
}

static void
test_source_epoch_missing(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\"}",
	    "source_date_epoch: missing");
}

static void
test_source_epoch_negative(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"source_date_epoch\":-5}",
	    "source_date_epoch: expected an integer");
}

static void
test_source_epoch_too_late(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\","
	    "\"source_date_epoch\":253402300800}",
	    "source_date_epoch: expected an integer");
}

static void
test_source_timeout_zero(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"source_date_epoch\":0,"
	    "\"timeout\":0}", "timeout: expected an integer from 1 to 86400");
}

static void
test_source_timeout_over(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"source_date_epoch\":0,"
	    "\"timeout\":86401}", "timeout: expected an integer from 1");
}

static void
test_source_timeout_bool(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"source_date_epoch\":0,"
	    "\"timeout\":true}", "timeout: expected an integer");
}

static void
test_source_unknown_member(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"source_date_epoch\":0,"
	    "\"path\":\"/etc\"}", "SOURCE_BEGIN: path: unknown field");
}

static void
test_source_duplicate_member(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"size\":2,\"sha256\":\"" H64 "\","
	    "\"source_date_epoch\":0}", "SOURCE_BEGIN");
}

static void
test_source_case_sensitive_names(void **state)
{
	(void)state;
	src_bad("{\"Size\":1,\"sha256\":\"" H64 "\",\"source_date_epoch\":0}",
	    "Size: unknown field");
}

static void
test_source_nested_value(void **state)
{
	(void)state;
	src_bad("{\"size\":{},\"sha256\":\"" H64 "\",\"source_date_epoch\":0}",
	    "nesting deeper than 1");
}

static void
test_source_not_object(void **state)
{
	(void)state;
	src_bad("[1]", "SOURCE_BEGIN: expected an object");
}

static void
test_source_trailing_data(void **state)
{
	(void)state;
	src_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"source_date_epoch\":0}x",
	    "SOURCE_BEGIN:1:");
}

static void
test_source_empty(void **state)
{
	struct proto_source_begin s;
	struct teec_err err;

	(void)state;
	assert_int_equal(proto_source_begin_decode((const uint8_t *)"", 0, &s, &err),
	    TEEC_FAIL);
}

static void
test_source_nul_byte(void **state)
{
	static const uint8_t p[] = "{\"size\":1,\0}";
	struct proto_source_begin s;
	struct teec_err err;

	(void)state;
	assert_int_equal(proto_source_begin_decode(p, sizeof(p) - 1, &s, &err),
	    TEEC_FAIL);
}

static void
test_source_oversize(void **state)
{
	struct proto_source_begin s;
	struct teec_err err;
	uint8_t *p;
	size_t n = TEEC_MAX_PROTO_JSON_BYTES + 1;

	(void)state;
	p = malloc(n);
	assert_non_null(p);
	memset(p, ' ', n);
	p[0] = '{';
	p[n - 1] = '}';
	assert_int_equal(proto_source_begin_decode(p, n, &s, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "exceeds the limit of 4096 bytes"));
	free(p);
}

static void
test_source_encode_refuses_bad(void **state)
{
	struct proto_source_begin s;
	struct teec_err err;
	struct buf b;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.size = TEEC_MAX_SOURCE_BYTES + 1;
	assert_int_equal(proto_source_begin_encode(&s, &b, &err), TEEC_ERROR);
	assert_null(b.data);
	s.size = 1;
	memcpy(s.commit, "XYZ", 4);
	s.has_commit = 1;
	assert_int_equal(proto_source_begin_encode(&s, &b, &err), TEEC_ERROR);
	s.has_commit = 0;
	s.source_date_epoch = -1;
	assert_int_equal(proto_source_begin_encode(&s, &b, &err), TEEC_ERROR);
	s.source_date_epoch = 0;
	s.has_timeout = 1;
	s.timeout = 0;
	assert_int_equal(proto_source_begin_encode(&s, &b, &err), TEEC_ERROR);
	s.timeout = TEEC_TIMEOUT_MAX + 1;
	assert_int_equal(proto_source_begin_encode(&s, &b, &err), TEEC_ERROR);
}

static void
test_bundle_roundtrip(void **state)
{
	struct proto_bundle_begin b, d;
	struct teec_err err;
	struct buf out;

	(void)state;
	b.size = 12345;
	memset(b.sha256, 0x5a, sizeof(b.sha256));
	assert_int_equal(proto_bundle_begin_encode(&b, &out, &err), TEEC_OK);
	assert_string_equal((char *)out.data, "{\"size\":12345,\"sha256\":\""
	    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\"}");
	assert_int_equal(proto_bundle_begin_decode(out.data, out.len, &d, &err),
	    TEEC_OK);
	assert_memory_equal(&b, &d, sizeof(b));
	buf_free(&out);
}

static void
bundle_bad(const char *json, const char *want)
{
	struct proto_bundle_begin b;
	struct teec_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(proto_bundle_begin_decode((const uint8_t *)json,
	    strlen(json), &b, &err), TEEC_FAIL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
}

static void
test_bundle_size_zero(void **state)
{
	(void)state;
	bundle_bad("{\"size\":0,\"sha256\":\"" H64 "\"}",
	    "BUNDLE_BEGIN: size: expected an integer from 1");
}

static void
test_bundle_size_over(void **state)
{
	(void)state;
	bundle_bad("{\"size\":68719476737,\"sha256\":\"" H64 "\"}",
	    "BUNDLE_BEGIN: size: expected an integer");
}

static void
test_bundle_sha256_bad(void **state)
{
	(void)state;
	bundle_bad("{\"size\":1,\"sha256\":\"" C40 "\"}",
	    "BUNDLE_BEGIN: sha256: expected 64 lower-case hex digits");
}

static void
test_bundle_unknown_member(void **state)
{
	(void)state;
	bundle_bad("{\"size\":1,\"sha256\":\"" H64 "\",\"commit\":\"" C40 "\"}",
	    "BUNDLE_BEGIN: commit: unknown field");
}

static void
test_bundle_missing_size(void **state)
{
	(void)state;
	bundle_bad("{\"sha256\":\"" H64 "\"}", "BUNDLE_BEGIN: size: missing");
}

static void
test_bundle_encode_refuses_empty(void **state)
{
	struct proto_bundle_begin b;
	struct teec_err err;
	struct buf out;

	(void)state;
	memset(&b, 0, sizeof(b));
	assert_int_equal(proto_bundle_begin_encode(&b, &out, &err), TEEC_ERROR);
	b.size = TEEC_MAX_BUNDLE_BYTES + 1;
	assert_int_equal(proto_bundle_begin_encode(&b, &out, &err), TEEC_ERROR);
}

static void
test_error_exit(void **state)
{
	struct frame_error fe;

	(void)state;
	memset(&fe, 0, sizeof(fe));
	fe.code = FRAME_ERR_INPUT;
	snprintf(fe.msg, sizeof(fe.msg), "build.json: input.cmd: expected a "
	    "non-empty string");
	assert_int_equal(proto_error_exit(&fe), 2);
	snprintf(fe.msg, sizeof(fe.msg), "build.json:1:2: invalid JSON");
	assert_int_equal(proto_error_exit(&fe), 2);
	snprintf(fe.msg, sizeof(fe.msg), "source archive: entry ../x: '..'");
	assert_int_equal(proto_error_exit(&fe), 1);
	snprintf(fe.msg, sizeof(fe.msg), "build.jsonx: not the recipe");
	assert_int_equal(proto_error_exit(&fe), 1);
	fe.code = FRAME_ERR_BUILD;
	assert_int_equal(proto_error_exit(&fe), 1);
	fe.code = FRAME_ERR_INTERNAL;
	assert_int_equal(proto_error_exit(&fe), 2);
	fe.code = FRAME_ERR_PROTOCOL;
	assert_int_equal(proto_error_exit(&fe), 2);
	fe.code = 99;
	assert_int_equal(proto_error_exit(&fe), 2);
	assert_string_equal(proto_error_name(FRAME_ERR_BUILD), "BUILD");
	assert_string_equal(proto_error_name(99), "UNKNOWN");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_roundtrip),
		cmocka_unit_test(test_source_optional_absent),
		cmocka_unit_test(test_source_member_order_free),
		cmocka_unit_test(test_source_sha256_64_commit),
		cmocka_unit_test(test_source_size_missing),
		cmocka_unit_test(test_source_size_negative),
		cmocka_unit_test(test_source_size_over_cap),
		cmocka_unit_test(test_source_size_fraction),
		cmocka_unit_test(test_source_size_string),
		cmocka_unit_test(test_source_sha256_missing),
		cmocka_unit_test(test_source_sha256_upper),
		cmocka_unit_test(test_source_sha256_short),
		cmocka_unit_test(test_source_sha256_long),
		cmocka_unit_test(test_source_sha256_not_hex),
		cmocka_unit_test(test_source_sha256_number),
		cmocka_unit_test(test_source_commit_short),
		cmocka_unit_test(test_source_commit_upper),
		cmocka_unit_test(test_source_commit_null),
		cmocka_unit_test(test_source_epoch_missing),
		cmocka_unit_test(test_source_epoch_negative),
		cmocka_unit_test(test_source_epoch_too_late),
		cmocka_unit_test(test_source_timeout_zero),
		cmocka_unit_test(test_source_timeout_over),
		cmocka_unit_test(test_source_timeout_bool),
		cmocka_unit_test(test_source_unknown_member),
		cmocka_unit_test(test_source_duplicate_member),
		cmocka_unit_test(test_source_case_sensitive_names),
		cmocka_unit_test(test_source_nested_value),
		cmocka_unit_test(test_source_not_object),
		cmocka_unit_test(test_source_trailing_data),
		cmocka_unit_test(test_source_empty),
		cmocka_unit_test(test_source_nul_byte),
		cmocka_unit_test(test_source_oversize),
		cmocka_unit_test(test_source_encode_refuses_bad),
		cmocka_unit_test(test_bundle_roundtrip),
		cmocka_unit_test(test_bundle_size_zero),
		cmocka_unit_test(test_bundle_size_over),
		cmocka_unit_test(test_bundle_sha256_bad),
		cmocka_unit_test(test_bundle_unknown_member),
		cmocka_unit_test(test_bundle_missing_size),
		cmocka_unit_test(test_bundle_encode_refuses_empty),
		cmocka_unit_test(test_error_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

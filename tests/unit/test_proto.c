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

/* NET_RELAY (teec-protocol(7), The relay channel). */

static void
relay_bad(const char *p, size_t n, const char *want)
{
	struct proto_relay r;
	struct teec_err err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(proto_relay_decode((const uint8_t *)p, n, &r, &err),
	    TEEC_FAIL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("\"%.*s\": \"%s\" lacks \"%s\"", (int)n, p, err.msg,
		    want);
	assert_int_equal(r.kind, 0);
}

static void
test_relay_roundtrip(void **state)
{
	struct proto_relay r, back;
	struct teec_err err;
	char out[TEEC_MAX_NET_RELAY + 1];

	memset(&r, 0, sizeof(r));
	r.kind = PROTO_RELAY_VSOCK;
	r.port = PROTO_RELAY_VSOCK_PORT_MAX;
	assert_int_equal(proto_relay_encode(&r, out, &err), TEEC_OK);
	assert_string_equal(out, "vsock:4294967294");
	assert_int_equal(proto_relay_decode((const uint8_t *)out, strlen(out),
	    &back, &err), TEEC_OK);
	assert_int_equal(back.kind, PROTO_RELAY_VSOCK);
	assert_int_equal(back.port, PROTO_RELAY_VSOCK_PORT_MAX);
	r.kind = PROTO_RELAY_UNIX;
	snprintf(r.path, sizeof(r.path), "/tmp/teec-relay.x1/relay.sock");
	assert_int_equal(proto_relay_encode(&r, out, &err), TEEC_OK);
	assert_string_equal(out, "unix:/tmp/teec-relay.x1/relay.sock");
	assert_int_equal(proto_relay_decode((const uint8_t *)out, strlen(out),
	    &back, &err), TEEC_OK);
	assert_int_equal(back.kind, PROTO_RELAY_UNIX);
	assert_string_equal(back.path, r.path);
}

static void
test_relay_bad(void **state)
{
	char longpath[200];

	relay_bad("", 0, "expected \"vsock:PORT\" or \"unix:PATH\"");
	relay_bad("tcp:80", 6, "expected \"vsock:PORT\"");
	relay_bad("VSOCK:5", 7, "expected \"vsock:PORT\"");
	relay_bad("vsock:", 6, "expected \"vsock:PORT\"");
	relay_bad("vsock:0", 7, "port from 1 to 4294967294");
	relay_bad("vsock:4294967295", 16, "port from 1 to 4294967294");
	relay_bad("vsock:99999999999", 17, "port from 1");
	relay_bad("vsock:012", 9, "port from 1");
	relay_bad("vsock:+1", 8, "port from 1");
	relay_bad("vsock:1 ", 8, "port from 1");
	relay_bad("unix:", 5, "expected \"vsock:PORT\"");
	relay_bad("unix:/", 6, "absolute path");
	relay_bad("unix:rel/a", 10, "absolute path");
	relay_bad("unix:/a\nb", 9, "not printable ASCII");
	relay_bad("unix:/a\0b", 9, "not printable ASCII");
	relay_bad("unix:/a\xc3\xa9", 9, "not printable ASCII");
	memset(longpath, 'a', sizeof(longpath));
	memcpy(longpath, "unix:/", 6);
	relay_bad(longpath, 5 + PROTO_RELAY_PATH_MAX, "shorter than 108");
	relay_bad(longpath, TEEC_MAX_NET_RELAY + 1, "exceeds the limit of 128");
}

static void
test_relay_encode_refuses_bad(void **state)
{
	struct proto_relay r;
	struct teec_err err;
	char out[TEEC_MAX_NET_RELAY + 1];

	memset(&r, 0, sizeof(r));
	assert_int_equal(proto_relay_encode(&r, out, &err), TEEC_ERROR);
	r.kind = PROTO_RELAY_VSOCK;
	assert_int_equal(proto_relay_encode(&r, out, &err), TEEC_ERROR);
	r.kind = PROTO_RELAY_UNIX;
	snprintf(r.path, sizeof(r.path), "relative");
	assert_int_equal(proto_relay_encode(&r, out, &err), TEEC_ERROR);
	assert_string_equal(out, "");
}

/* NET_OPEN request and answer. */

static void
open_bad(const char *p, const char *want)
{
	char host[TEEC_MAX_HOSTNAME + 1];
	struct teec_err err;
	uint16_t port = 7;

	memset(&err, 0, sizeof(err));
	assert_int_equal(proto_net_open_decode((const uint8_t *)p, strlen(p),
	    host, &port, &err), TEEC_FAIL);
	if (strstr(err.msg, want) == NULL)
		fail_msg("\"%s\": \"%s\" lacks \"%s\"", p, err.msg, want);
	assert_int_equal(port, 0);
	assert_string_equal(host, "");
}

static void
test_net_open_roundtrip(void **state)
{
	char out[TEEC_MAX_NET_OPEN + 1], host[TEEC_MAX_HOSTNAME + 1];
	char longest[TEEC_MAX_NET_OPEN + 1];
	struct teec_err err;
	uint16_t port;
	size_t i;

	assert_int_equal(proto_net_open_encode("static.crates.io", 443, out,
	    &err), TEEC_OK);
	assert_string_equal(out, "static.crates.io:443");
	assert_int_equal(proto_net_open_decode((const uint8_t *)out,
	    strlen(out), host, &port, &err), TEEC_OK);
	assert_string_equal(host, "static.crates.io");
	assert_int_equal(port, 443);
	assert_int_equal(proto_net_open_decode((const uint8_t *)"10.1.2.3:1",
	    10, host, &port, &err), TEEC_OK);
	assert_string_equal(host, "10.1.2.3");
	assert_int_equal(port, 1);
	/* The longest name there is, on the highest port. */
	for (i = 0; i < TEEC_MAX_HOSTNAME; i++)
		longest[i] = (i % 50 == 49) ? '.' : 'a';
	memcpy(longest + TEEC_MAX_HOSTNAME, ":65535", 7);
	assert_int_equal(proto_net_open_decode((const uint8_t *)longest,
	    strlen(longest), host, &port, &err), TEEC_OK);
	assert_int_equal(port, 65535);
	assert_int_equal(strlen(host), TEEC_MAX_HOSTNAME);
}

static void
test_net_open_bad(void **state)
{
	char big[TEEC_MAX_NET_OPEN + 8];

	open_bad("", "expected HOST:PORT");
	open_bad("example.org", "expected HOST:PORT");
	open_bad("example.org:", "port from 1 to 65535");
	open_bad("example.org:0", "port from 1 to 65535");
	open_bad("example.org:65536", "port from 1 to 65535");
	open_bad("example.org:0443", "port from 1 to 65535");
	open_bad("example.org:44a", "port from 1 to 65535");
	open_bad(":443", "host");
	open_bad("EXAMPLE.org:443", "not in canonical form");
	open_bad("example.org.:443", "host");
	open_bad("ex ample.org:443", "host");
	open_bad("a:b:443", "host");
	open_bad("[::1]:443", "host");
	/* One byte over: TEEC_MAX_NET_OPEN - 2 letters, then ":80". */
	memset(big, 'a', sizeof(big));
	memcpy(big + TEEC_MAX_NET_OPEN - 2, ":80", 4);
	open_bad(big, "exceeds the limit of 259 bytes");
}

static void
test_net_open_encode_refuses_bad(void **state)
{
	char out[TEEC_MAX_NET_OPEN + 1];
	struct teec_err err;

	assert_int_equal(proto_net_open_encode("Example.org", 80, out, &err),
	    TEEC_ERROR);
	assert_int_equal(proto_net_open_encode("example.org", 0, out, &err),
	    TEEC_ERROR);
	assert_int_equal(proto_net_open_encode("", 80, out, &err), TEEC_ERROR);
	assert_string_equal(out, "");
}

static void
test_net_reply_roundtrip(void **state)
{
	uint8_t p[1 + TEEC_MAX_NET_REASON], st = 9;
	char reason[TEEC_MAX_NET_REASON + 1], big[400];
	struct teec_err err;
	size_t n;

	proto_net_reply_encode(PROTO_NET_OK, "ignored", p, &n);
	assert_int_equal(n, 1);
	assert_int_equal(proto_net_reply_decode(p, n, &st, reason, &err),
	    TEEC_OK);
	assert_int_equal(st, PROTO_NET_OK);
	assert_string_equal(reason, "");
	proto_net_reply_encode(PROTO_NET_DIAL_FAILED, "no\troute\xc3", p, &n);
	assert_int_equal(proto_net_reply_decode(p, n, &st, reason, &err),
	    TEEC_OK);
	assert_int_equal(st, PROTO_NET_DIAL_FAILED);
	assert_string_equal(reason, "no?route?");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	proto_net_reply_encode(PROTO_NET_BUSY, big, p, &n);
	assert_int_equal(n, 1 + TEEC_MAX_NET_REASON);
	assert_int_equal(proto_net_reply_decode(p, n, &st, reason, &err),
	    TEEC_OK);
	assert_int_equal(strlen(reason), TEEC_MAX_NET_REASON);
	assert_string_equal(proto_net_status_name(PROTO_NET_TIMEOUT),
	    "timeout");
	assert_string_equal(proto_net_status_name(77), "unknown");
}

static void
test_net_reply_bad(void **state)
{
	static const struct {
		const char *p;
		size_t n;
		const char *want;
	} bad[] = {
		{ "", 0, "empty" },
		{ "\x06", 1, "unknown status 6" },
		{ "\xff" "x", 2, "unknown status 255" },
		{ "\x00" "x", 2, "a reason after ok" },
		{ "\x01" "a\x7f", 3, "not printable ASCII" },
		{ "\x01" "a\0", 3, "not printable ASCII" },
	};
	uint8_t big[2 + TEEC_MAX_NET_REASON];
	char reason[TEEC_MAX_NET_REASON + 1];
	struct teec_err err;
	uint8_t st;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(proto_net_reply_decode((const uint8_t *)bad[i].p,
		    bad[i].n, &st, reason, &err), TEEC_FAIL);
		if (strstr(err.msg, bad[i].want) == NULL)
			fail_msg("%zu: \"%s\" lacks \"%s\"", i, err.msg,
			    bad[i].want);
	}
	memset(big, 'a', sizeof(big));
	big[0] = PROTO_NET_BUSY;
	assert_int_equal(proto_net_reply_decode(big, sizeof(big), &st, reason,
	    &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "exceed the limit of 201"));
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
		cmocka_unit_test(test_relay_roundtrip),
		cmocka_unit_test(test_relay_bad),
		cmocka_unit_test(test_relay_encode_refuses_bad),
		cmocka_unit_test(test_net_open_roundtrip),
		cmocka_unit_test(test_net_open_bad),
		cmocka_unit_test(test_net_open_encode_refuses_bad),
		cmocka_unit_test(test_net_reply_roundtrip),
		cmocka_unit_test(test_net_reply_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

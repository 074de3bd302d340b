/* SPDX-License-Identifier: ISC */
#include "tests/unit/testutil.h"

#include "common/buf.h"
#include "common/caps.h"
#include "report/report.h"

#define A64  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B96  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
	     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define S64  "1111111111111111111111111111111111111111111111111111111111111111"
#define BJ   "{\"language\":\"c\",\"input\":{\"cmd\":\"make\"}," \
	     "\"output\":{\"files\":[\"hello\"]}}"
/* sha256 of BJ: printf '%s' "$BJ" | sha256sum */
#define BJ_SHA256 \
	"7c9cae6ab5a19f21ee3fa63f826db1da19783000e3582b267d7f4883dfd160af"

#define SUBJ_HELLO "\"subject\":[{\"name\":\"hello\",\"digest\":{\"sha256\":\"" \
	A64 "\",\"sha384\":\"" B96 "\"}}]"
#define RUN_DETAILS "\"runDetails\":{\"builder\":{\"id\":" \
	"\"https://teec.dev/builder/local/v1\",\"version\":{\"teec-enclave\":" \
	"\"0.1.0\"}},\"metadata\":{\"invocationId\":" \
	"\"123e4567-e89b-12d3-a456-426614174000\",\"startedOn\":" \
	"\"2023-11-14T22:13:20Z\",\"finishedOn\":\"2023-11-14T22:14:20Z\"}," \
	"\"byproducts\":[]}"

/* What report_write() gives for small_input(), byte for byte. */
static const char golden[] =
    "{\"_type\":\"https://in-toto.io/Statement/v1\","
    SUBJ_HELLO ","
    "\"predicateType\":\"https://slsa.dev/provenance/v1\","
    "\"predicate\":{\"buildDefinition\":{"
    "\"buildType\":\"https://teec.dev/build/v1\","
    "\"externalParameters\":{\"build\":" BJ ","
    "\"buildDigest\":{\"sha256\":\"" BJ_SHA256 "\"},"
    "\"source\":{\"digest\":{\"sha256\":\"" S64 "\"}}},"
    "\"internalParameters\":{\"environment\":{\"HOME\":\"/work/home\","
    "\"LC_ALL\":\"C.UTF-8\"},\"sourceDateEpoch\":1700000000,"
    "\"timeout\":3600,\"umask\":\"022\",\"isolation\":\"none\","
    "\"worker\":{\"name\":\"teec-enclave\",\"version\":\"0.1.0\"}},"
    "\"resolvedDependencies\":[{\"name\":\"source\","
    "\"uri\":\"teec:source.tar\",\"digest\":{\"sha256\":\"" S64 "\"}}]},"
    RUN_DETAILS "}}\n";

/* The full input: every optional part present, given out of order. */
static const char *const env_names[] = { "TZ", "LC_ALL", "HOME", "PATH",
    "SOURCE_DATE_EPOCH" };
static const char *const env_values[] = { "UTC", "C.UTF-8", "/work/home",
    "/usr/bin:/bin", "1700000000" };

struct fixture {
	struct report_input in;
	struct report_subject subj[3];
	struct report_dep deps[2];
	uint8_t src[32];
	uint8_t log[32];
	uint8_t pcrs[3][48];
};

static void
small_input(struct fixture *f)
{
	static const char *const names[] = { "LC_ALL", "HOME" };
	static const char *const values[] = { "C.UTF-8", "/work/home" };

	memset(f, 0, sizeof(*f));
	memset(f->src, 0x11, sizeof(f->src));
	f->subj[0].name = "hello";
	memset(f->subj[0].sha256, 0xaa, 32);
	memset(f->subj[0].sha384, 0xbb, 48);
	f->subj[0].has_sha384 = 1;
	f->in.build_json = (const uint8_t *)BJ;
	f->in.build_json_len = strlen(BJ);
	f->in.source_sha256 = f->src;
	f->in.env_names = names;
	f->in.env_values = values;
	f->in.nenv = 2;
	f->in.source_date_epoch = 1700000000;
	f->in.timeout = 3600;
	f->in.isolation = "none";
	f->in.builder_id = "https://teec.dev/builder/local/v1";
	f->in.builder_version = "0.1.0";
	f->in.invocation_id = "123e4567-e89b-12d3-a456-426614174000";
	f->in.started = 1700000000;
	f->in.finished = 1700000060;
	f->in.subjects = f->subj;
	f->in.nsubjects = 1;
}

static void
full_input(struct fixture *f)
{
	size_t i;

	small_input(f);
	f->in.source_commit = "0123456789abcdef0123456789abcdef01234567";
	f->in.env_names = env_names;
	f->in.env_values = env_values;
	f->in.nenv = 5;
	f->in.isolation = "nitro";
	f->in.builder_id = "https://teec.dev/builder/nitro/v1";
	f->subj[1].name = "dist/hello-1.0.tar.gz";
	memset(f->subj[1].sha256, 0x5a, 32);
	f->subj[2].name = "Hello";
	memset(f->subj[2].sha256, 0x01, 32);
	memset(f->subj[2].sha384, 0x02, 48);
	f->subj[2].has_sha384 = 1;
	f->in.nsubjects = 3;
	f->deps[0].uri = "https://example.org/dl/lib-1.0.tar.gz?x=1&y=%20";
	memset(f->deps[0].sha256, 0xcc, 32);
	f->deps[0].has_sha256 = 1;
	f->deps[0].method = "GET";
	f->deps[0].status = 200;
	f->deps[0].size = 1234;
	f->deps[1].name = "telemetry";
	f->deps[1].uri = "https://evil.example/beacon";
	f->deps[1].method = "POST";
	f->deps[1].status = -1;
	f->deps[1].size = -1;
	f->deps[1].refused = 1;
	f->deps[1].reason = "not allowed by the network policy \"none\"";
	f->in.deps = f->deps;
	f->in.ndeps = 2;
	memset(f->log, 0xdd, sizeof(f->log));
	f->in.log_sha256 = f->log;
	for (i = 0; i < 3; i++)
		memset(f->pcrs[i], 0x30 + (int)i, 48);
	f->in.pcrs = (const uint8_t (*)[48])f->pcrs;
}

static void
write_ok(const struct report_input *in, struct buf *out)
{
	struct teec_err err;

	memset(&err, 0, sizeof(err));
	if (report_write(in, out, &err) != TEEC_OK)
		fail_msg("report_write: %s", err.msg);
}

static int
parse_str(const char *s, size_t n, struct report *r, struct teec_err *err)
{
	memset(err, 0, sizeof(*err));
	return report_parse((const uint8_t *)s, n, r, err);
}

/* s must be refused with TEEC_FAIL and exactly msg; r is left empty. */
static void
refused_n(const char *s, size_t n, const char *msg)
{
	struct report r;
	struct teec_err err;

	if (parse_str(s, n, &r, &err) != TEEC_FAIL)
		fail_msg("accepted or wrong status: %s", err.msg);
	assert_string_equal(err.msg, msg);
	assert_null(r.subjects);
	assert_null(r.build_json);
	assert_null(r.env);
	assert_null(r.deps);
	assert_int_equal(r.nsubjects, 0);
	report_free(&r);
}

static void
refused(const char *s, const char *msg)
{
	refused_n(s, strlen(s), msg);
}

/* base with the one occurrence of from replaced by to (caller frees). */
static char *
replace(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	size_t a, f = strlen(from), t = strlen(to), n = strlen(base);
	char *s;

	if (at == NULL)
		fail_msg("\"%s\" not in the document", from);
	if (strstr(at + 1, from) != NULL)
		fail_msg("\"%s\" is in the document twice", from);
	a = (size_t)(at - base);
	assert_non_null(s = malloc(n - f + t + 1));
	memcpy(s, base, a);
	memcpy(s + a, to, t);
	memcpy(s + a + t, at + f, n - a - f + 1);
	return s;
}

/* The golden report with from replaced by to must be refused with msg. */
static void
golden_refused(const char *from, const char *to, const char *msg)
{
	char *s = replace(golden, from, to);

	refused(s, msg);
	free(s);
}

/* The full report, written by report_write() (caller frees). */
static char *
full_report(void)
{
	struct fixture f;
	struct buf out;
	char *s;

	full_input(&f);
	write_ok(&f.in, &out);
	assert_non_null(s = strdup((const char *)out.data));
	buf_free(&out);
	return s;
}

static void
full_refused(const char *from, const char *to, const char *msg)
{
	char *base = full_report(), *s = replace(base, from, to);

	refused(s, msg);
	free(s);
	free(base);
}

static void
test_golden_bytes(void **state)
{
	struct fixture f;
	struct buf out;

	small_input(&f);
	write_ok(&f.in, &out);
	assert_int_equal(out.len, strlen(golden));
	assert_memory_equal(out.data, golden, out.len);
	buf_free(&out);
}

static void
test_golden_parses(void **state)
{
	struct report r;
	struct teec_err err;
	uint8_t a[32], b[48];

	memset(a, 0xaa, sizeof(a));
	memset(b, 0xbb, sizeof(b));
	assert_int_equal(parse_str(golden, strlen(golden), &r, &err), TEEC_OK);
	assert_int_equal(r.nsubjects, 1);
	assert_string_equal(r.subjects[0].name, "hello");
	assert_memory_equal(r.subjects[0].sha256, a, 32);
	assert_memory_equal(r.subjects[0].sha384, b, 48);
	assert_true(r.subjects[0].has_sha384);
	assert_string_equal(r.build_json, BJ);
	assert_string_equal(r.language, "c");
	assert_string_equal(r.command, "make");
	assert_null(r.source_commit);
	assert_string_equal(r.source_uri, "teec:source.tar");
	assert_false(r.has_pcrs);
	assert_int_equal(r.ndeps, 0);
	assert_null(r.deps);
	assert_false(r.has_log);
	assert_string_equal(r.internal_json, "{\"environment\":{\"HOME\":"
	    "\"/work/home\",\"LC_ALL\":\"C.UTF-8\"},\"sourceDateEpoch\":"
	    "1700000000,\"timeout\":3600,\"umask\":\"022\",\"isolation\":"
	    "\"none\",\"worker\":{\"name\":\"teec-enclave\",\"version\":"
	    "\"0.1.0\"}}");
	report_free(&r);
}

static void
test_round_trip(void **state)
{
	struct fixture f;
	struct report r;
	struct teec_err err;
	struct buf out;
	size_t i;

	full_input(&f);
	write_ok(&f.in, &out);
	assert_int_equal(parse_str((const char *)out.data, out.len, &r, &err),
	    TEEC_OK);
	/* Subjects come back sorted: "Hello" < "dist/..." < "hello". */
	assert_int_equal(r.nsubjects, 3);
	assert_string_equal(r.subjects[0].name, "Hello");
	assert_memory_equal(r.subjects[0].sha256, f.subj[2].sha256, 32);
	assert_memory_equal(r.subjects[0].sha384, f.subj[2].sha384, 48);
	assert_true(r.subjects[0].has_sha384);
	assert_string_equal(r.subjects[1].name, "dist/hello-1.0.tar.gz");
	assert_memory_equal(r.subjects[1].sha256, f.subj[1].sha256, 32);
	assert_false(r.subjects[1].has_sha384);
	assert_string_equal(r.subjects[2].name, "hello");
	assert_memory_equal(r.subjects[2].sha384, f.subj[0].sha384, 48);
	/* externalParameters */
	assert_string_equal(r.build_json, BJ);
	assert_string_equal(r.language, "c");
	assert_string_equal(r.command, "make");
	assert_memory_equal(r.source_sha256, f.src, 32);
	assert_string_equal(r.source_commit, f.in.source_commit);
	assert_string_equal(r.source_uri, REPORT_SOURCE_URI);
	/* internalParameters, environment sorted */
	assert_int_equal(r.nenv, 5);
	assert_string_equal(r.env[0].name, "HOME");
	assert_string_equal(r.env[0].value, "/work/home");
	assert_string_equal(r.env[1].name, "LC_ALL");
	assert_string_equal(r.env[2].name, "PATH");
	assert_string_equal(r.env[2].value, "/usr/bin:/bin");
	assert_string_equal(r.env[3].name, "SOURCE_DATE_EPOCH");
	assert_string_equal(r.env[4].name, "TZ");
	assert_string_equal(r.env[4].value, "UTC");
	assert_string_equal(r.umask, "022");
	assert_string_equal(r.isolation, "nitro");
	assert_int_equal(r.source_date_epoch, 1700000000);
	assert_int_equal(r.timeout, 3600);
	assert_non_null(r.internal_json);
	/* resolvedDependencies */
	assert_true(r.has_pcrs);
	for (i = 0; i < 3; i++)
		assert_memory_equal(r.pcrs[i], f.pcrs[i], 48);
	assert_int_equal(r.ndeps, 2);
	assert_null(r.deps[0].name);
	assert_string_equal(r.deps[0].uri, f.deps[0].uri);
	assert_true(r.deps[0].has_sha256);
	assert_memory_equal(r.deps[0].sha256, f.deps[0].sha256, 32);
	assert_string_equal(r.deps[0].method, "GET");
	assert_int_equal(r.deps[0].status, 200);
	assert_int_equal(r.deps[0].size, 1234);
	assert_false(r.deps[0].refused);
	assert_null(r.deps[0].reason);
	assert_string_equal(r.deps[1].name, "telemetry");
	assert_string_equal(r.deps[1].uri, f.deps[1].uri);
	assert_false(r.deps[1].has_sha256);
	assert_string_equal(r.deps[1].method, "POST");
	assert_int_equal(r.deps[1].status, -1);
	assert_int_equal(r.deps[1].size, -1);
	assert_true(r.deps[1].refused);
	assert_string_equal(r.deps[1].reason, f.deps[1].reason);
	/* runDetails */
	assert_string_equal(r.builder_id, "https://teec.dev/builder/nitro/v1");
	assert_string_equal(r.builder_version, "0.1.0");
	assert_string_equal(r.invocation_id, f.in.invocation_id);
	assert_string_equal(r.started_on, "2023-11-14T22:13:20Z");
	assert_string_equal(r.finished_on, "2023-11-14T22:14:20Z");
	assert_int_equal(r.started, 1700000000);
	assert_int_equal(r.finished, 1700000060);
	assert_true(r.has_log);
	assert_memory_equal(r.log_sha256, f.log, 32);
	report_free(&r);
	buf_free(&out);
}

/* Same input, same bytes; the order subjects and variables come in does
 * not matter. */
static void
test_determinism(void **state)
{
	static const char *const names2[] = { "SOURCE_DATE_EPOCH", "PATH",
	    "HOME", "LC_ALL", "TZ" };
	static const char *const values2[] = { "1700000000", "/usr/bin:/bin",
	    "/work/home", "C.UTF-8", "UTC" };
	struct fixture f, g;
	struct buf a, b, c;

	full_input(&f);
	write_ok(&f.in, &a);
	write_ok(&f.in, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	full_input(&g);
	g.subj[0] = f.subj[2];
	g.subj[2] = f.subj[0];
	g.in.env_names = names2;
	g.in.env_values = values2;
	write_ok(&g.in, &c);
	assert_int_equal(a.len, c.len);
	assert_memory_equal(a.data, c.data, a.len);
	assert_int_equal(a.data[a.len - 1], '\n');
	buf_free(&a);
	buf_free(&b);
	buf_free(&c);
}

/* build.json is recorded compactly; buildDigest covers the bytes given. */
static void
test_build_json_recompacted(void **state)
{
	static const char spaced[] = "{\n  \"language\": \"c\",\n  \"input\": "
	    "{\"cmd\": \"make\"},\n  \"output\": {\"files\": [\"hello\"]}\n}\n";
	/* printf '%s' "$spaced" | sha256sum */
	static const char want[] = "\"buildDigest\":{\"sha256\":\""
	    "63b15296c2d432d8a17b6c2c674a3d09f52a343aa7f90b49f708664ea13c2204"
	    "\"}";
	struct fixture f;
	struct report r;
	struct teec_err err;
	struct buf out;

	small_input(&f);
	f.in.build_json = (const uint8_t *)spaced;
	f.in.build_json_len = strlen(spaced);
	write_ok(&f.in, &out);
	assert_int_equal(parse_str((const char *)out.data, out.len, &r, &err),
	    TEEC_OK);
	assert_string_equal(r.build_json, BJ);
	assert_non_null(strstr((const char *)out.data, "\"build\":" BJ ","));
	assert_null(strstr((const char *)out.data, BJ_SHA256));
	assert_non_null(strstr((const char *)out.data, want));
	report_free(&r);
	buf_free(&out);
}

static void
test_wrong_type(void **state)
{
	golden_refused("in-toto.io/Statement/v1", "in-toto.io/Statement/v0.1",
	    "report.json: _type: expected \"https://in-toto.io/Statement/v1\"");
}

static void
test_wrong_predicate_type(void **state)
{
	golden_refused("slsa.dev/provenance/v1", "slsa.dev/provenance/v0.2",
	    "report.json: predicateType: expected "
	    "\"https://slsa.dev/provenance/v1\"");
}

static void
test_wrong_build_type(void **state)
{
	golden_refused("teec.dev/build/v1", "teec.dev/build/v2",
	    "report.json: predicate.buildDefinition.buildType: expected "
	    "\"https://teec.dev/build/v1\"");
}

static void
test_missing_subject(void **state)
{
	golden_refused(SUBJ_HELLO ",", "",
	    "report.json: subject: missing (expected a non-empty array)");
}

static void
test_subject_not_array(void **state)
{
	golden_refused(SUBJ_HELLO, "\"subject\":{\"name\":\"hello\"}",
	    "report.json: subject: expected a non-empty array");
}

static void
test_subject_empty(void **state)
{
	golden_refused(SUBJ_HELLO, "\"subject\":[]",
	    "report.json: subject: expected a non-empty array");
}

static void
test_subject_not_object(void **state)
{
	golden_refused(SUBJ_HELLO, "\"subject\":[\"hello\"]",
	    "report.json: subject[0]: expected an object");
}

static void
test_subject_name_dotdot(void **state)
{
	golden_refused("\"name\":\"hello\"", "\"name\":\"a/../../etc/passwd\"",
	    "report.json: subject[0].name: '..' component not allowed");
}

static void
test_subject_name_absolute(void **state)
{
	golden_refused("\"name\":\"hello\"", "\"name\":\"/usr/bin/hello\"",
	    "report.json: subject[0].name: absolute path not allowed");
}

static void
test_subject_name_empty(void **state)
{
	golden_refused("\"name\":\"hello\"", "\"name\":\"\"",
	    "report.json: subject[0].name: empty name");
}

static void
test_subject_name_dot(void **state)
{
	golden_refused("\"name\":\"hello\"", "\"name\":\"./hello\"",
	    "report.json: subject[0].name: '.' component not allowed");
}

static void
test_subject_name_empty_component(void **state)
{
	golden_refused("\"name\":\"hello\"", "\"name\":\"bin//hello\"",
	    "report.json: subject[0].name: empty path component not allowed");
}

static void
test_subject_name_control(void **state)
{
	golden_refused("\"name\":\"hello\"", "\"name\":\"hel\\u001blo\"",
	    "report.json: subject[0].name: not printable ASCII");
}

static void
test_subject_name_backslash(void **state)
{
	golden_refused("\"name\":\"hello\"", "\"name\":\"..\\\\x\"",
	    "report.json: subject[0].name: backslash not allowed");
}

static void
test_subject_name_too_long(void **state)
{
	char name[300], from[400];

	memset(name, 'x', 246);
	name[246] = '\0';
	snprintf(from, sizeof(from), "\"name\":\"%s\"", name);
	golden_refused("\"name\":\"hello\"", from,
	    "report.json: subject[0].name: name longer than 245 bytes");
}

static void
test_subject_name_not_string(void **state)
{
	golden_refused("\"name\":\"hello\"", "\"name\":null",
	    "report.json: subject[0].name: expected a string");
}

static void
test_subject_duplicate(void **state)
{
	char *s = full_report(), *t;

	/* Rename "dist/hello-1.0.tar.gz" to "Hello", which sorts before it. */
	t = replace(s, "\"name\":\"dist/hello-1.0.tar.gz\"", "\"name\":\"Hello\"");
	refused(t, "report.json: subject[1].name: duplicate of subject[0].name");
	free(t);
	free(s);
}

static void
test_subject_unsorted(void **state)
{
	char *s = full_report(), *t;

	t = replace(s, "\"name\":\"dist/hello-1.0.tar.gz\"", "\"name\":\"zz\"");
	refused(t, "report.json: subject[2].name: not sorted after "
	    "subject[1].name (byte order)");
	free(t);
	free(s);
}

static void
test_hex_uppercase(void **state)
{
	golden_refused("\"sha256\":\"" A64 "\"", "\"sha256\":\""
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"",
	    "report.json: subject[0].digest.sha256: not 64 lower-case hex "
	    "digits");
}

static void
test_hex_short(void **state)
{
	golden_refused("\"sha256\":\"" A64 "\"", "\"sha256\":\"aaaa\"",
	    "report.json: subject[0].digest.sha256: not 64 lower-case hex "
	    "digits");
}

static void
test_hex_long(void **state)
{
	golden_refused("\"sha384\":\"" B96 "\"", "\"sha384\":\"" B96 "bb\"",
	    "report.json: subject[0].digest.sha384: not 96 lower-case hex "
	    "digits");
}

static void
test_hex_nonhex(void **state)
{
	golden_refused("\"sha256\":\"" A64 "\"", "\"sha256\":\""
	    "gaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
	    "report.json: subject[0].digest.sha256: not 64 lower-case hex "
	    "digits");
}

static void
test_hex_elsewhere(void **state)
{
	golden_refused("\"buildDigest\":{\"sha256\":\"" BJ_SHA256 "\"}",
	    "\"buildDigest\":{\"sha256\":\"7C9C\"}",
	    "report.json: predicate.buildDefinition.externalParameters."
	    "buildDigest.sha256: not 64 lower-case hex digits");
}

static void
test_missing_sha256(void **state)
{
	golden_refused("\"sha256\":\"" A64 "\",", "",
	    "report.json: subject[0].digest.sha256: missing (expected a "
	    "non-empty string)");
}

static void
test_sha384_optional(void **state)
{
	char *s = replace(golden, ",\"sha384\":\"" B96 "\"", "");
	struct report r;
	struct teec_err err;

	assert_int_equal(parse_str(s, strlen(s), &r, &err), TEEC_OK);
	assert_false(r.subjects[0].has_sha384);
	report_free(&r);
	free(s);
}

static void
test_unknown_digest_algorithm(void **state)
{
	golden_refused("\"sha384\":\"" B96 "\"", "\"sha384\":\"" B96 "\","
	    "\"sha1\":\"" "0000000000000000000000000000000000000000" "\"",
	    "report.json: subject[0].digest.sha1: unknown field");
}

static void
test_unknown_key_top(void **state)
{
	golden_refused("\"predicateType\"", "\"extra\":1,\"predicateType\"",
	    "report.json: extra: unknown field");
}

static void
test_unknown_key_predicate(void **state)
{
	golden_refused("\"predicate\":{", "\"predicate\":{\"extra\":{},",
	    "report.json: predicate.extra: unknown field");
}

static void
test_unknown_key_subject(void **state)
{
	golden_refused("\"name\":\"hello\"", "\"name\":\"hello\",\"uri\":\"x\"",
	    "report.json: subject[0].uri: unknown field");
}

static void
test_unknown_key_run_details(void **state)
{
	golden_refused("\"byproducts\":[]", "\"byproducts\":[],\"x\":null",
	    "report.json: predicate.runDetails.x: unknown field");
}

static void
test_unknown_key_internal(void **state)
{
	golden_refused("\"umask\":\"022\"", "\"umask\":\"022\",\"uid\":0",
	    "report.json: predicate.buildDefinition.internalParameters.uid: "
	    "unknown field");
}

static void
test_umask_other(void **state)
{
	golden_refused("\"umask\":\"022\"", "\"umask\":\"000\"",
	    "report.json: predicate.buildDefinition.internalParameters.umask: "
	    "expected \"022\"");
}

static void
test_duplicate_key(void **state)
{
	golden_refused("\"umask\":\"022\"", "\"umask\":\"022\",\"umask\":\"000\"",
	    "report.json: predicate.buildDefinition.internalParameters: "
	    "duplicate key \"umask\"");
}

static void
test_trailing_garbage(void **state)
{
	char *s;

	assert_non_null(s = malloc(strlen(golden) + 3));
	memcpy(s, golden, strlen(golden));
	memcpy(s + strlen(golden), "{}", 3);
	refused(s, "report.json:2:1: invalid JSON: trailing data after the "
	    "value");
	free(s);
}

static void
test_invalid_utf8(void **state)
{
	golden_refused("\"HOME\":\"/work/home\"", "\"HOME\":\"/w\xc3\x28\"",
	    "report.json:1:726: invalid UTF-8");
}

static void
test_nul_byte(void **state)
{
	char s[sizeof(golden)];

	memcpy(s, golden, sizeof(golden));
	s[10] = '\0';
	refused_n(s, sizeof(golden) - 1, "report.json:1:11: NUL byte");
}

static void
test_too_deep(void **state)
{
	char deep[100], from[200];
	struct report r;
	struct teec_err err;
	char *s;

	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	snprintf(from, sizeof(from), "\"HOME\":%s", deep);
	s = replace(golden, "\"HOME\":\"/work/home\"", from);
	assert_int_equal(parse_str(s, strlen(s), &r, &err), TEEC_FAIL);
	assert_non_null(strstr(err.msg, "nesting deeper than 32"));
	assert_int_equal(strncmp(err.msg, "report.json:1:", 14), 0);
	report_free(&r);
	free(s);
}

static void
test_too_many_subjects(void **state)
{
	struct buf b;
	size_t i;
	char *s;

	buf_init(&b, 1u << 20);
	assert_int_equal(buf_printf(&b, "\"subject\":["), 0);
	for (i = 0; i <= TEEC_MAX_SUBJECTS; i++)
		assert_int_equal(buf_printf(&b, "%s{}", i > 0 ? "," : ""), 0);
	assert_int_equal(buf_printf(&b, "]"), 0);
	s = replace(golden, SUBJ_HELLO, (const char *)b.data);
	refused(s, "report.json: subject: more than 4096 entries");
	free(s);
	buf_free(&b);
}

static void
test_too_large(void **state)
{
	char *s;

	assert_non_null(s = calloc(1, TEEC_MAX_REPORT_BYTES + 1u));
	memcpy(s, golden, strlen(golden));
	memset(s + strlen(golden), ' ', TEEC_MAX_REPORT_BYTES + 1u -
	    strlen(golden));
	refused_n(s, TEEC_MAX_REPORT_BYTES + 1u,
	    "report.json: larger than 4194304 bytes");
	free(s);
}

static void
test_bad_time(void **state)
{
	golden_refused("\"2023-11-14T22:13:20Z\"", "\"2023-11-14 22:13:20\"",
	    "report.json: predicate.runDetails.metadata.startedOn: expected a "
	    "UTC time YYYY-MM-DDTHH:MM:SSZ (RFC 3339)");
}

static void
test_bad_time_date(void **state)
{
	golden_refused("\"2023-11-14T22:14:20Z\"", "\"2023-02-29T22:14:20Z\"",
	    "report.json: predicate.runDetails.metadata.finishedOn: expected a "
	    "UTC time YYYY-MM-DDTHH:MM:SSZ (RFC 3339)");
}

static void
test_time_with_offset(void **state)
{
	golden_refused("\"2023-11-14T22:13:20Z\"", "\"2023-11-14T23:13:20+01:00\"",
	    "report.json: predicate.runDetails.metadata.startedOn: expected a "
	    "UTC time YYYY-MM-DDTHH:MM:SSZ (RFC 3339)");
}

static void
test_bad_build_json(void **state)
{
	golden_refused("{\"cmd\":\"make\"}", "{\"cmd\":\"\"}",
	    "report.json: predicate.buildDefinition.externalParameters.build: "
	    "build.json: input.cmd: expected a non-empty string");
}

static void
test_build_json_unknown_key(void **state)
{
	golden_refused("{\"cmd\":\"make\"}", "{\"cmd\":\"make\",\"x\":1}",
	    "report.json: predicate.buildDefinition.externalParameters.build: "
	    "build.json: input.x: unknown field");
}

static void
test_build_not_object(void **state)
{
	golden_refused("\"build\":" BJ, "\"build\":\"" "make" "\"",
	    "report.json: predicate.buildDefinition.externalParameters.build: "
	    "expected an object");
}

static void
test_refused_dependency_accepted(void **state)
{
	char *s = replace(golden, "}}]},", "}}" ",{\"uri\":\"https://evil."
	    "example/x\",\"annotations\":{\"method\":\"GET\",\"refused\":true,"
	    "\"reason\":\"no network\"}}]},");
	struct report r;
	struct teec_err err;

	if (parse_str(s, strlen(s), &r, &err) != TEEC_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(r.ndeps, 1);
	assert_true(r.deps[0].refused);
	assert_false(r.deps[0].has_sha256);
	assert_string_equal(r.deps[0].uri, "https://evil.example/x");
	assert_string_equal(r.deps[0].method, "GET");
	assert_string_equal(r.deps[0].reason, "no network");
	assert_int_equal(r.deps[0].status, -1);
	assert_int_equal(r.deps[0].size, -1);
	report_free(&r);
	free(s);
}

static void
test_refused_dependency_with_digest(void **state)
{
	full_refused("\"uri\":\"https://evil.example/beacon\"",
	    "\"uri\":\"https://evil.example/beacon\",\"digest\":{\"sha256\":\""
	    S64 "\"}",
	    "report.json: predicate.buildDefinition.resolvedDependencies[3]."
	    "digest: not allowed for a refused fetch");
}

static void
test_refused_dependency_with_status(void **state)
{
	full_refused("\"refused\":true,", "\"refused\":true,\"status\":403,",
	    "report.json: predicate.buildDefinition.resolvedDependencies[3]."
	    "annotations.status: unknown field");
}

static void
test_refused_false(void **state)
{
	full_refused("\"refused\":true", "\"refused\":false",
	    "report.json: predicate.buildDefinition.resolvedDependencies[3]."
	    "annotations.refused: expected true (absent when the fetch was "
	    "not refused)");
}

static void
test_fetch_without_digest(void **state)
{
	full_refused(",\"digest\":{\"sha256\":\"cccccccccccccccccccccccccccccccc"
	    "cccccccccccccccccccccccccccccccc\"}", "",
	    "report.json: predicate.buildDefinition.resolvedDependencies[2]."
	    "digest: missing (expected an object)");
}

static void
test_fetch_bad_status(void **state)
{
	full_refused("\"status\":200", "\"status\":99",
	    "report.json: predicate.buildDefinition.resolvedDependencies[2]."
	    "annotations.status: expected an integer from 100 to 599");
}

static void
test_dependency_bad_uri(void **state)
{
	full_refused("\"uri\":\"https://evil.example/beacon\"",
	    "\"uri\":\"https://evil.example/a b\"",
	    "report.json: predicate.buildDefinition.resolvedDependencies[3]."
	    "uri: not an absolute URI (RFC 3986 characters only)");
}

static void
test_dependency_reserved_name(void **state)
{
	full_refused("\"name\":\"telemetry\"", "\"name\":\"source\"",
	    "report.json: predicate.buildDefinition.resolvedDependencies[3]."
	    "name: \"source\" is only allowed at resolvedDependencies[0]");
}

static void
test_source_dependency_missing(void **state)
{
	golden_refused("\"resolvedDependencies\":[{\"name\":\"source\","
	    "\"uri\":\"teec:source.tar\",\"digest\":{\"sha256\":\"" S64 "\"}}]",
	    "\"resolvedDependencies\":[]",
	    "report.json: predicate.buildDefinition.resolvedDependencies: "
	    "expected a non-empty array");
}

static void
test_source_digest_mismatch(void **state)
{
	char *s = replace(golden, "\"uri\":\"teec:source.tar\",\"digest\":"
	    "{\"sha256\":\"" S64 "\"}", "\"uri\":\"teec:source.tar\","
	    "\"digest\":{\"sha256\":\"" A64 "\"}");

	refused(s, "report.json: predicate.buildDefinition."
	    "resolvedDependencies[0].digest.sha256: differs from "
	    "predicate.buildDefinition.externalParameters.source.digest.sha256");
	free(s);
}

static void
test_image_pcr_bad(void **state)
{
	full_refused("\"pcr1\":\"", "\"pcr1\":\"00",
	    "report.json: predicate.buildDefinition.resolvedDependencies[1]."
	    "annotations.pcr1: not 96 lower-case hex digits");
}

static void
test_version_mismatch(void **state)
{
	golden_refused("{\"teec-enclave\":\"0.1.0\"}",
	    "{\"teec-enclave\":\"0.1.1\"}",
	    "report.json: predicate.runDetails.builder.version.teec-enclave: "
	    "differs from predicate.buildDefinition.internalParameters.worker."
	    "version");
}

static void
test_bad_isolation(void **state)
{
	golden_refused("\"isolation\":\"none\"", "\"isolation\":\"None\"",
	    "report.json: predicate.buildDefinition.internalParameters."
	    "isolation: expected \"namespaces\", \"nitro\" or \"none\"");
}

static void
test_bad_invocation_id(void **state)
{
	golden_refused("123e4567-e89b-12d3-a456-426614174000",
	    "123E4567-E89B-12D3-A456-426614174000",
	    "report.json: predicate.runDetails.metadata.invocationId: expected "
	    "a lower-case UUID (8-4-4-4-12 hex digits)");
}

static void
test_environment_value_not_string(void **state)
{
	golden_refused("\"HOME\":\"/work/home\"", "\"HOME\":1",
	    "report.json: predicate.buildDefinition.internalParameters."
	    "environment.HOME: expected a string");
}

static void
test_environment_bad_name(void **state)
{
	golden_refused("\"HOME\":\"/work/home\"", "\"HO ME\":\"/work/home\"",
	    "report.json: predicate.buildDefinition.internalParameters."
	    "environment.HO ME: invalid variable name (expected "
	    "[A-Za-z_][A-Za-z0-9_]*, at most 128 bytes)");
}

static void
test_environment_unsorted(void **state)
{
	golden_refused("\"HOME\":\"/work/home\",\"LC_ALL\":\"C.UTF-8\"",
	    "\"LC_ALL\":\"C.UTF-8\",\"HOME\":\"/work/home\"",
	    "report.json: predicate.buildDefinition.internalParameters."
	    "environment.HOME: not sorted after the previous variable (byte "
	    "order)");
}

static void
test_git_commit_bad(void **state)
{
	golden_refused("\"source\":{\"digest\":{\"sha256\":\"" S64 "\"}}",
	    "\"source\":{\"digest\":{\"sha256\":\"" S64 "\"},"
	    "\"gitCommit\":\"0123456\"}",
	    "report.json: predicate.buildDefinition.externalParameters.source."
	    "gitCommit: not 40 or 64 lower-case hex digits");
}

static void
test_git_commit_null(void **state)
{
	golden_refused("\"source\":{\"digest\":{\"sha256\":\"" S64 "\"}}",
	    "\"source\":{\"digest\":{\"sha256\":\"" S64 "\"},"
	    "\"gitCommit\":null}",
	    "report.json: predicate.buildDefinition.externalParameters.source."
	    "gitCommit: expected a non-empty string");
}

static void
test_timeout_out_of_range(void **state)
{
	golden_refused("\"timeout\":3600", "\"timeout\":86401",
	    "report.json: predicate.buildDefinition.internalParameters."
	    "timeout: expected an integer from 1 to 86400");
}

static void
test_byproduct_unknown(void **state)
{
	golden_refused("\"byproducts\":[]", "\"byproducts\":[{\"name\":"
	    "\"core\",\"digest\":{\"sha256\":\"" S64 "\"}}]",
	    "report.json: predicate.runDetails.byproducts[0].name: expected "
	    "\"build.log\" or \"network.jsonl\"");
}

static void
test_byproduct_twice(void **state)
{
	golden_refused("\"byproducts\":[]", "\"byproducts\":[{\"name\":"
	    "\"build.log\",\"digest\":{\"sha256\":\"" S64 "\"}},{\"name\":"
	    "\"build.log\",\"digest\":{\"sha256\":\"" S64 "\"}}]",
	    "report.json: predicate.runDetails.byproducts[1]: a second "
	    "build.log");
}

static void
test_not_an_object(void **state)
{
	refused("[]", "report.json: expected an object");
	refused("", "report.json:1:1: invalid JSON: empty document");
}

/*
 * The binding of the golden report, computed independently:
 *   printf '%s' "$golden" | openssl dgst -sha384
 */
static void
test_binding_value(void **state)
{
	static const uint8_t want[48] = {
		0x31, 0x4a, 0x73, 0x8b, 0x3c, 0xee, 0x89, 0xd7,
		0x9d, 0xd3, 0xfa, 0xac, 0x4f, 0x53, 0x5d, 0x13,
		0x8a, 0x52, 0xa3, 0xf4, 0x73, 0x47, 0x1e, 0x61,
		0x0e, 0xfb, 0x11, 0x64, 0x26, 0x8d, 0x80, 0xb4,
		0x24, 0x44, 0x72, 0x0b, 0x10, 0x2c, 0x97, 0x05,
		0x4e, 0x59, 0x92, 0xcb, 0xaa, 0x09, 0xe5, 0xe5,
	};
	uint8_t out[REPORT_BINDING_LEN];

	assert_int_equal(REPORT_BINDING_LEN, 63);
	report_binding((const uint8_t *)golden, strlen(golden), out);
	assert_memory_equal(out, "teec-report-v1:", 15);
	assert_memory_equal(out + 15, want, 48);
}

static void
test_name_ok(void **state)
{
	static const char *const good[] = { "hello", "bin/hello", "a..b",
	    "...", ".hidden", "dist/hello-1.0.tar.gz", "a b", "x/.y", NULL };
	static const char *const badn[] = { "", "/abs", "..", "../x", "a/..",
	    "a/../b", ".", "./a", "a/.", "a//b", "a/", "a\\b", "a\tb",
	    "caf\xc3\xa9", "a\x7f", NULL };
	size_t i;

	for (i = 0; good[i] != NULL; i++)
		if (!report_name_ok(good[i], strlen(good[i])))
			fail_msg("refused \"%s\"", good[i]);
	for (i = 0; badn[i] != NULL; i++)
		if (report_name_ok(badn[i], strlen(badn[i])))
			fail_msg("accepted \"%s\"", badn[i]);
	assert_false(report_name_ok("a\0b", 3));
	assert_false(report_name_ok(NULL, 0));
}

static void
test_find_subject(void **state)
{
	struct fixture f;
	struct report r;
	struct teec_err err;
	struct buf out;
	const struct report_subject *s;

	full_input(&f);
	write_ok(&f.in, &out);
	assert_int_equal(parse_str((const char *)out.data, out.len, &r, &err),
	    TEEC_OK);
	assert_non_null(s = report_find_subject(&r, "dist/hello-1.0.tar.gz"));
	assert_string_equal(s->name, "dist/hello-1.0.tar.gz");
	assert_non_null(report_find_subject(&r, "Hello"));
	assert_non_null(report_find_subject(&r, "hello"));
	assert_null(report_find_subject(&r, "hell"));
	assert_null(report_find_subject(NULL, "hello"));
	report_free(&r);
	buf_free(&out);
}

/* The writer refuses what the parser would refuse. */
static void
test_write_refuses_bad_input(void **state)
{
	struct fixture f;
	struct buf out;
	struct teec_err err;

	full_input(&f);
	f.subj[1].name = "hello";
	assert_int_equal(report_write(&f.in, &out, &err), TEEC_ERROR);
	assert_string_equal(err.msg, "report.json: cannot write: two subjects "
	    "with the same name");
	assert_null(out.data);

	full_input(&f);
	f.subj[1].name = "../x";
	assert_int_equal(report_write(&f.in, &out, &err), TEEC_ERROR);
	assert_string_equal(err.msg, "report.json: cannot write: subject 1: "
	    "'..' component not allowed");

	full_input(&f);
	f.deps[1].has_sha256 = 1;
	assert_int_equal(report_write(&f.in, &out, &err), TEEC_ERROR);

	full_input(&f);
	f.in.build_json = (const uint8_t *)"{\"language\":\"c\"}";
	f.in.build_json_len = strlen("{\"language\":\"c\"}");
	assert_int_equal(report_write(&f.in, &out, &err), TEEC_ERROR);
	assert_string_equal(err.msg, "report.json: cannot write: build.json: "
	    "input: missing (expected an object)");

	full_input(&f);
	f.in.nsubjects = 0;
	assert_int_equal(report_write(&f.in, &out, &err), TEEC_ERROR);

	full_input(&f);
	f.in.invocation_id = "not-a-uuid";
	assert_int_equal(report_write(&f.in, &out, &err), TEEC_ERROR);

	full_input(&f);
	f.in.env_values = (const char *const[]){ "UTC", "\xff", "", "", "" };
	assert_int_equal(report_write(&f.in, &out, &err), TEEC_ERROR);
	assert_null(out.data);
}

static void
test_free_accepts_empty(void **state)
{
	struct report r;

	report_free(NULL);
	memset(&r, 0, sizeof(r));
	report_free(&r);
	/* Half-built: counts cover only what was filled. */
	assert_non_null(r.subjects = calloc(2, sizeof(*r.subjects)));
	assert_non_null(r.subjects[0].name = strdup("a"));
	r.nsubjects = 1;
	assert_non_null(r.isolation = strdup("none"));
	report_free(&r);
	assert_null(r.subjects);
	assert_null(r.isolation);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_bytes),
		cmocka_unit_test(test_golden_parses),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_build_json_recompacted),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_wrong_predicate_type),
		cmocka_unit_test(test_wrong_build_type),
		cmocka_unit_test(test_missing_subject),
		cmocka_unit_test(test_subject_not_array),
		cmocka_unit_test(test_subject_empty),
		cmocka_unit_test(test_subject_not_object),
		cmocka_unit_test(test_subject_name_dotdot),
		cmocka_unit_test(test_subject_name_absolute),
		cmocka_unit_test(test_subject_name_empty),
		cmocka_unit_test(test_subject_name_dot),
		cmocka_unit_test(test_subject_name_empty_component),
		cmocka_unit_test(test_subject_name_control),
		cmocka_unit_test(test_subject_name_backslash),
		cmocka_unit_test(test_subject_name_too_long),
		cmocka_unit_test(test_subject_name_not_string),
		cmocka_unit_test(test_subject_duplicate),
		cmocka_unit_test(test_subject_unsorted),
		cmocka_unit_test(test_hex_uppercase),
		cmocka_unit_test(test_hex_short),
		cmocka_unit_test(test_hex_long),
		cmocka_unit_test(test_hex_nonhex),
		cmocka_unit_test(test_hex_elsewhere),
		cmocka_unit_test(test_missing_sha256),
		cmocka_unit_test(test_sha384_optional),
		cmocka_unit_test(test_unknown_digest_algorithm),
		cmocka_unit_test(test_unknown_key_top),
		cmocka_unit_test(test_unknown_key_predicate),
		cmocka_unit_test(test_unknown_key_subject),
		cmocka_unit_test(test_unknown_key_run_details),
		cmocka_unit_test(test_unknown_key_internal),
		cmocka_unit_test(test_umask_other),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_too_many_subjects),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_bad_time),
		cmocka_unit_test(test_bad_time_date),
		cmocka_unit_test(test_time_with_offset),
		cmocka_unit_test(test_bad_build_json),
		cmocka_unit_test(test_build_json_unknown_key),
		cmocka_unit_test(test_build_not_object),
		cmocka_unit_test(test_refused_dependency_accepted),
		cmocka_unit_test(test_refused_dependency_with_digest),
		cmocka_unit_test(test_refused_dependency_with_status),
		cmocka_unit_test(test_refused_false),
		cmocka_unit_test(test_fetch_without_digest),
		cmocka_unit_test(test_fetch_bad_status),
		cmocka_unit_test(test_dependency_bad_uri),
		cmocka_unit_test(test_dependency_reserved_name),
		cmocka_unit_test(test_source_dependency_missing),
		cmocka_unit_test(test_source_digest_mismatch),
		cmocka_unit_test(test_image_pcr_bad),
		cmocka_unit_test(test_version_mismatch),
		cmocka_unit_test(test_bad_isolation),
		cmocka_unit_test(test_bad_invocation_id),
		cmocka_unit_test(test_environment_value_not_string),
		cmocka_unit_test(test_environment_bad_name),
		cmocka_unit_test(test_environment_unsorted),
		cmocka_unit_test(test_git_commit_bad),
		cmocka_unit_test(test_git_commit_null),
		cmocka_unit_test(test_timeout_out_of_range),
		cmocka_unit_test(test_byproduct_unknown),
		cmocka_unit_test(test_byproduct_twice),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_binding_value),
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_find_subject),
		cmocka_unit_test(test_write_refuses_bad_input),
		cmocka_unit_test(test_free_accepts_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

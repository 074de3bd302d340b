/* SPDX-License-Identifier: ISC */
#include "tests/unit/testutil.h"

#include "common/buf.h"
#include "common/buildcfg.h"
#include "common/caps.h"

static int
parse(const char *s, struct buildcfg *c, struct teec_err *err)
{
	memset(err, 0, sizeof(*err));
	return buildcfg_parse((const uint8_t *)s, strlen(s), c, err);
}

/* s must be refused (TEEC_ERROR, config left empty) with message msg. */
static void
refused(const char *s, const char *msg)
{
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse(s, &c, &err), TEEC_ERROR);
	assert_string_equal(err.msg, msg);
	assert_null(c.language);
	assert_null(c.cmd);
	assert_null(c.env);
	assert_null(c.files);
	assert_null(c.raw);
	buildcfg_free(&c);
}

/* A valid document with `field` spliced into input, output or the top. */
#define DOC_TOP(extra) \
	"{\"language\": \"c\", \"input\": {\"cmd\": \"make\"}, " \
	"\"output\": {\"files\": [\"hello\"]}" extra "}"
#define DOC_ENV(env) \
	"{\"language\": \"c\", \"input\": {\"cmd\": \"make\", \"env\": " env \
	"}, \"output\": {\"files\": [\"hello\"]}}"
#define DOC_FILES(files) \
	"{\"language\": \"c\", \"input\": {\"cmd\": \"make\"}, " \
	"\"output\": {\"files\": " files "}}"

static void
test_full_example(void **state)
{
	const char *s = "{\n"
	    "  \"language\": \"c\",\n"
	    "  \"input\": {\"cmd\": \"make\", \"env\": {\"K\": \"V\", "
	    "\"CFLAGS\": \"-O2 -g\", \"EMPTY\": \"\", \"PATH\": \"/usr/bin\"}},\n"
	    "  \"output\": {\"files\": [\"hello\", \"dist/*.tar.gz\"]},\n"
	    "  \"timeout\": 600\n"
	    "}\n";
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse(s, &c, &err), TEEC_OK);
	assert_string_equal(c.language, "c");
	assert_string_equal(c.cmd, "make");
	assert_int_equal(c.nenv, 4);
	assert_string_equal(c.env[0].name, "K");
	assert_string_equal(c.env[0].value, "V");
	assert_string_equal(c.env[1].name, "CFLAGS");
	assert_string_equal(c.env[1].value, "-O2 -g");
	assert_string_equal(c.env[2].value, "");
	assert_string_equal(c.env[3].name, "PATH");
	assert_int_equal(c.nfiles, 2);
	assert_string_equal(c.files[0], "hello");
	assert_string_equal(c.files[1], "dist/*.tar.gz");
	assert_int_equal(c.timeout, 600);
	assert_int_equal(c.rawlen, strlen(s));
	assert_memory_equal(c.raw, s, c.rawlen);
	buildcfg_free(&c);
	assert_null(c.language);
	buildcfg_free(&c);
}

static void
test_minimal_example(void **state)
{
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse(DOC_TOP(""), &c, &err), TEEC_OK);
	assert_string_equal(c.language, "c");
	assert_int_equal(c.nenv, 0);
	assert_null(c.env);
	assert_int_equal(c.nfiles, 1);
	assert_int_equal(c.timeout, TEEC_TIMEOUT_DEFAULT);
	assert_int_equal(c.timeout, 3600);
	buildcfg_free(&c);
}

static void
test_empty_env_object(void **state)
{
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse(DOC_ENV("{}"), &c, &err), TEEC_OK);
	assert_int_equal(c.nenv, 0);
	buildcfg_free(&c);
}

static void
test_free_null_and_zeroed(void **state)
{
	struct buildcfg c;

	memset(&c, 0, sizeof(c));
	buildcfg_free(&c);
	buildcfg_free(NULL);
}

/* JSON level. */

static void
test_invalid_json_position(void **state)
{
	refused("{\n  \"language\": \"c\",\n  \"input\" {}\n}",
	    "build.json:3:11: invalid JSON: expected ':' after a key");
}

static void
test_trailing_garbage(void **state)
{
	refused(DOC_TOP("") " ,", "build.json:1:77: invalid JSON: trailing data "
	    "after the value");
}

static void
test_duplicate_key_top(void **state)
{
	refused(DOC_TOP(", \"language\": \"go\""),
	    "build.json: duplicate key \"language\"");
}

static void
test_duplicate_key_nested(void **state)
{
	refused(DOC_ENV("{\"A\": \"1\", \"A\": \"2\"}"),
	    "build.json: input.env: duplicate key \"A\"");
}

static void
test_deep_nesting(void **state)
{
	struct buf b;
	struct buildcfg c;
	struct teec_err err;
	unsigned int i;

	buf_init(&b, 4096);
	for (i = 0; i < TEEC_MAX_JSON_DEPTH + 1; i++)
		assert_int_equal(buf_putc(&b, '['), 0);
	for (i = 0; i < TEEC_MAX_JSON_DEPTH + 1; i++)
		assert_int_equal(buf_putc(&b, ']'), 0);
	assert_int_equal(buildcfg_parse(b.data, b.len, &c, &err), TEEC_ERROR);
	assert_string_equal(err.msg, "build.json:1:33: nesting deeper than 32");
	buf_free(&b);
}

static void
test_invalid_utf8(void **state)
{
	refused("{\"language\": \"c\xff\"}", "build.json:1:16: invalid UTF-8");
}

static void
test_too_large(void **state)
{
	size_t n = TEEC_MAX_BUILD_JSON_BYTES + 1;
	uint8_t *p = malloc(n);
	struct buildcfg c;
	struct teec_err err;

	assert_non_null(p);
	memset(p, ' ', n);
	p[0] = '{';
	p[n - 1] = '}';
	assert_int_equal(buildcfg_parse(p, n, &c, &err), TEEC_ERROR);
	assert_string_equal(err.msg, "build.json: larger than 262144 bytes");
	free(p);
}

static void
test_not_an_object(void **state)
{
	refused("[]", "build.json: expected an object");
	refused("\"c\"", "build.json: expected an object");
}

/* Shape. */

static void
test_unknown_key_top(void **state)
{
	refused(DOC_TOP(", \"Timeout\": 5"), "build.json: Timeout: unknown field");
}

static void
test_unknown_key_input(void **state)
{
	refused("{\"language\": \"c\", \"input\": {\"cmd\": \"make\", "
	    "\"args\": []}, \"output\": {\"files\": [\"a\"]}}",
	    "build.json: input.args: unknown field");
}

static void
test_unknown_key_output(void **state)
{
	refused("{\"language\": \"c\", \"input\": {\"cmd\": \"make\"}, "
	    "\"output\": {\"files\": [\"a\"], \"dirs\": [\"b\"]}}",
	    "build.json: output.dirs: unknown field");
}

static void
test_missing_fields(void **state)
{
	refused("{}", "build.json: language: missing (expected a non-empty "
	    "string)");
	refused("{\"language\": \"c\"}",
	    "build.json: input: missing (expected an object)");
	refused("{\"language\": \"c\", \"input\": {}}",
	    "build.json: input.cmd: missing (expected a non-empty string)");
	refused("{\"language\": \"c\", \"input\": {\"cmd\": \"x\"}}",
	    "build.json: output: missing (expected an object)");
	refused("{\"language\": \"c\", \"input\": {\"cmd\": \"x\"}, "
	    "\"output\": {}}",
	    "build.json: output.files: missing (expected a non-empty array)");
}

static void
test_wrong_types(void **state)
{
	refused("{\"language\": 1}",
	    "build.json: language: expected a non-empty string");
	refused("{\"language\": null}",
	    "build.json: language: expected a non-empty string");
	refused("{\"language\": \"c\", \"input\": [\"make\"]}",
	    "build.json: input: expected an object");
	refused("{\"language\": \"c\", \"input\": {\"cmd\": [\"make\"]}}",
	    "build.json: input.cmd: expected a non-empty string");
	refused("{\"language\": \"c\", \"input\": {\"cmd\": \"m\", \"env\": []}}",
	    "build.json: input.env: expected an object");
	refused(DOC_ENV("{\"A\": 1}"),
	    "build.json: input.env.A: expected a string");
	refused(DOC_ENV("{\"A\": null}"),
	    "build.json: input.env.A: expected a string");
	refused(DOC_FILES("\"hello\""),
	    "build.json: output.files: expected a non-empty array");
	refused(DOC_FILES("[\"a\", 2]"),
	    "build.json: output.files[1]: expected a non-empty string");
	refused(DOC_TOP(", \"timeout\": \"600\""),
	    "build.json: timeout: expected an integer from 1 to 86400");
	refused(DOC_TOP(", \"timeout\": null"),
	    "build.json: timeout: expected an integer from 1 to 86400");
}

/* language */

static void
test_language_ok(void **state)
{
	static const char *const ok[] = {
		"{\"language\": \"c++\", \"input\": {\"cmd\": \"m\"}, "
		"\"output\": {\"files\": [\"a\"]}}",
		"{\"language\": \"rust-1.79_x.y\", \"input\": {\"cmd\": \"m\"}, "
		"\"output\": {\"files\": [\"a\"]}}",
	};
	struct buildcfg c;
	struct teec_err err;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse(ok[i], &c, &err), TEEC_OK);
		buildcfg_free(&c);
	}
}

static void
test_language_empty(void **state)
{
	refused("{\"language\": \"\"}",
	    "build.json: language: expected a non-empty string");
}

static void
test_language_bad_chars(void **state)
{
	const char *msg = "build.json: language: expected lower-case letters, "
	    "digits and . _ + - (not first)";

	refused("{\"language\": \"C\", \"input\": {\"cmd\": \"m\"}, "
	    "\"output\": {\"files\": [\"a\"]}}", msg);
	refused("{\"language\": \"..\", \"input\": {\"cmd\": \"m\"}, "
	    "\"output\": {\"files\": [\"a\"]}}", msg);
	refused("{\"language\": \"c/c\", \"input\": {\"cmd\": \"m\"}, "
	    "\"output\": {\"files\": [\"a\"]}}", msg);
	refused("{\"language\": \"c c\", \"input\": {\"cmd\": \"m\"}, "
	    "\"output\": {\"files\": [\"a\"]}}", msg);
}

static void
test_language_too_long(void **state)
{
	struct buf b;
	struct buildcfg c;
	struct teec_err err;

	buf_init(&b, 4096);
	assert_int_equal(buf_printf(&b, "{\"language\": \"%065d\"}", 0), 0);
	assert_int_equal(buildcfg_parse(b.data, b.len, &c, &err), TEEC_ERROR);
	assert_string_equal(err.msg, "build.json: language: longer than 64 bytes");
	buf_free(&b);
}

/* input.cmd */

static void
test_empty_cmd(void **state)
{
	refused("{\"language\": \"c\", \"input\": {\"cmd\": \"\"}}",
	    "build.json: input.cmd: expected a non-empty string");
}

static void
test_cmd_too_long(void **state)
{
	struct buf b;
	struct buildcfg c;
	struct teec_err err;
	size_t i;

	buf_init(&b, 64 * 1024);
	assert_int_equal(buf_printf(&b, "{\"language\": \"c\", \"input\": "
	    "{\"cmd\": \""), 0);
	for (i = 0; i < TEEC_MAX_CMD_BYTES + 1; i++)
		assert_int_equal(buf_putc(&b, 'x'), 0);
	assert_int_equal(buf_printf(&b, "\"}}"), 0);
	assert_int_equal(buildcfg_parse(b.data, b.len, &c, &err), TEEC_ERROR);
	assert_string_equal(err.msg,
	    "build.json: input.cmd: longer than 16384 bytes");
	buf_free(&b);
}

static void
test_cmd_multiline(void **state)
{
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse("{\"language\": \"c\", \"input\": {\"cmd\": "
	    "\"set -e\\nmake\\tall\"}, \"output\": {\"files\": [\"a\"]}}", &c,
	    &err), TEEC_OK);
	assert_string_equal(c.cmd, "set -e\nmake\tall");
	buildcfg_free(&c);
}

/* input.env */

static void
test_controlled_env_name(void **state)
{
	refused(DOC_ENV("{\"TZ\": \"UTC\"}"), "build.json: input.env.TZ: set by "
	    "the worker for every build, cannot be overridden");
	refused(DOC_ENV("{\"A\": \"1\", \"SOURCE_DATE_EPOCH\": \"0\"}"),
	    "build.json: input.env.SOURCE_DATE_EPOCH: set by the worker for "
	    "every build, cannot be overridden");
	refused(DOC_ENV("{\"LC_ALL\": \"C\"}"), "build.json: input.env.LC_ALL: "
	    "set by the worker for every build, cannot be overridden");
	refused(DOC_ENV("{\"HOME\": \"/\"}"), "build.json: input.env.HOME: "
	    "set by the worker for every build, cannot be overridden");
	refused(DOC_ENV("{\"TMPDIR\": \"/\"}"), "build.json: input.env.TMPDIR: "
	    "set by the worker for every build, cannot be overridden");
	refused(DOC_ENV("{\"https_proxy\": \"x\"}"), "build.json: "
	    "input.env.https_proxy: set by the worker for every build, cannot "
	    "be overridden");
	refused(DOC_ENV("{\"TEEC_OUT\": \"x\"}"), "build.json: input.env.TEEC_OUT: "
	    "set by the worker for every build, cannot be overridden");
}

static void
test_env_controlled_list(void **state)
{
	assert_true(buildcfg_env_controlled("SOURCE_DATE_EPOCH"));
	assert_true(buildcfg_env_controlled("TZ"));
	assert_true(buildcfg_env_controlled("LC_ALL"));
	assert_true(buildcfg_env_controlled("HOME"));
	assert_true(buildcfg_env_controlled("TMPDIR"));
	assert_true(buildcfg_env_controlled("NO_PROXY"));
	assert_true(buildcfg_env_controlled("TEEC_"));
	assert_false(buildcfg_env_controlled("PATH"));
	assert_false(buildcfg_env_controlled("tz"));
	assert_false(buildcfg_env_controlled("LANG"));
	assert_false(buildcfg_env_controlled("TEEC"));
}

static void
test_bad_env_name(void **state)
{
	const char *why = "invalid variable name (expected "
	    "[A-Za-z_][A-Za-z0-9_]*)";
	char msg[256];

	snprintf(msg, sizeof(msg), "build.json: input.env.1A: %s", why);
	refused(DOC_ENV("{\"1A\": \"x\"}"), msg);
	snprintf(msg, sizeof(msg), "build.json: input.env.A-B: %s", why);
	refused(DOC_ENV("{\"A-B\": \"x\"}"), msg);
	snprintf(msg, sizeof(msg), "build.json: input.env.A=B: %s", why);
	refused(DOC_ENV("{\"A=B\": \"x\"}"), msg);
	snprintf(msg, sizeof(msg), "build.json: input.env.: %s", why);
	refused(DOC_ENV("{\"\": \"x\"}"), msg);
	snprintf(msg, sizeof(msg), "build.json: input.env.A\\x0a: %s", why);
	refused(DOC_ENV("{\"A\\n\": \"x\"}"), msg);
}

static void
test_env_name_too_long(void **state)
{
	struct buf b;
	struct buildcfg c;
	struct teec_err err;

	buf_init(&b, 4096);
	assert_int_equal(buf_printf(&b, "{\"language\": \"c\", \"input\": "
	    "{\"cmd\": \"m\", \"env\": {\"A%0128d\": \"x\"}}}", 0), 0);
	assert_int_equal(buildcfg_parse(b.data, b.len, &c, &err), TEEC_ERROR);
	assert_non_null(strstr(err.msg, "variable name longer than 128 bytes"));
	buf_free(&b);
}

static void
test_env_value_too_long(void **state)
{
	struct buf b;
	struct buildcfg c;
	struct teec_err err;
	size_t i;

	buf_init(&b, 64 * 1024);
	assert_int_equal(buf_printf(&b, "{\"language\": \"c\", \"input\": "
	    "{\"cmd\": \"m\", \"env\": {\"A\": \""), 0);
	for (i = 0; i < TEEC_MAX_ENV_VALUE + 1; i++)
		assert_int_equal(buf_putc(&b, 'v'), 0);
	assert_int_equal(buf_printf(&b, "\"}}}"), 0);
	assert_int_equal(buildcfg_parse(b.data, b.len, &c, &err), TEEC_ERROR);
	assert_string_equal(err.msg,
	    "build.json: input.env.A: longer than 16384 bytes");
	buf_free(&b);
}

static void
test_env_too_many(void **state)
{
	struct buf b;
	struct buildcfg c;
	struct teec_err err;
	unsigned int i;

	buf_init(&b, 64 * 1024);
	assert_int_equal(buf_printf(&b, "{\"language\": \"c\", \"input\": "
	    "{\"cmd\": \"m\", \"env\": {"), 0);
	for (i = 0; i <= TEEC_MAX_ENV_VARS; i++)
		assert_int_equal(buf_printf(&b, "%s\"V%u\": \"x\"",
		    i ? ", " : "", i), 0);
	assert_int_equal(buf_printf(&b, "}}, \"output\": {\"files\": "
	    "[\"a\"]}}"), 0);
	assert_int_equal(buildcfg_parse(b.data, b.len, &c, &err), TEEC_ERROR);
	assert_string_equal(err.msg,
	    "build.json: input.env: more than 256 variables");
	buf_free(&b);
}

/* output.files */

static void
test_output_patterns_ok(void **state)
{
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse(DOC_FILES("[\"a\", \"b/c\", \"d/*.o\", "
	    "\"e/[a-z]?\", \".hidden\", \"x/.cfg\", \"...\", \"..a\", "
	    "\"f/.[!.]*\", \"\xc3\xa9t\xc3\xa9\"]"), &c, &err), TEEC_OK);
	assert_int_equal(c.nfiles, 10);
	assert_string_equal(c.files[9], "\xc3\xa9t\xc3\xa9");
	buildcfg_free(&c);
}

static void
test_absolute_output(void **state)
{
	refused(DOC_FILES("[\"a\", \"/etc/passwd\"]"),
	    "build.json: output.files[1]: absolute path not allowed");
	refused(DOC_FILES("[\"/\"]"),
	    "build.json: output.files[0]: absolute path not allowed");
}

static void
test_dotdot_output(void **state)
{
	const char *msg = "build.json: output.files[0]: '..' component not "
	    "allowed";

	refused(DOC_FILES("[\"..\"]"), msg);
	refused(DOC_FILES("[\"../x\"]"), msg);
	refused(DOC_FILES("[\"a/../../x\"]"), msg);
	refused(DOC_FILES("[\"a/..\"]"), msg);
}

static void
test_dot_output(void **state)
{
	refused(DOC_FILES("[\"./hello\"]"),
	    "build.json: output.files[0]: '.' component not allowed");
	refused(DOC_FILES("[\"a/.\"]"),
	    "build.json: output.files[0]: '.' component not allowed");
}

static void
test_pattern_matching_dotdot(void **state)
{
	const char *msg = "build.json: output.files[0]: component matches "
	    "'.' or '..'";

	refused(DOC_FILES("[\".*\"]"), msg);
	refused(DOC_FILES("[\"a/.?/b\"]"), msg);
	refused(DOC_FILES("[\"..*\"]"), msg);
	refused(DOC_FILES("[\".[.]\"]"), msg);
}

static void
test_empty_component_output(void **state)
{
	const char *msg = "build.json: output.files[0]: empty path component "
	    "not allowed";

	refused(DOC_FILES("[\"a//b\"]"), msg);
	refused(DOC_FILES("[\"dist/\"]"), msg);
}

static void
test_backslash_output(void **state)
{
	refused(DOC_FILES("[\"a\\\\b\"]"),
	    "build.json: output.files[0]: backslash not allowed");
}

static void
test_control_char_output(void **state)
{
	refused(DOC_FILES("[\"a\\nb\"]"),
	    "build.json: output.files[0]: control character not allowed");
	refused(DOC_FILES("[\"a\\u007f\"]"),
	    "build.json: output.files[0]: control character not allowed");
}

static void
test_empty_output(void **state)
{
	refused(DOC_FILES("[]"),
	    "build.json: output.files: expected a non-empty array");
	refused(DOC_FILES("[\"\"]"),
	    "build.json: output.files[0]: expected a non-empty string");
}

static void
test_duplicate_output(void **state)
{
	refused(DOC_FILES("[\"a\", \"b\", \"a\"]"),
	    "build.json: output.files[2]: duplicate of output.files[0]");
}

static void
test_output_too_many(void **state)
{
	struct buf b;
	struct buildcfg c;
	struct teec_err err;
	unsigned int i;

	buf_init(&b, 64 * 1024);
	assert_int_equal(buf_printf(&b, "{\"language\": \"c\", \"input\": "
	    "{\"cmd\": \"m\"}, \"output\": {\"files\": ["), 0);
	for (i = 0; i <= TEEC_MAX_OUTPUT_PATTERNS; i++)
		assert_int_equal(buf_printf(&b, "%s\"f%u\"", i ? ", " : "", i),
		    0);
	assert_int_equal(buf_printf(&b, "]}}"), 0);
	assert_int_equal(buildcfg_parse(b.data, b.len, &c, &err), TEEC_ERROR);
	assert_string_equal(err.msg,
	    "build.json: output.files: more than 256 entries");
	buf_free(&b);
}

static void
test_output_too_long(void **state)
{
	struct buf b;
	struct buildcfg c;
	struct teec_err err;
	size_t i;

	buf_init(&b, 64 * 1024);
	assert_int_equal(buf_printf(&b, "{\"language\": \"c\", \"input\": "
	    "{\"cmd\": \"m\"}, \"output\": {\"files\": [\""), 0);
	for (i = 0; i < TEEC_MAX_OUTPUT_PATTERN + 1; i++)
		assert_int_equal(buf_putc(&b, 'f'), 0);
	assert_int_equal(buf_printf(&b, "\"]}}"), 0);
	assert_int_equal(buildcfg_parse(b.data, b.len, &c, &err), TEEC_ERROR);
	assert_string_equal(err.msg,
	    "build.json: output.files[0]: longer than 1024 bytes");
	buf_free(&b);
}

/* timeout */

static void
test_timeout_bounds_ok(void **state)
{
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse(DOC_TOP(", \"timeout\": 1"), &c, &err), TEEC_OK);
	assert_int_equal(c.timeout, 1);
	buildcfg_free(&c);
	assert_int_equal(parse(DOC_TOP(", \"timeout\": 86400"), &c, &err),
	    TEEC_OK);
	assert_int_equal(c.timeout, 86400);
	buildcfg_free(&c);
	assert_int_equal(parse(DOC_TOP(", \"timeout\": 6e2"), &c, &err), TEEC_OK);
	assert_int_equal(c.timeout, 600);
	buildcfg_free(&c);
}

static void
test_timeout_out_of_range(void **state)
{
	const char *msg = "build.json: timeout: expected an integer from 1 to "
	    "86400";

	refused(DOC_TOP(", \"timeout\": 0"), msg);
	refused(DOC_TOP(", \"timeout\": -1"), msg);
	refused(DOC_TOP(", \"timeout\": 86401"), msg);
	refused(DOC_TOP(", \"timeout\": 1e300"), msg);
	refused(DOC_TOP(", \"timeout\": 1e999"),
	    "build.json: timeout: number out of range");
}

static void
test_timeout_non_integral(void **state)
{
	refused(DOC_TOP(", \"timeout\": 1.5"),
	    "build.json: timeout: expected an integer from 1 to 86400");
	refused(DOC_TOP(", \"timeout\": true"),
	    "build.json: timeout: expected an integer from 1 to 86400");
}

/* network */

static void
test_network_policy_ok(void **state)
{
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse(DOC_TOP(", \"network\": {\"allow\": "
	    "[\"static.crates.io\", \"index.crates.io\", "
	    "\"proxy.golang.org:443\", \"127.0.0.1:8080\", \"localhost\"]}"),
	    &c, &err), TEEC_OK);
	assert_true(c.has_network);
	assert_int_equal(c.net.n, 5);
	assert_string_equal(c.net.rules[0].host, "static.crates.io");
	assert_int_equal(c.net.rules[0].port, POLICY_ANY_WEB_PORT);
	assert_string_equal(c.net.rules[2].host, "proxy.golang.org");
	assert_int_equal(c.net.rules[2].port, 443);
	assert_string_equal(c.net.rules[3].host, "127.0.0.1");
	assert_int_equal(c.net.rules[3].port, 8080);
	assert_true(policy_allows(&c.net, "static.crates.io", 443));
	assert_false(policy_allows(&c.net, "127.0.0.1", 80));
	buildcfg_free(&c);
	assert_int_equal(c.net.n, 0);
	assert_null(c.net.rules);
}

static void
test_network_absent(void **state)
{
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse(DOC_TOP(""), &c, &err), TEEC_OK);
	assert_false(c.has_network);
	assert_int_equal(c.net.n, 0);
	buildcfg_free(&c);
}

static void
test_network_empty_allow(void **state)
{
	struct buildcfg c;
	struct teec_err err;

	assert_int_equal(parse(DOC_TOP(", \"network\": {\"allow\": []}"), &c,
	    &err), TEEC_OK);
	assert_true(c.has_network);
	assert_int_equal(c.net.n, 0);
	assert_false(policy_allows(&c.net, "localhost", 80));
	buildcfg_free(&c);
}

static void
test_network_wrong_shape(void **state)
{
	refused(DOC_TOP(", \"network\": null"),
	    "build.json: network: expected an object");
	refused(DOC_TOP(", \"network\": true"),
	    "build.json: network: expected an object");
	refused(DOC_TOP(", \"network\": {}"),
	    "build.json: network.allow: missing (expected an array)");
	refused(DOC_TOP(", \"network\": {\"allow\": \"a.example\"}"),
	    "build.json: network.allow: expected an array");
	refused(DOC_TOP(", \"network\": {\"allow\": [], \"deny\": []}"),
	    "build.json: network.deny: unknown field");
	refused(DOC_TOP(", \"network\": {\"allow\": [1]}"),
	    "build.json: network.allow[0]: expected a non-empty string");
	refused(DOC_TOP(", \"network\": {\"allow\": [\"\"]}"),
	    "build.json: network.allow[0]: expected a non-empty string");
}

static void
test_network_bad_entries(void **state)
{
	static const struct {
		const char *entry;
		const char *why;
	} cases[] = {
		{ "*.crates.io", "wildcards are not supported" },
		{ "[::1]:80", "IPv6 addresses are not supported" },
		{ "Static.crates.io", "host not in lower case" },
		{ "a.example:0", "port out of range (1 to 65535)" },
		{ "a.example:65536", "port out of range (1 to 65535)" },
		{ "a.example:", "port out of range (1 to 65535)" },
		{ "a.example:080", "port has a leading zero" },
		{ "a.example:8x", "port is not a decimal number" },
		{ "a.example.", "empty label (no leading, trailing or double dot)" },
		{ "a..example", "empty label (no leading, trailing or double dot)" },
		{ "-a.example", "label starts or ends with '-'" },
		{ "a_b.example", "not a DNS name or an IPv4 address" },
		{ "http://a.example", "port is not a decimal number" },
		{ "127.1", "not an IPv4 address in dotted-decimal form (four "
		    "numbers 0 to 255, no leading zeros)" },
		{ "127.0.0.01", "not an IPv4 address in dotted-decimal form "
		    "(four numbers 0 to 255, no leading zeros)" },
		{ "256.0.0.1", "not an IPv4 address in dotted-decimal form "
		    "(four numbers 0 to 255, no leading zeros)" },
		{ "a.123", "the last label is all digits" },
		{ "0x7f", "reads as a numeric address" },
	};
	char doc[512], msg[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(doc, sizeof(doc), DOC_TOP(", \"network\": {\"allow\": "
		    "[\"ok.example\", \"%s\"]}"), cases[i].entry);
		snprintf(msg, sizeof(msg), "build.json: network.allow[1]: %s",
		    cases[i].why);
		refused(doc, msg);
	}
}

static void
test_network_duplicate(void **state)
{
	refused(DOC_TOP(", \"network\": {\"allow\": [\"a.example\", "
	    "\"b.example:8080\", \"b.example:8080\"]}"),
	    "build.json: network.allow[2]: duplicate of network.allow[1]");
	/* The same host with and without a port is two entries. */
	{
		struct buildcfg c;
		struct teec_err err;

		assert_int_equal(parse(DOC_TOP(", \"network\": {\"allow\": "
		    "[\"a.example\", \"a.example:443\"]}"), &c, &err), TEEC_OK);
		buildcfg_free(&c);
	}
}

static void
test_network_too_many(void **state)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	assert_int_equal(buf_printf(&b, "{\"language\": \"c\", \"input\": "
	    "{\"cmd\": \"make\"}, \"output\": {\"files\": [\"x\"]}, "
	    "\"network\": {\"allow\": ["), 0);
	for (i = 0; i <= TEEC_MAX_NET_ALLOW; i++)
		assert_int_equal(buf_printf(&b, "%s\"h%zu.example\"",
		    i > 0 ? ", " : "", i), 0);
	assert_int_equal(buf_printf(&b, "]}}"), 0);
	refused((const char *)b.data,
	    "build.json: network.allow: more than 256 entries");
	buf_free(&b);
}

static void
test_network_ca_variables_controlled(void **state)
{
	assert_true(buildcfg_env_controlled("SSL_CERT_FILE"));
	assert_true(buildcfg_env_controlled("CARGO_HTTP_CAINFO"));
	assert_true(buildcfg_env_controlled("NODE_EXTRA_CA_CERTS"));
	refused(DOC_ENV("{\"CURL_CA_BUNDLE\": \"/x\"}"),
	    "build.json: input.env.CURL_CA_BUNDLE: set by the worker for every "
	    "build, cannot be overridden");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_example),
		cmocka_unit_test(test_minimal_example),
		cmocka_unit_test(test_empty_env_object),
		cmocka_unit_test(test_free_null_and_zeroed),
		cmocka_unit_test(test_invalid_json_position),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_duplicate_key_top),
		cmocka_unit_test(test_duplicate_key_nested),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_unknown_key_top),
		cmocka_unit_test(test_unknown_key_input),
		cmocka_unit_test(test_unknown_key_output),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_language_ok),
		cmocka_unit_test(test_language_empty),
		cmocka_unit_test(test_language_bad_chars),
		cmocka_unit_test(test_language_too_long),
		cmocka_unit_test(test_empty_cmd),
		cmocka_unit_test(test_cmd_too_long),
		cmocka_unit_test(test_cmd_multiline),
		cmocka_unit_test(test_controlled_env_name),
		cmocka_unit_test(test_env_controlled_list),
		cmocka_unit_test(test_bad_env_name),
		cmocka_unit_test(test_env_name_too_long),
		cmocka_unit_test(test_env_value_too_long),
		cmocka_unit_test(test_env_too_many),
		cmocka_unit_test(test_output_patterns_ok),
		cmocka_unit_test(test_absolute_output),
		cmocka_unit_test(test_dotdot_output),
		cmocka_unit_test(test_dot_output),
		cmocka_unit_test(test_pattern_matching_dotdot),
		cmocka_unit_test(test_empty_component_output),
		cmocka_unit_test(test_backslash_output),
		cmocka_unit_test(test_control_char_output),
		cmocka_unit_test(test_empty_output),
		cmocka_unit_test(test_duplicate_output),
		cmocka_unit_test(test_output_too_many),
		cmocka_unit_test(test_output_too_long),
		cmocka_unit_test(test_timeout_bounds_ok),
		cmocka_unit_test(test_timeout_out_of_range),
		cmocka_unit_test(test_timeout_non_integral),
		cmocka_unit_test(test_network_policy_ok),
		cmocka_unit_test(test_network_absent),
		cmocka_unit_test(test_network_empty_allow),
		cmocka_unit_test(test_network_wrong_shape),
		cmocka_unit_test(test_network_bad_entries),
		cmocka_unit_test(test_network_duplicate),
		cmocka_unit_test(test_network_too_many),
		cmocka_unit_test(test_network_ca_variables_controlled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

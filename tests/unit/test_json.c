/* SPDX-License-Identifier: ISC */
#include "tests/unit/testutil.h"

#include "common/buf.h"
#include "common/caps.h"
#include "common/json.h"
#include "common/utf8.h"

/* Parse s (its strlen) with depth 8 under the name "t.json". */
static int
parse(const char *s, cJSON **out, struct teec_err *err)
{
	memset(err, 0, sizeof(*err));
	return json_parse_strict("t.json", (const uint8_t *)s, strlen(s), 8,
	    out, err);
}

/* s must be refused as TEEC_FAIL with exactly the message msg. */
static void
refused(const char *s, const char *msg)
{
	struct teec_err err;
	cJSON *j = (cJSON *)1;

	assert_int_equal(parse(s, &j, &err), TEEC_FAIL);
	assert_null(j);
	assert_string_equal(err.msg, msg);
}

/* As refused(), for input with embedded NUL bytes. */
static void
refused_n(const char *s, size_t n, const char *msg)
{
	struct teec_err err;
	cJSON *j = (cJSON *)1;

	memset(&err, 0, sizeof(err));
	assert_int_equal(json_parse_strict("t.json", (const uint8_t *)s, n, 8,
	    &j, &err), TEEC_FAIL);
	assert_null(j);
	assert_string_equal(err.msg, msg);
}

static cJSON *
accepted(const char *s)
{
	struct teec_err err;
	cJSON *j = NULL;

	if (parse(s, &j, &err) != TEEC_OK)
		fail_msg("refused %s: %s", s, err.msg);
	assert_non_null(j);
	return j;
}

/* UTF-8 (RFC 3629). */

static void
test_utf8_valid_sequences(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} ok[] = {
		{ "\x00", 1, 0 }, { "\x7f", 1, 0x7f }, { "\xc2\x80", 2, 0x80 },
		{ "\xdf\xbf", 2, 0x7ff }, { "\xe0\xa0\x80", 3, 0x800 },
		{ "\xed\x9f\xbf", 3, 0xd7ff }, { "\xee\x80\x80", 3, 0xe000 },
		{ "\xef\xbf\xbf", 3, 0xffff }, { "\xf0\x90\x80\x80", 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(utf8_decode((const uint8_t *)ok[i].s, ok[i].len,
		    &cp), ok[i].len);
		assert_int_equal(cp, ok[i].cp);
		assert_true(utf8_valid((const uint8_t *)ok[i].s, ok[i].len));
	}
}

static void
test_utf8_overlong_surrogate_range(void **state)
{
	static const char *const bad[] = {
		"\xc0\x80", "\xc1\xbf",                 /* overlong 2 */
		"\xe0\x80\x80", "\xe0\x9f\xbf",         /* overlong 3 */
		"\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", /* overlong 4 */
		"\xed\xa0\x80", "\xed\xbf\xbf",         /* surrogates */
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", /* above U+10FFFF */
		"\xf8\x88\x80\x80", "\xff", "\xfe",
		"\x80", "\xbf",                         /* lone continuation */
		"\xc2", "\xe1\x80", "\xf1\x80\x80",     /* truncated */
		"\xc2\x41", "\xe1\x80\x41",             /* bad continuation */
	};
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = strlen(bad[i]);
		assert_int_equal(utf8_decode((const uint8_t *)bad[i], n, NULL),
		    0);
		assert_false(utf8_valid((const uint8_t *)bad[i], n));
	}
}

static void
test_utf8_check_offset(void **state)
{
	const uint8_t s[] = "ab\xc3\xa9" "c\xc0\x80";

	assert_int_equal(utf8_check(s, 5), 5);
	assert_int_equal(utf8_check(s, sizeof(s) - 1), 5);
	assert_int_equal(utf8_check(s, 3), 2);  /* cut sequence */
	assert_true(utf8_valid(s, 0));
}

/* json_parse_strict: accepted documents. */

static void
test_parse_valid_document(void **state)
{
	cJSON *j = accepted(" {\"a\": [1, -2.5e3, true, false, null],\r\n"
	    "\t\"b\": {\"c\": \"d\\n\\u00e9\\ud83d\\ude00\\/\"}} \n");
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "b");

	assert_non_null(b);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(b, "c")->valuestring,
	    "d\n\xc3\xa9\xf0\x9f\x98\x80/");
	cJSON_Delete(j);
}

static void
test_parse_top_level_scalar(void **state)
{
	cJSON *j = accepted("\"x\"");

	cJSON_Delete(j);
	j = accepted(" 0 ");
	cJSON_Delete(j);
	j = accepted("-0.0e-0");
	cJSON_Delete(j);
}

static void
test_parse_case_differing_keys_distinct(void **state)
{
	cJSON *j = accepted("{\"a\": 1, \"A\": 2}");

	cJSON_Delete(j);
}

static void
test_parse_number_at_cap(void **state)
{
	char s[TEEC_MAX_JSON_NUMBER + 1];
	cJSON *j;

	memset(s, '1', TEEC_MAX_JSON_NUMBER);
	s[TEEC_MAX_JSON_NUMBER] = '\0';
	j = accepted(s);
	cJSON_Delete(j);
}

/* json_parse_strict: refused documents. */

static void
test_parse_syntax_error_position(void **state)
{
	refused("{\n  \"a\": 1,\n  \"b\" 2\n}",
	    "t.json:3:7: invalid JSON: expected ':' after a key");
}

static void
test_parse_position_counts_characters(void **state)
{
	refused("[\"\xc3\xa9\", x]", "t.json:1:7: invalid JSON: expected a value");
}

static void
test_parse_trailing_garbage(void **state)
{
	refused("{\"a\": 1} x",
	    "t.json:1:10: invalid JSON: trailing data after the value");
	refused("1 2", "t.json:1:3: invalid JSON: trailing data after the value");
	refused("{}{}", "t.json:1:3: invalid JSON: trailing data after the value");
}

static void
test_parse_empty(void **state)
{
	refused("", "t.json:1:1: invalid JSON: empty document");
	refused(" \n", "t.json:2:1: invalid JSON: unexpected end of input");
}

static void
test_parse_truncated(void **state)
{
	refused("{\"a\": [1,", "t.json:1:10: invalid JSON: unexpected end of input");
	refused("\"abc", "t.json:1:5: invalid JSON: unterminated string");
	refused("\"abc\\", "t.json:1:6: invalid JSON: unterminated string");
}

static void
test_parse_trailing_comma(void **state)
{
	refused("[1,]", "t.json:1:4: invalid JSON: expected a value");
	refused("{\"a\":1,}", "t.json:1:8: invalid JSON: expected a string key");
}

static void
test_parse_bad_structure(void **state)
{
	refused("[1}", "t.json:1:3: invalid JSON: expected ',' or ']'");
	refused("{\"a\":1]", "t.json:1:7: invalid JSON: expected ',' or '}'");
	refused("{1:2}", "t.json:1:2: invalid JSON: expected a string key or '}'");
	refused("{'a':2}", "t.json:1:2: invalid JSON: expected a string key or '}'");
	refused("[1 2]", "t.json:1:4: invalid JSON: expected ',' or ']'");
}

static void
test_parse_bad_literals(void **state)
{
	refused("tru", "t.json:1:1: invalid JSON: expected a value");
	refused("[nul]", "t.json:1:2: invalid JSON: expected a value");
	refused("True", "t.json:1:1: invalid JSON: expected a value");
	refused("NaN", "t.json:1:1: invalid JSON: expected a value");
	refused("[Infinity]", "t.json:1:2: invalid JSON: expected a value");
	refused("truex", "t.json:1:5: invalid JSON: trailing data after the value");
}

static void
test_parse_bad_numbers(void **state)
{
	refused("01", "t.json:1:1: invalid JSON: leading zero in a number");
	refused("[-01]", "t.json:1:2: invalid JSON: leading zero in a number");
	refused("1.", "t.json:1:1: invalid JSON: invalid number");
	refused("-", "t.json:1:1: invalid JSON: invalid number");
	refused("-.5", "t.json:1:1: invalid JSON: invalid number");
	refused(".5", "t.json:1:1: invalid JSON: expected a value");
	refused("+1", "t.json:1:1: invalid JSON: expected a value");
	refused("1e", "t.json:1:1: invalid JSON: invalid number");
	refused("1e+", "t.json:1:1: invalid JSON: invalid number");
	refused("0x10", "t.json:1:2: invalid JSON: trailing data after the value");
}

static void
test_parse_number_too_long(void **state)
{
	char s[TEEC_MAX_JSON_NUMBER + 2];

	memset(s, '1', TEEC_MAX_JSON_NUMBER + 1);
	s[TEEC_MAX_JSON_NUMBER + 1] = '\0';
	refused(s, "t.json:1:1: number too long");
}

static void
test_parse_non_finite_number(void **state)
{
	refused("{\"a\": [0, 1e400]}", "t.json: a[1]: number out of range");
	refused("-1e999", "t.json: number out of range");
}

static void
test_parse_duplicate_key_top(void **state)
{
	refused("{\"a\": 1, \"b\": 2, \"a\": 3}", "t.json: duplicate key \"a\"");
}

static void
test_parse_duplicate_key_nested(void **state)
{
	refused("{\"x\": {\"y\": [{}, {\"k\": 1, \"k\": 1}]}}",
	    "t.json: x.y[1]: duplicate key \"k\"");
}

static void
test_parse_duplicate_key_by_escape(void **state)
{
	refused("{\"ab\": 1, \"\\u0061b\": 2}", "t.json: duplicate key \"ab\"");
}

static void
test_parse_duplicate_key_large_object(void **state)
{
	struct buf b;
	struct teec_err err;
	cJSON *j = NULL;
	int i;

	buf_init(&b, 1 << 16);
	assert_int_equal(buf_printf(&b, "{"), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(buf_printf(&b, "\"k%d\": %d,", i, i), 0);
	assert_int_equal(buf_printf(&b, "\"last\": 0}"), 0);
	assert_int_equal(parse((char *)b.data, &j, &err), TEEC_OK);
	cJSON_Delete(j);
	/* The same with "k42" twice. */
	b.data[b.len - 1] = ',';
	assert_int_equal(buf_printf(&b, "\"k42\": 1}"), 0);
	assert_int_equal(parse((char *)b.data, &j, &err), TEEC_FAIL);
	assert_null(j);
	assert_string_equal(err.msg, "t.json: duplicate key \"k42\"");
	buf_free(&b);
}

static void
test_parse_duplicate_key_shown_safely(void **state)
{
	refused("{\"\\u001b[2J\": 1, \"\\u001b[2J\": 2}",
	    "t.json: duplicate key \"\\x1b[2J\"");
}

static void
test_parse_long_path_cut_short(void **state)
{
	struct buf b;
	struct teec_err err;
	cJSON *j = NULL;
	int i;

	buf_init(&b, 4096);
	for (i = 0; i < 6; i++)
		assert_int_equal(buf_printf(&b, "{\"%0100d\": ", i), 0);
	assert_int_equal(buf_printf(&b, "{\"d\": 1, \"d\": 2}"), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(buf_putc(&b, '}'), 0);
	assert_int_equal(parse((char *)b.data, &j, &err), TEEC_FAIL);
	assert_null(j);
	assert_non_null(strstr(err.msg, "...: duplicate key \"d\""));
	assert_true(strlen(err.msg) < 400);
	buf_free(&b);
}

static void
test_parse_depth_limit(void **state)
{
	struct teec_err err;
	cJSON *j = NULL;
	const char *ok = "[[[[{\"a\": 1}]]]]", *deep = "[[[[{\"a\": []}]]]]";

	assert_int_equal(json_parse_strict("t.json", (const uint8_t *)ok,
	    strlen(ok), 5, &j, &err), TEEC_OK);
	cJSON_Delete(j);
	assert_int_equal(json_parse_strict("t.json", (const uint8_t *)deep,
	    strlen(deep), 5, &j, &err), TEEC_FAIL);
	assert_null(j);
	assert_string_equal(err.msg, "t.json:1:11: nesting deeper than 5");
	assert_int_equal(json_parse_strict("t.json", (const uint8_t *)"1", 1, 0,
	    &j, &err), TEEC_OK);
	cJSON_Delete(j);
	assert_int_equal(json_parse_strict("t.json", (const uint8_t *)"{}", 2, 0,
	    &j, &err), TEEC_FAIL);
}

static void
test_parse_deep_nesting_no_recursion(void **state)
{
	/* Far deeper than any limit: refused at the limit, in one pass. */
	size_t n = 100000;
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, '[', n);
	s[n] = '\0';
	refused(s, "t.json:1:9: nesting deeper than 8");
	free(s);
}

static void
test_parse_depth_limit_too_large(void **state)
{
	struct teec_err err;
	cJSON *j = NULL;

	assert_int_equal(json_parse_strict("t.json", (const uint8_t *)"1", 1,
	    JSON_MAX_DEPTH_LIMIT + 1, &j, &err), TEEC_ERROR);
	assert_null(j);
}

static void
test_parse_invalid_utf8(void **state)
{
	refused("{\"a\": \"x\xc0\x80\"}", "t.json:1:9: invalid UTF-8");
	refused("\"\xed\xa0\x80\"", "t.json:1:2: invalid UTF-8");
	refused("[\n\"\xc3\xa9\xff\"]", "t.json:2:3: invalid UTF-8");
	refused("\"\xf4\x90\x80\x80\"", "t.json:1:2: invalid UTF-8");
}

static void
test_parse_nul_byte(void **state)
{
	refused_n("{\"a\": \"x\0\"}", 11, "t.json:1:9: NUL byte");
	refused_n("1\0", 2, "t.json:1:2: NUL byte");
	refused("\"a\\u0000b\"", "t.json:1:3: \\u0000 is not allowed in a string");
}

static void
test_parse_control_in_string(void **state)
{
	refused("\"a\tb\"", "t.json:1:3: invalid JSON: control character in a "
	    "string (must be escaped)");
	refused("\"a\nb\"", "t.json:1:3: invalid JSON: control character in a "
	    "string (must be escaped)");
}

static void
test_parse_bad_whitespace(void **state)
{
	refused("\x0b" "1", "t.json:1:1: invalid JSON: expected a value");
	refused("[1,\f2]", "t.json:1:4: invalid JSON: expected a value");
	refused("1\x01", "t.json:1:2: invalid JSON: trailing data after the value");
}

static void
test_parse_bom(void **state)
{
	refused("\xef\xbb\xbf{}", "t.json:1:1: byte order mark not allowed "
	    "(RFC 8259 section 8.1)");
}

static void
test_parse_bad_escapes(void **state)
{
	refused("\"\\x41\"", "t.json:1:2: invalid JSON: invalid escape in a string");
	refused("\"\\'\"", "t.json:1:2: invalid JSON: invalid escape in a string");
	refused("\"\\uZZZZ\"", "t.json:1:2: invalid JSON: \\u needs four hex digits");
	refused("\"\\u12\"", "t.json:1:2: invalid JSON: \\u needs four hex digits");
	refused("\"\\u12", "t.json:1:2: invalid JSON: \\u needs four hex digits");
}

static void
test_parse_unpaired_surrogates(void **state)
{
	refused("\"\\ud800\"", "t.json:1:2: invalid JSON: unpaired surrogate escape");
	refused("\"\\udc00\"", "t.json:1:2: invalid JSON: unpaired surrogate escape");
	refused("\"\\ud800\\u0041\"",
	    "t.json:1:2: invalid JSON: unpaired surrogate escape");
	refused("\"\\ud800\\ud800\"",
	    "t.json:1:2: invalid JSON: unpaired surrogate escape");
	refused("\"a\\ud83dx\"", "t.json:1:3: invalid JSON: unpaired surrogate escape");
}

/* Typed getters. */

static const char *getter_doc =
    "{\"s\": \"str\", \"e\": \"\", \"n\": 42, \"f\": 1.5, \"neg\": -7, "
    "\"big\": 9007199254740992, \"t\": true, \"z\": null, "
    "\"o\": {\"in\": {}}, \"a\": [1, 2, 3], \"ea\": [], \"x\": 600.0}";

static cJSON *
getter_tree(void)
{
	return accepted(getter_doc);
}

static void
test_get_string(void **state)
{
	cJSON *j = getter_tree();
	struct teec_err err;
	const char *s = NULL;

	assert_int_equal(json_get_string(j, "t.json", "", "s", 0, 0, &s, &err),
	    TEEC_OK);
	assert_string_equal(s, "str");
	assert_int_equal(json_get_string(j, "t.json", "", "s", 0, 3, &s, &err),
	    TEEC_OK);
	assert_int_equal(json_get_string(j, "t.json", "", "s", 0, 2, &s, &err),
	    TEEC_FAIL);
	assert_null(s);
	assert_string_equal(err.msg, "t.json: s: longer than 2 bytes");
	assert_int_equal(json_get_string(j, "t.json", "", "e", JSON_EMPTY_OK, 0,
	    &s, &err), TEEC_OK);
	assert_string_equal(s, "");
	cJSON_Delete(j);
}

static void
test_get_string_wrong(void **state)
{
	cJSON *j = getter_tree();
	struct teec_err err;
	const char *s = NULL;

	assert_int_equal(json_get_string(j, "t.json", "", "e", 0, 0, &s, &err),
	    TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: e: expected a non-empty string");
	assert_int_equal(json_get_string(j, "t.json", "", "n", 0, 0, &s, &err),
	    TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: n: expected a non-empty string");
	assert_int_equal(json_get_string(j, "t.json", "", "z", JSON_OPTIONAL, 0,
	    &s, &err), TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: z: expected a non-empty string");
	assert_int_equal(json_get_string(j, "t.json", "", "S", 0, 0, &s, &err),
	    TEEC_FAIL);
	assert_string_equal(err.msg,
	    "t.json: S: missing (expected a non-empty string)");
	cJSON_Delete(j);
}

static void
test_get_string_optional_absent(void **state)
{
	cJSON *j = getter_tree();
	struct teec_err err;
	const char *s = "x";

	assert_int_equal(json_get_string(j, "t.json", "", "nope", JSON_OPTIONAL,
	    0, &s, &err), TEEC_OK);
	assert_null(s);
	cJSON_Delete(j);
}

static void
test_get_object(void **state)
{
	cJSON *j = getter_tree();
	struct teec_err err;
	const cJSON *o = NULL, *in = NULL;

	assert_int_equal(json_get_object(j, "t.json", "", "o", 0, &o, &err),
	    TEEC_OK);
	assert_int_equal(json_get_object(o, "t.json", "o", "in", 0, &in, &err),
	    TEEC_OK);
	assert_non_null(in);
	assert_int_equal(json_get_object(o, "t.json", "o", "s", 0, &in, &err),
	    TEEC_FAIL);
	assert_null(in);
	assert_string_equal(err.msg, "t.json: o.s: missing (expected an object)");
	assert_int_equal(json_get_object(j, "t.json", "", "a", 0, &in, &err),
	    TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: a: expected an object");
	assert_int_equal(json_get_object(j, "t.json", "", "q", JSON_OPTIONAL,
	    &in, &err), TEEC_OK);
	assert_null(in);
	cJSON_Delete(j);
}

static void
test_get_array(void **state)
{
	cJSON *j = getter_tree();
	struct teec_err err;
	const cJSON *a = NULL;
	size_t n = 99;

	assert_int_equal(json_get_array(j, "t.json", "", "a", 0, 3, &a, &n,
	    &err), TEEC_OK);
	assert_int_equal(n, 3);
	assert_int_equal(json_get_array(j, "t.json", "", "a", 0, 2, &a, &n,
	    &err), TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: a: more than 2 entries");
	assert_int_equal(json_get_array(j, "t.json", "", "ea", 0, 2, &a, &n,
	    &err), TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: ea: expected a non-empty array");
	assert_int_equal(json_get_array(j, "t.json", "", "ea", JSON_EMPTY_OK, 2,
	    &a, &n, &err), TEEC_OK);
	assert_int_equal(n, 0);
	assert_int_equal(json_get_array(j, "t.json", "", "o", JSON_EMPTY_OK, 2,
	    &a, NULL, &err), TEEC_FAIL);
	assert_null(a);
	assert_string_equal(err.msg, "t.json: o: expected an array");
	cJSON_Delete(j);
}

static void
test_get_bool(void **state)
{
	cJSON *j = getter_tree();
	struct teec_err err;
	int b = 0;

	assert_int_equal(json_get_bool(j, "t.json", "", "t", 0, &b, &err),
	    TEEC_OK);
	assert_int_equal(b, 1);
	assert_int_equal(json_get_bool(j, "t.json", "", "n", 0, &b, &err),
	    TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: n: expected true or false");
	b = 7;
	assert_int_equal(json_get_bool(j, "t.json", "", "no", JSON_OPTIONAL, &b,
	    &err), TEEC_OK);
	assert_int_equal(b, 7);
	cJSON_Delete(j);
}

static void
test_get_int(void **state)
{
	cJSON *j = getter_tree();
	struct teec_err err;
	int64_t v = 0;

	assert_int_equal(json_get_int(j, "t.json", "", "n", 0, 0, 100, &v,
	    &err), TEEC_OK);
	assert_int_equal(v, 42);
	assert_int_equal(json_get_int(j, "t.json", "", "neg", 0, -10, 0, &v,
	    &err), TEEC_OK);
	assert_int_equal(v, -7);
	assert_int_equal(json_get_int(j, "t.json", "", "x", 0, 1, 86400, &v,
	    &err), TEEC_OK);
	assert_int_equal(v, 600);
	v = 5;
	assert_int_equal(json_get_int(j, "t.json", "", "absent", JSON_OPTIONAL,
	    0, 9, &v, &err), TEEC_OK);
	assert_int_equal(v, 5);
	cJSON_Delete(j);
}

static void
test_get_int_wrong(void **state)
{
	cJSON *j = getter_tree();
	struct teec_err err;
	int64_t v = 0;

	assert_int_equal(json_get_int(j, "t.json", "", "f", 0, 0, 100, &v,
	    &err), TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: f: expected an integer from 0 to 100");
	assert_int_equal(json_get_int(j, "t.json", "", "n", 0, 0, 41, &v, &err),
	    TEEC_FAIL);
	assert_int_equal(json_get_int(j, "t.json", "", "neg", 0, 0, 41, &v,
	    &err), TEEC_FAIL);
	assert_int_equal(json_get_int(j, "t.json", "", "s", 0, 0, 41, &v, &err),
	    TEEC_FAIL);
	assert_int_equal(json_get_int(j, "t.json", "", "t", 0, 0, 41, &v, &err),
	    TEEC_FAIL);
	assert_int_equal(json_get_int(j, "t.json", "", "missing", 0, 0, 41, &v,
	    &err), TEEC_FAIL);
	assert_string_equal(err.msg,
	    "t.json: missing: missing (expected an integer from 0 to 41)");
	cJSON_Delete(j);
}

static void
test_get_int_exact_limit(void **state)
{
	cJSON *j = getter_tree();
	struct teec_err err;
	int64_t v = 0;

	/* 2^53 is beyond the exact range. */
	assert_int_equal(json_get_int(j, "t.json", "", "big", 0, 0,
	    JSON_INT_LIMIT, &v, &err), TEEC_FAIL);
	assert_int_equal(json_get_int(j, "t.json", "", "n", 0, 0,
	    JSON_INT_LIMIT + 1, &v, &err), TEEC_ERROR);
	assert_int_equal(json_get_int(j, "t.json", "", "n", 0, 5, 4, &v, &err),
	    TEEC_ERROR);
	cJSON_Delete(j);
}

static void
test_only_keys(void **state)
{
	static const char *const allowed[] = { "a", "b", NULL };
	struct teec_err err;
	cJSON *j = accepted("{\"a\": 1, \"b\": {\"a\": 1, \"c\\u001b\": 2}}");

	assert_int_equal(json_only_keys(j, allowed, "t.json", "", &err),
	    TEEC_OK);
	assert_int_equal(json_only_keys(cJSON_GetObjectItemCaseSensitive(j, "b"),
	    allowed, "t.json", "b", &err), TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: b.c\\x1b: unknown field");
	cJSON_Delete(j);
}

static void
test_only_keys_case_sensitive(void **state)
{
	static const char *const allowed[] = { "a", NULL };
	struct teec_err err;
	cJSON *j = accepted("{\"A\": 1}");

	assert_int_equal(json_only_keys(j, allowed, "t.json", "", &err),
	    TEEC_FAIL);
	assert_string_equal(err.msg, "t.json: A: unknown field");
	cJSON_Delete(j);
}

static void
test_safe_text(void **state)
{
	char out[300];
	char longs[100];

	json_safe_text(out, sizeof(out), "ok \x1b\\\xc3\xa9");
	assert_string_equal(out, "ok \\x1b\\\\\\xc3\\xa9");
	memset(longs, 'a', 99);
	longs[99] = '\0';
	json_safe_text(out, sizeof(out), longs);
	assert_int_equal(strlen(out), 64 + 3);
	json_safe_text(out, 4, "abcdef");
	assert_string_equal(out, "abc");
}

/* json_buf_string. */

static void
test_buf_string_escapes(void **state)
{
	struct buf b;
	const char in[] = "a\"b\\c\n\t\b\f\r\x01\x1f\x7f/\xc3\xa9\xf0\x9f\x98\x80";

	buf_init(&b, 1024);
	assert_int_equal(json_buf_string(&b, in, sizeof(in) - 1), 0);
	assert_string_equal((char *)b.data, "\"a\\\"b\\\\c\\n\\t\\b\\f\\r"
	    "\\u0001\\u001f\\u007f/\xc3\xa9\xf0\x9f\x98\x80\"");
	buf_free(&b);
}

static void
test_buf_string_roundtrip(void **state)
{
	struct buf b;
	struct teec_err err;
	char in[127];
	cJSON *j = NULL;
	int i;

	for (i = 1; i < 128; i++)
		in[i - 1] = (char)i;
	buf_init(&b, 4096);
	assert_int_equal(json_buf_string(&b, in, sizeof(in)), 0);
	assert_int_equal(json_parse_strict("t.json", b.data, b.len, 1, &j, &err),
	    TEEC_OK);
	assert_true(cJSON_IsString(j));
	assert_int_equal(strlen(j->valuestring), sizeof(in));
	assert_memory_equal(j->valuestring, in, sizeof(in));
	cJSON_Delete(j);
	buf_free(&b);
}

static void
test_buf_string_empty(void **state)
{
	struct buf b;

	buf_init(&b, 16);
	assert_int_equal(json_buf_string(&b, "", 0), 0);
	assert_string_equal((char *)b.data, "\"\"");
	buf_free(&b);
}

static void
test_buf_string_refuses_invalid_utf8(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(buf_append(&b, "[", 1), 0);
	assert_int_equal(json_buf_string(&b, "a\xff", 2), -1);
	assert_int_equal(json_buf_string(&b, "\xed\xa0\x80", 3), -1);
	assert_int_equal(json_buf_string(&b, "\xc0\xaf", 2), -1);
	assert_int_equal(b.len, 1);
	assert_string_equal((char *)b.data, "[");
	buf_free(&b);
}

static void
test_buf_string_refuses_nul(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(json_buf_string(&b, "a\0b", 3), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_buf_string_cap_leaves_buffer(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_append(&b, "xy", 2), 0);
	assert_int_equal(json_buf_string(&b, "abcd\n", 5), -1);
	assert_int_equal(b.len, 2);
	assert_string_equal((char *)b.data, "xy");
	assert_int_equal(json_buf_string(&b, "abcd", 4), 0);
	assert_string_equal((char *)b.data, "xy\"abcd\"");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid_sequences),
		cmocka_unit_test(test_utf8_overlong_surrogate_range),
		cmocka_unit_test(test_utf8_check_offset),
		cmocka_unit_test(test_parse_valid_document),
		cmocka_unit_test(test_parse_top_level_scalar),
		cmocka_unit_test(test_parse_case_differing_keys_distinct),
		cmocka_unit_test(test_parse_number_at_cap),
		cmocka_unit_test(test_parse_syntax_error_position),
		cmocka_unit_test(test_parse_position_counts_characters),
		cmocka_unit_test(test_parse_trailing_garbage),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_trailing_comma),
		cmocka_unit_test(test_parse_bad_structure),
		cmocka_unit_test(test_parse_bad_literals),
		cmocka_unit_test(test_parse_bad_numbers),
		cmocka_unit_test(test_parse_number_too_long),
		cmocka_unit_test(test_parse_non_finite_number),
		cmocka_unit_test(test_parse_duplicate_key_top),
		cmocka_unit_test(test_parse_duplicate_key_nested),
		cmocka_unit_test(test_parse_duplicate_key_by_escape),
		cmocka_unit_test(test_parse_duplicate_key_large_object),
		cmocka_unit_test(test_parse_duplicate_key_shown_safely),
		cmocka_unit_test(test_parse_long_path_cut_short),
		cmocka_unit_test(test_parse_depth_limit),
		cmocka_unit_test(test_parse_deep_nesting_no_recursion),
		cmocka_unit_test(test_parse_depth_limit_too_large),
		cmocka_unit_test(test_parse_invalid_utf8),
		cmocka_unit_test(test_parse_nul_byte),
		cmocka_unit_test(test_parse_control_in_string),
		cmocka_unit_test(test_parse_bad_whitespace),
		cmocka_unit_test(test_parse_bom),
		cmocka_unit_test(test_parse_bad_escapes),
		cmocka_unit_test(test_parse_unpaired_surrogates),
		cmocka_unit_test(test_get_string),
		cmocka_unit_test(test_get_string_wrong),
		cmocka_unit_test(test_get_string_optional_absent),
		cmocka_unit_test(test_get_object),
		cmocka_unit_test(test_get_array),
		cmocka_unit_test(test_get_bool),
		cmocka_unit_test(test_get_int),
		cmocka_unit_test(test_get_int_wrong),
		cmocka_unit_test(test_get_int_exact_limit),
		cmocka_unit_test(test_only_keys),
		cmocka_unit_test(test_only_keys_case_sensitive),
		cmocka_unit_test(test_safe_text),
		cmocka_unit_test(test_buf_string_escapes),
		cmocka_unit_test(test_buf_string_roundtrip),
		cmocka_unit_test(test_buf_string_empty),
		cmocka_unit_test(test_buf_string_refuses_invalid_utf8),
		cmocka_unit_test(test_buf_string_refuses_nul),
		cmocka_unit_test(test_buf_string_cap_leaves_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

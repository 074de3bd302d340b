/* SPDX-License-Identifier: ISC */
/* The bounded CBOR reader and writer (RFC 8949). */
#include "tests/unit/testutil.h"

#include "common/buf.h"
#include "common/cbor.h"

static int
head(const char *bytes, size_t n, struct cbor_head *h)
{
	struct cbor_cur c;

	cbor_cur_init(&c, bytes, n);
	return cbor_read_head(&c, h);
}

static int
skip_all(const char *bytes, size_t n, unsigned depth)
{
	struct cbor_cur c;
	struct cbor_head h;

	cbor_cur_init(&c, bytes, n);
	if (cbor_read_head(&c, &h) == -1 || cbor_skip(&c, &h, depth, 64) == -1)
		return -1;
	return cbor_left(&c) == 0 ? 0 : 1;
}

static void
test_heads(void **state)
{
	struct cbor_head h;

	assert_int_equal(head("\x17", 1, &h), 0);
	assert_int_equal(h.major, CBOR_UINT);
	assert_int_equal(h.arg, 23);
	assert_int_equal(head("\x19\x01\x00", 3, &h), 0);
	assert_int_equal(h.arg, 256);
	assert_int_equal(head("\x1b\x00\x00\x01\x91\xcc\xeb\x42\x89", 9, &h), 0);
	assert_int_equal(h.arg, 0x191cceb4289ULL);
	assert_int_equal(head("\x38\x22", 2, &h), 0);
	assert_int_equal(h.major, CBOR_NINT);
	assert_int_equal(h.arg, 34);
	assert_int_equal(head("\xf6", 1, &h), 0);
	assert_int_equal(h.major, CBOR_SIMPLE);
	assert_int_equal(h.arg, CBOR_NULL);
	assert_int_equal(head("\xbf", 1, &h), 0);
	assert_true(h.indef);
	assert_int_equal(head("\xff", 1, &h), 0);
	assert_true(h.is_break);
}

static void
test_reserved_additional_info_rejected(void **state)
{
	struct cbor_head h;

	assert_int_equal(head("\x1c", 1, &h), -1);
	assert_int_equal(head("\x5d", 1, &h), -1);
	assert_int_equal(head("\xbe", 1, &h), -1);
}

static void
test_indefinite_not_allowed_for_ints_and_tags(void **state)
{
	struct cbor_head h;

	assert_int_equal(head("\x1f", 1, &h), -1);
	assert_int_equal(head("\x3f", 1, &h), -1);
	assert_int_equal(head("\xdf", 1, &h), -1);
}

static void
test_simple_below_32_in_two_bytes_rejected(void **state)
{
	struct cbor_head h;

	assert_int_equal(head("\xf8\x16", 2, &h), -1);
	assert_int_equal(head("\xf8\x20", 2, &h), 0);
}

static void
test_truncated_argument_rejected(void **state)
{
	struct cbor_head h;

	assert_int_equal(head("\x19\x01", 2, &h), -1);
	assert_int_equal(head("\x1b\x00\x00\x00", 4, &h), -1);
	assert_int_equal(head("", 0, &h), -1);
}

static void
test_string_length_beyond_input_rejected(void **state)
{
	struct cbor_cur c;
	struct cbor_head h;
	struct buf b;

	/* declares 0xffffffff bytes: checked before any allocation */
	cbor_cur_init(&c, "\x5a\xff\xff\xff\xff\x00", 6);
	assert_int_equal(cbor_read_head(&c, &h), 0);
	buf_init(&b, (size_t)-1 / 2);
	assert_int_equal(cbor_read_string(&c, &h, (size_t)-1 / 2, &b), -1);
	assert_null(b.data);
	buf_free(&b);
}

static void
test_string_over_max_rejected(void **state)
{
	struct cbor_cur c;
	struct cbor_head h;
	struct buf b;

	cbor_cur_init(&c, "\x43" "abc", 4);
	assert_int_equal(cbor_read_head(&c, &h), 0);
	buf_init(&b, 16);
	assert_int_equal(cbor_read_string(&c, &h, 2, &b), -1);
	buf_free(&b);
}

static void
test_indefinite_string_chunks(void **state)
{
	struct cbor_cur c;
	struct cbor_head h;
	struct buf b;

	cbor_cur_init(&c, "\x5f\x42" "ab" "\x41" "c" "\xff", 7);
	assert_int_equal(cbor_read_head(&c, &h), 0);
	buf_init(&b, 16);
	assert_int_equal(cbor_read_string(&c, &h, 16, &b), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "abc", 3);
	buf_free(&b);
	/* a text chunk inside a byte string */
	cbor_cur_init(&c, "\x5f\x62" "ab" "\xff", 5);
	assert_int_equal(cbor_read_head(&c, &h), 0);
	buf_init(&b, 16);
	assert_int_equal(cbor_read_string(&c, &h, 16, &b), -1);
	buf_free(&b);
	/* chunks adding up past max */
	cbor_cur_init(&c, "\x5f\x42" "ab" "\x42" "cd" "\xff", 8);
	assert_int_equal(cbor_read_head(&c, &h), 0);
	buf_init(&b, 16);
	assert_int_equal(cbor_read_string(&c, &h, 3, &b), -1);
	buf_free(&b);
	/* nested indefinite chunk */
	cbor_cur_init(&c, "\x5f\x5f\xff\xff", 4);
	assert_int_equal(cbor_read_head(&c, &h), 0);
	buf_init(&b, 16);
	assert_int_equal(cbor_read_string(&c, &h, 16, &b), -1);
	buf_free(&b);
	/* missing break */
	cbor_cur_init(&c, "\x5f\x41" "a", 3);
	assert_int_equal(cbor_read_head(&c, &h), 0);
	buf_init(&b, 16);
	assert_int_equal(cbor_read_string(&c, &h, 16, &b), -1);
	buf_free(&b);
}

static void
test_skip_nested(void **state)
{
	/* {"a": [1, {_ "b": h'00'}], "c": 1(2)} */
	static const char doc[] = "\xa2\x61" "a" "\x82\x01\xbf\x61" "b" "\x41\x00\xff"
	    "\x61" "c" "\xc1\x02";

	assert_int_equal(skip_all(doc, sizeof(doc) - 1, 8), 0);
	assert_int_equal(skip_all(doc, sizeof(doc) - 1, 2), -1);
}

static void
test_skip_depth_bomb(void **state)
{
	char bomb[200];

	memset(bomb, 0x81, sizeof(bomb));       /* [[[[...]]]] */
	bomb[sizeof(bomb) - 1] = 0x00;
	assert_int_equal(skip_all(bomb, sizeof(bomb), 8), -1);
	memset(bomb, 0x9f, sizeof(bomb));
	assert_int_equal(skip_all(bomb, sizeof(bomb), 8), -1);
}

static void
test_skip_count_beyond_input(void **state)
{
	/* an array declaring 2^32 items */
	assert_int_equal(skip_all("\x9a\xff\xff\xff\xff\x00", 6, 8), -1);
	/* a map missing its last value */
	assert_int_equal(skip_all("\xa1\x01", 2, 8), -1);
	/* indefinite map with a break where a value belongs */
	assert_int_equal(skip_all("\xbf\x01\xff", 3, 8), -1);
	/* break at top level */
	assert_int_equal(skip_all("\xff", 1, 8), -1);
}

static void
test_writer_minimal(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(cbor_put_uint(&b, 23), 0);
	assert_int_equal(cbor_put_uint(&b, 24), 0);
	assert_int_equal(cbor_put_uint(&b, 256), 0);
	assert_int_equal(cbor_put_int(&b, -35), 0);
	assert_int_equal(cbor_put_null(&b), 0);
	assert_int_equal(cbor_put_text(&b, "ab"), 0);
	assert_int_equal(cbor_put_uint(&b, 0x100000000ULL), 0);
	assert_int_equal(b.len, 1 + 2 + 3 + 2 + 1 + 3 + 9);
	assert_memory_equal(b.data, "\x17\x18\x18\x19\x01\x00\x38\x22\xf6\x62" "ab"
	    "\x1b\x00\x00\x00\x01\x00\x00\x00\x00", b.len);
	buf_free(&b);
}

static void
test_writer_cap(void **state)
{
	struct buf b;

	buf_init(&b, 4);
	assert_int_equal(cbor_put_bytes(&b, "abcd", 4), -1);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heads),
		cmocka_unit_test(test_reserved_additional_info_rejected),
		cmocka_unit_test(test_indefinite_not_allowed_for_ints_and_tags),
		cmocka_unit_test(test_simple_below_32_in_two_bytes_rejected),
		cmocka_unit_test(test_truncated_argument_rejected),
		cmocka_unit_test(test_string_length_beyond_input_rejected),
		cmocka_unit_test(test_string_over_max_rejected),
		cmocka_unit_test(test_indefinite_string_chunks),
		cmocka_unit_test(test_skip_nested),
		cmocka_unit_test(test_skip_depth_bomb),
		cmocka_unit_test(test_skip_count_beyond_input),
		cmocka_unit_test(test_writer_minimal),
		cmocka_unit_test(test_writer_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

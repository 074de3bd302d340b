/* SPDX-License-Identifier: ISC */
#include "tests/unit/testutil.h"

#include "common/buf.h"
#include "common/encode.h"

static void
test_hex_roundtrip(void **state)
{
	uint8_t in[3] = { 0x00, 0xab, 0xff }, out[3];
	char hex[7];

	hex_encode(in, 3, hex);
	assert_string_equal(hex, "00abff");
	assert_int_equal(hex_decode_exact("00ABff", 6, out, 3), 0);
	assert_memory_equal(in, out, 3);
}

static void
test_hex_bad(void **state)
{
	uint8_t out[2];

	assert_int_equal(hex_decode_exact("0g00", 4, out, 2), -1);
	assert_int_equal(hex_decode_exact("000", 3, out, 2), -1);
	assert_int_equal(hex_decode_exact("000000", 6, out, 2), -1);
}

static void
test_b64_roundtrip(void **state)
{
	const uint8_t in[] = "any carnal pleas";
	char enc[64];
	uint8_t dec[64];
	size_t n, i;

	for (i = 0; i <= 16; i++) {
		b64_encode(in, i, enc);
		assert_int_equal(strlen(enc), b64_encoded_len(i));
		assert_int_equal(b64_decode(enc, strlen(enc), dec, sizeof(dec), &n), 0);
		assert_int_equal(n, i);
		assert_memory_equal(dec, in, i);
	}
	b64_encode(in, 4, enc);
	assert_string_equal(enc, "YW55IA==");
}

static void
test_b64_unpadded_and_spaces(void **state)
{
	uint8_t dec[8];
	size_t n;

	assert_int_equal(b64_decode("YW55IA", 6, dec, sizeof(dec), &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(b64_decode("YW55\nIA==\n", 10, dec, sizeof(dec), &n), 0);
	assert_int_equal(n, 4);
}

static void
test_b64_bad(void **state)
{
	uint8_t dec[8];
	size_t n;

	assert_int_equal(b64_decode("YW5!", 4, dec, sizeof(dec), &n), -1);
	assert_int_equal(b64_decode("Y", 1, dec, sizeof(dec), &n), -1);
	assert_int_equal(b64_decode("YW==IA==", 8, dec, sizeof(dec), &n), -1);
	assert_int_equal(b64_decode("YW55IB==", 8, dec, sizeof(dec), &n), -1);
	assert_int_equal(b64_decode("YW55YW55YW55", 12, dec, 8, &n), -1);
	assert_int_equal(b64_decode("YW55I===", 8, dec, sizeof(dec), &n), -1);
}

static void
test_buf_cap(void **state)
{
	struct buf b;

	buf_init(&b, 4);
	assert_int_equal(buf_append(&b, "abc", 3), 0);
	assert_int_equal(buf_append(&b, "de", 2), -1);
	assert_int_equal(b.len, 3);
	assert_int_equal(buf_putc(&b, 'd'), 0);
	assert_string_equal((char *)b.data, "abcd");
	assert_int_equal(buf_printf(&b, "x"), -1);
	buf_free(&b);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_roundtrip),
		cmocka_unit_test(test_hex_bad),
		cmocka_unit_test(test_b64_roundtrip),
		cmocka_unit_test(test_b64_unpadded_and_spaces),
		cmocka_unit_test(test_b64_bad),
		cmocka_unit_test(test_buf_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
